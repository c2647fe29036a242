from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PortalFormMixin

from .models import ScoringPolicy


class ScoringPolicyForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = ScoringPolicy
        fields = [*ScoringPolicy.EDITABLE_FIELDS, "note"]

    def clean(self):
        cleaned = super().clean()
        weights = [cleaned.get(f) or 0 for f in ScoringPolicy.WEIGHT_FIELDS]
        if not any(weights):
            raise forms.ValidationError(_("At least one weight must be above zero."))
        return cleaned


class ProductReviewForm(PortalFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish")), ("return", _("Return for changes"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the institution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say what the institution should change."))
        return cleaned
