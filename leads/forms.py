"""Forms for the officer's steps on a lead and for signing."""

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banks.models import Officer
from core.forms import CodeField, DatePicker, PortalFormMixin, WanField
from meetings.models import Meeting, SubVenue

from .models import AgreementCorrection, Lead, LoanAgreement


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
    """Types only: every bound (amount, rate, term, date, a large amount's confirmation) is the
    signing service's, so the page shows the service's field-level refusal."""

    amount = WanField(label=_("Amount (ten-thousand yuan)"))
    rate = forms.DecimalField(label=_("Annual rate (%)"))
    term_months = forms.IntegerField(label=_("Term (months)"))
    confirmed_large_amount = forms.BooleanField(
        label=_("I confirm this amount"),
        required=False,
        help_text=_(
            "Needed when the amount is far above what the enterprise asked for or above the "
            "product's maximum."
        ),
    )

    class Meta:
        model = LoanAgreement
        fields = [
            "amount",
            "rate",
            "term_months",
            "signed_on",
            "contract_number",
            "purpose",
            "security",
            "first_loan",
            "meeting",
            "sub_venue",
        ]
        widgets = {"signed_on": DatePicker()}
        labels = {"rate": _("Annual rate (%)"), "term_months": _("Term (months)")}
        field_classes = {"contract_number": CodeField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting_field = self.fields["meeting"]
        meeting_field.queryset = Meeting.objects.exclude(status=Meeting.Status.CANCELLED).order_by(
            "-starts_at"
        )
        meeting_field.required = False
        meeting_field.label_from_instance = lambda meeting: meeting.choice_label
        meeting_field.empty_label = _("Not signed at a meeting")
        # Choosing a meeting reloads the venue list with that meeting's venues only.
        meeting_field.widget.attrs.update(
            {
                "hx-get": reverse_lazy("banks:sign_venues"),
                "hx-target": "#sign-venue-field",
                "hx-swap": "outerHTML",
                "hx-trigger": "change",
            }
        )
        self._limit_venues_to_meeting(meeting_field.queryset)
        self.fields["signed_on"].initial = timezone.localdate()
        # Preselected with the commonest answer; an omitted value takes the model's default.
        for name in ("purpose", "security"):
            field = self.fields[name]
            field.required = False
            field.initial = LoanAgreement._meta.get_field(name).default
            field.choices = [c for c in field.choices if c[0]]

    def _chosen_meeting_id(self) -> int | None:
        value = self.data.get(self.add_prefix("meeting")) if self.is_bound else None
        if value is None:
            value = self.initial.get("meeting")
        value = getattr(value, "pk", value)
        try:
            number = int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None
        # A number no meeting can have (PostgreSQL ids are 32-bit here) is no choice.
        return number if number is not None and 0 < number < 2**31 else None

    def _limit_venues_to_meeting(self, meetings) -> None:
        """Only venues of the chosen meeting, grouped under its title; before a meeting is chosen
        every meeting's venues, grouped, so the list reads without scripts too."""
        field = self.fields["sub_venue"]
        field.required = False
        venues = SubVenue.objects.filter(meeting__in=meetings).select_related("meeting")
        chosen = self._chosen_meeting_id()
        if chosen is not None:
            venues = venues.filter(meeting_id=chosen)
        field.queryset = venues.order_by("-meeting__starts_at", "position", "id")

        def grouped():
            # Called when the select is drawn, so a page that does not show the form pays no
            # query for it.
            groups: dict[Meeting, list] = {}
            for venue in field.queryset:
                groups.setdefault(venue.meeting, []).append((venue.pk, venue.name))
            return [
                ("", _("No particular venue")),
                *[(meeting.choice_label, options) for meeting, options in groups.items()],
            ]

        field.choices = grouped

    def clean_purpose(self):
        return self.cleaned_data["purpose"] or LoanAgreement.Purpose.NEW

    def clean_security(self):
        return self.cleaned_data["security"] or LoanAgreement.Security.CREDIT

    def _post_clean(self):
        # The agreement is built by the signing service, which checks the contract number.
        pass


class DisbursementForm(PortalFormMixin, forms.Form):
    """Types only; the disbursement service checks the total and the date."""

    amount = WanField(label=_("Amount paid out (ten-thousand yuan)"))
    disbursed_on = forms.DateField(label=_("Paid out on"), widget=DatePicker())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["disbursed_on"].initial = timezone.localdate()


class AgreementCorrectionForm(PortalFormMixin, forms.Form):
    """Types only; the correction service checks the bounds and who may ask."""

    kind = forms.ChoiceField(label=_("Request"), choices=AgreementCorrection.Kind.choices)
    amount = WanField(label=_("Corrected amount (ten-thousand yuan)"), required=False)
    rate = forms.DecimalField(label=_("Corrected annual rate (%)"), required=False)
    term_months = forms.IntegerField(label=_("Corrected term (months)"), required=False)
    signed_on = forms.DateField(
        label=_("Corrected signing date"), required=False, widget=DatePicker()
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class CorrectionDecisionForm(PortalFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class NeedReplyForm(PortalFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
