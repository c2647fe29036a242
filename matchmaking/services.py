"""Writes for leads, agreements, meetings and the matching policy. Every door calls these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import ServiceError, notice_send
from banks.models import Officer
from enterprises.models import FinancingNeed
from enterprises.selectors import institution_may_see_need
from enterprises.services import financing_need_transition

from .models import (
    ACTIVE_LEAD_STATUSES,
    LEAD_TRANSITIONS,
    Lead,
    LeadEvent,
    LoanAgreement,
    Meeting,
    PortalSettings,
    ReminderLog,
    ScoringPolicy,
)
from .workdays import working_day_deadline

MatchmakingError = ServiceError
L = Lead.Status


def _notify_enterprise(need: FinancingNeed, *, title: str, body: str = "") -> None:
    users = User.objects.filter(
        enterprise_membership__enterprise_id=need.enterprise_id, is_active=True
    )
    notice_send(users=list(users), title=title, body=body, url=need.get_absolute_url())


def _check_officer(lead: Lead, officer: Officer) -> None:
    if officer is None or not officer.is_active or officer.institution_id != lead.institution_id:
        raise MatchmakingError(_("This lead belongs to another institution."))


def _lock_lead(lead: Lead) -> Lead:
    return Lead.objects.select_for_update().select_related("need").get(pk=lead.pk)


@transaction.atomic
def lead_transition(*, lead: Lead, to_status: str, actor=None, note: str = "") -> Lead:
    """Move a lead along its checked status map and record the step (append-only)."""
    locked = Lead.objects.select_for_update().get(pk=lead.pk)
    LEAD_TRANSITIONS.check(locked.status, to_status)
    from_status = locked.status
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    LeadEvent.objects.create(
        lead=locked, actor=actor, from_status=from_status, to_status=to_status, note=note
    )
    lead.status = locked.status
    return locked


@transaction.atomic
def leads_close_for_need(
    *, need, actor=None, note: str = "", institution=None, exclude=None
) -> int:
    """Close the active leads on a need (all, or one institution's): the need left their hands."""
    leads = Lead.objects.filter(need=need, status__in=ACTIVE_LEAD_STATUSES)
    if institution is not None:
        leads = leads.filter(institution=institution)
    if exclude is not None:
        leads = leads.exclude(pk=exclude.pk)
    closed = 0
    for lead in leads.select_for_update():
        lead_transition(lead=lead, to_status=L.CLOSED, actor=actor, note=note)
        closed += 1
    return closed


def _lead_title(lead: Lead, text: str) -> str:
    return _("%(institution)s: %(text)s") % {"institution": lead.institution, "text": text}


# --- The officer's steps on a lead ----------------------------------------------------------------


@transaction.atomic
def lead_claim(*, lead: Lead, officer: Officer) -> Lead:
    """An officer takes a new lead; the first claim puts the need in progress."""
    _check_officer(lead, officer)
    lead = _lock_lead(lead)
    lead = lead_transition(lead=lead, to_status=L.CLAIMED, actor=officer.user)
    lead.assigned_to = officer
    lead.save(update_fields=["assigned_to", "updated_at"])
    _mark_need_in_progress(lead, officer)
    return lead


def _mark_need_in_progress(lead: Lead, officer: Officer) -> None:
    need = FinancingNeed.objects.select_for_update().get(pk=lead.need_id)
    if need.status == FinancingNeed.Status.SUBMITTED:
        financing_need_transition(
            need=need,
            to_status=FinancingNeed.Status.IN_PROGRESS,
            actor=officer.user,
            message=_("%(institution)s took up the need.") % {"institution": lead.institution},
        )
    else:
        _notify_enterprise(need, title=_lead_title(lead, _("took up your need")))


@transaction.atomic
def lead_assign(*, lead: Lead, officer: Officer, assignee: Officer) -> Lead:
    """Give the lead to a colleague (a new lead is claimed for them)."""
    _check_officer(lead, officer)
    if assignee.institution_id != lead.institution_id or not assignee.is_active:
        raise MatchmakingError(_("Choose an active officer of your institution."), field="assignee")
    lead = _lock_lead(lead)
    if LEAD_TRANSITIONS.is_final(lead.status):
        raise MatchmakingError(_("A closed lead cannot be reassigned."))
    if lead.assigned_to_id not in (None, officer.pk) and not officer.is_admin:
        raise MatchmakingError(
            _("Only the officer holding the lead or an institution admin can reassign it.")
        )
    if lead.status == L.NEW:
        lead = lead_transition(
            lead=lead,
            to_status=L.CLAIMED,
            actor=officer.user,
            note=_("Assigned to %(name)s.") % {"name": assignee.user},
        )
        _mark_need_in_progress(lead, officer)
    else:
        LeadEvent.objects.create(
            lead=lead,
            actor=officer.user,
            action=LeadEvent.Action.ASSIGNED,
            note=_("Assigned to %(name)s.") % {"name": assignee.user},
        )
    lead.assigned_to = assignee
    lead.save(update_fields=["assigned_to", "updated_at"])
    if assignee.user_id != officer.user_id:
        notice_send(
            users=[assignee.user],
            title=_("A lead was assigned to you: %(need)s") % {"need": lead.need},
            url=reverse("banks:lead_detail", args=[lead.pk]),
        )
    return lead


def _step(lead, officer, to_status, note, *, enterprise_text=None, require_note=False):
    _check_officer(lead, officer)
    if require_note and not note.strip():
        raise MatchmakingError(_("Please write what you need to know."), field="note")
    lead = _lock_lead(lead)
    lead = lead_transition(lead=lead, to_status=to_status, actor=officer.user, note=note.strip())
    if lead.assigned_to_id is None:
        lead.assigned_to = officer
        lead.save(update_fields=["assigned_to", "updated_at"])
    if enterprise_text:
        _notify_enterprise(lead.need, title=_lead_title(lead, enterprise_text), body=note.strip())
    return lead


@transaction.atomic
def lead_record_contact(*, lead: Lead, officer: Officer, note: str = "") -> Lead:
    lead = _step(lead, officer, L.CONTACTED, note, enterprise_text=_("contacted you"))
    if lead.first_contacted_at is None:
        lead.first_contacted_at = timezone.now()
        lead.save(update_fields=["first_contacted_at", "updated_at"])
    return lead


@transaction.atomic
def lead_request_info(*, lead: Lead, officer: Officer, note: str) -> Lead:
    return _step(
        lead,
        officer,
        L.INFO_REQUESTED,
        note,
        enterprise_text=_("asks for more information"),
        require_note=True,
    )


@transaction.atomic
def lead_start_review(*, lead: Lead, officer: Officer, note: str = "") -> Lead:
    return _step(
        lead, officer, L.UNDER_REVIEW, note, enterprise_text=_("started the credit review")
    )


@transaction.atomic
def lead_approve(*, lead: Lead, officer: Officer, note: str = "") -> Lead:
    return _step(lead, officer, L.APPROVED, note, enterprise_text=_("approved the loan"))


@transaction.atomic
def lead_decline(*, lead: Lead, officer: Officer, reason: str, note: str = "") -> Lead:
    """Decline with a reason from the fixed list; the freed place goes to the next institution,
    or, when every holder has declined, the enterprise is asked what to do."""
    if reason not in Lead.DeclineReason.values:
        raise MatchmakingError(_("Choose a reason from the list."), field="reason")
    if reason == Lead.DeclineReason.OTHER and not note.strip():
        raise MatchmakingError(_("Explain the reason in a few words."), field="note")
    _check_officer(lead, officer)
    label = Lead.DeclineReason(reason).label
    lead = _lock_lead(lead)
    lead = lead_transition(
        lead=lead,
        to_status=L.DECLINED,
        actor=officer.user,
        note=f"{label}：{note.strip()}".rstrip("："),
    )
    lead.decline_reason, lead.decline_note = reason, note.strip()
    lead.save(update_fields=["decline_reason", "decline_note", "updated_at"])
    need = FinancingNeed.objects.select_for_update().get(pk=lead.need_id)
    still_active = Lead.objects.filter(need=need, status__in=ACTIVE_LEAD_STATUSES).exists()
    if not still_active and need.status == FinancingNeed.Status.IN_PROGRESS:
        # Every institution that worked on it said no: the enterprise decides what comes next.
        financing_need_transition(
            need=need,
            to_status=FinancingNeed.Status.ALL_DECLINED,
            actor=officer.user,
            message=_(
                "Every institution holding the need declined. May it go to other matching "
                "institutions? Answer on the need's page."
            ),
        )
    else:
        _notify_enterprise(need, title=_lead_title(lead, _("declined the need")), body=str(label))
        if need.is_open:
            # The freed place goes to the next matching institution.
            from .engine import refresh_leads

            transaction.on_commit(lambda: refresh_leads([need.pk]))
    return lead


@transaction.atomic
def lead_take(*, need: FinancingNeed, officer: Officer) -> Lead:
    """An officer picks up a matched need that has no lead from their institution yet.

    Refused, with a clear message, when the enterprise has not allowed the institution or when
    the contact cap is reached (the need is taken until one holder declines).
    """
    need = FinancingNeed.objects.select_for_update().get(pk=need.pk)
    institution = officer.institution
    if need.status not in (FinancingNeed.Status.SUBMITTED, FinancingNeed.Status.IN_PROGRESS):
        raise MatchmakingError(_("This need is no longer open."))
    if not institution_may_see_need(need=need, institution_id=institution.pk):
        raise MatchmakingError(
            _("The enterprise has not allowed your institution to see this need.")
        )
    if not need.matches.filter(product__institution=institution).exists():
        raise MatchmakingError(_("None of your published products matches this need."))
    if Lead.objects.filter(need=need, institution=institution).exists():
        raise MatchmakingError(_("Your institution already has this need."))
    cap = PortalSettings.load().contact_cap
    if Lead.objects.filter(need=need, status__in=ACTIVE_LEAD_STATUSES).count() >= cap:
        raise MatchmakingError(
            _("This need is taken: %(cap)d institutions are already working on it.") % {"cap": cap}
        )
    match = need.matches.filter(product__institution=institution).order_by("-score").first()
    now = timezone.now()
    try:
        with transaction.atomic():
            lead = Lead.objects.create(
                need=need,
                institution=institution,
                match=match,
                product=match.product,
                score=match.score,
                received_at=now,
                contact_due_at=working_day_deadline(
                    now, PortalSettings.load().response_working_days
                ),
            )
    except IntegrityError:
        raise MatchmakingError(_("Your institution already has this need.")) from None
    return lead_claim(lead=lead, officer=officer)


# --- Signing --------------------------------------------------------------------------------------


@transaction.atomic
def loan_agreement_sign(
    *,
    lead: Lead,
    officer: Officer,
    amount: Decimal,
    rate: Decimal,
    term_months: int,
    signed_on: dt.date,
    contract_number: str,
    meeting: Meeting | None = None,
) -> LoanAgreement:
    """Record the signed loan. Safe under concurrency: the lead row is locked, so two officers
    signing at once produce one agreement and a clear refusal for the second."""
    _check_officer(lead, officer)
    lead = _lock_lead(lead)
    if lead.status == L.SIGNED:
        raise MatchmakingError(_("This lead has already been signed."))
    LEAD_TRANSITIONS.check(lead.status, L.SIGNED)
    contract_number = contract_number.strip()
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = _("Enter an amount above zero.")
    if signed_on > timezone.localdate():
        errors["signed_on"] = _("The signing date cannot be in the future.")
    if LoanAgreement.objects.filter(
        institution_id=lead.institution_id, contract_number=contract_number
    ).exists():
        errors["contract_number"] = _("This contract number is already recorded.")
    if errors:
        field, message = next(iter(errors.items()))
        raise MatchmakingError(message, field=field)
    agreement = LoanAgreement.objects.create(
        lead=lead,
        institution_id=lead.institution_id,
        amount=amount,
        rate=rate,
        term_months=term_months,
        signed_on=signed_on,
        contract_number=contract_number,
        meeting=meeting,
        recorded_by=officer.user,
    )
    lead_transition(
        lead=lead,
        to_status=L.SIGNED,
        actor=officer.user,
        note=_("Contract %(number)s") % {"number": contract_number},
    )
    need = FinancingNeed.objects.select_for_update().get(pk=lead.need_id)
    financing_need_transition(
        need=need,
        to_status=FinancingNeed.Status.SIGNED,
        actor=officer.user,
        message=_("Signed with %(institution)s: %(amount)s yuan.")
        % {"institution": lead.institution, "amount": f"{amount:,.2f}"},
    )
    leads_close_for_need(
        need=need,
        actor=officer.user,
        note=_("The enterprise signed with another institution."),
        exclude=lead,
    )
    return agreement


# --- The enterprise's answer after every holder declined ---------------------------------------


@transaction.atomic
def need_release_to_other_institutions(*, need: FinancingNeed, actor) -> FinancingNeed:
    need = financing_need_transition(
        need=need,
        to_status=FinancingNeed.Status.SUBMITTED,
        actor=actor,
        message=_("The enterprise let the need go to other matching institutions."),
        notify=False,
    )
    # Rescoring hands the need to the next matching institutions that have not had it.
    from .tasks import rescore_need

    transaction.on_commit(lambda: rescore_need.delay(need.pk))
    return need


@transaction.atomic
def need_close_after_declines(*, need: FinancingNeed, actor) -> FinancingNeed:
    return financing_need_transition(
        need=need,
        to_status=FinancingNeed.Status.CLOSED,
        actor=actor,
        message=_("The enterprise closed the need after the declines."),
        notify=False,
    )


# --- Scoring policy ------------------------------------------------------------------------------


@transaction.atomic
def scoring_policy_change(*, actor, note: str = "", **values) -> ScoringPolicy:
    """Record new weights or thresholds (a new row; history kept) and recompute every match."""
    current = ScoringPolicy.current()
    data = {
        name: values.get(name, getattr(current, name)) for name in ScoringPolicy.EDITABLE_FIELDS
    }
    if not any(data[name] for name in ScoringPolicy.WEIGHT_FIELDS):
        raise MatchmakingError(_("At least one weight must be above zero."))
    policy = ScoringPolicy.objects.create(created_by=actor, note=note, **data)
    from .tasks import recompute_all_matches

    transaction.on_commit(recompute_all_matches.delay)
    return policy


# --- The daily overdue reminder --------------------------------------------------------------------


def _claim_reminder(*, kind: str, key: str, recipient: User) -> bool:
    """Record that this reminder goes out; False if it already went (safe to run twice)."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(kind=kind, key=key, recipient=recipient)
    except IntegrityError:
        return False
    return True


def overdue_reminders_send(*, now=None) -> dict[str, int]:
    """Tell each institution's admins about its overdue leads, and the finance office the totals.

    One notice (and e-mail) per recipient per day, however often the job runs.
    """
    from .selectors import overdue_leads_by_institution

    now = now or timezone.now()
    day = timezone.localdate(now).isoformat()
    by_institution = overdue_leads_by_institution(now=now)
    sent = {"admins": 0, "finance_office": 0}
    for institution, leads in by_institution:
        admins = User.objects.filter(
            officer__institution=institution,
            officer__role=Officer.Role.ADMIN,
            officer__is_active=True,
            is_active=True,
        )
        lines = "\n".join(
            _("%(enterprise)s · %(purpose)s · due %(due)s")
            % {
                "enterprise": lead.need.enterprise.name,
                "purpose": lead.need.purpose,
                "due": timezone.localtime(lead.contact_due_at).strftime("%Y-%m-%d"),
            }
            for lead in leads
        )
        for admin in admins:
            if _claim_reminder(
                kind="overdue-institution", key=f"{day}:{institution.pk}", recipient=admin
            ):
                with transaction.atomic():
                    notice_send(
                        users=[admin],
                        title=_("%(count)d leads are past their first-contact deadline")
                        % {"count": len(leads)},
                        body=lines,
                        url=reverse("banks:lead_list") + "?overdue=true",
                    )
                sent["admins"] += 1
    if by_institution:
        summary = "\n".join(
            _("%(institution)s: %(count)d overdue")
            % {"institution": institution, "count": len(leads)}
            for institution, leads in by_institution
        )
        finance = User.objects.filter(
            role=User.Role.GOVERNMENT, department=User.Department.FINANCE_OFFICE, is_active=True
        )
        for user in finance:
            if _claim_reminder(kind="overdue-digest", key=day, recipient=user):
                with transaction.atomic():
                    notice_send(
                        users=[user],
                        title=_("Overdue leads today: %(count)d")
                        % {"count": sum(len(leads) for _i, leads in by_institution)},
                        body=summary,
                    )
                sent["finance_office"] += 1
    return sent
