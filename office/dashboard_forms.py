"""Forms of the dashboard, funnel, targets and monthly report: each turns a query string into
``DashboardFilters`` or a service call, with a Chinese message for every bad value."""

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banks.models import Institution
from core.forms import FilterForm, PortalFormMixin, WanField
from core.models import IndustryChain, IndustryCluster
from core.sizing import SizeClass

from .dashboard import DashboardFilters
from .models import TARGET_MAX_YEAR, TARGET_MIN_YEAR

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")
# Year choices reach back to the portal's first recorded meeting.
FIRST_YEAR = 2020


def _year_choices():
    this_year = timezone.localdate().year
    return [("", _("All years"))] + [(str(y), str(y)) for y in range(this_year, FIRST_YEAR - 1, -1)]


class MonthInput(forms.TextInput):
    input_type = "month"


class MonthField(forms.Field):
    """A month written 2026-03 (the browser's month picker sends this), as its first day."""

    widget = MonthInput
    default_error_messages = {"invalid": _("Enter a month such as 2026-03.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("placeholder", "2026-03")

    def prepare_value(self, value):
        return f"{value:%Y-%m}" if isinstance(value, dt.date) else value

    def to_python(self, value):
        value = (value or "").strip() if isinstance(value, str) else value
        if not value:
            return None
        match = MONTH_PATTERN.match(value) if isinstance(value, str) else None
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        year, month = int(match.group(1)), int(match.group(2))
        if not (FIRST_YEAR <= year <= TARGET_MAX_YEAR and 1 <= month <= 12):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return dt.date(year, month, 1)


class DashboardFilterForm(FilterForm):
    empty_choice_label = _("All")

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    month_from = MonthField(label=_("From month"))
    month_to = MonthField(label=_("To month"))
    chain = forms.ModelChoiceField(
        label=_("Industry chain"), queryset=IndustryChain.objects.all(), required=False
    )
    cluster = forms.ModelChoiceField(
        label=_("Industry cluster"), queryset=IndustryCluster.objects.all(), required=False
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.all(), required=False
    )
    size_class = forms.ChoiceField(
        label=_("Size class"), choices=[("", _("All")), *SizeClass.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices()
        for name in ("chain", "cluster", "institution"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "That choice is not one of the available ones."
            )
        self.fields["year"].error_messages["invalid_choice"] = _("Choose a year from the list.")
        self.fields["size_class"].error_messages["invalid_choice"] = _(
            "Choose a size class from the list."
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("month_from"), data.get("month_to")
        if start and end and start > end:
            self.add_error("month_to", _("The end month is before the start month."))
        return data

    def filters(self) -> DashboardFilters:
        """The filters of the valid fields (an invalid field is left out and named on the page)."""
        data = self.cleaned_data if self.is_bound else {}
        if self.is_bound and self.errors:
            data = {k: v for k, v in data.items() if k not in self.errors}
        start, end = data.get("month_from"), data.get("month_to")
        if "month_to" in self.errors:
            start = end = None
        if not start and not end and data.get("year"):
            start, end = dt.date(data["year"], 1, 1), dt.date(data["year"], 12, 1)
        return DashboardFilters(
            start=start,
            end=end,
            chain_id=data["chain"].pk if data.get("chain") else None,
            cluster_id=data["cluster"].pk if data.get("cluster") else None,
            institution_id=data["institution"].pk if data.get("institution") else None,
            size_class=data.get("size_class") or "",
        )


class AnnualTargetForm(PortalFormMixin, forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=TARGET_MIN_YEAR,
        max_value=TARGET_MAX_YEAR,
        error_messages={
            "invalid": _("Enter a year such as 2026."),
            "min_value": _("Enter a year such as 2026."),
            "max_value": _("Enter a year such as 2026."),
        },
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.filter(is_active=True),
        required=False,
        empty_label=_("Whole district"),
    )
    amount = WanField(label=_("Target (ten-thousand yuan)"), min_wan=0, max_wan=10**10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No institution means the district's own target, not a missing choice.
        self.fields["institution"].empty_label = _("Whole district")


class MonthlyReportForm(FilterForm):
    month = MonthField(label=_("Month"), required=True)
