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
from leads.models import AgreementCorrection, Disbursement, Lead
from leads.selectors import (
    agreement_correction_by_id,
    agreement_corrections_for,
    disbursements_for,
    info_requests_on_need,
    lead_explanation,
    lead_inbox,
    lead_on_need,
    lead_timeline,
    leads_for_institution,
    leads_on_need,
    matched_needs_for_institution,
    meeting_signed_total,
    need_consent_rows,
    need_matching_pending,
    need_timeline,
    overdue_leads_by_institution,
    past_meetings_with_totals,
    pending_agreement_corrections,
)
from matchmaking.engine import rescore_need
from matchmaking.models import Match
from tests.factories import (
    EnterpriseFactory,
    FinancingNeedFactory,
    InstitutionFactory,
    LeadFactory,
    LoanAgreementFactory,
    LoanProductFactory,
    OfficerFactory,
    UserFactory,
)
from tests.factories.core import IndustryChainFactory
from tests.factories.meetings import MeetingFactory

pytestmark = pytest.mark.django_db


def _institutions(*names):
    return [InstitutionFactory(name=name) for name in names]


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


def test_of_two_questions_at_the_same_moment_the_later_recorded_wins():
    lead = LeadFactory(status=Lead.Status.INFO_REQUESTED)
    at = timezone.now() - dt.timedelta(hours=1)
    for note in ("第一次提问", "第二次提问"):
        _record(lead, note, at)
    assert info_requests_on_need(leads=[lead]) == [(lead, "第二次提问")]


def test_lead_on_need_finds_only_the_need_s_own_lead():
    need = FinancingNeedFactory(status="submitted")
    own = LeadFactory(need=need)
    other = LeadFactory()
    assert lead_on_need(need=need, pk=own.pk) == own
    with pytest.raises(Http404):
        lead_on_need(need=need, pk=other.pk)


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


def test_a_meeting_s_total_counts_its_own_agreements_that_stand():
    meeting, other = MeetingFactory(), MeetingFactory()
    LoanAgreementFactory(meeting=meeting, amount=Decimal("3000000.00"))
    LoanAgreementFactory(meeting=meeting, amount=Decimal("1250000.50"))
    LoanAgreementFactory(meeting=meeting, amount=Decimal("9000000.00"), voided_at=timezone.now())
    LoanAgreementFactory(meeting=other, amount=Decimal("7000000.00"))
    assert meeting_signed_total(meeting=meeting) == Decimal("4250000.50")
    assert meeting_signed_total(meeting=MeetingFactory()) == Decimal("0.00")


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


# --- What an institution may see ----------------------------------------------------------------


@pytest.fixture
def consent_world():
    """Two banks A and B and four needs: chosen for A only, chosen for B only, open to all but
    revoked for A, withdrawn. Each bank holds a lead on each need."""
    a, b = InstitutionFactory(), InstitutionFactory()
    chosen_a = FinancingNeedFactory(status="submitted", visibility=FinancingNeed.Visibility.CHOSEN)
    chosen_a.allowed_institutions.set([a])
    chosen_b = FinancingNeedFactory(status="submitted", visibility=FinancingNeed.Visibility.CHOSEN)
    chosen_b.allowed_institutions.set([b])
    revoked_a = FinancingNeedFactory(status="submitted")
    NeedAccessRevocation.objects.create(need=revoked_a, institution=a)
    withdrawn = FinancingNeedFactory(status="withdrawn")
    needs = {"chosen_a": chosen_a, "chosen_b": chosen_b, "revoked_a": revoked_a, "gone": withdrawn}
    leads = {
        (bank, name): LeadFactory(need=need, institution=institution)
        for bank, institution in (("a", a), ("b", b))
        for name, need in needs.items()
    }
    return {"a": a, "b": b, "needs": needs, "leads": leads}


def test_an_institution_sees_only_the_leads_its_consent_allows(consent_world):
    leads = consent_world["leads"]
    seen = {
        bank: set(leads_for_institution(institution=consent_world[bank])) for bank in ("a", "b")
    }
    assert seen == {
        "a": {leads["a", "chosen_a"]},
        "b": {leads["b", "chosen_b"], leads["b", "revoked_a"]},
    }


def test_the_institution_s_leads_load_their_officer_in_the_same_query(
    consent_world, django_assert_num_queries
):
    officer = OfficerFactory(institution=consent_world["b"])
    Lead.objects.filter(institution=consent_world["b"]).update(assigned_to=officer)
    with django_assert_num_queries(1):
        names = [
            (lead.assigned_to.user.username, lead.product, lead.need.enterprise.chain.cluster.name)
            for lead in leads_for_institution(institution=consent_world["b"])
        ]
    assert [name for name, *_ in names] == [officer.user.username] * 2


def test_matched_needs_follow_the_consent_as_it_is_now(consent_world):
    a, b = consent_world["a"], consent_world["b"]
    Lead.objects.all().delete()  # no bank holds a lead yet
    product_a, product_b = LoanProductFactory(institution=a), LoanProductFactory(institution=b)
    for need in consent_world["needs"].values():
        for product in (product_a, product_b):
            Match.objects.create(need=need, product=product, score=Decimal("70.00"))
    needs = consent_world["needs"]
    seen = {
        bank: {row["need_id"] for row in matched_needs_for_institution(institution=institution)}
        for bank, institution in (("a", a), ("b", b))
    }
    assert seen == {
        "a": {needs["chosen_a"].pk},
        "b": {needs["chosen_b"].pk, needs["revoked_a"].pk},
    }


def test_matched_needs_best_score_first_with_what_the_list_shows():
    institution = InstitutionFactory()
    products = [LoanProductFactory(institution=institution) for _ in range(2)]
    chain = IndustryChainFactory(name="智能装备产业链")
    # Written in the order tied, first, best, with ids that sort first, tied, best: a tie must
    # come out in id order, not in the order the rows were written.
    tied, first, best = (
        FinancingNeedFactory(
            pk=pk,
            status="submitted",
            enterprise=EnterpriseFactory(chain=chain),
            amount=Decimal("3000000.00"),
            term_months=24,
            loan_kind=FinancingNeed.LoanKind.RENEWAL,
        )
        for pk in (9002, 9001, 9003)
    )
    scores = {first: ("65.00", "72.50"), tied: ("72.50", "60.00"), best: ("90.00", "61.00")}
    for need, pair in scores.items():
        for product, score in zip(products, pair, strict=True):
            Match.objects.create(need=need, product=product, score=Decimal(score))
    for _ in range(2):  # two other banks already work on the best need
        LeadFactory(need=best)
    LeadFactory(need=best, status=Lead.Status.DECLINED)  # no longer working on it
    LeadFactory(need=tied, institution=InstitutionFactory(), status=Lead.Status.CLOSED)
    rows = list(matched_needs_for_institution(institution=institution))
    assert [(row["need_id"], row["best_score"], row["holders"]) for row in rows] == [
        (best.pk, Decimal("90.00"), 2),
        (first.pk, Decimal("72.50"), 0),
        (tied.pk, Decimal("72.50"), 0),
    ]
    assert {(r["need__amount"], r["need__term_months"], r["need__loan_kind"]) for r in rows} == {
        (Decimal("3000000.00"), 24, "renewal")
    }
    assert {r["need__enterprise__chain__name"] for r in rows} == {"智能装备产业链"}


def test_the_inbox_orders_equal_scores_by_the_nearest_deadline_then_by_age():
    from django.http import QueryDict

    officer = OfficerFactory()
    soon = timezone.now() + dt.timedelta(days=1)
    later = LeadFactory(institution=officer.institution, contact_due_at=soon + dt.timedelta(1))
    # Written second first, with ids in the other order: a tie comes out in id order.
    second = LeadFactory(pk=9002, institution=officer.institution, contact_due_at=soon)
    first = LeadFactory(pk=9001, institution=officer.institution, contact_due_at=soon)
    top = LeadFactory(institution=officer.institution, score=Decimal("95.00"))
    inbox = lead_inbox(officer=officer, params=QueryDict())
    assert list(inbox.qs) == [top, first, second, later]


# --- Timelines ------------------------------------------------------------------------------------


def _claimed(lead, officer, at, **fields):
    audit_record(
        obj=lead,
        action="status",
        actor=officer,
        from_state="new",
        to_state="claimed",
        at=at,
        **fields,
    )


def test_a_need_s_timeline_labels_need_and_lead_steps_and_names_the_lead_s_bank(
    django_assert_num_queries,
):
    need = FinancingNeedFactory(status="in_progress")
    lead = LeadFactory(need=need, institution=InstitutionFactory(short_name="清溪农商行"))
    officer = UserFactory()
    at = timezone.now() - dt.timedelta(hours=3)
    audit_record(
        obj=need, action="status", from_state="draft", to_state="submitted", note="提交", at=at
    )
    _claimed(lead, officer, at + dt.timedelta(hours=1), note="已认领", thread=need)
    audit_record(obj=need, action="note", note="备注", at=at + dt.timedelta(hours=2))
    with django_assert_num_queries(2):  # the events, then their leads with their banks
        rows = [
            (r["at"], r["actor"], r["is_system"], r["text"], r["from"], r["to"], r["institution"])
            for r in need_timeline(need=need)
        ]
        names = [str(r[6]) for r in rows if r[6] is not None]
    assert rows == [
        (at, None, True, "提交", "草稿", "已提交", None),
        (
            at + dt.timedelta(hours=1),
            officer,
            False,
            "已认领",
            "新线索",
            "已认领",
            lead.institution,
        ),
        (at + dt.timedelta(hours=2), None, True, "备注", "", "", None),
    ]
    assert names == ["清溪农商行"]


def test_a_lead_s_timeline_reads_its_own_steps_with_labels():
    lead = LeadFactory()
    officer = UserFactory()
    at = timezone.now() - dt.timedelta(hours=1)
    audit_record(obj=lead, action="created", note="系统分配", at=at)
    _claimed(lead, officer, at + dt.timedelta(minutes=5))
    audit_record(obj=LeadFactory(), action="created", note="另一条线索")
    rows = [
        (r["actor"], r["is_system"], r["from"], r["to"], r["note"])
        for r in lead_timeline(lead=lead)
    ]
    assert rows == [(None, True, "", "", "系统分配"), (officer, False, "新线索", "已认领", "")]


# --- Meetings, payouts and explanations ------------------------------------------------------------


def test_past_meetings_are_the_latest_held_ones_with_what_stands_of_their_agreements():
    now = timezone.now()
    held = [
        MeetingFactory(status="held", starts_at=now - dt.timedelta(days=30 * (i + 1)))
        for i in range(6)
    ]
    MeetingFactory(status="scheduled", starts_at=now + dt.timedelta(days=5))
    MeetingFactory(status="cancelled", starts_at=now - dt.timedelta(days=2))
    LoanAgreementFactory(meeting=held[0], amount=Decimal("3000000.00"))
    LoanAgreementFactory(meeting=held[0], amount=Decimal("2000000.00"))
    LoanAgreementFactory(meeting=held[0], amount=Decimal("9000000.00"), voided_at=now)
    rows = [(m, m.signed_amount, m.signed_count) for m in past_meetings_with_totals()]
    assert rows == [(held[0], Decimal("5000000.00"), 2)] + [(m, None, 0) for m in held[1:5]]
    assert list(past_meetings_with_totals(limit=6)) == held


def test_payouts_are_listed_by_date_then_by_id():
    agreement = LoanAgreementFactory()
    day = timezone.localdate() - dt.timedelta(days=10)

    def pay(pk, on, wan):
        return Disbursement.objects.create(
            pk=pk, agreement=agreement, amount=Decimal(wan) * 10000, disbursed_on=on
        )

    # Written late, early_b, early_a; on one day the lower id (early_a) comes first.
    late = pay(9001, day + dt.timedelta(days=3), 100)
    early_b = pay(9003, day, 60)
    early_a = pay(9002, day, 50)
    assert list(disbursements_for(agreement=agreement)) == [early_a, early_b, late]


def test_a_lead_s_explanation_is_of_its_own_need_and_product():
    product = LoanProductFactory(tags=["mortgage", "first_loan"])
    need = FinancingNeedFactory(status="submitted")
    rescore_need(need.pk)
    lead = Lead.objects.get(need=need, product=product)
    stored = Match.objects.get(need=need, product=product).score
    assert lead_explanation(lead=lead).score == stored
    lead.product = None
    assert lead_explanation(lead=lead) is None
