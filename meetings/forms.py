from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CodeField, PortalFormMixin

from .models import CHECKIN_CODE_LENGTH, ReminderDelivery


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
