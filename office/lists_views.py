"""The finance office's lists: unserved needs, the institution league table (and its share links),
recommended lists, financial advisers, and the office-wide lists of enterprises, needs, leads and
agreements. Government staff see them all; only the finance office acts where the brief says so
(the services check it again). Every table exports with ``?format=xlsx`` or ``?format=csv``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import finance_office_required, government_required
from banks.models import Officer
from core.errors import ServiceError
from core.exports import Column, export_response
from core.text import join_labels
from core.views import show_filter_errors, show_refusal
from enterprises import services as enterprise_services
from enterprises.models import RECOMMENDING_DEPARTMENTS, Project
from enterprises.selectors import (
    adviser_by_id,
    advisers_list,
    recommendable_enterprises,
    recommendation_by_id,
    recommendations_for_needs,
    recommendations_list,
)
from leads import services as lead_services
from leads.selectors import lead_explanation, need_timeline

from . import lists_selectors as selectors
from . import services
from .filters import (
    AgreementFilter,
    EnterpriseFilter,
    NeedFilter,
    OfficeLeadFilter,
    PeriodForm,
    UnservedFilterForm,
)
from .forms import AdviserForm, PushNeedForm, RecommendationForm, ShareLinkForm

LIST_PAGE_SIZE = 30


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return query.urlencode()


def _page(request, queryset):
    return Paginator(queryset, LIST_PAGE_SIZE).get_page(request.GET.get("page"))


# --- Unserved needs -----------------------------------------------------------------------------

UNSERVED_CODES = (
    selectors.Unserved.OVERDUE,
    selectors.Unserved.DECLINED,
    selectors.Unserved.NO_MATCH,
)


def _unserved_label(code: str) -> str:
    return str(dict(UnservedFilterForm.base_fields["reason"].choices).get(code, code))


@government_required
def unserved_needs(request):
    form = UnservedFilterForm(request.GET)
    show_filter_errors(request, form)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    needs = selectors.unserved_needs(reason=reason)
    fmt = request.GET.get("format")
    if fmt:
        rows = selectors.unserved_rows(needs)
        return export_response(
            fmt,
            filename="unserved-needs",
            title=_("Unserved needs"),
            columns=[
                Column(_("Enterprise"), width=30),
                Column(_("Purpose"), width=30),
                Column(_("Amount"), Column.WAN),
                Column(_("Submitted at"), Column.DATETIME),
                Column(_("Working days waited"), Column.INT),
                Column(_("Why"), width=24),
                Column(_("Details"), width=40),
            ],
            rows=(
                (
                    r.need.enterprise.name,
                    r.need.purpose,
                    r.need.amount,
                    r.need.submitted_at,
                    r.waited_days,
                    _unserved_label(r.reason),
                    join_labels(r.details),
                )
                for r in rows
            ),
        )
    page = _page(request, needs)
    page.object_list = selectors.unserved_rows(page.object_list)
    return render(
        request,
        "office/unserved_needs.html",
        {
            "form": form,
            "page": page,
            "summary": selectors.unserved_summary(),
            "query": _query_without_page(request),
            "labels": {code: _unserved_label(code) for code in UNSERVED_CODES},
        },
    )


@finance_office_required
def unserved_push(request, pk):
    need = selectors.unserved_need_by_id(pk=pk)
    form = PushNeedForm(
        request.POST or None, institutions=selectors.institutions_to_push(need=need)
    )
    if request.method == "POST" and form.is_valid():
        try:
            leads = lead_services.need_push_to_institutions(
                need=need, actor=request.user, institutions=form.cleaned_data["institutions"]
            )
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(
                request,
                _("The need was pushed to %(count)d institutions; each was told.")
                % {"count": len(leads)},
            )
            return redirect("office:unserved_needs")
    return render(
        request,
        "office/unserved_push.html",
        {"need": need, "form": form, "row": selectors.unserved_rows([need])[0]},
    )


# --- The institution league table ---------------------------------------------------------------


def _league_columns():
    return [
        Column(_("Institution"), width=30),
        Column(_("Leads received"), Column.INT),
        Column(_("Contacted within the deadline"), Column.PERCENT),
        Column(_("Median working days to first contact"), Column.DECIMAL),
        Column(_("Conversion to signed"), Column.PERCENT),
        Column(_("Agreements signed"), Column.INT),
        Column(_("Amount signed"), Column.WAN),
        Column(_("Products published"), Column.INT),
        Column(_("Decline reasons"), width=40),
    ]


def _league_rows(table):
    return (
        (
            r.institution.name,
            r.received,
            r.on_time_share,
            r.median_days,
            r.conversion,
            r.signed_count,
            r.signed_amount,
            r.products,
            r.declines_text,
        )
        for r in table
    )


def _league_period(request):
    """The period chosen on the page; by default every lead and agreement on record."""
    form = PeriodForm(request.GET)
    show_filter_errors(request, form)
    data = form.cleaned_data if form.is_valid() else {}
    return form, data.get("date_from"), data.get("date_to")


@government_required
def league_table(request):
    form, start, end = _league_period(request)
    table = selectors.institution_league(date_from=start, date_to=end)
    fmt = request.GET.get("format")
    if fmt:
        return export_response(
            fmt,
            filename="institution-league",
            title=_("Institution league table"),
            columns=_league_columns(),
            rows=_league_rows(table),
        )
    return _league_page(request, form, table, start, end)


def _league_page(request, form, table, start, end, link_form=None):
    return render(
        request,
        "office/league_table.html",
        {
            "form": form,
            "table": table,
            "start": start,
            "end": end,
            "query": _query_without_page(request),
            "links": selectors.share_links() if request.user.is_finance_office else None,
            "link_form": link_form or ShareLinkForm(initial={"date_from": start, "date_to": end}),
        },
    )


@finance_office_required
@require_POST
def share_link_create(request):
    form = ShareLinkForm(request.POST)
    if form.is_valid():
        try:
            link = services.league_share_link_create(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            show_refusal(request, error)
        else:
            url = request.build_absolute_uri(reverse("office:league_shared", args=[link.token]))
            messages.success(request, _("Link created: %(url)s") % {"url": url})
    else:
        # Shown again on the league table, each error beside its field and in the summary.
        start, end = form.cleaned_data.get("date_from"), form.cleaned_data.get("date_to")
        table = selectors.institution_league(date_from=start, date_to=end)
        return _league_page(request, PeriodForm(), table, start, end, link_form=form)
    return redirect("office:league_table")


@finance_office_required
@require_POST
def share_link_revoke(request, pk):
    try:
        services.league_share_link_revoke(
            link=selectors.share_link_by_id(pk=pk), actor=request.user
        )
    except ServiceError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The link no longer works."))
    return redirect("office:league_table")


@login_not_required
def league_shared(request, token):
    """The read-only league table behind a share link: institution-level figures only, for the
    link's period; 404 for an unknown, expired or revoked token."""
    link = selectors.live_share_link(token=token)
    return render(
        request,
        "office/league_shared.html",
        {
            "link": link,
            "table": selectors.institution_league(date_from=link.date_from, date_to=link.date_to),
            "start": link.date_from,
            "end": link.date_to,
        },
    )


# --- Recommended lists (推荐清单) ---------------------------------------------------------------


def _may_recommend(user) -> bool:
    return user.is_government and user.department in RECOMMENDING_DEPARTMENTS


@government_required
def recommendations(request):
    """Bureaus recommend enterprises or key projects and see their own list; the finance office
    and the other government staff see every bureau's list."""
    may_recommend = _may_recommend(request.user)
    form = None
    if may_recommend:
        form = RecommendationForm(
            request.POST or None,
            enterprises=recommendable_enterprises().order_by("name"),
            projects=Project.objects.filter(archived_at__isnull=True).select_related("enterprise"),
        )
        if request.method == "POST" and form.is_valid():
            try:
                enterprise_services.recommendation_create(actor=request.user, **form.cleaned_data)
            except ServiceError as error:
                show_refusal(request, error, form)
            else:
                messages.success(request, _("Recommended; its needs are being rescored."))
                return redirect("office:recommendations")
    elif request.method == "POST":
        messages.error(
            request,
            _(
                "Only the development and reform, industry and commerce bureaus recommend enterprises."
            ),
        )
        return redirect("office:recommendations")
    listed = recommendations_list(department=request.user.department if may_recommend else None)
    fmt = request.GET.get("format")
    if fmt:
        return export_response(
            fmt,
            filename="recommendations",
            title=_("Recommended lists"),
            columns=[
                Column(_("Enterprise"), width=30),
                Column(_("Project"), width=30),
                Column(_("Department"), width=24),
                Column(_("Reason"), width=40),
                Column(_("Recommended at"), Column.DATETIME),
                Column(_("Withdrawn at"), Column.DATETIME),
            ],
            rows=(
                (
                    r.enterprise.name,
                    r.project.name if r.project else "",
                    r.get_department_display(),
                    r.reason,
                    r.created_at,
                    r.withdrawn_at,
                )
                for r in listed.iterator()
            ),
        )
    return render(
        request,
        "office/recommendations.html",
        {"form": form, "page": _page(request, listed), "may_recommend": may_recommend},
    )


@government_required
@require_POST
def recommendation_withdraw(request, pk):
    try:
        enterprise_services.recommendation_withdraw(
            recommendation=recommendation_by_id(pk=pk), actor=request.user
        )
    except ServiceError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("Recommendation withdrawn; its needs are being rescored."))
    return redirect("office:recommendations")


# --- Financial advisers (金融顾问) --------------------------------------------------------------


@government_required
def advisers(request):
    form = None
    if request.user.is_finance_office:
        candidates = User.objects.filter(is_active=True).filter(
            role=User.Role.GOVERNMENT
        ) | User.objects.filter(
            is_active=True, pk__in=Officer.objects.filter(is_active=True).values("user_id")
        )
        form = AdviserForm(
            request.POST or None,
            enterprises=recommendable_enterprises().order_by("name"),
            users=candidates.order_by("username"),
            initial={"since": timezone.localdate()},
        )
        if request.method == "POST" and form.is_valid():
            try:
                enterprise_services.adviser_assign(actor=request.user, **form.cleaned_data)
            except ServiceError as error:
                show_refusal(request, error, form)
            else:
                messages.success(request, _("Adviser assigned; the enterprise was told."))
                return redirect("office:advisers")
    elif request.method == "POST":
        messages.error(request, _("Only the finance office assigns financial advisers."))
        return redirect("office:advisers")
    fmt = request.GET.get("format")
    if fmt:
        return export_response(
            fmt,
            filename="advisers",
            title=_("Financial advisers"),
            columns=[
                Column(_("Enterprise"), width=30),
                Column(_("Adviser"), width=20),
                Column(_("Phone"), width=16),
                Column(_("Since"), Column.DATE),
                Column(_("Until"), Column.DATE),
            ],
            rows=(
                (a.enterprise.name, str(a.user), a.user.phone, a.since, a.until)
                for a in advisers_list().iterator()
            ),
        )
    return render(
        request, "office/advisers.html", {"form": form, "page": _page(request, advisers_list())}
    )


@finance_office_required
@require_POST
def adviser_end(request, pk):
    try:
        enterprise_services.adviser_end(adviser=adviser_by_id(pk=pk), actor=request.user)
    except ServiceError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The pairing has ended."))
    return redirect("office:advisers")


# --- Office-wide lists --------------------------------------------------------------------------


def _list_page(request, filterset, *, template, export):
    show_filter_errors(request, filterset.form)
    fmt = request.GET.get("format")
    if fmt:
        return export(fmt, filterset.qs)
    page = _page(request, filterset.qs)
    return render(
        request,
        template,
        {"filter": filterset, "page": page, "query": _query_without_page(request)},
    )


@government_required
def enterprise_list(request):
    def export(fmt, qs):
        return export_response(
            fmt,
            filename="enterprises",
            title=_("Enterprises"),
            columns=[
                Column(_("Name"), width=30),
                Column(_("Unified social credit code"), width=22),
                Column(_("Industry chain"), width=20),
                Column(_("Size class")),
                Column(_("Town or street")),
                Column(_("Verification")),
                Column(_("Needs"), Column.INT),
            ],
            rows=(
                (
                    e.name,
                    e.credit_code,
                    e.chain.name if e.chain else "",
                    e.get_size_class_display(),
                    e.town,
                    e.get_verification_status_display(),
                    e.need_count,
                )
                for e in qs.iterator(chunk_size=2000)
            ),
        )

    return _list_page(
        request,
        EnterpriseFilter(request.GET, queryset=selectors.office_enterprises()),
        template="office/enterprise_list.html",
        export=export,
    )


@government_required
def need_list(request):
    def export(fmt, qs):
        return export_response(
            fmt,
            filename="needs",
            title=_("Financing needs"),
            columns=[
                Column(_("Enterprise"), width=30),
                Column(_("Purpose"), width=30),
                Column(_("Amount"), Column.WAN),
                Column(_("Term (months)"), Column.INT),
                Column(_("Loan kind")),
                Column(_("Status")),
                Column(_("Submitted at"), Column.DATETIME),
            ],
            rows=(
                (
                    n.enterprise.name,
                    n.purpose,
                    n.amount,
                    n.term_months,
                    n.get_loan_kind_display(),
                    n.get_status_display(),
                    n.submitted_at,
                )
                for n in qs.iterator(chunk_size=2000)
            ),
        )

    response = _list_page(
        request,
        NeedFilter(request.GET, queryset=selectors.office_needs()),
        template="office/need_list.html",
        export=export,
    )
    return response


@government_required
def need_detail(request, pk):
    need = selectors.office_need(pk=pk)
    leads = list(selectors.leads_of_need(need=need))
    return render(
        request,
        "office/need_detail.html",
        {
            "need": need,
            "leads": leads,
            "recommendations": recommendations_for_needs([need])[need.pk],
            "timeline": need_timeline(need=need),
        },
    )


@government_required
def lead_list(request):
    def export(fmt, qs):
        return export_response(
            fmt,
            filename="leads",
            title=_("Leads"),
            columns=[
                Column(_("Enterprise"), width=30),
                Column(_("Purpose"), width=30),
                Column(_("Institution"), width=24),
                Column(_("Amount"), Column.WAN),
                Column(_("Score"), Column.DECIMAL),
                Column(_("Status")),
                Column(_("Received at"), Column.DATETIME),
                Column(_("First contact due"), Column.DATETIME),
                Column(_("First contacted at"), Column.DATETIME),
            ],
            rows=(
                (
                    lead.need.enterprise.name,
                    lead.need.purpose,
                    lead.institution.name,
                    lead.need.amount,
                    lead.score,
                    lead.get_status_display(),
                    lead.received_at,
                    lead.contact_due_at,
                    lead.first_contacted_at,
                )
                for lead in qs.iterator(chunk_size=2000)
            ),
        )

    return _list_page(
        request,
        OfficeLeadFilter(request.GET, queryset=selectors.office_leads()),
        template="office/lead_list.html",
        export=export,
    )


@government_required
def lead_detail(request, pk):
    lead = selectors.office_lead(pk=pk)
    return render(
        request,
        "office/lead_detail.html",
        {"lead": lead, "explanation": lead_explanation(lead=lead)},
    )


@government_required
def agreement_list(request):
    def export(fmt, qs):
        return export_response(
            fmt,
            filename="agreements",
            title=_("Loan agreements"),
            columns=[
                Column(_("Contract number"), width=22),
                Column(_("Enterprise"), width=30),
                Column(_("Institution"), width=24),
                Column(_("Amount"), Column.WAN),
                Column(_("Annual rate (%)"), Column.DECIMAL),
                Column(_("Term (months)"), Column.INT),
                Column(_("Loan kind")),
                Column(_("Signed on"), Column.DATE),
                Column(_("Meeting"), width=24),
                Column(_("Voided at"), Column.DATETIME),
            ],
            rows=(
                (
                    a.contract_number,
                    a.lead.need.enterprise.name,
                    a.institution.name,
                    a.amount,
                    a.rate,
                    a.term_months,
                    a.get_purpose_display(),
                    a.signed_on,
                    a.meeting.title if a.meeting else "",
                    a.voided_at,
                )
                for a in qs.iterator(chunk_size=2000)
            ),
        )

    return _list_page(
        request,
        AgreementFilter(request.GET, queryset=selectors.office_agreements()),
        template="office/agreement_list.html",
        export=export,
    )
