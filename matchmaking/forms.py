from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PortalFormMixin

from .models import ScoringPolicy


class ScoringPolicyForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = ScoringPolicy
        fields = [
            "weight_amount",
            "weight_term",
            "weight_rate",
            "weight_policy",
            "weight_speed",
            "weight_response",
            "min_score",
            "top_k",
            "note",
        ]

    def clean(self):
        cleaned = super().clean()
        weights = [cleaned.get(f) or 0 for f in self.Meta.fields if f.startswith("weight_")]
        if not any(weights):
            raise forms.ValidationError(_("At least one weight must be above zero."))
        return cleaned
