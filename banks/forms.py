from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import DatePicker, PortalFormMixin
from enterprises.forms import WanField
from enterprises.models import Collateral, IndustryChain
from enterprises.sizing import SizeClass
from matchmaking.models import Lead, LoanAgreement, Meeting

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


class NoteForm(PortalFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class RequiredNoteForm(NoteForm):
    note = forms.CharField(
        label=_("What do you need from the enterprise?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )


class DeclineForm(PortalFormMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Lead.DeclineReason.choices)
    note = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("reason") == Lead.DeclineReason.OTHER
            and not cleaned.get("note", "").strip()
        ):
            self.add_error("note", _("Explain the reason in a few words."))
        return cleaned


class AssignForm(PortalFormMixin, forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=Officer.objects.none())

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = Officer.objects.filter(
            institution=institution, is_active=True
        ).select_related("user")


class SignForm(PortalFormMixin, forms.ModelForm):
    amount = WanField(label=_("Amount (ten-thousand yuan)"), min_wan=Decimal("0.000001"))

    class Meta:
        model = LoanAgreement
        fields = ["amount", "rate", "term_months", "signed_on", "contract_number", "meeting"]
        widgets = {"signed_on": DatePicker()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.exclude(
            status=Meeting.Status.CANCELLED
        ).order_by("-starts_at")
        self.fields["meeting"].required = False
        self.fields["signed_on"].initial = timezone.localdate()

    def clean_signed_on(self):
        value = self.cleaned_data["signed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The signing date cannot be in the future."))
        return value

    def _post_clean(self):
        # The agreement is built by the signing service, which checks the contract number.
        pass


class InviteOfficerForm(PortalFormMixin, forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Officer.Role.choices, initial=Officer.Role.OFFICER
    )
