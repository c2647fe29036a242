"""Reads of leads and agreements for the officers', enterprises' and office's pages. Officer
reads are always scoped to the officer's institution."""

from decimal import Decimal
from itertools import groupby

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from banks.models import Institution, Officer
from core.audit import audit_for_object, audit_thread
from enterprises.models import (
    OPEN_NEED_STATUSES,
    Enterprise,
    FinancingNeed,
    NeedAccessLog,
    NeedAccessRevocation,
)
from matchmaking.models import Match
from matchmaking.selectors import pair_explanation
from meetings.models import Meeting

from .filters import LeadFilter
from .models import (
    ACTIVE_LEAD_STATUSES,
    AgreementCorrection,
    Disbursement,
    Lead,
    LoanAgreement,
    overdue_leads_q,
)


def lead_counts_for_institution(*, institution: Institution) -> dict[str, int]:
    return Lead.objects.filter(institution=institution).aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status__in=ACTIVE_LEAD_STATUSES)),
        signed=Count("id", filter=Q(status=Lead.Status.SIGNED)),
        overdue=Count("id", filter=overdue_leads_q()),
        unassigned_new=Count("id", filter=Q(status=Lead.Status.NEW, assigned_to__isnull=True)),
    )


def leads_out_of_sight_q() -> Q:
    """Leads whose institution may no longer see the need: the enterprise revoked its access,
    narrowed the need's visibility to other institutions, or withdrew the need. The institution
    sees nothing of such a lead (closed or not), nor is it named in notices about it."""
    revoked = NeedAccessRevocation.objects.filter(
        need=OuterRef("need_id"), institution=OuterRef("institution_id")
    )
    chosen = FinancingNeed.allowed_institutions.through.objects.filter(
        financingneed=OuterRef("need_id"), institution=OuterRef("institution_id")
    )
    return (
        Q(Exists(revoked))
        | (Q(need__visibility=FinancingNeed.Visibility.CHOSEN) & ~Q(Exists(chosen)))
        | Q(need__status=FinancingNeed.Status.WITHDRAWN)
    )


def leads_for_institution(*, institution: Institution) -> QuerySet[Lead]:
    """Every lead of the institution except those out of its sight (``leads_out_of_sight_q``)."""
    return (
        Lead.objects.filter(institution=institution)
        .exclude(leads_out_of_sight_q())
        .select_related(
            "need__enterprise__chain__cluster",
            "product",
            "assigned_to__user",
        )
    )


def lead_inbox(*, officer: Officer, params) -> LeadFilter:
    """The filtered, sorted inbox. With no status chosen it shows the leads still being worked."""
    queryset = leads_for_institution(institution=officer.institution).order_by(
        "-score", "contact_due_at", "id"
    )
    if not params.getlist("status"):
        queryset = queryset.filter(status__in=ACTIVE_LEAD_STATUSES)
    return LeadFilter(params, queryset=queryset, officer=officer)


def lead_for_officer(*, officer: Officer, pk: int) -> Lead:
    return get_object_or_404(leads_for_institution(institution=officer.institution), pk=pk)


def matched_needs_for_institution(*, institution: Institution):
    """Open needs matched to the institution's products that it holds no lead on yet, with how many
    institutions already hold each (the contact cap decides whether it can still take one)."""
    own_lead = Lead.objects.filter(need=OuterRef("need_id"), institution=institution)
    # The consent as it is now, not as it was when the engine last wrote the matches.
    revoked = NeedAccessRevocation.objects.filter(need=OuterRef("need_id"), institution=institution)
    chosen = FinancingNeed.allowed_institutions.through.objects.filter(
        financingneed=OuterRef("need_id"), institution=institution
    )
    holders = (
        Lead.objects.filter(need=OuterRef("need_id"), status__in=ACTIVE_LEAD_STATUSES)
        .values("need_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Match.objects.filter(
            product__institution=institution,
            need__status__in=OPEN_NEED_STATUSES,
            need__enterprise__verification_status=Enterprise.VerificationStatus.VERIFIED,
        )
        .exclude(Exists(own_lead))
        .exclude(Exists(revoked))
        .exclude(Q(need__visibility=FinancingNeed.Visibility.CHOSEN) & ~Q(Exists(chosen)))
        .values(
            "need_id",
            "need__purpose",
            "need__amount",
            "need__term_months",
            "need__loan_kind",
            "need__enterprise__size_class",
            "need__enterprise__chain__name",
            "need__enterprise_id",
            "need__project_id",
        )
        .annotate(
            best_score=Max("score"),
            holders=Coalesce(Subquery(holders, output_field=IntegerField()), 0),
        )
        .order_by("-best_score", "need_id")
    )


def overdue_leads_by_institution(*, now=None):
    """[(institution, [lead, ...]), ...] for every institution with overdue leads."""
    leads = (
        Lead.objects.filter(overdue_leads_q(now))
        .select_related("institution", "need__enterprise")
        .order_by("institution_id", "contact_due_at")
    )
    return [
        (institution, list(group))
        for institution, group in groupby(leads, key=lambda lead: lead.institution)
    ]


def counted_agreements() -> QuerySet[LoanAgreement]:
    """The agreements every total counts: all but the voided ones."""
    return LoanAgreement.objects.filter(voided_at__isnull=True)


def signed_totals() -> dict:
    totals = counted_agreements().aggregate(amount=Sum("amount"), count=Count("id"))
    return {"amount": totals["amount"] or Decimal("0.00"), "count": totals["count"]}


def meeting_signed_total(*, meeting: Meeting) -> Decimal:
    total = counted_agreements().filter(meeting=meeting).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


# The same rule as ``counted_agreements``, seen from a meeting.
COUNTED_AGREEMENT = Q(agreements__voided_at__isnull=True)


def past_meetings_with_totals(*, limit: int = 5):
    return (
        Meeting.objects.filter(status=Meeting.Status.HELD)
        .annotate(
            signed_amount=Sum("agreements__amount", filter=COUNTED_AGREEMENT),
            signed_count=Count("agreements", filter=COUNTED_AGREEMENT),
        )
        .order_by("-starts_at")[:limit]
    )


def need_consent_rows(*, need: FinancingNeed) -> list[dict]:
    """Which institutions may see the need, have it, or had it revoked; and when each opened it."""
    opened = {
        row["institution_id"]: row
        for row in NeedAccessLog.objects.filter(need=need)
        .values("institution_id")
        .annotate(first=Min("accessed_at"), last=Max("accessed_at"), times=Count("id"))
    }
    revoked = {r.institution_id: r for r in NeedAccessRevocation.objects.filter(need=need)}
    leads = {lead.institution_id: lead for lead in Lead.objects.filter(need=need)}
    ids = set(opened) | set(revoked) | set(leads)
    if need.visibility == FinancingNeed.Visibility.CHOSEN:
        ids |= set(need.allowed_institutions.values_list("pk", flat=True))
    institutions = Institution.objects.filter(pk__in=ids).order_by("name")
    return [
        {
            "institution": institution,
            "revoked": revoked.get(institution.pk),
            "lead": leads.get(institution.pk),
            "first_opened": opened.get(institution.pk, {}).get("first"),
            "last_opened": opened.get(institution.pk, {}).get("last"),
            "times_opened": opened.get(institution.pk, {}).get("times", 0),
        }
        for institution in institutions
    ]


def need_timeline(*, need: FinancingNeed) -> list[dict]:
    """The need's own moves and every recorded step institutions took on it, oldest first (read
    from the audit log; each lead's step names the lead's own institution)."""
    events = list(audit_thread(need))
    lead_type = ContentType.objects.get_for_model(Lead)
    lead_ids = {e.object_id for e in events if e.content_type_id == lead_type.pk}
    institutions = {
        lead.pk: lead.institution
        for lead in Lead.objects.filter(pk__in=lead_ids).select_related("institution")
    }
    lead_labels = dict(Lead.Status.choices)
    need_labels = dict(FinancingNeed.Status.choices)
    rows = []
    for event in events:
        is_lead = event.content_type_id == lead_type.pk
        labels = lead_labels if is_lead else need_labels
        rows.append(
            {
                "at": event.created_at,
                "actor": event.actor,
                "is_system": event.is_system,
                "text": event.note,
                "from": labels.get(event.from_state, ""),
                "to": labels.get(event.to_state, ""),
                "institution": institutions.get(event.object_id) if is_lead else None,
            }
        )
    return rows


def lead_timeline(*, lead: Lead):
    """The lead's own recorded steps, oldest first."""
    labels = dict(Lead.Status.choices)
    return [
        {
            "at": event.created_at,
            "actor": event.actor,
            "is_system": event.is_system,
            "action": event.get_action_display(),
            "from": labels.get(event.from_state, ""),
            "to": labels.get(event.to_state, ""),
            "note": event.note,
        }
        for event in audit_for_object(lead)
    ]


def lead_explanation(*, lead: Lead):
    """The per-criterion explanation of the lead's best product for its need."""
    return pair_explanation(need_id=lead.need_id, product_id=lead.product_id)


def need_matching_pending(*, need: FinancingNeed) -> bool:
    """The engine has not yet scored the need's latest version: a submitted need of a verified
    enterprise with no match yet, whose ``matched_at`` is missing or older than its last change."""
    if need.status != FinancingNeed.Status.SUBMITTED or not need.enterprise.is_verified:
        return False
    if need.matched_at is not None and need.matched_at >= need.updated_at:
        return False
    return not Match.objects.filter(need=need).exists()


def info_requests_on_need(*, leads) -> list[tuple[Lead, str]]:
    """[(lead, what the officer asked), ...] for the need's leads (already loaded for the page)
    that wait for the enterprise's answer; reads the audit log only when one waits."""
    rows = []
    for lead in leads:
        if lead.status != Lead.Status.INFO_REQUESTED:
            continue
        asked = (
            audit_for_object(lead)
            .filter(to_state=Lead.Status.INFO_REQUESTED)
            .order_by("-created_at", "-id")
            .first()
        )
        rows.append((lead, asked.note if asked else ""))
    return rows


def lead_on_need(*, need: FinancingNeed, pk: int) -> Lead:
    return get_object_or_404(Lead, need=need, pk=pk)


def leads_on_need(*, need: FinancingNeed) -> QuerySet[Lead]:
    """The institutions working on a need, as the enterprise sees them."""
    return need.leads.select_related("institution", "product").order_by("-score")


def pending_agreement_corrections() -> QuerySet[AgreementCorrection]:
    """Requests awaiting the finance office, oldest first."""
    return AgreementCorrection.objects.filter(
        status=AgreementCorrection.Status.PENDING
    ).select_related("agreement__institution", "agreement__lead__need__enterprise", "requested_by")


def agreement_correction_by_id(*, pk: int) -> AgreementCorrection:
    return get_object_or_404(AgreementCorrection, pk=pk)


def agreement_corrections_for(*, agreement: LoanAgreement) -> QuerySet[AgreementCorrection]:
    return agreement.corrections.select_related("requested_by", "decided_by").order_by(
        "-requested_at"
    )


def disbursements_for(*, agreement: LoanAgreement) -> QuerySet[Disbursement]:
    return agreement.disbursements.order_by("disbursed_on", "id")
