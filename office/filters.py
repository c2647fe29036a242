"""Filters of the finance office's lists (django-filter). Every parameter is a bounded form field:
a value the field refuses is left out and named on the page, never sent to the database."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from banks.models import Institution
from core.forms import DatePicker, FilterForm
from core.models import IndustryChain
from core.sizing import SizeClass
from enterprises.models import Enterprise, FinancingNeed, Recommendation
from enterprises.selectors import recommended_q
from leads.models import Lead, LoanAgreement, overdue_leads_q
from meetings.models import Meeting

from .lists_selectors import Unserved

# A search term longer than this finds nothing a name or code could hold.
SEARCH_MAX_LENGTH = 100


class _StyledFilterSet(django_filters.FilterSet):
    class Meta:
        form = FilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select form-select-sm"
            else:
                widget.attrs["class"] = "form-control form-control-sm"


def _search(label=None):
    return django_filters.CharFilter(
        label=label or _("Search"), method="filter_search", max_length=SEARCH_MAX_LENGTH
    )


class EnterpriseFilter(_StyledFilterSet):
    q = _search(_("Name or credit code"))
    verification_status = django_filters.ChoiceFilter(
        label=_("Verification"), choices=Enterprise.VerificationStatus.choices
    )
    chain = django_filters.ModelChoiceFilter(
        label=_("Industry chain"), queryset=IndustryChain.objects.all()
    )
    size_class = django_filters.ChoiceFilter(label=_("Size class"), choices=SizeClass.choices)
    recommended = django_filters.BooleanFilter(
        label=_("Recommended only"), method="filter_recommended", widget=forms.CheckboxInput
    )

    class Meta(_StyledFilterSet.Meta):
        model = Enterprise
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=value))

    def filter_recommended(self, queryset, name, value):
        if not value:
            return queryset
        active = Recommendation.objects.filter(enterprise=OuterRef("pk"), withdrawn_at__isnull=True)
        return queryset.filter(Exists(active))


NEED_STATUSES = [c for c in FinancingNeed.Status.choices if c[0] != FinancingNeed.Status.DRAFT]


class NeedFilter(_StyledFilterSet):
    q = _search(_("Enterprise or purpose"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=NEED_STATUSES)
    chain = django_filters.ModelChoiceFilter(
        label=_("Industry chain"),
        field_name="enterprise__chain",
        queryset=IndustryChain.objects.all(),
    )
    size_class = django_filters.ChoiceFilter(
        label=_("Size class"), field_name="enterprise__size_class", choices=SizeClass.choices
    )
    loan_kind = django_filters.ChoiceFilter(
        label=_("Loan kind"), choices=FinancingNeed.LoanKind.choices
    )
    recommended = django_filters.BooleanFilter(
        label=_("Recommended by a bureau"),
        method="filter_recommended",
        widget=forms.CheckboxInput,
    )
    submitted_from = django_filters.DateFilter(
        label=_("Submitted from"),
        field_name="submitted_at",
        lookup_expr="date__gte",
        widget=DatePicker(),
    )
    submitted_to = django_filters.DateFilter(
        label=_("Submitted to"),
        field_name="submitted_at",
        lookup_expr="date__lte",
        widget=DatePicker(),
    )

    class Meta(_StyledFilterSet.Meta):
        model = FinancingNeed
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(enterprise__name__icontains=value) | Q(purpose__icontains=value))

    def filter_recommended(self, queryset, name, value):
        return queryset.filter(recommended_q()) if value else queryset


class OfficeLeadFilter(_StyledFilterSet):
    q = _search(_("Enterprise or purpose"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Lead.Status.choices)
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"), queryset=Institution.objects.order_by("name")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )
    pushed = django_filters.BooleanFilter(
        label=_("Pushed by the finance office"),
        field_name="pushed_at",
        lookup_expr="isnull",
        exclude=True,
        widget=forms.CheckboxInput,
    )

    class Meta(_StyledFilterSet.Meta):
        model = Lead
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(need__enterprise__name__icontains=value) | Q(need__purpose__icontains=value)
        )

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_leads_q()) if value else queryset


class AgreementFilter(_StyledFilterSet):
    q = _search(_("Enterprise or contract number"))
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"), queryset=Institution.objects.order_by("name")
    )
    meeting = django_filters.ModelChoiceFilter(
        label=_("Meeting"), queryset=Meeting.objects.order_by("-starts_at")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["meeting"].label_from_instance = lambda meeting: meeting.choice_label

    purpose = django_filters.ChoiceFilter(
        label=_("Loan kind"), choices=LoanAgreement.Purpose.choices
    )
    signed_from = django_filters.DateFilter(
        label=_("Signed from"), field_name="signed_on", lookup_expr="gte", widget=DatePicker()
    )
    signed_to = django_filters.DateFilter(
        label=_("Signed to"), field_name="signed_on", lookup_expr="lte", widget=DatePicker()
    )
    include_voided = django_filters.BooleanFilter(
        label=_("Include voided"), method="filter_voided", widget=forms.CheckboxInput
    )

    class Meta(_StyledFilterSet.Meta):
        model = LoanAgreement
        fields = []

    def filter_queryset(self, queryset):
        # Voided agreements leave every total, so the list hides them unless asked.
        if not self.form.cleaned_data.get("include_voided"):
            queryset = queryset.filter(voided_at__isnull=True)
        return super().filter_queryset(queryset)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(lead__need__enterprise__name__icontains=value) | Q(contract_number__icontains=value)
        )

    def filter_voided(self, queryset, name, value):
        return queryset


class UnservedFilterForm(FilterForm):
    reason = forms.ChoiceField(
        label=_("Why"),
        required=False,
        choices=[
            ("", _("Any reason")),
            (Unserved.OVERDUE, _("No first contact after the deadline")),
            (Unserved.DECLINED, _("Declined by every institution")),
            (Unserved.NO_MATCH, _("No match at all")),
        ],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class PeriodForm(FilterForm):
    date_from = forms.DateField(label=_("From"), required=False, widget=DatePicker())
    date_to = forms.DateField(label=_("To"), required=False, widget=DatePicker())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned
