"""Issue 10's meeting flows in the browser, each with only the rows it needs: an organiser
schedules a meeting, adds a venue and invites an institution; the invitee answers in the portal;
the door checks someone in by a typed code on a phone; an officer marks "will talk" on the
推介清单; the league table's share link opens for someone who is not logged in."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Meeting, MeetingInvitation, SubVenue, TalkInterest
from meetings.services import presented_item_add
from office.models import LeagueShareLink
from office.services import league_share_link_create
from tests.factories import (
    EnterpriseFactory,
    MeetingInvitationFactory,
    OfficerFactory,
    ProjectFactory,
)

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _local_input(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_an_organiser_schedules_a_meeting_adds_a_venue_and_invites_an_institution(
    page, shot, finance_user, institution
):
    officers = [OfficerFactory(institution=institution).user for _i in range(2)]
    starts = (timezone.now() + dt.timedelta(days=20)).replace(minute=0, second=0, microsecond=0)
    log_in(page, finance_user.username)

    page.goto(page.base_url + "/office/meetings/new/")
    page.fill("#id_title", "清溪区第二季度政银企对接会")
    page.select_option("#id_kind", "matchmaking")
    page.fill("#id_starts_at", _local_input(starts))
    page.fill("#id_ends_at", _local_input(starts + dt.timedelta(hours=2)))
    page.fill("#id_location", "区行政中心三楼会议室")
    page.fill("#id_capacity", "40")
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("会议已安排")
    meeting = Meeting.objects.get(title="清溪区第二季度政银企对接会")
    assert meeting.starts_at == starts and meeting.organizer == finance_user

    page.fill("#id_venue-name", "白鹤镇分会场")
    page.fill("#id_venue-location", "白鹤镇政府二楼")
    page.fill("#id_venue-capacity", "15")
    page.click("button:has-text('添加会场')")
    expect(page.locator("main")).to_contain_text("白鹤镇政府二楼")
    venue = SubVenue.objects.get(meeting=meeting)
    assert (venue.name, venue.capacity) == ("白鹤镇分会场", 15)

    page.click("main a:has-text('邀请')")
    page.get_by_label(institution.short_name, exact=True).check()
    page.click("button:has-text('发送邀请')")
    expect(page.locator(".alert-success")).to_contain_text("已邀请2人")
    invited = set(MeetingInvitation.objects.filter(meeting=meeting).values_list("user", flat=True))
    assert invited == {user.pk for user in officers}
    expect(page.locator("main table")).to_contain_text(institution.short_name)
    shot(page, "40-meeting-organiser")


def test_the_invitee_answers_in_the_portal(page, shot, meeting, officer_user):
    invitation = MeetingInvitationFactory(meeting=meeting, user=officer_user)
    log_in(page, officer_user.username)
    page.goto(page.base_url + "/meetings/")
    page.click(f"main a:has-text('{meeting.title}')")
    page.get_by_label("我无法参会").check()
    page.fill("input[name=substitute_name]", "李副行长")
    page.click("main form button:has-text('提交答复')")
    expect(page.locator(".alert-success")).to_contain_text("您的答复已记录")
    expect(page.locator("main")).to_contain_text("代为参会：李副行长")
    invitation.refresh_from_db()
    assert (invitation.response, invitation.substitute_name) == ("declined", "李副行长")

    page.get_by_label("我将参会").check()
    page.click("main form button:has-text('提交答复')")
    expect(page.locator(".alert-success")).to_contain_text("您已成功报名")
    invitation.refresh_from_db()
    assert invitation.response == "accepted"
    shot(page, "41-meeting-answer")


def test_the_door_checks_an_invitee_in_by_a_typed_code_on_a_phone(
    phone_page, shot, meeting, bureau_user, officer_user
):
    invitation = MeetingInvitationFactory(meeting=meeting, user=officer_user, response="accepted")
    page = phone_page
    log_in(page, bureau_user.username)
    page.goto(f"{page.base_url}/office/meetings/{meeting.pk}/check-in/")
    # Typed as people read it out: lower case, with a space.
    code = invitation.checkin_code
    page.fill("#id_code", f"{code[:3].lower()} {code[3:].lower()}")
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已签到")
    expect(page.locator("main")).to_contain_text("1 / 1")
    invitation.refresh_from_db()
    assert invitation.checked_in_at is not None and invitation.checked_in_by == bureau_user
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.fill("#id_code", "ZZZ")
    page.click("main form button[type=submit]")
    expect(page.locator("main .invalid-feedback, main .text-danger").first).to_be_visible()
    shot(page, "42-meeting-checkin-390")


def test_an_officer_marks_will_talk_on_the_presented_list(
    page, shot, meeting, finance_user, officer_user
):
    MeetingInvitationFactory(meeting=meeting, user=officer_user)
    enterprise = EnterpriseFactory(name="清溪恒鑫康养有限公司")
    project = ProjectFactory(
        enterprise=enterprise, name="恒鑫康养扩能改造项目", is_key_project=True
    )
    presented_item_add(meeting=meeting, actor=finance_user, project=project)
    log_in(page, officer_user.username)
    page.goto(f"{page.base_url}/meetings/{meeting.pk}/")
    row = page.locator("main tr", has_text="恒鑫康养扩能改造项目")
    row.locator("button:has-text('标记将对接')").click()
    expect(
        page.locator("main tr", has_text="恒鑫康养扩能改造项目").locator("button.btn-success")
    ).to_be_visible()
    institution = officer_user.officer.institution
    assert TalkInterest.objects.filter(
        meeting=meeting, institution=institution, enterprise=enterprise
    ).exists()
    shot(page, "43-meeting-presented-list")


def test_the_league_table_share_link_opens_logged_out(browser, live_server, page, finance_user):
    log_in(page, finance_user.username)
    page.goto(page.base_url + "/office/league/")
    page.click("button:has-text('生成链接')")
    expect(page.locator(".alert-success")).to_contain_text("/office/league/shared/")
    link = LeagueShareLink.objects.get()
    assert link.created_by == finance_user

    stranger = browser.new_context(locale="zh-CN")
    other = stranger.new_page()
    response = other.goto(f"{live_server.url}/office/league/shared/{link.token}/")
    assert response.status == 200
    expect(other.locator("h1")).to_contain_text("金融机构排行榜")
    expect(other.locator("body")).not_to_contain_text("退出登录")
    # A revoked link is gone.
    revoked = league_share_link_create(actor=finance_user, days=1)
    revoked.revoked_at = timezone.now()
    revoked.save(update_fields=["revoked_at"])
    response = other.goto(f"{live_server.url}/office/league/shared/{revoked.token}/")
    assert response.status == 404
    stranger.close()
