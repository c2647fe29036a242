"""The scheduled notices of the lead service, called directly: who is told, in what words, with
which link, what each run records in ``ReminderLog`` and what it returns. Texts are the Chinese
translations, written out; counts and dates are set up by hand."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Notice, User
from banks.models import Institution, Officer
from leads.models import ReminderLog
from leads.services import (
    institution_response_rates_refresh,
    meeting_follow_up_notices_send,
    new_lead_digests_send,
    officers_tell_of_new_leads,
    overdue_reminders_send,
)
from tests.factories import (
    EnterpriseFactory,
    FinancingNeedFactory,
    InstitutionFactory,
    LeadFactory,
    LoanAgreementFactory,
    OfficerFactory,
    UserFactory,
)
from tests.factories.meetings import MeetingFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_LEADS_URL = reverse("banks:lead_list") + "?status=new"
OVERDUE_URL = reverse("banks:lead_list") + "?overdue=true"


def _officer(institution, *, role=Officer.Role.OFFICER, **user):
    return OfficerFactory(
        institution=institution, role=role, **{f"user__{k}": v for k, v in user.items()}
    )


def _notices(user):
    return list(Notice.objects.filter(user=user).values_list("title", "body", "url"))


def _claims():
    return set(ReminderLog.objects.values_list("kind", "key", "recipient_id"))


def _finance(**fields):
    return UserFactory(
        role=User.Role.GOVERNMENT, department=User.Department.FINANCE_OFFICE, **fields
    )


# --- A batch of new leads ---------------------------------------------------------------------


def test_each_active_officer_of_an_institution_with_new_leads_is_told_once():
    first, second, none_new = InstitutionFactory(), InstitutionFactory(), InstitutionFactory()
    a1 = _officer(first)
    a2 = _officer(first, role=Officer.Role.ADMIN)
    left = _officer(first, is_active=True)
    Officer.objects.filter(pk=left.pk).update(is_active=False)
    locked = _officer(first, is_active=False)
    b1 = _officer(second)
    idle = _officer(none_new)
    told = officers_tell_of_new_leads(
        created_by_institution={first.pk: 3, second.pk: 2, none_new.pk: 0}
    )
    assert told == 3
    body = "线索已进入线索收件箱，尚未分配，等待客户经理认领。"
    for officer in (a1, a2):
        assert _notices(officer.user) == [("新到3条线索", body, NEW_LEADS_URL)]
    assert _notices(b1.user) == [("新到2条线索", body, NEW_LEADS_URL)]
    for officer in (left, locked, idle):
        assert _notices(officer.user) == []


def test_no_new_leads_tells_nobody():
    officer = _officer(InstitutionFactory())
    assert officers_tell_of_new_leads(created_by_institution={}) == 0
    assert officers_tell_of_new_leads(created_by_institution={officer.institution_id: 0}) == 0
    assert not Notice.objects.exists()


def test_telling_of_new_leads_costs_the_same_queries_for_more_officers():
    def queries_for(officers):
        institution = InstitutionFactory()
        for _ in range(officers):
            _officer(institution, email_notifications=False)
        with CaptureQueriesContext(connection) as captured:
            officers_tell_of_new_leads(created_by_institution={institution.pk: 1})
        return len(captured)

    assert queries_for(1) == queries_for(4)


# --- The daily digest of new leads --------------------------------------------------------------


def test_the_digest_counts_the_last_day_s_leads_for_officers_who_chose_it():
    now = dt.datetime(2026, 11, 20, 8, 0, tzinfo=SHANGHAI)
    institution, quiet = InstitutionFactory(), InstitutionFactory()
    for hours_ago in (1, 23):
        LeadFactory(institution=institution, received_at=now - dt.timedelta(hours=hours_ago))
    LeadFactory(institution=institution, received_at=now - dt.timedelta(hours=25))  # too old
    LeadFactory(institution=institution, received_at=now)  # after the run's moment
    LeadFactory(institution=quiet, received_at=now - dt.timedelta(days=3))
    first = _officer(institution, lead_email=User.LeadEmail.DAILY)
    second = _officer(institution, lead_email=User.LeadEmail.DAILY)
    not_told = [
        _officer(institution, lead_email=User.LeadEmail.IMMEDIATE),
        _officer(institution, lead_email=User.LeadEmail.DAILY, email_notifications=False),
        _officer(institution, lead_email=User.LeadEmail.DAILY, email=""),
        _officer(institution, lead_email=User.LeadEmail.DAILY, is_active=False),
        _officer(quiet, lead_email=User.LeadEmail.DAILY),
    ]
    gone = _officer(institution, lead_email=User.LeadEmail.DAILY)
    Officer.objects.filter(pk=gone.pk).update(is_active=False)
    not_told.append(gone)

    assert new_lead_digests_send(now=now) == 2
    for officer in (first, second):
        assert _notices(officer.user) == [("过去一天新到线索：2条", "", NEW_LEADS_URL)]
    for officer in not_told:
        assert _notices(officer.user) == []
    assert _claims() == {
        ("new-leads-digest", "2026-11-20", first.user_id),
        ("new-leads-digest", "2026-11-20", second.user_id),
    }
    assert new_lead_digests_send(now=now) == 0  # run twice the same day


def _one_lead_and_a_digest_officer(received_ago):
    """A bank with one lead received ``received_ago`` before 2026-11-20 08:00 and one officer
    who chose the digest; returns the run's moment and the bank."""
    now = dt.datetime(2026, 11, 20, 8, 0, tzinfo=SHANGHAI)
    institution = InstitutionFactory()
    LeadFactory(institution=institution, received_at=now - received_ago)
    _officer(institution, lead_email=User.LeadEmail.DAILY)
    return now, institution


def test_a_digest_already_sent_today_does_not_stop_the_next_officer_s():
    now, institution = _one_lead_and_a_digest_officer(dt.timedelta(hours=2))
    assert new_lead_digests_send(now=now) == 1
    newcomer = _officer(institution, lead_email=User.LeadEmail.DAILY)
    assert new_lead_digests_send(now=now) == 1
    assert _notices(newcomer.user) == [("过去一天新到线索：1条", "", NEW_LEADS_URL)]


def test_no_lead_in_the_last_day_sends_no_digest():
    now, _institution = _one_lead_and_a_digest_officer(dt.timedelta(days=2))
    assert new_lead_digests_send(now=now) == 0
    assert not Notice.objects.exists()


# --- The daily overdue reminder -------------------------------------------------------------------


def test_overdue_reminders_name_each_institution_s_leads_and_total_them_for_the_office():
    now = dt.datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)
    first = InstitutionFactory(short_name="甲银行")
    second = InstitutionFactory(short_name="乙银行")
    enterprise = EnterpriseFactory(name="清溪精工有限公司")

    def overdue(institution, due, purpose):
        need = FinancingNeedFactory(enterprise=enterprise, status="submitted", purpose=purpose)
        return LeadFactory(
            need=need,
            institution=institution,
            contact_due_at=dt.datetime.combine(due, dt.time(23, 59), tzinfo=SHANGHAI),
        )

    overdue(first, dt.date(2026, 11, 17), "购买设备")
    overdue(first, dt.date(2026, 11, 18), "补充流动资金")
    overdue(second, dt.date(2026, 11, 19), "厂房扩建")
    admins = [_officer(first, role=Officer.Role.ADMIN) for _ in range(2)]
    other_admin = _officer(second, role=Officer.Role.ADMIN)
    finance = [_finance(), _finance()]
    not_told = [
        _officer(first),  # not an admin
        UserFactory(role=User.Role.GOVERNMENT, department=User.Department.DEVELOPMENT_REFORM),
        _finance(is_active=False),
    ]

    assert overdue_reminders_send(now=now) == {"admins": 3, "finance_office": 2}
    first_body = "清溪精工有限公司 · 购买设备 · 截止2026-11-17\n清溪精工有限公司 · 补充流动资金 · 截止2026-11-18"
    for admin in admins:
        assert _notices(admin.user) == [("2条线索已超过首次联系时限", first_body, OVERDUE_URL)]
    assert _notices(other_admin.user) == [
        ("1条线索已超过首次联系时限", "清溪精工有限公司 · 厂房扩建 · 截止2026-11-19", OVERDUE_URL)
    ]
    summary = "甲银行：逾期2条\n乙银行：逾期1条"
    for user in finance:
        assert _notices(user) == [("今日逾期线索：3条", summary, "")]
    for person in not_told:
        user = person.user if isinstance(person, Officer) else person
        assert _notices(user) == []
    assert _claims() == {
        ("overdue-institution", f"2026-11-20:{first.pk}", admins[0].user_id),
        ("overdue-institution", f"2026-11-20:{first.pk}", admins[1].user_id),
        ("overdue-institution", f"2026-11-20:{second.pk}", other_admin.user_id),
        ("overdue-digest", "2026-11-20", finance[0].pk),
        ("overdue-digest", "2026-11-20", finance[1].pk),
    }
    assert overdue_reminders_send(now=now) == {"admins": 0, "finance_office": 0}


# --- Agreements signed at a meeting and not yet paid out -------------------------------------------


@pytest.fixture
def follow_up(settings):
    settings.MEETING_FOLLOW_UP_DAYS = 30
    institution = InstitutionFactory()
    meeting = MeetingFactory(title="2026年第二季度政银企对接会")
    recorder = _officer(institution)
    admin = _officer(institution, role=Officer.Role.ADMIN)
    signed = dt.date(2026, 6, 1)

    def agreement(name, amount, *, recorded_by=recorder.user, on=signed):
        return LoanAgreementFactory(
            lead__institution=institution,
            lead__need__enterprise=EnterpriseFactory(name=name),
            meeting=meeting,
            amount=amount,
            signed_on=on,
            recorded_by=recorded_by,
        )

    return {
        "institution": institution,
        "recorder": recorder,
        "admin": admin,
        "signed": signed,
        "agreement": agreement,
    }


def test_meeting_agreements_unpaid_after_the_setting_s_days_are_followed_up(follow_up):
    make, signed = follow_up["agreement"], follow_up["signed"]
    a1 = make("清溪甲公司", Decimal("30000000.00"))
    a2 = make("清溪乙公司", Decimal("4500000.00"), recorded_by=None)
    make("清溪丙公司", Decimal("1000000.00"), on=signed + dt.timedelta(days=1))  # 29 days
    institution = follow_up["institution"]
    not_told = [
        _officer(institution),  # neither admin nor recorder
        _officer(institution, role=Officer.Role.ADMIN, is_active=False),
    ]
    left = _officer(institution, role=Officer.Role.ADMIN)
    Officer.objects.filter(pk=left.pk).update(is_active=False)
    not_told.append(left)
    now = dt.datetime.combine(signed + dt.timedelta(days=30), dt.time(9), tzinfo=SHANGHAI)

    assert meeting_follow_up_notices_send(now=now) == 2
    line_a = "2026年第二季度政银企对接会 · 清溪甲公司 · 3,000.00万元 · 2026-06-01签约"
    line_b = "2026年第二季度政银企对接会 · 清溪乙公司 · 450.00万元 · 2026-06-01签约"
    url = reverse("banks:lead_detail", kwargs={"pk": a1.lead_id})
    assert _notices(follow_up["admin"].user) == [
        ("2笔对接会签约协议超过30天尚未放款", f"{line_a}\n{line_b}", url)
    ]
    assert _notices(follow_up["recorder"].user) == [
        ("1笔对接会签约协议超过30天尚未放款", line_a, url)
    ]
    for officer in not_told:
        assert _notices(officer.user) == []
    assert {(kind, key) for kind, key, _user in _claims()} == {
        ("meeting-follow-up", f"agreement:{a1.pk}"),
        ("meeting-follow-up", f"agreement:{a2.pk}"),
    }
    assert meeting_follow_up_notices_send(now=now) == 0


def test_the_follow_up_waits_for_the_day_the_run_is_for(follow_up):
    follow_up["agreement"]("清溪甲公司", Decimal("30000000.00"))
    day_before = dt.datetime.combine(
        follow_up["signed"] + dt.timedelta(days=29), dt.time(9), tzinfo=SHANGHAI
    )
    assert meeting_follow_up_notices_send(now=day_before) == 0
    assert not Notice.objects.exists()


def test_one_recorder_with_nothing_new_does_not_stop_the_next(follow_up):
    make, signed = follow_up["agreement"], follow_up["signed"]
    Officer.objects.filter(pk=follow_up["admin"].pk).update(is_active=False)
    other = _officer(follow_up["institution"])
    make("清溪甲公司", Decimal("1000000.00"))
    make("清溪乙公司", Decimal("2000000.00"), recorded_by=other.user, on=signed + dt.timedelta(1))
    now = dt.datetime.combine(signed + dt.timedelta(days=60), dt.time(9), tzinfo=SHANGHAI)
    assert meeting_follow_up_notices_send(now=now) == 2
    make("清溪丙公司", Decimal("3000000.00"), recorded_by=other.user, on=signed + dt.timedelta(2))
    assert meeting_follow_up_notices_send(now=now) == 1
    assert [title for title, *_ in _notices(other.user)] == [
        "1笔对接会签约协议超过30天尚未放款",
        "1笔对接会签约协议超过30天尚未放款",
    ]


# --- Response rates -----------------------------------------------------------------------------


def test_refreshing_response_rates_reads_institutions_in_one_query():
    def queries_for(count):
        Institution.objects.all().delete()
        for _ in range(count):
            InstitutionFactory()  # no leads: the default rate, already stored
        with CaptureQueriesContext(connection) as captured:
            assert institution_response_rates_refresh() == 0
        return len(captured)

    assert queries_for(1) == queries_for(5)
