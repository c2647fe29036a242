"""Forms for the officer's steps on a lead and for signing."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banks.models import Officer
from core.forms import CodeField, DatePicker, PortalFormMixin, WanField
from meetings.models import Meeting

from .models import Lead, LoanAgreement


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
        field_classes = {"contract_number": CodeField}

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
