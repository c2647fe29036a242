from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PortalFormMixin, WanField
from core.models import IndustryChain
from core.reference import Collateral
from core.sizing import SizeClass

from .models import Institution, LoanProduct, Officer, PolicyTag

# The largest amount the catalogue can be asked about (万元): far above any loan product, and
# small enough that the query never overflows the database's numeric column.
CATALOGUE_MAX_AMOUNT_WAN = Decimal(100_000_000)


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


class CatalogueFilterForm(PortalFormMixin, forms.Form):
    """The public catalogue's filters: anything else in the query string is refused here, field
    by field, and the page is shown with the valid filters only."""

    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.filter(is_active=True), required=False
    )
    tag = forms.ChoiceField(label=_("Tag"), choices=PolicyTag.choices, required=False)
    product_type = forms.ChoiceField(
        label=_("Product type"), choices=LoanProduct.ProductType.choices, required=False
    )
    amount = WanField(
        label=_("Amount (ten-thousand yuan)"),
        required=False,
        min_wan=Decimal(0),
        max_wan=CATALOGUE_MAX_AMOUNT_WAN,
    )

    def filters(self) -> dict:
        """The valid filters, by name (an invalid one is left out)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class InviteOfficerForm(PortalFormMixin, forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Officer.Role.choices, initial=Officer.Role.OFFICER
    )
