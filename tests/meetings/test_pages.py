"""The meeting pages, opened by every persona."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import Meeting, MeetingSeries
from tests.conftest import csrf_post
from tests.factories import EnterpriseMemberFactory

pytestmark = pytest.mark.django_db

ORGANISER_PAGES = ["office:meeting_list", "office:meeting_detail"]
FINANCE_ONLY_PAGES = [
    "office:meeting_create",
    "office:series_create",
    "office:meeting_edit",
    "office:meeting_invite",
    "office:venue_create",
]


def _url(name, meeting):
    if name in ("office:meeting_list", "office:meeting_create", "office:series_create"):
        return reverse(name)
    return reverse(name, args=[meeting.pk])


@pytest.mark.parametrize("name", ORGANISER_PAGES + FINANCE_ONLY_PAGES)
def test_the_finance_office_opens_every_organiser_page(web_as, finance_user, meeting, name):
    assert web_as(finance_user).get(_url(name, meeting)).status_code == 200


@pytest.mark.parametrize("name", ORGANISER_PAGES)
def test_a_bureau_may_look(web_as, bureau_user, meeting, name):
    response = web_as(bureau_user).get(_url(name, meeting))
    assert response.status_code == 200
    assert reverse("office:meeting_edit", args=[meeting.pk]) not in response.content.decode()


@pytest.mark.parametrize("name", FINANCE_ONLY_PAGES)
def test_a_bureau_may_not_act(web_as, bureau_user, meeting, name):
    assert web_as(bureau_user).get(_url(name, meeting)).status_code == 403


@pytest.mark.parametrize("persona", ["officer_user", "enterprise_member", "outsider"])
@pytest.mark.parametrize("name", ORGANISER_PAGES + FINANCE_ONLY_PAGES)
def test_others_are_refused(web_as, request, meeting, persona, name):
    user = request.getfixturevalue(persona)
    assert web_as(user).get(_url(name, meeting)).status_code == 403


def test_a_bureau_cannot_cancel_by_posting(web_as, bureau_user, meeting):
    response = csrf_post(
        web_as(bureau_user),
        reverse("office:meeting_cancel", args=[meeting.pk]),
        {"reason": "x"},
        form_url=reverse("office:meeting_list"),
    )
    assert response.status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).status == "scheduled"


def test_anonymous_visitors_are_sent_to_login(client, meeting):
    response = client.get(reverse("office:meeting_list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.get(reverse("meetings:my_meetings")).status_code == 302


def test_the_finance_office_schedules_a_meeting_through_the_form(web_as, finance_user):
    client = web_as(finance_user)
    start = (dt.datetime.now() + dt.timedelta(days=20)).replace(hour=9, minute=30)
    response = csrf_post(
        client,
        reverse("office:meeting_create"),
        {
            "title": "建行专场对接会",
            "kind": "bank_event",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": start.replace(hour=11).strftime("%Y-%m-%dT%H:%M"),
            "location": "区金融服务中心",
            "organiser_department": "finance_office",
        },
    )
    assert response.status_code == 200
    assert "银行专场须注明举办机构" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_series_form_error_is_in_chinese(web_as, finance_user):
    response = csrf_post(
        web_as(finance_user),
        reverse("office:series_create"),
        {
            "title": "双周例会",
            "kind": "symposium",
            "rule": "weeks",
            "first_date": "2030-01-07",
            "start_time": "09:00",
            "duration_minutes": "60",
            "generate_until": "2030-03-31",
            "location": "区行政中心",
            "organiser_department": "finance_office",
        },
    )
    assert "请填写每隔几周举行" in response.content.decode()
    assert not MeetingSeries.objects.exists()


def test_the_series_form_creates_the_occurrences(web_as, finance_user):
    response = csrf_post(
        web_as(finance_user),
        reverse("office:series_create"),
        {
            "title": "双周例会",
            "kind": "symposium",
            "rule": "weeks",
            "interval_weeks": "2",
            "first_date": "2030-01-07",
            "start_time": "09:00",
            "duration_minutes": "60",
            "generate_until": "2030-02-28",
            "location": "区行政中心",
            "organiser_department": "finance_office",
        },
    )
    series = MeetingSeries.objects.get()
    assert response.status_code == 302 and response["Location"] == series.get_absolute_url()
    assert [m.series_slot for m in series.occurrences.order_by("series_slot")] == [
        dt.date(2030, 1, 7),
        dt.date(2030, 1, 21),
        dt.date(2030, 2, 4),
        dt.date(2030, 2, 18),
    ]


def test_the_meeting_page_costs_a_fixed_number_of_queries(
    web_as, finance_user, meeting, django_assert_max_num_queries
):
    client = web_as(finance_user)
    url = reverse("office:meeting_detail", args=[meeting.pk])
    enterprises = [EnterpriseMemberFactory().enterprise for _ in range(3)]
    services.meeting_invite(meeting=meeting, actor=finance_user, enterprises=enterprises)
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    more = [EnterpriseMemberFactory().enterprise for _ in range(15)]
    services.meeting_invite(meeting=meeting, actor=finance_user, enterprises=more)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_my_meetings_lists_only_my_invitations(
    web_as, finance_user, meeting, enterprise, enterprise_member, other_enterprise_member
):
    services.meeting_invite(meeting=meeting, actor=finance_user, enterprises=[enterprise])
    assert (
        meeting.title
        in web_as(enterprise_member).get(reverse("meetings:my_meetings")).content.decode()
    )
    other = web_as(other_enterprise_member).get(reverse("meetings:my_meetings")).content.decode()
    assert meeting.title not in other
    assert "暂无待召开会议的邀请" in other


def test_the_finance_office_cancels_from_the_meeting_page(web_as, finance_user, meeting):
    client = web_as(finance_user)
    url = reverse("office:meeting_detail", args=[meeting.pk])
    response = csrf_post(
        client,
        reverse("office:meeting_cancel", args=[meeting.pk]),
        {"reason": "与区人代会冲突"},
        form_url=url,
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", "与区人代会冲突")
    page = client.get(url).content.decode()
    assert "已取消" in page
    assert reverse("office:meeting_edit", args=[meeting.pk]) not in page


def test_editing_this_and_the_following_through_the_form(web_as, finance_user):
    series = services.series_create(
        actor=finance_user,
        title="月度例会",
        kind="symposium",
        rule="monthly",
        first_date=dt.date(2030, 1, 10),
        start_time=dt.time(9, 0),
        duration_minutes=60,
        generate_until=dt.date(2030, 3, 31),
        location="区行政中心",
    )
    second = series.occurrences.order_by("series_slot")[1]
    response = csrf_post(
        web_as(finance_user),
        reverse("office:meeting_edit", args=[second.pk]),
        {
            "title": "月度例会",
            "kind": "symposium",
            "starts_at": "2030-02-10T09:00",
            "ends_at": "2030-02-10T10:00",
            "location": "区金融服务中心",
            "organiser_department": "finance_office",
            "scope": "following",
        },
    )
    assert response.status_code == 302
    places = list(series.occurrences.order_by("series_slot").values_list("location", flat=True))
    assert places == ["区行政中心", "区金融服务中心", "区金融服务中心"]


def test_cancelling_without_a_reason_shows_the_error_beside_its_field(
    web_as, finance_user, meeting
):
    client = web_as(finance_user)
    url = reverse("office:meeting_detail", args=[meeting.pk])
    response = csrf_post(
        client, reverse("office:meeting_cancel", args=[meeting.pk]), {"reason": ""}, form_url=url
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-error-summary" in page
    assert 'id="id_reason_error"' in page
    assert 'aria-invalid="true"' in page
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_the_meeting_page_links_every_page_of_the_meeting(web_as, bureau_user, meeting):
    client = web_as(bureau_user)
    page = client.get(reverse("office:meeting_detail", args=[meeting.pk])).content.decode()
    for name in (
        "office:meeting_report",
        "office:meeting_board_link",
        "office:meeting_talks",
        "office:meeting_reminders",
        "office:meeting_checkin",
        "office:meeting_follow_up",
    ):
        url = reverse(name, args=[meeting.pk])
        assert f'href="{url}"' in page, name
        assert client.get(url).status_code == 200, name
