"""Meetings and series: generating occurrences, changing one or the rest, cancelling one."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.errors import ServiceError
from core.models import AuditEvent
from meetings import services
from meetings.models import Meeting, MeetingSeries
from meetings.signals import meeting_changed

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
D = dt.date


def at(day, hour, minute=0):
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SH)


@pytest.fixture
def heard():
    """What ``meeting_changed`` receivers hear: (meeting pk, kind) in order."""
    got = []

    def receiver(sender, meeting, kind, **kwargs):
        got.append((meeting.pk, kind))

    meeting_changed.connect(receiver)
    yield got
    meeting_changed.disconnect(receiver)


def _monthly(actor, **overrides):
    fields = {
        "actor": actor,
        "title": "月度早餐会",
        "kind": "breakfast",
        "rule": "monthly",
        "first_date": D(2030, 1, 15),
        "start_time": dt.time(9, 30),
        "duration_minutes": 90,
        "generate_until": D(2030, 6, 30),
        "location": "区金融服务中心",
    }
    fields.update(overrides)
    return services.series_create(**fields)


def _occurrences(series):
    return list(series.occurrences.order_by("series_slot"))


def test_a_monthly_series_creates_one_meeting_per_month_at_local_time(finance_user):
    series = _monthly(finance_user)
    meetings = _occurrences(series)
    assert [m.starts_at for m in meetings] == [
        at(D(2030, 1, 15), 9, 30),
        at(D(2030, 2, 15), 9, 30),
        at(D(2030, 3, 15), 9, 30),
        at(D(2030, 4, 15), 9, 30),
        at(D(2030, 5, 15), 9, 30),
        at(D(2030, 6, 15), 9, 30),
    ]
    assert all(m.ends_at - m.starts_at == dt.timedelta(minutes=90) for m in meetings)
    assert {m.title for m in meetings} == {"月度早餐会"}
    assert AuditEvent.objects.filter(action="created", object_id__in=[m.pk for m in meetings])


def test_a_first_working_day_series_uses_the_calendar(finance_user):
    from core.models import CalendarDay

    CalendarDay.objects.create(date=D(2031, 1, 1), is_workday=False, name="元旦")
    series = _monthly(
        finance_user,
        rule="first_workday",
        first_date=D(2031, 1, 1),
        generate_until=D(2031, 3, 31),
    )
    assert [m.series_slot for m in _occurrences(series)] == [
        D(2031, 1, 2),
        D(2031, 2, 3),
        D(2031, 3, 3),
    ]


def test_generating_again_creates_nothing_even_after_a_move_and_a_cancel(finance_user):
    series = _monthly(finance_user)
    first, second = _occurrences(series)[:2]
    services.meeting_update(
        meeting=first,
        actor=finance_user,
        starts_at=at(D(2030, 1, 17), 9, 30),
        ends_at=at(D(2030, 1, 17), 11),
    )
    services.meeting_cancel(meeting=second, actor=finance_user, reason="与区人代会冲突")
    created = services.series_generate(series=series, actor=finance_user, until=D(2030, 8, 31))
    assert [m.series_slot for m in created] == [D(2030, 7, 15), D(2030, 8, 15)]
    assert series.occurrences.count() == 8
    series.refresh_from_db()
    assert series.generate_until == D(2030, 8, 31)


def test_changing_one_occurrence_leaves_the_others(
    finance_user, heard, django_capture_on_commit_callbacks
):
    series = _monthly(finance_user)
    meetings = _occurrences(series)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            meeting=meetings[1],
            actor=finance_user,
            starts_at=at(D(2030, 2, 16), 14),
            ends_at=at(D(2030, 2, 16), 16),
            location="区行政中心三楼",
        )
    after = _occurrences(series)
    assert (after[1].starts_at, after[1].location, after[1].sequence) == (
        at(D(2030, 2, 16), 14),
        "区行政中心三楼",
        1,
    )
    for before, now in zip(meetings[:1] + meetings[2:], after[:1] + after[2:], strict=True):
        assert (now.starts_at, now.location, now.sequence) == (before.starts_at, before.location, 0)
    assert heard == [(meetings[1].pk, "rescheduled")]


def test_a_change_of_place_only_is_an_update(
    finance_user, meeting, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            meeting=meeting,
            actor=finance_user,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            location="区金融服务中心二楼",
        )
    assert heard == [(meeting.pk, "updated")]


def test_nothing_is_announced_before_commit(
    finance_user, meeting, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.meeting_cancel(meeting=meeting, actor=finance_user, reason="暂停")
    assert heard == []
    assert len(callbacks) == 1


def test_changing_this_and_the_following_moves_the_rest_of_the_series(
    finance_user, heard, django_capture_on_commit_callbacks
):
    series = _monthly(finance_user)
    meetings = _occurrences(series)
    services.meeting_cancel(meeting=meetings[4], actor=finance_user, reason="停一次")
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.meeting_update(
            meeting=meetings[2],
            actor=finance_user,
            following=True,
            starts_at=at(D(2030, 3, 15), 15),
            ends_at=at(D(2030, 3, 15), 17),
            title="月度早餐会（下午场）",
        )
    assert [m.pk for m in changed] == [meetings[2].pk, meetings[3].pk, meetings[5].pk]
    after = {m.pk: m for m in series.occurrences.all()}
    assert [(after[m.pk].starts_at, after[m.pk].title) for m in meetings] == [
        (at(D(2030, 1, 15), 9, 30), "月度早餐会"),
        (at(D(2030, 2, 15), 9, 30), "月度早餐会"),
        (at(D(2030, 3, 15), 15), "月度早餐会（下午场）"),
        (at(D(2030, 4, 15), 15), "月度早餐会（下午场）"),
        (at(D(2030, 5, 15), 9, 30), "月度早餐会"),  # cancelled: left alone
        (at(D(2030, 6, 15), 15), "月度早餐会（下午场）"),
    ]
    assert after[meetings[3].pk].ends_at == at(D(2030, 4, 15), 17)
    series.refresh_from_db()
    assert (series.title, series.start_time, series.duration_minutes) == (
        "月度早餐会（下午场）",
        dt.time(15),
        120,
    )
    # Occurrences generated later follow the new time and title.
    later = services.series_generate(series=series, actor=finance_user, until=D(2030, 7, 31))
    assert [(m.starts_at, m.title) for m in later] == [
        (at(D(2030, 7, 15), 15), "月度早餐会（下午场）")
    ]
    assert sorted(heard) == sorted([(meetings[i].pk, "rescheduled") for i in (2, 3, 5)])


def test_cancelling_one_occurrence_is_recorded_and_announced(
    finance_user, heard, django_capture_on_commit_callbacks
):
    series = _monthly(finance_user)
    target, other = _occurrences(series)[1:3]
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=target, actor=finance_user, reason="与区人代会冲突")
    target.refresh_from_db()
    other.refresh_from_db()
    assert (target.status, target.cancel_reason) == ("cancelled", "与区人代会冲突")
    assert other.status == "scheduled"
    event = AuditEvent.objects.get(object_id=target.pk, action="status", to_state="cancelled")
    assert event.actor == finance_user
    assert heard == [(target.pk, "cancelled")]
    with pytest.raises(ServiceError):
        services.meeting_cancel(meeting=target, actor=finance_user)
    with pytest.raises(ServiceError):
        services.meeting_update(
            meeting=target, actor=finance_user, starts_at=target.starts_at, ends_at=target.ends_at
        )


@pytest.mark.parametrize(
    "persona", ["bureau_user", "officer_user", "enterprise_member", "outsider"]
)
def test_only_the_finance_office_organises(persona, request, meeting):
    user = request.getfixturevalue(persona)
    with pytest.raises(ServiceError):
        _monthly(user)
    with pytest.raises(ServiceError):
        services.meeting_cancel(meeting=meeting, actor=user)
    assert MeetingSeries.objects.count() == 0
    assert Meeting.objects.get(pk=meeting.pk).status == "scheduled"


def test_a_series_is_generated_at_most_two_years_ahead(finance_user):
    with pytest.raises(ServiceError) as refused:
        _monthly(finance_user, generate_until=D(2033, 1, 1))
    assert refused.value.field == "generate_until"
    assert Meeting.objects.count() == 0


def test_a_bank_event_names_its_institution(finance_user, institution):
    with pytest.raises(ServiceError) as refused:
        _monthly(finance_user, kind="bank_event")
    assert refused.value.field == "institution"
    series = _monthly(finance_user, kind="bank_event", institution=institution)
    assert {m.institution for m in series.occurrences.all()} == {institution}


def test_a_meeting_needs_a_place_or_an_online_link(finance_user):
    start = at(D(2030, 3, 1), 9)
    with pytest.raises(ServiceError) as refused:
        services.meeting_create(
            actor=finance_user,
            title="线上专场",
            kind="symposium",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
        )
    assert refused.value.field == "location"
    meeting = services.meeting_create(
        actor=finance_user,
        title="线上专场",
        kind="symposium",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        online_link="https://meeting.example.cn/123",
    )
    assert meeting.organiser_department == "finance_office"
