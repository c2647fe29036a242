from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PortalFormMixin, WanField
from core.models import IndustryChain
from core.reference import Collateral
from core.sizing import SizeClass

from .models import LoanProduct, Officer, PolicyTag


class LoanProductForm(PortalFormMixin, forms.ModelForm):
    min_amount = WanField(label=_("Minimum amount (ten-thousand yuan)"), min_wan=Decimal(0))
    max_amount = WanField(label=_("Maximum amount (ten-thousand yuan)"), min_wan=Decimal(0))
    tags = forms.MultipleChoiceField(
        label=_("Kind and policy tags"),
        choices=PolicyTag.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    eligible_size_classes = forms.MultipleChoiceField(
        label=_("Eligible size classes"),
        choices=SizeClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every size class."),
    )
    accepted_collateral = forms.MultipleChoiceField(
        label=_("Accepted collateral"),
        choices=Collateral.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty if no collateral is required."),
    )
    eligible_chains = forms.ModelMultipleChoiceField(
        label=_("Eligible industry chains"),
        queryset=IndustryChain.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every chain."),
    )

    class Meta:
        model = LoanProduct
        fields = [
            "name",
            "product_type",
            "tags",
            "min_amount",
            "max_amount",
            "min_term_months",
            "max_term_months",
            "min_rate",
            "max_rate",
            "eligible_size_classes",
            "eligible_chains",
            "accepted_collateral",
            "typical_approval_days",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        cleaned = super().clean()
        for field, message in LoanProduct.range_errors(cleaned).items():
            self.add_error(field, message)
        return cleaned

    def _post_clean(self):
        # Range checks are stated above with field-level messages; the model's own clean() would
        # repeat them as a second message.
        pass


class InviteOfficerForm(PortalFormMixin, forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Officer.Role.choices, initial=Officer.Role.OFFICER
    )
