from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DatePicker, PortalFormMixin
from matchmaking.models import ScoringPolicy


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


class VerificationDecisionForm(PortalFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the enterprise a reason for the rejection."))
        return cleaned


# The largest id the audit log stores (a PostgreSQL bigint); a larger number could match nothing
# and would overflow the query.
OBJECT_ID_MAX = 2**63 - 1


class AuditSearchForm(PortalFormMixin, forms.Form):
    """Search the audit log by object, actor and date."""

    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.IntegerField(
        label=_("Object number"), required=False, min_value=1, max_value=OBJECT_ID_MAX
    )
    actor = forms.CharField(label=_("By (username)"), required=False, max_length=150)
    date_from = forms.DateField(label=_("From"), required=False, widget=DatePicker())
    date_to = forms.DateField(label=_("To"), required=False, widget=DatePicker())

    def __init__(self, *args, object_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("Any")), *object_types]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned


class _LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class TalkPlanForm(PortalFormMixin, forms.Form):
    """Types only; the talks service checks the bounds."""

    starts_at = forms.DateTimeField(label=_("Talks start at"), widget=_LocalDateTimeInput())
    ends_at = forms.DateTimeField(label=_("Talks end at"), widget=_LocalDateTimeInput())
    slot_minutes = forms.IntegerField(label=_("Minutes per talk"), min_value=1, max_value=60)
    institution_capacity = forms.IntegerField(
        label=_("Talks per institution"), min_value=1, max_value=100
    )
    enterprise_capacity = forms.IntegerField(
        label=_("Talks per enterprise"), min_value=1, max_value=100
    )


class TalkSlotAddForm(PortalFormMixin, forms.Form):
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=None)
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=_LocalDateTimeInput())
    sub_venue = forms.ModelChoiceField(label=_("Venue"), queryset=None, required=False)

    def __init__(self, *args, institutions, enterprises, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        self.fields["enterprise"].queryset = enterprises
        self.fields["sub_venue"].queryset = venues


class TalkSlotMoveForm(PortalFormMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("New start"), widget=_LocalDateTimeInput())
    sub_venue = forms.ModelChoiceField(label=_("Venue"), queryset=None, required=False)

    def __init__(self, *args, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sub_venue"].queryset = venues


class PushNeedForm(PortalFormMixin, forms.Form):
    """Choose institutions to push an unserved need to (only those the enterprise allows)."""

    institutions = forms.ModelMultipleChoiceField(
        label=_("Institutions"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one institution.")},
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institutions"].queryset = institutions


# The default life of a share link: a month, one reporting cycle.
SHARE_LINK_DEFAULT_DAYS = 30


class ShareLinkForm(PortalFormMixin, forms.Form):
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=92, initial=SHARE_LINK_DEFAULT_DAYS
    )
    note = forms.CharField(label=_("Note (who receives it)"), required=False, max_length=100)
    # The period on the page when the link is made (hidden: the page's own period form sets it).
    date_from = forms.DateField(required=False, widget=forms.HiddenInput)
    date_to = forms.DateField(required=False, widget=forms.HiddenInput)


class RecommendationForm(PortalFormMixin, forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None)
    project = forms.ModelChoiceField(
        label=_("Key project (optional)"),
        queryset=None,
        required=False,
        help_text=_("Leave empty to recommend the whole enterprise."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, enterprises, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["project"].queryset = projects

    def clean(self):
        cleaned = super().clean()
        project, enterprise = cleaned.get("project"), cleaned.get("enterprise")
        if project and enterprise and project.enterprise_id != enterprise.pk:
            self.add_error("project", _("The project belongs to another enterprise."))
        return cleaned


class AdviserForm(PortalFormMixin, forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None)
    user = forms.ModelChoiceField(label=_("Adviser"), queryset=None)
    since = forms.DateField(label=_("Since"), widget=DatePicker())

    def __init__(self, *args, enterprises, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["user"].queryset = users
