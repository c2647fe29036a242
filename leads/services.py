"""Writes for a lead's whole life: allocation aside (``allocation``), every step an officer takes,
signing, the enterprise's answer after declines, closing by the system and the overdue reminders.
Every door calls these; each checks who may act.

Lock order, everywhere: the need first, then its leads (in id order when several). Signing,
declining, withdrawing and the matching engine all follow it, so two of them meeting on one need
wait for each other instead of deadlocking.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Notice, User
from accounts.services import notice_send, notices_send
from banks.models import Institution, Officer
from core import outbox
from core.audit import audit_record, audit_record_many
from core.errors import ServiceError
from core.models import PortalSettings
from core.money import format_money, format_rate, yuan_to_wan, yuan_to_yi
from core.text import join_labels, label_value
from core.workdays import working_day_deadline
from enterprises.models import OPEN_NEED_STATUSES, FinancingNeed
from enterprises.selectors import institution_may_see_need
from enterprises.services import financing_need_transition, need_member_check
from matchmaking.rules import DEFAULT_RESPONSE_RATE
from meetings.models import Meeting, SubVenue

from . import tasks
from .meeting_selectors import follow_up_days, undisbursed_by_institution
from .models import (
    ACTIVE_LEAD_STATUSES,
    AGREEMENT_MAX_AMOUNT,
    AGREEMENT_MAX_RATE,
    AGREEMENT_MAX_TERM,
    AGREEMENT_MIN_AMOUNT,
    AGREEMENT_MIN_RATE,
    AGREEMENT_MIN_TERM,
    LEAD_TRANSITIONS,
    AgreementCorrection,
    Disbursement,
    Lead,
    LoanAgreement,
    ReminderLog,
)
from .selectors import leads_out_of_sight_q, overdue_leads_by_institution
from .signals import agreement_changed

L = Lead.Status
# An institution's response rate is stored to four decimals (a share, 0–1).
RESPONSE_RATE_PLACES = Decimal("0.0001")
# A notice about many closed leads names this many of them.
CLOSED_LEADS_LISTED = 20
# An agreement above this multiple of the need's amount is more likely a typo (万元 for 元, an
# extra zero) than a real loan: the officer must confirm it explicitly.
LARGE_AMOUNT_FACTOR = 3


def _notify_enterprise(need: FinancingNeed, *, title: str, body: str = "") -> None:
    users = User.objects.filter(
        enterprise_membership__enterprise_id=need.enterprise_id, is_active=True
    )
    notice_send(users=list(users), title=title, body=body, url=need.get_absolute_url())


def _check_officer(lead: Lead, officer: Officer) -> None:
    if officer is None or not officer.is_active or officer.institution_id != lead.institution_id:
        raise ServiceError(_("This lead belongs to another institution."))


def _lock(lead: Lead) -> tuple[FinancingNeed, Lead]:
    """Lock the lead's need, then the lead (the documented order)."""
    need = FinancingNeed.objects.select_for_update().get(pk=lead.need_id)
    locked = Lead.objects.select_for_update().select_related("need").get(pk=lead.pk)
    return need, locked


@transaction.atomic
def lead_transition(*, lead: Lead, to_status: str, actor=None, note: str = "") -> Lead:
    """Move a lead along its checked status map and record the step in the audit log."""
    locked = Lead.objects.select_for_update().select_related("need").get(pk=lead.pk)
    LEAD_TRANSITIONS.check(locked.status, to_status)
    from_status = locked.status
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        obj=locked,
        action="status",
        actor=actor,
        from_state=from_status,
        to_state=to_status,
        note=note,
        thread=locked.need,
    )
    lead.status = locked.status
    return locked


def _lead_title(lead: Lead, text: str) -> str:
    return _("%(institution)s: %(text)s") % {"institution": lead.institution, "text": text}


@transaction.atomic
def leads_close_by_system(*, leads, note: str) -> int:
    """Close leads the system takes away (the need was signed elsewhere, withdrawn, closed, its
    access revoked, or it no longer matches): through the status map, with an audit event whose
    actor is the system, and a notice to whoever at each institution holds the lead."""
    locked = list(
        leads.select_for_update(of=("self",))
        .select_related("need", "institution", "assigned_to__user")
        .order_by("pk")
    )
    closing = [lead for lead in locked if LEAD_TRANSITIONS.allows(lead.status, L.CLOSED)]
    if not closing:
        return 0
    by_status = defaultdict(list)
    for lead in closing:
        by_status[lead.status].append(lead)
    Lead.objects.filter(pk__in=[lead.pk for lead in closing]).update(
        status=L.CLOSED, updated_at=timezone.now()
    )
    for from_status, group in by_status.items():
        audit_record_many(
            objs=group,
            action="status",
            from_state=from_status,
            to_state=L.CLOSED,
            note=note,
            thread_of=lambda lead: lead.need,
        )
    out_of_sight = set(
        Lead.objects.filter(pk__in=[lead.pk for lead in closing])
        .filter(leads_out_of_sight_q())
        .values_list("pk", flat=True)
    )
    _tell_institutions_of_closed(closing, note=note, unnamed=out_of_sight)
    return len(closing)


def _tell_institutions_of_closed(leads: list[Lead], *, note: str, unnamed: set[int]) -> None:
    """The officer holding each lead is told; an unassigned lead's institution admins are. One
    notice per person, however many of their leads closed at once (a retired product may close
    hundreds). A lead in ``unnamed`` is out of the institution's sight (the enterprise revoked its
    access, narrowed the need's visibility or withdrew it): its notice does not name the need."""
    unassigned = {lead.institution_id for lead in leads if lead.assigned_to_id is None}
    admins = defaultdict(list)
    for officer in Officer.objects.filter(
        institution_id__in=unassigned, role=Officer.Role.ADMIN, is_active=True, user__is_active=True
    ).select_related("user"):
        admins[officer.institution_id].append(officer.user)
    closed_for = defaultdict(list)
    for lead in leads:
        users = [lead.assigned_to.user] if lead.assigned_to_id else admins[lead.institution_id]
        for user in users:
            closed_for[user].append(lead)
    for user, own in closed_for.items():
        named = [lead for lead in own if lead.pk not in unnamed]
        if len(own) == 1 and named:
            title = _("Lead closed: %(need)s") % {"need": own[0].need}
            url = reverse("banks:lead_detail", args=[own[0].pk])
            body = note
        elif len(own) == 1:
            title = _("A lead was closed")
            url = reverse("banks:lead_list")
            body = note
        else:
            title = _("%(count)d leads were closed") % {"count": len(own)}
            url = reverse("banks:lead_list") + "?status=closed"
            listed = "\n".join(str(lead.need) for lead in named[:CLOSED_LEADS_LISTED])
            body = note + ("\n" + listed if listed else "")
        notice_send(users=[user], title=title, body=body, url=url)


# --- New leads: a notice to every officer of the institution ---------------------------------------

# The daily digest counts the leads received in this window before it runs.
NEW_LEAD_DIGEST_WINDOW = dt.timedelta(days=1)


def officers_tell_of_new_leads(*, created_by_institution: dict[int, int]) -> int:
    """One notice per active officer of each institution that received leads in this batch
    (however many leads; a province-wide recompute creates hundreds of thousands at once).
    E-mailed now to officers who chose immediate e-mail; the others get the daily digest."""
    created = {pk: n for pk, n in created_by_institution.items() if n}
    if not created:
        return 0
    url = reverse("banks:lead_list") + "?status=new"
    notices = [
        Notice(
            user=officer.user,
            title=_("%(count)d new leads arrived") % {"count": created[officer.institution_id]},
            body=_("They wait in the inbox, unassigned, for an officer to claim them."),
            url=url,
        )
        for officer in Officer.objects.filter(
            institution_id__in=list(created), is_active=True, user__is_active=True
        ).select_related("user")
    ]
    notices_send(notices=notices, email_if=lambda user: user.lead_email == User.LeadEmail.IMMEDIATE)
    return len(notices)


def new_lead_digests_send(*, now=None) -> int:
    """Daily: e-mail each officer who chose the digest how many leads their institution received
    in the last day. Safe to run twice: each officer's digest of a day is claimed first."""
    now = now or timezone.now()
    day = timezone.localdate(now).isoformat()
    received = dict(
        Lead.objects.filter(received_at__gte=now - NEW_LEAD_DIGEST_WINDOW, received_at__lt=now)
        .values("institution_id")
        .annotate(n=Count("id"))
        .values_list("institution_id", "n")
    )
    if not received:
        return 0
    sent = 0
    for officer in (
        Officer.objects.filter(
            institution_id__in=list(received),
            is_active=True,
            user__is_active=True,
            user__email_notifications=True,
            user__lead_email=User.LeadEmail.DAILY,
        )
        .exclude(user__email="")
        .select_related("user")
    ):
        if not _claim_reminder(kind="new-leads-digest", key=day, recipient=officer.user):
            continue
        with transaction.atomic():
            notice_send(
                users=[officer.user],
                title=_("New leads in the last day: %(count)d")
                % {"count": received[officer.institution_id]},
                url=reverse("banks:lead_list") + "?status=new",
            )
        sent += 1
    return sent


# --- The officer's steps on a lead ----------------------------------------------------------------


@transaction.atomic
def lead_claim(*, lead: Lead, officer: Officer) -> Lead:
    """An officer takes a new lead; the first claim puts the need in progress."""
    _check_officer(lead, officer)
    need, lead = _lock(lead)
    lead = lead_transition(lead=lead, to_status=L.CLAIMED, actor=officer.user)
    lead.assigned_to = officer
    lead.save(update_fields=["assigned_to", "updated_at"])
    _mark_need_in_progress(need, lead, officer)
    return lead


def _mark_need_in_progress(need: FinancingNeed, lead: Lead, officer: Officer) -> None:
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
        raise ServiceError(_("Choose an active officer of your institution."), field="assignee")
    need, lead = _lock(lead)
    if LEAD_TRANSITIONS.is_final(lead.status):
        raise ServiceError(_("A closed lead cannot be reassigned."))
    if lead.assigned_to_id not in (None, officer.pk) and not officer.is_admin:
        raise ServiceError(
            _("Only the officer holding the lead or an institution admin can reassign it.")
        )
    note = _("Assigned to %(name)s.") % {"name": assignee.user}
    if lead.status == L.NEW:
        lead = lead_transition(lead=lead, to_status=L.CLAIMED, actor=officer.user, note=note)
        _mark_need_in_progress(need, lead, officer)
    else:
        audit_record(obj=lead, action="assigned", actor=officer.user, note=note, thread=need)
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
        raise ServiceError(_("Please write what you need to know."), field="note")
    _need, lead = _lock(lead)
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


# The longest reply an enterprise can send an officer (a few paragraphs; documents come later).
REPLY_MAX_LENGTH = 2000


@transaction.atomic
def lead_enterprise_reply(*, lead: Lead, actor: User, text: str) -> Lead:
    """The enterprise answers an officer's request for information: the reply is recorded on
    the lead (audited), the lead goes back to contacted, and whoever holds it is told."""
    need_member_check(need=lead.need, actor=actor)
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write your reply."), field="text")
    if len(text) > REPLY_MAX_LENGTH:
        raise ServiceError(
            _("Keep the reply under %(max)d characters.") % {"max": REPLY_MAX_LENGTH},
            field="text",
        )
    _need, locked = _lock(lead)
    if locked.status != L.INFO_REQUESTED:
        raise ServiceError(_("This institution is not waiting for information from you."))
    locked = lead_transition(
        lead=locked,
        to_status=L.CONTACTED,
        actor=actor,
        note=_("The enterprise replied: %(text)s") % {"text": text},
    )
    if locked.assigned_to_id:
        users = [locked.assigned_to.user]
    else:
        users = list(
            User.objects.filter(
                officer__institution_id=locked.institution_id,
                officer__role=Officer.Role.ADMIN,
                officer__is_active=True,
                is_active=True,
            )
        )
    notice_send(
        users=users,
        title=_("%(enterprise)s replied: %(need)s")
        % {"enterprise": locked.need.enterprise, "need": locked.need},
        body=text,
        url=reverse("banks:lead_detail", args=[locked.pk]),
    )
    return locked


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
    """Decline with a reason from the fixed list; the freed place goes to the next institution
    (on commit, by the same task a release uses), or, when every holder has declined, the
    enterprise is asked what to do."""
    if reason not in Lead.DeclineReason.values:
        raise ServiceError(_("Choose a reason from the list."), field="reason")
    if reason == Lead.DeclineReason.OTHER and not note.strip():
        raise ServiceError(_("Explain the reason in a few words."), field="note")
    _check_officer(lead, officer)
    label = Lead.DeclineReason(reason).label
    need, lead = _lock(lead)
    lead = lead_transition(
        lead=lead,
        to_status=L.DECLINED,
        actor=officer.user,
        note=label_value(label, note.strip()) if note.strip() else str(label),
    )
    lead.decline_reason, lead.decline_note = reason, note.strip()
    lead.save(update_fields=["decline_reason", "decline_note", "updated_at"])
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
        if need.status in OPEN_NEED_STATUSES:
            # The freed place goes to the next matching institution.
            outbox.enqueue(tasks.refresh_leads.name, [need.pk])
    return lead


@transaction.atomic
def lead_take(*, need: FinancingNeed, officer: Officer) -> Lead:
    """An officer picks up a matched need that has no lead from their institution yet.

    Refused, with a clear message, when the enterprise has not allowed the institution or when
    the contact cap is reached (the need is taken until one holder declines).
    """
    if officer is None or not officer.is_active:
        raise ServiceError(_("Only an active officer of an institution can take a need."))
    need = FinancingNeed.objects.select_for_update().get(pk=need.pk)
    institution = officer.institution
    if need.status not in OPEN_NEED_STATUSES:
        raise ServiceError(_("This need is no longer open."))
    if not institution_may_see_need(need=need, institution_id=institution.pk):
        raise ServiceError(_("The enterprise has not allowed your institution to see this need."))
    match = need.matches.filter(product__institution=institution).order_by("-score").first()
    if match is None:
        raise ServiceError(_("None of your published products matches this need."))
    if Lead.objects.filter(need=need, institution=institution).exists():
        raise ServiceError(_("Your institution already has this need."))
    portal_settings = PortalSettings.load()
    cap = portal_settings.contact_cap
    if Lead.objects.filter(need=need, status__in=ACTIVE_LEAD_STATUSES).count() >= cap:
        raise ServiceError(
            _("This need is taken: %(cap)d institutions are already working on it.") % {"cap": cap}
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            lead = Lead.objects.create(
                need=need,
                institution=institution,
                product=match.product,
                score=match.score,
                received_at=now,
                contact_due_at=working_day_deadline(now, portal_settings.response_working_days),
            )
    except IntegrityError:
        raise ServiceError(_("Your institution already has this need.")) from None
    audit_record(obj=lead, action="created", actor=officer.user, to_state=lead.status, thread=need)
    return lead_claim(lead=lead, officer=officer)


# --- Signing --------------------------------------------------------------------------------------


def _decimal_or_none(value) -> Decimal | None:
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return None


def agreement_terms_check(
    *, need: FinancingNeed, amount, rate, term_months, signed_on
) -> dict[str, str]:
    """Every hard bound of an agreement's figures, as {field: message}; empty when all hold.

    Checked before anything is saved, so out-of-range values never reach the database (where a
    numeric or smallint overflow would be a server error)."""
    errors = {}
    amount = _decimal_or_none(amount)
    if amount is None or amount < AGREEMENT_MIN_AMOUNT:
        errors["amount"] = _("Enter an amount above zero.")
    elif amount > AGREEMENT_MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        errors["amount"] = _("Enter an amount up to %(max)s yi yuan, to the fen.") % {
            "max": f"{yuan_to_yi(AGREEMENT_MAX_AMOUNT):,.0f}"
        }
    rate = _decimal_or_none(rate)
    if rate is None or not (AGREEMENT_MIN_RATE <= rate <= AGREEMENT_MAX_RATE):
        errors["rate"] = _("Enter an annual rate from %(min)s%% to %(max)s%%.") % {
            "min": AGREEMENT_MIN_RATE,
            "max": AGREEMENT_MAX_RATE,
        }
    elif rate != rate.quantize(Decimal("0.01")):
        errors["rate"] = _("Enter the rate to two decimal places at most.")
    if (
        not isinstance(term_months, int)
        or isinstance(term_months, bool)
        or not (AGREEMENT_MIN_TERM <= term_months <= AGREEMENT_MAX_TERM)
    ):
        errors["term_months"] = _("Enter a term from %(min)d to %(max)d months.") % {
            "min": AGREEMENT_MIN_TERM,
            "max": AGREEMENT_MAX_TERM,
        }
    if not isinstance(signed_on, dt.date):
        errors["signed_on"] = _("Enter the signing date.")
    elif signed_on > timezone.localdate():
        errors["signed_on"] = _("The signing date cannot be in the future.")
    elif need.submitted_at and signed_on < timezone.localdate(need.submitted_at):
        errors["signed_on"] = _(
            "The signing date cannot be before the need was submitted (%(date)s)."
        ) % {"date": timezone.localdate(need.submitted_at).isoformat()}
    return errors


def agreement_amount_is_large(*, lead: Lead, need: FinancingNeed, amount: Decimal) -> bool:
    """Far above what the enterprise asked for, or above the product's maximum."""
    if amount > need.amount * LARGE_AMOUNT_FACTOR:
        return True
    return lead.product_id is not None and amount > lead.product.max_amount


def _raise_first(errors: dict[str, str]) -> None:
    if errors:
        field, message = next(iter(errors.items()))
        raise ServiceError(message, field=field)


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
    sub_venue: SubVenue | None = None,
    purpose: str = LoanAgreement.Purpose.NEW,
    security: str = LoanAgreement.Security.CREDIT,
    first_loan: bool = False,
    confirmed_large_amount: bool = False,
) -> LoanAgreement:
    """Record the signed loan. Safe under concurrency: the need, then the lead, are locked, so
    two institutions signing one need (or an enterprise withdrawing meanwhile) take turns and the
    second gets a clear refusal.

    Every bound is checked here (amount, rate, term, date); an amount above
    ``LARGE_AMOUNT_FACTOR`` times the need's or above the product's maximum is refused unless
    the officer confirmed it, because a wrong agreement inflates the district's totals."""
    _check_officer(lead, officer)
    need, lead = _lock(lead)
    if lead.status == L.SIGNED:
        raise ServiceError(_("This lead has already been signed."))
    if need.status == FinancingNeed.Status.SIGNED:
        raise ServiceError(_("The enterprise has already signed this need with an institution."))
    if need.status not in OPEN_NEED_STATUSES:
        raise ServiceError(_("This need is no longer open."))
    LEAD_TRANSITIONS.check(lead.status, L.SIGNED)
    contract_number = (contract_number or "").strip()
    errors = agreement_terms_check(
        need=need, amount=amount, rate=rate, term_months=term_months, signed_on=signed_on
    )
    if not contract_number:
        errors["contract_number"] = _("Enter the contract number.")
    elif len(contract_number) > LoanAgreement._meta.get_field("contract_number").max_length:
        errors["contract_number"] = _("The contract number is too long.")
    elif LoanAgreement.objects.filter(
        institution_id=lead.institution_id, contract_number=contract_number
    ).exists():
        errors["contract_number"] = _("This contract number is already recorded.")
    if purpose not in LoanAgreement.Purpose.values:
        errors["purpose"] = _("Choose the kind of loan.")
    if security not in LoanAgreement.Security.values:
        errors["security"] = _("Choose how the loan is secured.")
    if sub_venue is not None and (meeting is None or sub_venue.meeting_id != meeting.pk):
        errors["sub_venue"] = _("This venue belongs to another meeting.")
    if meeting is not None and meeting.status == Meeting.Status.CANCELLED:
        errors["meeting"] = _("This meeting was cancelled.")
    elif (
        meeting is not None
        and signed_on is not None
        and signed_on < timezone.localdate(meeting.starts_at)
    ):
        errors["meeting"] = _(
            "This meeting is on %(date)s, after the signing date: an agreement signed at a meeting "
            "is signed on its day or later."
        ) % {"date": timezone.localdate(meeting.starts_at).isoformat()}
    _raise_first(errors)
    if not confirmed_large_amount and agreement_amount_is_large(
        lead=lead, need=need, amount=amount
    ):
        raise ServiceError(
            _(
                "%(wan)s ten-thousand yuan (%(yi)s hundred-million yuan) is more than %(factor)d "
                "times the amount asked for or above the product's maximum. Check it and tick "
                "“I confirm this amount”."
            )
            % {
                "wan": f"{yuan_to_wan(amount):,.2f}",
                "yi": f"{yuan_to_yi(amount):,.4f}",
                "factor": LARGE_AMOUNT_FACTOR,
            },
            field="confirmed_large_amount",
        )
    agreement = LoanAgreement.objects.create(
        lead=lead,
        institution_id=lead.institution_id,
        amount=amount,
        rate=rate,
        term_months=term_months,
        signed_on=signed_on,
        contract_number=contract_number,
        meeting=meeting,
        sub_venue=sub_venue,
        purpose=purpose,
        security=security,
        first_loan=first_loan,
        recorded_by=officer.user,
    )
    audit_record(
        obj=agreement,
        action="created",
        actor=officer.user,
        note=_("%(amount)s, annual rate %(rate)s, %(term)d months")
        % {"amount": format_money(amount), "rate": format_rate(rate), "term": term_months},
        thread=need,
    )
    agreement_changed.send(sender=LoanAgreement, agreement=agreement, before=None)
    lead_transition(
        lead=lead,
        to_status=L.SIGNED,
        actor=officer.user,
        note=_("Contract %(number)s") % {"number": contract_number},
    )
    # The need's move to signed closes the other institutions' leads (leads.receivers).
    financing_need_transition(
        need=need,
        to_status=FinancingNeed.Status.SIGNED,
        actor=officer.user,
        message=_("Signed with %(institution)s: %(amount)s.")
        % {"institution": lead.institution, "amount": format_money(amount)},
    )
    return agreement


# --- Disbursements (放款) under a signed agreement -------------------------------------------------


@transaction.atomic
def disbursement_record(
    *, agreement: LoanAgreement, officer: Officer, amount: Decimal, disbursed_on: dt.date
) -> Disbursement:
    """Record money paid out under the agreement. Only an officer of the agreement's institution;
    the payments together never exceed the agreement; the date lies between the signing and
    today. The agreement is locked, so two payments recorded at once are summed one after the
    other."""
    if not officer.is_active or officer.institution_id != agreement.institution_id:
        raise ServiceError(_("Only the agreement's institution records its disbursements."))
    agreement = LoanAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.voided_at is not None:
        raise ServiceError(_("This agreement was voided."))
    if amount is None or amount < AGREEMENT_MIN_AMOUNT:
        raise ServiceError(_("Enter the amount paid out."), field="amount")
    already = agreement.disbursements.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    if already + amount > agreement.amount:
        raise ServiceError(
            _(
                "Together with %(already)s already paid out this is more than the agreement's %(total)s."
            )
            % {"already": format_money(already), "total": format_money(agreement.amount)},
            field="amount",
        )
    today = timezone.localdate()
    if disbursed_on is None:
        raise ServiceError(_("Enter the date of the payment."), field="disbursed_on")
    if disbursed_on < agreement.signed_on:
        raise ServiceError(_("Money cannot be paid out before the signing."), field="disbursed_on")
    if disbursed_on > today:
        raise ServiceError(_("The date cannot be in the future."), field="disbursed_on")
    disbursement = Disbursement.objects.create(
        agreement=agreement, amount=amount, disbursed_on=disbursed_on, recorded_by=officer.user
    )
    audit_record(
        obj=disbursement,
        action="created",
        actor=officer.user,
        note=_("%(amount)s paid out on %(date)s")
        % {"amount": format_money(amount), "date": disbursed_on.isoformat()},
        thread=agreement.lead.need,
    )
    return disbursement


def meeting_follow_up_notices_send(*, now=None) -> int:
    """Tell each institution about agreements signed at a meeting that have waited
    ``MEETING_FOLLOW_UP_DAYS`` days or more with nothing paid out: one notice (and e-mail) per
    recipient naming the agreements not yet followed up. Each (agreement, recipient) is claimed in
    ``ReminderLog`` first, so the job may run twice, or daily, and nobody hears twice of one
    agreement. Recipients: the institution's admins and the officer who recorded it."""
    now = now or timezone.now()
    days = follow_up_days()
    sent = 0
    for institution_id, agreements in undisbursed_by_institution(
        today=timezone.localdate(now), days=days
    ).items():
        admins = list(
            User.objects.filter(
                officer__institution_id=institution_id,
                officer__role=Officer.Role.ADMIN,
                officer__is_active=True,
                is_active=True,
            )
        )
        recipients: dict[int, tuple[User, list[LoanAgreement]]] = {}
        for agreement in agreements:
            people = list(admins)
            if agreement.recorded_by_id and agreement.recorded_by.is_active:
                people.append(agreement.recorded_by)
            for user in people:
                recipients.setdefault(user.pk, (user, []))[1].append(agreement)
        for user, theirs in recipients.values():
            with transaction.atomic():
                due = list(
                    dict.fromkeys(
                        a
                        for a in theirs
                        if _claim_reminder(
                            kind="meeting-follow-up", key=f"agreement:{a.pk}", recipient=user
                        )
                    )
                )
                if not due:
                    continue
                lines = "\n".join(
                    _("%(meeting)s · %(enterprise)s · %(amount)s · signed %(date)s")
                    % {
                        "meeting": a.meeting.title,
                        "enterprise": a.lead.need.enterprise.name,
                        "amount": format_money(a.amount),
                        "date": a.signed_on.isoformat(),
                    }
                    for a in due
                )
                notice_send(
                    users=[user],
                    title=_(
                        "%(count)d agreements signed at meetings have no disbursement after "
                        "%(days)d days"
                    )
                    % {"count": len(due), "days": days},
                    body=lines,
                    url=reverse("banks:lead_detail", kwargs={"pk": due[0].lead_id}),
                )
                sent += 1
    return sent


# --- Correcting or voiding a recorded agreement ---------------------------------------------------


def _finance_office_users():
    return User.objects.filter(
        role=User.Role.GOVERNMENT, department=User.Department.FINANCE_OFFICE, is_active=True
    )


@transaction.atomic
def agreement_correction_request(
    *,
    agreement: LoanAgreement,
    officer: Officer,
    kind: str,
    reason: str,
    amount: Decimal | None = None,
    rate: Decimal | None = None,
    term_months: int | None = None,
    signed_on: dt.date | None = None,
) -> AgreementCorrection:
    """An officer of the agreement's institution asks the finance office to correct or void it.

    Nothing changes until the finance office approves; a correction states the full set of
    figures it wants, checked against the same bounds as signing."""
    if (
        officer is None
        or not officer.is_active
        or officer.institution_id != agreement.institution_id
    ):
        raise ServiceError(_("This agreement belongs to another institution."))
    agreement = (
        LoanAgreement.objects.select_for_update().select_related("lead__need").get(pk=agreement.pk)
    )
    if agreement.voided_at is not None:
        raise ServiceError(_("This agreement has been voided."))
    if kind not in AgreementCorrection.Kind.values:
        raise ServiceError(_("Choose whether to correct or void the agreement."), field="kind")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Explain why in a few words."), field="reason")
    if agreement.corrections.filter(status=AgreementCorrection.Status.PENDING).exists():
        raise ServiceError(_("A request on this agreement is already awaiting the finance office."))
    values = {"amount": None, "rate": None, "term_months": None, "signed_on": None}
    if kind == AgreementCorrection.Kind.CORRECT:
        values = {
            "amount": agreement.amount if amount is None else amount,
            "rate": agreement.rate if rate is None else rate,
            "term_months": agreement.term_months if term_months is None else term_months,
            "signed_on": agreement.signed_on if signed_on is None else signed_on,
        }
        _raise_first(agreement_terms_check(need=agreement.lead.need, **values))
        if all(getattr(agreement, name) == value for name, value in values.items()):
            raise ServiceError(_("The corrected figures are the same as the recorded ones."))
    correction = AgreementCorrection.objects.create(
        agreement=agreement, kind=kind, reason=reason, requested_by=officer.user, **values
    )
    audit_record(
        obj=correction,
        action="created",
        actor=officer.user,
        to_state=correction.status,
        note=reason,
        thread=agreement.lead.need,
    )
    notice_send(
        users=list(_finance_office_users()),
        title=_("%(institution)s asks to %(kind)s agreement %(number)s")
        % {
            "institution": agreement.institution,
            "kind": correction.get_kind_display(),
            "number": agreement.contract_number,
        },
        body=reason,
        url=reverse("office:agreement_corrections"),
    )
    return correction


@transaction.atomic
def agreement_correction_decide(
    *, correction: AgreementCorrection, actor: User, approve: bool, note: str = ""
) -> AgreementCorrection:
    """The finance office approves (the change is applied and audited) or rejects a request."""
    if actor is None or not actor.is_active or not actor.is_finance_office:
        raise ServiceError(_("Only the finance office decides on agreement corrections."))
    correction = AgreementCorrection.objects.select_for_update().get(pk=correction.pk)
    if correction.status != AgreementCorrection.Status.PENDING:
        raise ServiceError(_("This request has already been decided."))
    agreement = (
        LoanAgreement.objects.select_for_update()
        .select_related("lead__need")
        .get(pk=correction.agreement_id)
    )
    need = agreement.lead.need
    note = (note or "").strip()
    if approve and correction.kind == AgreementCorrection.Kind.CORRECT:
        _raise_first(
            agreement_terms_check(
                need=need,
                amount=correction.amount,
                rate=correction.rate,
                term_months=correction.term_months,
                signed_on=correction.signed_on,
            )
        )
    now = timezone.now()
    new_status = (
        AgreementCorrection.Status.APPROVED if approve else AgreementCorrection.Status.REJECTED
    )
    correction.status, correction.decided_by, correction.decided_at = new_status, actor, now
    correction.decision_note = note
    correction.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        obj=correction,
        action="status",
        actor=actor,
        from_state=AgreementCorrection.Status.PENDING,
        to_state=new_status,
        note=note,
        thread=need,
    )
    if approve and agreement.voided_at is None:
        before_change = copy.copy(agreement)
        if correction.kind == AgreementCorrection.Kind.VOID:
            agreement.voided_at = now
            agreement.save(update_fields=["voided_at"])
            audit_record(
                obj=agreement,
                action="changed",
                actor=actor,
                note=_("Voided: %(reason)s") % {"reason": correction.reason},
                thread=need,
            )
        else:
            before = _("%(amount)s yuan, %(rate)s%%, %(term)d months, signed %(date)s") % {
                "amount": f"{agreement.amount:,.2f}",
                "rate": agreement.rate,
                "term": agreement.term_months,
                "date": agreement.signed_on.isoformat(),
            }
            agreement.amount, agreement.rate = correction.amount, correction.rate
            agreement.term_months, agreement.signed_on = (
                correction.term_months,
                correction.signed_on,
            )
            agreement.save(update_fields=["amount", "rate", "term_months", "signed_on"])
            audit_record(
                obj=agreement,
                action="changed",
                actor=actor,
                note=_("Was: %(before)s. Reason: %(reason)s")
                % {"before": before, "reason": correction.reason},
                thread=need,
            )
        agreement_changed.send(sender=LoanAgreement, agreement=agreement, before=before_change)
    notice_send(
        users=[correction.requested_by],
        title=(
            _("The finance office approved your request on agreement %(number)s")
            if approve
            else _("The finance office rejected your request on agreement %(number)s")
        )
        % {"number": agreement.contract_number},
        body=note,
        url=reverse("banks:lead_detail", args=[agreement.lead_id]),
    )
    return correction


# --- The enterprise's answer after every holder declined ---------------------------------------


@transaction.atomic
def need_release_to_other_institutions(*, need: FinancingNeed, actor) -> FinancingNeed:
    """The need goes back to matching; rescoring (queued by the move back to submitted) hands it
    to the next matching institutions that have not had it."""
    need_member_check(need=need, actor=actor)
    return financing_need_transition(
        need=need,
        to_status=FinancingNeed.Status.SUBMITTED,
        actor=actor,
        message=_("The enterprise let the need go to other matching institutions."),
        notify=False,
    )


@transaction.atomic
def need_close_after_declines(*, need: FinancingNeed, actor) -> FinancingNeed:
    need_member_check(need=need, actor=actor)
    return financing_need_transition(
        need=need,
        to_status=FinancingNeed.Status.CLOSED,
        actor=actor,
        message=_("The enterprise closed the need after the declines."),
        notify=False,
    )


# --- Institutions' response record ---------------------------------------------------------------


def institution_response_rates() -> dict[int, float]:
    """Share of leads first contacted by their deadline, per institution (due or contacted ones)."""
    now = timezone.now()
    rows = (
        Lead.objects.filter(Q(first_contacted_at__isnull=False) | Q(contact_due_at__lt=now))
        .values("institution_id")
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=Q(first_contacted_at__lte=F("contact_due_at"))),
        )
    )
    return {row["institution_id"]: row["on_time"] / row["due"] for row in rows if row["due"]}


def institution_response_rates_refresh() -> int:
    """Store each institution's on-time rate (read by the matching factor); hourly in beat."""
    rates = institution_response_rates()
    now = timezone.now()
    changed = []
    for institution in Institution.objects.only("id", "response_rate"):
        rate = Decimal(str(rates.get(institution.pk, DEFAULT_RESPONSE_RATE))).quantize(
            RESPONSE_RATE_PLACES
        )
        if institution.response_rate != rate:
            institution.response_rate, institution.response_rate_updated_at = rate, now
            changed.append(institution)
    Institution.objects.bulk_update(changed, ["response_rate", "response_rate_updated_at"])
    return len(changed)


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
        for user in _finance_office_users():
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


# --- The finance office pushes an unserved need ---------------------------------------------------


@transaction.atomic
def need_push_to_institutions(*, need: FinancingNeed, actor: User, institutions) -> list[Lead]:
    """The finance office sends an open need that nobody serves to institutions it chooses: each
    gets a lead (beyond the contact cap and whether or not its products matched), due for first
    contact like any other, and is told. An institution the enterprise did not allow, or took
    access away from, cannot be chosen. Pushed leads are never closed for lack of a match."""
    if actor is None or not actor.is_finance_office:
        raise ServiceError(_("Only the finance office pushes needs to institutions."))
    institutions = list(institutions)
    if not institutions:
        raise ServiceError(_("Choose at least one institution."), field="institutions")
    need = FinancingNeed.objects.select_for_update().select_related("enterprise").get(pk=need.pk)
    if need.status not in OPEN_NEED_STATUSES or not need.enterprise.is_verified:
        raise ServiceError(_("Only open needs of verified enterprises can be pushed."))
    holders = set(Lead.objects.filter(need=need).values_list("institution_id", flat=True))
    for institution in institutions:
        if not institution.is_active:
            raise ServiceError(
                _("%(name)s is not active.") % {"name": institution.name}, field="institutions"
            )
        if not institution_may_see_need(need=need, institution_id=institution.pk):
            raise ServiceError(
                _("The enterprise has not allowed %(name)s to see this need.")
                % {"name": institution.name},
                field="institutions",
            )
        if institution.pk in holders:
            raise ServiceError(
                _("%(name)s already has this need.") % {"name": institution.name},
                field="institutions",
            )
    best = {}
    for institution_id, product_id, score in (
        need.matches.filter(product__institution__in=institutions)
        .order_by("-score", "product_id")
        .values_list("product__institution_id", "product_id", "score")
    ):
        best.setdefault(institution_id, (product_id, score))
    now = timezone.now()
    due = working_day_deadline(now, PortalSettings.load().response_working_days)
    leads = [
        Lead.objects.create(
            need=need,
            institution=institution,
            product_id=best.get(institution.pk, (None, 0))[0],
            score=best.get(institution.pk, (None, Decimal(0)))[1],
            received_at=now,
            contact_due_at=due,
            pushed_at=now,
        )
        for institution in institutions
    ]
    names = join_labels(institutions)
    audit_record(
        obj=need,
        action="changed",
        actor=actor,
        note=_("Pushed by the finance office to %(names)s") % {"names": names},
    )
    for lead in leads:
        audit_record(
            obj=lead,
            action="created",
            actor=actor,
            to_state=lead.status,
            note=_("Pushed by the finance office"),
            thread=need,
        )
    officers_tell_of_new_leads(created_by_institution={i.pk: 1 for i in institutions})
    return leads
