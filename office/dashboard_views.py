"""The finance office's dashboard, funnel, annual targets and monthly report (government staff
see them; only the finance office sets targets). Views translate; figures come from
``office.dashboard``, writes go through ``office.services``."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.context_processors import portal
from accounts.permissions import government_required
from core.errors import ServiceError
from core.exports import FORMATS, Column, Sheet, export_response, workbook_response
from core.views import show_filter_errors, show_refusal
from leads.selectors import counted_agreements

from . import services
from .dashboard import (
    DashboardFilters,
    Table,
    annual_targets_list,
    dashboard_figures,
    funnel_figures,
    summary_token,
)
from .dashboard_forms import AnnualTargetForm, DashboardFilterForm, MonthlyReportForm


def _filter_form(request) -> DashboardFilterForm:
    query = request.GET.copy()
    for name in ("format", "table", "page"):
        query.pop(name, None)
    form = DashboardFilterForm(query or None)
    show_filter_errors(request, form)
    return form


def _filters(form: DashboardFilterForm) -> DashboardFilters:
    if form.is_bound:
        form.is_valid()
    return form.filters()


def _table_columns(table: Table) -> list[Column]:
    columns = [
        Column(str(table.dimension), width=28),
        Column(_("Number of agreements"), Column.INT),
        Column(_("Signed amount"), Column.WAN),
        Column(_("Share of amount"), Column.PERCENT),
    ]
    if table.with_targets:
        columns += [
            Column(_("Annual target"), Column.WAN),
            Column(_("Progress this year"), Column.PERCENT),
        ]
    return columns


def _table_rows(table: Table):
    for row in table.rows:
        values = [row.label, row.count, row.amount, row.share]
        if table.with_targets:
            values += [row.target, row.progress]
        yield values


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


# A whole rendered dashboard is kept this long at most (its key changes with the figures).
PAGE_SECONDS = 10 * 60


def _page_key(request, token: str | None) -> str | None:
    """The cache key of this person's rendered dashboard, or None when the page must be
    rendered: no summary token yet, no CSRF cookie yet (rendering sets it), or messages waiting.
    The key holds everything the page shows besides the figures: the person and their settings,
    the navigation bar's role and unread count, the language, the query, the month (the report
    link) and the CSRF secret the page's forms carry."""
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if not token or not csrf_cookie or len(messages.get_messages(request)):
        return None
    user = request.user
    nav = portal(request)
    parts = (
        token,
        translation.get_language(),
        request.get_full_path(),
        user.pk,
        user.get_username(),
        user.large_text,
        user.is_finance_office,
        nav.get("nav_role"),
        nav.get("unread_notices"),
        timezone.localdate().strftime("%Y-%m"),
        csrf_cookie,
    )
    return "office:dashboard_page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


@government_required
def dashboard(request):
    fmt = request.GET.get("format")
    token = summary_token()
    page_key = _page_key(request, token) if fmt is None else None
    if page_key:
        page = cache.get(page_key)
        if page is not None:
            return HttpResponse(page)
    form = _filter_form(request)
    filters = _filters(form)
    if fmt is not None:
        figures = dashboard_figures(filters)
        if fmt not in FORMATS:
            raise Http404
        table = next((t for t in figures["tables"] if t.key == request.GET.get("table")), None)
        if table is None:
            raise Http404
        return export_response(
            fmt,
            filename=f"signed-{table.key}",
            title=_("Signed loans · %(table)s") % {"table": table.title},
            columns=_table_columns(table),
            rows=_table_rows(table),
        )
    response = render(
        request,
        "office/dashboard.html",
        {
            "form": form,
            # Computed only when the page's cached body is missing (the template's cache tag).
            "figures": SimpleLazyObject(lambda: dashboard_figures(filters)),
            "token": token,
            "query": _query_without(request, "format", "table"),
            "last_month": (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime(
                "%Y-%m"
            ),
        },
    )
    # A page that showed messages (a refused filter) is not kept: it would show them again.
    if page_key and not form.errors:
        cache.set(page_key, response.content, PAGE_SECONDS)
    return response


FUNNEL_COLUMNS = [
    Column(gettext_lazy("Step"), width=24),
    Column(gettext_lazy("Needs"), Column.INT),
    Column(gettext_lazy("Amount"), Column.WAN),
    Column(gettext_lazy("Conversion from the step before"), Column.PERCENT),
    Column(gettext_lazy("Median working days from the step before"), Column.DECIMAL),
]


def _funnel_rows(steps):
    return ([s.label, s.count, s.amount, s.conversion, s.median_days] for s in steps)


@government_required
def funnel(request):
    form = _filter_form(request)
    steps = funnel_figures(_filters(form))
    fmt = request.GET.get("format")
    if fmt is not None:
        return export_response(
            fmt,
            filename="funnel",
            title=_("Needs funnel"),
            columns=FUNNEL_COLUMNS,
            rows=_funnel_rows(steps),
        )
    chart = {
        "labels": [s.label for s in steps],
        "counts": [s.count for s in steps],
    }
    return render(
        request,
        "office/funnel.html",
        {
            "form": form,
            "steps": steps,
            "chart": chart,
            "query": _query_without(request, "format", "table"),
        },
    )


# Twenty years of a district with a dozen institutions.
TARGETS_SHOWN = 300


@government_required
def annual_targets(request):
    """Bureaus see the targets; the finance office sets them (the service checks)."""
    form = AnnualTargetForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            services.annual_target_set(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("Target saved."))
            return redirect("office:annual_targets")
    targets = annual_targets_list(limit=TARGETS_SHOWN)
    return render(request, "office/annual_targets.html", {"form": form, "targets": targets})


AGREEMENT_COLUMNS = [
    Column(gettext_lazy("Contract number"), width=20),
    Column(gettext_lazy("Enterprise"), width=28),
    Column(gettext_lazy("Institution"), width=20),
    Column(gettext_lazy("Amount"), Column.WAN),
    Column(gettext_lazy("Annual rate (%)"), Column.DECIMAL),
    Column(gettext_lazy("Term (months)"), Column.INT),
    Column(gettext_lazy("Signed on"), Column.DATE),
    Column(gettext_lazy("Loan kind"), width=18),
    Column(gettext_lazy("Security"), width=14),
    Column(gettext_lazy("First loan"), width=10),
    Column(gettext_lazy("Meeting"), width=28),
]


def _agreement_rows(start: dt.date, end: dt.date):
    agreements = (
        counted_agreements()
        .filter(signed_on__gte=start, signed_on__lte=end)
        .select_related("lead__need__enterprise", "institution", "meeting")
        .order_by("signed_on", "pk")
    )
    for a in agreements.iterator(chunk_size=2000):
        yield [
            a.contract_number,
            a.lead.need.enterprise.name,
            a.institution.short_name or a.institution.name,
            a.amount,
            a.rate,
            a.term_months,
            a.signed_on,
            a.get_purpose_display(),
            a.get_security_display(),
            _("Yes") if a.first_loan else _("No"),
            a.meeting.title if a.meeting else "",
        ]


@government_required
def monthly_report(request):
    """The district leaders' monthly workbook, in one click from the dashboard."""
    form = MonthlyReportForm(request.GET or None)
    if not form.is_bound or not form.is_valid():
        show_filter_errors(request, form)
        return render(request, "office/monthly_report.html", {"form": form})
    month = form.cleaned_data["month"]
    month_only = DashboardFilters(start=month, end=month)
    year_to_date = DashboardFilters(start=month.replace(month=1), end=month)
    month_figures = dashboard_figures(month_only)
    ytd_figures = dashboard_figures(year_to_date)
    label = f"{month:%Y-%m}"
    summary_rows = [
        [
            _("Signed in %(month)s") % {"month": label},
            month_figures["total_count"],
            month_figures["total_amount"],
            None,
        ],
        [
            _("Signed in %(year)d up to %(month)s") % {"year": month.year, "month": label},
            ytd_figures["total_count"],
            ytd_figures["total_amount"],
            ytd_figures["overall_progress"],
        ],
        [
            _("Annual target %(year)d") % {"year": month.year},
            None,
            ytd_figures["overall_target"],
            None,
        ],
        [
            _("First loans (首贷) in %(month)s") % {"month": label},
            month_figures["first_loan_count"],
            month_figures["first_loan_amount"],
            None,
        ],
        [
            _("Credit-loan share in %(month)s") % {"month": label},
            None,
            None,
            month_figures["credit_share"],
        ],
    ]
    tables = {t.key: t for t in month_figures["tables"]}
    end_day = month_only.end_day
    sheets = [
        Sheet(
            title=_("Summary vs target %(month)s") % {"month": label},
            columns=[
                Column(_("Figure"), width=34),
                Column(_("Number of agreements"), Column.INT),
                Column(_("Amount"), Column.WAN),
                Column(_("Progress towards the annual target"), Column.PERCENT),
            ],
            rows=summary_rows,
        ),
        Sheet(
            title=_("By institution"),
            columns=_table_columns(tables["institution"]),
            rows=_table_rows(tables["institution"]),
        ),
        Sheet(
            title=_("By industry chain"),
            columns=_table_columns(tables["chain"]),
            rows=_table_rows(tables["chain"]),
        ),
        Sheet(
            title=_("Funnel"),
            columns=FUNNEL_COLUMNS,
            rows=_funnel_rows(funnel_figures(month_only)),
        ),
        Sheet(
            title=_("Agreements of the month"),
            columns=AGREEMENT_COLUMNS,
            rows=_agreement_rows(month, end_day),
        ),
    ]
    return workbook_response(filename=f"monthly-report-{label}", sheets=sheets)
