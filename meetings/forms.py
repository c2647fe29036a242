import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import CodeField, PortalFormMixin
from core.text import normalise_width

from .models import CHECKIN_CODE_LENGTH, ReminderDelivery, validate_reminder_offsets

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
    """The stored minutes as the field shows them: "7天, 1天, 2小时"."""
    parts = []
    for value in sorted(minutes, reverse=True):
        if value % (24 * 60) == 0:
            parts.append(f"{value // (24 * 60)}天")
        elif value % 60 == 0:
            parts.append(f"{value // 60}小时")
        else:
            parts.append(f"{value}分钟")
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
