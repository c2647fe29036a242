"""The lead reads, called directly: which rows, in which order, with which related rows loaded.

Expected rows are written out by hand; query counts pin what the pages rely on being loaded."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from core.audit import audit_record
from core.models import AuditEvent
from enterprises.models import FinancingNeed, NeedAccessLog, NeedAccessRevocation
from leads.models import AgreementCorrection, Lead
from leads.selectors import (
    agreement_correction_by_id,
    agreement_corrections_for,
    info_requests_on_need,
    lead_on_need,
    leads_on_need,
    meeting_signed_total,
    need_consent_rows,
    need_matching_pending,
    overdue_leads_by_institution,
    pending_agreement_corrections,
)
from matchmaking.models import Match
from tests.factories import (
    EnterpriseFactory,
    FinancingNeedFactory,
    InstitutionFactory,
    LeadFactory,
    LoanAgreementFactory,
    LoanProductFactory,
    UserFactory,
)
from tests.factories.meetings import MeetingFactory


def _institutions(*names):
    return [InstitutionFactory(name=name) for name in names]


@pytest.mark.django_db
def test_consent_rows_list_the_chosen_the_opened_the_revoked_and_the_holders_by_name():
    need = FinancingNeedFactory(status="submitted", visibility=FinancingNeed.Visibility.CHOSEN)
    allowed, opener, revoked, holder, _unrelated = _institutions(
        "A 甲银行", "B 乙银行", "C 丙银行", "D 丁银行", "E 戊银行"
    )
    need.allowed_institutions.set([allowed, opener])
    first = timezone.now() - dt.timedelta(days=3)
    for days_ago in (3, 2, 1):
        log = NeedAccessLog.objects.create(need=need, institution=opener)
        NeedAccessLog.objects.filter(pk=log.pk).update(
            accessed_at=timezone.now() - dt.timedelta(days=days_ago)
        )
    revocation = NeedAccessRevocation.objects.create(need=need, institution=revoked)
    lead = LeadFactory(need=need, institution=holder)
    rows = need_consent_rows(need=need)
    assert [row["institution"] for row in rows] == [allowed, opener, revoked, holder]
    by_name = {row["institution"].name[0]: row for row in rows}
    assert by_name["A"] | {"institution": None} == {
        "institution": None,
        "revoked": None,
        "lead": None,
        "first_opened": None,
        "last_opened": None,
        "times_opened": 0,
    }
    assert by_name["B"]["times_opened"] == 3
    assert abs(by_name["B"]["first_opened"] - first) < dt.timedelta(minutes=1)
    assert abs(by_name["B"]["last_opened"] - (first + dt.timedelta(days=2))) < dt.timedelta(
        minutes=1
    )
    assert (by_name["C"]["revoked"], by_name["C"]["lead"]) == (revocation, None)
    assert (by_name["D"]["lead"], by_name["D"]["revoked"]) == (lead, None)
    assert by_name["D"]["times_opened"] == 0


@pytest.mark.django_db
def test_consent_rows_of_a_need_open_to_all_ignore_a_stale_choice_list():
    need = FinancingNeedFactory(status="submitted")
    stale, opener = _institutions("A 旧选择", "B 查看过")
    need.allowed_institutions.set([stale])  # left from when the need was "chosen only"
    NeedAccessLog.objects.create(need=need, institution=opener)
    rows = need_consent_rows(need=need)
    assert [(row["institution"], row["times_opened"]) for row in rows] == [(opener, 1)]


def _record(lead, note, at, *, actor=None, to_state=Lead.Status.INFO_REQUESTED):
    action = AuditEvent.Action.STATUS if to_state else AuditEvent.Action.NOTE
    audit_record(obj=lead, action=action, actor=actor, to_state=to_state, note=note, at=at)


@pytest.mark.django_db
def test_info_requests_list_the_waiting_leads_with_the_latest_question():
    need = FinancingNeedFactory(status="in_progress")
    officer = UserFactory()
    working = LeadFactory(need=need, status=Lead.Status.CONTACTED)
    asked_twice = LeadFactory(need=need, status=Lead.Status.INFO_REQUESTED)
    never_recorded = LeadFactory(need=need, status=Lead.Status.INFO_REQUESTED)
    earlier = timezone.now() - dt.timedelta(days=2)
    # Recorded out of order (an import): the later question has the lower id.
    _record(asked_twice, "请补充近三个月流水", earlier + dt.timedelta(days=1), actor=officer)
    _record(asked_twice, "请提供房产证", earlier, actor=officer)
    _record(
        asked_twice,
        "内部备注，不是提问",
        earlier + dt.timedelta(days=1, hours=1),
        actor=officer,
        to_state="",
    )
    rows = info_requests_on_need(leads=[working, asked_twice, never_recorded])
    assert rows == [(asked_twice, "请补充近三个月流水"), (never_recorded, "")]


@pytest.mark.django_db
def test_of_two_questions_at_the_same_moment_the_later_recorded_wins():
    lead = LeadFactory(status=Lead.Status.INFO_REQUESTED)
    at = timezone.now() - dt.timedelta(hours=1)
    for note in ("第一次提问", "第二次提问"):
        _record(lead, note, at)
    assert info_requests_on_need(leads=[lead]) == [(lead, "第二次提问")]


@pytest.mark.django_db
def test_lead_on_need_finds_only_the_need_s_own_lead():
    need = FinancingNeedFactory(status="submitted")
    own = LeadFactory(need=need)
    other = LeadFactory()
    assert lead_on_need(need=need, pk=own.pk) == own
    with pytest.raises(Http404):
        lead_on_need(need=need, pk=other.pk)


@pytest.mark.django_db
def test_leads_on_need_best_first_with_institution_and_product_in_one_query(
    django_assert_num_queries,
):
    need = FinancingNeedFactory(status="in_progress")
    low = LeadFactory(need=need, score=Decimal("61.00"), product=LoanProductFactory())
    high = LeadFactory(need=need, score=Decimal("88.50"), product=LoanProductFactory())
    LeadFactory(score=Decimal("99.00"))  # another need's
    with django_assert_num_queries(1):
        rows = [
            (lead, lead.institution.name, lead.product.name) for lead in leads_on_need(need=need)
        ]
    assert rows == [
        (high, high.institution.name, high.product.name),
        (low, low.institution.name, low.product.name),
    ]


@pytest.mark.django_db
def test_a_meeting_s_total_counts_its_own_agreements_that_stand():
    meeting, other = MeetingFactory(), MeetingFactory()
    LoanAgreementFactory(meeting=meeting, amount=Decimal("3000000.00"))
    LoanAgreementFactory(meeting=meeting, amount=Decimal("1250000.50"))
    LoanAgreementFactory(meeting=meeting, amount=Decimal("9000000.00"), voided_at=timezone.now())
    LoanAgreementFactory(meeting=other, amount=Decimal("7000000.00"))
    assert meeting_signed_total(meeting=meeting) == Decimal("4250000.50")
    assert meeting_signed_total(meeting=MeetingFactory()) == Decimal("0.00")


@pytest.mark.django_db
def test_matching_is_pending_only_for_a_submitted_verified_need_not_yet_scored():
    def need(status="submitted", verification="verified", **fields):
        enterprise = EnterpriseFactory(verification_status=verification)
        made = FinancingNeedFactory(enterprise=enterprise, status=status)
        if fields:
            FinancingNeed.objects.filter(pk=made.pk).update(**fields)
            made.refresh_from_db()
        return made

    scored = need()
    Match.objects.create(need=scored, product=LoanProductFactory(), score=Decimal("70"))
    cases = {
        "submitted, never matched": (need(), True),
        "draft": (need(status="draft"), False),
        "in progress": (need(status="in_progress"), False),
        "unverified": (need(verification="pending"), False),
        "matched at the last change": (need(matched_at=F("updated_at")), False),
        "changed since the last run": (
            need(matched_at=F("updated_at") - dt.timedelta(seconds=1)),
            True,
        ),
        "already has a match": (scored, False),
    }
    got = {name: need_matching_pending(need=made) for name, (made, _) in cases.items()}
    assert got == {name: expected for name, (_, expected) in cases.items()}


@pytest.mark.django_db
def test_overdue_leads_are_grouped_by_institution_oldest_deadline_first(
    django_assert_num_queries,
):
    now = timezone.now()
    first, second = InstitutionFactory(), InstitutionFactory()

    def lead(institution, hours_late, **fields):
        return LeadFactory(
            institution=institution, contact_due_at=now - dt.timedelta(hours=hours_late), **fields
        )

    a_late = lead(first, 30)
    b_later = lead(second, 50)
    a_latest = lead(first, 70)
    b_late = lead(second, 5, status=Lead.Status.CLAIMED)
    lead(first, 10, first_contacted_at=now)  # contacted: not overdue
    lead(second, 10, status=Lead.Status.CONTACTED)
    lead(first, -10)  # not due yet
    with django_assert_num_queries(1):
        groups = [
            (institution, [(x, x.institution.name, x.need.enterprise.name) for x in leads])
            for institution, leads in overdue_leads_by_institution(now=now)
        ]
    assert [(institution, [x for x, *_ in leads]) for institution, leads in groups] == [
        (first, [a_latest, a_late]),
        (second, [b_later, b_late]),
    ]


@pytest.mark.django_db
def test_pending_corrections_load_what_the_office_list_shows(django_assert_num_queries):
    officer = UserFactory()
    pending = [
        AgreementCorrection.objects.create(
            agreement=LoanAgreementFactory(), kind="void", reason="重复登记", requested_by=officer
        )
        for _ in range(2)
    ]
    AgreementCorrection.objects.create(
        agreement=LoanAgreementFactory(),
        kind="void",
        reason="已处理",
        requested_by=officer,
        status=AgreementCorrection.Status.REJECTED,
    )
    with django_assert_num_queries(1):
        rows = [
            (
                c,
                c.agreement.institution.name,
                c.agreement.lead.need.enterprise.name,
                c.requested_by.username,
            )
            for c in pending_agreement_corrections()
        ]
    assert [row[0] for row in rows] == pending


@pytest.mark.django_db
def test_a_correction_is_found_by_its_own_id_and_an_agreement_lists_its_own(
    django_assert_num_queries,
):
    officer, decider = UserFactory(), UserFactory()
    agreement = LoanAgreementFactory()
    older = AgreementCorrection.objects.create(
        agreement=agreement,
        kind="correct",
        amount=Decimal("900000.00"),
        reason="金额笔误",
        requested_by=officer,
        status=AgreementCorrection.Status.REJECTED,
        decided_by=decider,
    )
    newer = AgreementCorrection.objects.create(
        agreement=agreement, kind="void", reason="重复登记", requested_by=officer
    )
    AgreementCorrection.objects.filter(pk=older.pk).update(
        requested_at=timezone.now() - dt.timedelta(days=1)
    )
    AgreementCorrection.objects.create(
        agreement=LoanAgreementFactory(), kind="void", reason="另一笔", requested_by=officer
    )
    assert agreement_correction_by_id(pk=older.pk) == older
    assert agreement_correction_by_id(pk=newer.pk) == newer
    with pytest.raises(Http404):
        agreement_correction_by_id(pk=newer.pk + 1000)
    with django_assert_num_queries(1):
        rows = [
            (c, c.requested_by.username, c.decided_by and c.decided_by.username)
            for c in agreement_corrections_for(agreement=agreement)
        ]
    assert rows == [(newer, officer.username, None), (older, officer.username, decider.username)]
