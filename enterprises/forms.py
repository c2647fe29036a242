from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banks.models import Institution
from core.forms import CodeField, DatePicker, PhoneField, PortalFormMixin, WanField
from core.uscc import compact_uscc, validate_uscc

from .models import (
    Collateral,
    Enterprise,
    FinancingNeed,
    IndustryChain,
    Project,
)


class EnterpriseFiguresMixin(forms.ModelForm):
    revenue = WanField(
        label=_("Operating revenue (ten-thousand yuan)"),
        required=False,
        min_wan=Decimal(0),
        help_text=_("Last full year; used for the size class."),
    )
    total_assets = WanField(
        label=_("Total assets (ten-thousand yuan)"), required=False, min_wan=Decimal(0)
    )

    def clean_figures_as_of(self):
        value = self.cleaned_data.get("figures_as_of")
        if value and value > timezone.localdate():
            raise ValidationError(_("The figures cannot refer to a future date."), code="future")
        return value


ENTERPRISE_FIELDS = [
    "name",
    "credit_code",
    "legal_representative",
    "industry",
    "chain",
    "town",
    "address",
    "employees",
    "revenue",
    "total_assets",
    "figures_as_of",
    "contact_name",
    "contact_phone",
    "contact_email",
]


class EnterpriseRegistrationForm(PortalFormMixin, EnterpriseFiguresMixin):
    """The enterprise half of the registration page."""

    class Meta:
        model = Enterprise
        fields = ENTERPRISE_FIELDS
        widgets = {"figures_as_of": DatePicker()}
        labels = {"employees": _("Employees (persons)")}
        field_classes = {"credit_code": CodeField, "contact_phone": PhoneField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chain"].queryset = IndustryChain.objects.select_related("cluster")
        for name in ("employees", "revenue", "figures_as_of", "contact_name", "contact_phone"):
            self.fields[name].required = True
        self.fields["credit_code"].validators = []  # checked in clean_credit_code with its message
        self.fields["credit_code"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "maxlength": 24}
        )

    def clean_credit_code(self):
        value = self.cleaned_data["credit_code"]
        validate_uscc(value)
        code = compact_uscc(value)
        if Enterprise.objects.filter(credit_code=code).exists():
            raise ValidationError(
                _(
                    "This enterprise is already registered. Please ask its administrator to "
                    "invite you from the enterprise's member page."
                ),
                code="registered",
            )
        return code

    def validate_unique(self):
        # The credit code's uniqueness is checked above with a helpful message.
        pass


class EnterpriseProfileForm(PortalFormMixin, EnterpriseFiguresMixin):
    """Editing the profile; the credit code and name are fixed once registered."""

    class Meta:
        model = Enterprise
        fields = [f for f in ENTERPRISE_FIELDS if f not in {"credit_code", "name"}]
        widgets = {"figures_as_of": DatePicker()}
        labels = {"employees": _("Employees (persons)")}
        field_classes = {"contact_phone": PhoneField}


class ProjectForm(PortalFormMixin, forms.ModelForm):
    total_investment = WanField(label=_("Total investment (ten-thousand yuan)"), min_wan=Decimal(0))

    class Meta:
        model = Project
        fields = ["name", "chain", "total_investment", "stage", "start_date", "description"]
        widgets = {
            "start_date": DatePicker(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class FinancingNeedForm(PortalFormMixin, forms.ModelForm):
    amount = WanField(
        label=_("Amount (ten-thousand yuan)"),
        min_wan=Decimal(1),
        max_wan=Decimal(1_000_000),
        help_text=_("For example 500 means 5 million yuan."),
    )
    collateral = forms.MultipleChoiceField(
        label=_("Collateral offered"),
        choices=Collateral.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty if you can offer none (credit loans only)."),
    )
    allowed_institutions = forms.ModelMultipleChoiceField(
        label=_("Chosen institutions"),
        queryset=Institution.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = FinancingNeed
        fields = [
            "amount",
            "term_months",
            "purpose",
            "loan_kind",
            "collateral",
            "max_rate",
            "needed_by",
            "project",
            "description",
            "visibility",
            "allowed_institutions",
        ]
        widgets = {
            "needed_by": DatePicker(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "max_rate": _("Annual percentage, e.g. 4.35."),
            "term_months": _("Between 1 and 360 months."),
        }

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(
            enterprise=enterprise, archived_at__isnull=True
        )
        self.fields["max_rate"].required = True
        self.fields["needed_by"].required = True

    def clean_needed_by(self):
        value = self.cleaned_data.get("needed_by")
        if value and value < timezone.localdate():
            raise ValidationError(_("The date cannot be in the past."), code="past")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("visibility") == FinancingNeed.Visibility.CHOSEN and not cleaned.get(
            "allowed_institutions"
        ):
            self.add_error(
                "allowed_institutions",
                _("Choose at least one institution, or let all matched institutions see it."),
            )
        return cleaned


class InviteColleagueForm(PortalFormMixin, forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail"))
