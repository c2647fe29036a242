"""The lead inbox's filters and sorting (django-filter), shared by the page and the API.

Every filter is a bounded form field: a value the field refuses (letters for a number, 1e999999,
NaN, an unknown choice, a NUL byte) is left out and named on the page, never sent to the database.
"""

from decimal import Decimal

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from banks.models import LoanProduct
from core.forms import FilterForm
from core.models import IndustryChain, IndustryCluster
from core.money import WAN
from core.sizing import SizeClass
from enterprises.models import FinancingNeed
from enterprises.selectors import recommended_q

from .models import Lead, overdue_leads_q

# Bounds of the number filters: a need is at most 1,000,000万元 (enterprises.forms) and a score is
# 0–100 with two decimals; a larger bound only lets a query overflow the numeric column.
AMOUNT_FILTER_MAX_WAN = Decimal(1_000_000)
AMOUNT_FILTER_DIGITS = {"max_digits": 13, "decimal_places": 6}
SCORE_FILTER_MAX = Decimal(100)
SCORE_FILTER_DIGITS = {"max_digits": 5, "decimal_places": 2}


class LeadFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Lead.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    chain = django_filters.ModelChoiceFilter(
        label=_("Industry chain"),
        field_name="need__enterprise__chain",
        queryset=IndustryChain.objects.all(),
    )
    cluster = django_filters.ModelChoiceFilter(
        label=_("Industry cluster"),
        field_name="need__enterprise__chain__cluster",
        queryset=IndustryCluster.objects.all(),
    )
    size_class = django_filters.ChoiceFilter(
        label=_("Size class"), field_name="need__enterprise__size_class", choices=SizeClass.choices
    )
    amount_min = django_filters.NumberFilter(
        label=_("Amount from (ten-thousand yuan)"),
        method="filter_amount_min",
        min_value=Decimal(0),
        max_value=AMOUNT_FILTER_MAX_WAN,
        **AMOUNT_FILTER_DIGITS,
    )
    amount_max = django_filters.NumberFilter(
        label=_("Amount to (ten-thousand yuan)"),
        method="filter_amount_max",
        min_value=Decimal(0),
        max_value=AMOUNT_FILTER_MAX_WAN,
        **AMOUNT_FILTER_DIGITS,
    )
    loan_kind = django_filters.ChoiceFilter(
        label=_("Loan kind"), field_name="need__loan_kind", choices=FinancingNeed.LoanKind.choices
    )
    product = django_filters.ModelChoiceFilter(
        label=_("Product"), queryset=LoanProduct.objects.none()
    )
    min_score = django_filters.NumberFilter(
        label=_("Minimum score"),
        field_name="score",
        lookup_expr="gte",
        min_value=Decimal(0),
        max_value=SCORE_FILTER_MAX,
        **SCORE_FILTER_DIGITS,
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )
    mine = django_filters.BooleanFilter(
        label=_("Assigned to me"), method="filter_mine", widget=forms.CheckboxInput
    )
    recommended = django_filters.BooleanFilter(
        label=_("Recommended by a bureau"), method="filter_recommended", widget=forms.CheckboxInput
    )
    unassigned = django_filters.BooleanFilter(
        label=_("Unassigned only"), method="filter_unassigned", widget=forms.CheckboxInput
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("score", "score"),
            ("contact_due_at", "due"),
            ("received_at", "received"),
            ("need__amount", "amount"),
        ),
        choices=[
            ("-score", _("Best match first")),
            ("due", _("Deadline soonest")),
            ("-received", _("Newest")),
            ("-amount", _("Largest amount")),
        ],
    )

    class Meta:
        model = Lead
        fields = []
        form = FilterForm

    def __init__(self, data=None, *args, officer, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.officer = officer
        self.filters["product"].queryset = LoanProduct.objects.filter(
            institution=officer.institution
        )
        for field in self.form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select form-select-sm"
            else:
                widget.attrs["class"] = "form-control form-control-sm"

    def filter_amount_min(self, queryset, name, value):
        return queryset.filter(need__amount__gte=value * WAN) if value is not None else queryset

    def filter_amount_max(self, queryset, name, value):
        return queryset.filter(need__amount__lte=value * WAN) if value is not None else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_leads_q()) if value else queryset

    def filter_mine(self, queryset, name, value):
        return queryset.filter(assigned_to=self.officer) if value else queryset

    def filter_recommended(self, queryset, name, value):
        return queryset.filter(recommended_q("need__")) if value else queryset

    def filter_unassigned(self, queryset, name, value):
        return queryset.filter(assigned_to__isnull=True) if value else queryset
