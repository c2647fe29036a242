"""Forms of the meeting pages. They only translate input; the services hold the rules."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from banks.models import Institution, Officer
from core.forms import CodeField, DatePicker, FilterForm, PortalFormMixin
from core.models import IndustryChain, IndustryCluster
from core.text import normalise_width

from .models import (
    CHECKIN_CODE_LENGTH,
    Meeting,
    MeetingSeries,
    ReminderDelivery,
    SubVenue,
    validate_reminder_offsets,
)
from .selectors import enterprises_to_invite, presentable_needs, presentable_projects


class DateTimePicker(forms.DateTimeInput):
    """The browser's date-and-time picker (ISO, local time of the portal)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class TimePicker(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def _https_by_default(field, **kwargs):
    """Model fields as form fields; a link typed without a scheme is read as https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


def _active_institutions():
    return Institution.objects.filter(is_active=True).order_by("name")


class MeetingForm(PortalFormMixin, forms.ModelForm):
    SCOPE_THIS = "this"
    SCOPE_FOLLOWING = "following"

    scope = forms.ChoiceField(
        label=_("Apply the change to"),
        choices=[
            (SCOPE_THIS, _("This meeting only")),
            (SCOPE_FOLLOWING, _("This and the following meetings of the series")),
        ],
        initial=SCOPE_THIS,
        widget=forms.RadioSelect,
        required=False,
    )

    class Meta:
        model = Meeting
        formfield_callback = _https_by_default
        fields = [
            "title",
            "kind",
            "institution",
            "starts_at",
            "ends_at",
            "location",
            "online_link",
            "organiser_department",
            "capacity",
            "agenda",
        ]
        widgets = {
            "starts_at": DateTimePicker(),
            "ends_at": DateTimePicker(),
            "agenda": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = _active_institutions()
        self.fields["organiser_department"].choices = User.Department.choices
        self.fields["organiser_department"].required = True
        if not (self.instance.pk and self.instance.series_id):
            del self.fields["scope"]

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        if data.get("kind") == Meeting.Kind.BANK_EVENT and not data.get("institution"):
            self.add_error(
                "institution", _("A bank-specific event names the institution holding it.")
            )
        return data

    @property
    def following(self) -> bool:
        return self.cleaned_data.get("scope") == self.SCOPE_FOLLOWING


class SeriesForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = MeetingSeries
        formfield_callback = _https_by_default
        fields = [
            "title",
            "kind",
            "institution",
            "rule",
            "interval_weeks",
            "first_date",
            "start_time",
            "duration_minutes",
            "generate_until",
            "location",
            "online_link",
            "organiser_department",
            "capacity",
            "agenda",
        ]
        widgets = {
            "first_date": DatePicker(),
            "generate_until": DatePicker(),
            "start_time": TimePicker(),
            "agenda": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "interval_weeks": _("Only for a series every N weeks."),
            "generate_until": _("Meetings are created up to this date (at most two years)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = _active_institutions()
        self.fields["organiser_department"].choices = User.Department.choices
        self.fields["organiser_department"].required = True
        self.fields["duration_minutes"].min_value = 1

    def clean(self):
        data = super().clean()
        if data.get("rule") == MeetingSeries.Rule.EVERY_N_WEEKS and not data.get("interval_weeks"):
            self.add_error("interval_weeks", _("Say every how many weeks."))
        if data.get("kind") == Meeting.Kind.BANK_EVENT and not data.get("institution"):
            self.add_error(
                "institution", _("A bank-specific event names the institution holding it.")
            )
        return data


class ExtendSeriesForm(PortalFormMixin, forms.Form):
    generate_until = forms.DateField(label=_("Generate occurrences until"), widget=DatePicker())


class CancelForm(PortalFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200)


class VenueForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = SubVenue
        fields = ["name", "is_main", "location", "capacity", "position"]


class EnterprisePickForm(FilterForm):
    """Which enterprises the invitation page lists (a GET form)."""

    empty_choice_label = _("All")

    chain = forms.ModelChoiceField(
        label=_("Industry chain"),
        queryset=IndustryChain.objects.order_by("sort_order", "name"),
        required=False,
    )
    cluster = forms.ModelChoiceField(
        label=_("Industry cluster"), queryset=IndustryCluster.objects.all(), required=False
    )
    key_project = forms.BooleanField(label=_("Has a key project"), required=False)
    open_need = forms.BooleanField(label=_("Has an open financing need"), required=False)

    def enterprises(self):
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if not any(data.values()):
            return None
        return enterprises_to_invite(
            chain=data.get("chain"),
            cluster=data.get("cluster"),
            key_project=data.get("key_project", False),
            open_need=data.get("open_need", False),
            with_members=True,
        )


class InviteForm(PortalFormMixin, forms.Form):
    institutions = forms.ModelMultipleChoiceField(
        label=_("Institutions (all their officers)"),
        queryset=Institution.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    officers = forms.ModelMultipleChoiceField(
        label=_("Named officers"),
        queryset=Officer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    enterprises = forms.ModelMultipleChoiceField(
        label=_("Enterprises (all their members)"),
        help_text=_("Only enterprises with members in the portal are listed."),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    government_users = forms.ModelMultipleChoiceField(
        label=_("Government staff"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institutions"].queryset = _active_institutions()
        self.fields["officers"].queryset = (
            Officer.objects.filter(is_active=True, institution__is_active=True)
            .select_related("user", "institution")
            .order_by("institution__name", "user__username")
        )
        self.fields["officers"].label_from_instance = lambda o: f"{o.institution} · {o.user}"
        self.fields["government_users"].queryset = User.objects.filter(
            role=User.Role.GOVERNMENT, is_active=True
        ).order_by("department", "username")
        self.fields["enterprises"].queryset = (
            enterprises if enterprises is not None else enterprises_to_invite().none()
        )

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in self.fields):
            raise forms.ValidationError(_("Choose at least one institution, person or enterprise."))
        return data


class PresentForm(PortalFormMixin, forms.Form):
    need = forms.ModelChoiceField(label=_("Financing need"), queryset=None, required=False)
    project = forms.ModelChoiceField(label=_("Key project"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = presentable_needs()
        self.fields["need"].label_from_instance = lambda n: f"{n.enterprise.name} · {n.purpose}"
        self.fields["project"].queryset = presentable_projects()
        self.fields["project"].label_from_instance = lambda p: f"{p.enterprise.name} · {p.name}"

    def clean(self):
        data = super().clean()
        if bool(data.get("need")) == bool(data.get("project")):
            raise forms.ValidationError(_("Choose either a financing need or a key project."))
        return data


class AnswerForm(PortalFormMixin, forms.Form):
    ATTEND, DECLINE = "attend", "decline"

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(ATTEND, _("I will attend")), (DECLINE, _("I cannot attend"))],
        widget=forms.RadioSelect,
    )
    sub_venue = forms.ModelChoiceField(label=_("Venue"), queryset=None, required=False)
    substitute_name = forms.CharField(
        label=_("Substitute attending instead (if you cannot attend)"),
        max_length=50,
        required=False,
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        venues = meeting.sub_venues.order_by("position", "id")
        self.fields["sub_venue"].queryset = venues
        if not venues.exists():
            del self.fields["sub_venue"]

    @property
    def attend(self) -> bool:
        return self.cleaned_data["answer"] == self.ATTEND


# "7天", "2小时", "30分钟", "7d", "2h", "30m": a whole number and a unit.
_OFFSET = re.compile(r"^(\d+)\s*(天|日|d|小时|时|h|分钟|分|m|min)$", re.IGNORECASE)
_UNIT_MINUTES = {
    "天": 24 * 60,
    "日": 24 * 60,
    "d": 24 * 60,
    "小时": 60,
    "时": 60,
    "h": 60,
    "分钟": 1,
    "分": 1,
    "m": 1,
    "min": 1,
}


def offsets_as_text(minutes: list[int]) -> str:
    """The stored minutes as the field shows them, in the page's language and in units the field
    reads back: "7天, 1天, 2小时" in Chinese, "7d, 1d, 2h" in English."""
    # Translators: units of reminder times typed as "7天, 1天, 2小时"; keep 天/小时/分钟 (the
    # field reads those and d/h/min only).
    day, hour, minute = gettext("d"), gettext("h"), gettext("min")
    parts = []
    for value in sorted(minutes, reverse=True):
        if value % (24 * 60) == 0:
            parts.append(f"{value // (24 * 60)}{day}")
        elif value % 60 == 0:
            parts.append(f"{value // 60}{hour}")
        else:
            parts.append(f"{value}{minute}")
    return ", ".join(parts)


class ReminderOffsetsField(forms.CharField):
    """Reminder times typed as "7天, 1天, 2小时" (or 7d, 1d, 2h), stored as minutes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Reminder times"))
        kwargs.setdefault(
            "help_text",
            _(
                "Before the start, separated by commas, e.g. 7天, 1天, 2小时 (days, hours, minutes)."
            ),
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return offsets_as_text(value)
        return value

    def to_python(self, value):
        text = normalise_width(super().to_python(value) or "")
        minutes = []
        for token in re.split(r"[,，、;；\s]+", text.strip()):
            if not token:
                continue
            match = _OFFSET.match(token)
            if match is None:
                raise ValidationError(
                    _("“%(token)s” is not a time like 7天, 2小时 or 30分钟.") % {"token": token}
                )
            minutes.append(int(match[1]) * _UNIT_MINUTES[match[2].lower()])
        return minutes

    def validate(self, value):
        super().validate(value)
        validate_reminder_offsets(value)


class CheckInForm(PortalFormMixin, forms.Form):
    code = CodeField(
        label=_("Check-in code"),
        max_length=CHECKIN_CODE_LENGTH + 4,  # room for spaces or a dash typed in the middle
        error_messages={"required": _("Type the code from the invitation.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "class": "portal-checkin-code",
            }
        ),
    )


class DeliveryFilterForm(PortalFormMixin, forms.Form):
    empty_choice_label = _("All")

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), *ReminderDelivery.Status.choices],
        required=False,
    )


class ReminderOffsetsForm(PortalFormMixin, forms.Form):
    reminder_offsets = ReminderOffsetsField()
