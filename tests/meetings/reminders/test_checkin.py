"""Check-in at the door by code or QR link; the organiser's pages refuse outsiders; attendance."""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import ServiceError
from core.models import AuditEvent
from meetings.checkin import invitation_check_in
from meetings.models import CHECKIN_CODE_ALPHABET, MeetingInvitation, ReminderDelivery
from meetings.qr import checkin_url
from meetings.selectors import attendance_by_institution, attendance_total
from tests.conftest import csrf_post
from tests.factories import (
    EnterpriseMemberFactory,
    MeetingFactory,
    MeetingInvitationFactory,
    OfficerFactory,
)

pytestmark = pytest.mark.django_db


def checkin_page(meeting):
    return reverse("office:meeting_checkin", args=[meeting.pk])


def test_each_invitee_gets_a_six_character_code_from_the_unambiguous_alphabet(meeting):
    codes = [MeetingInvitationFactory(meeting=meeting).checkin_code for _i in range(20)]
    assert len(set(codes)) == 20
    assert all(len(code) == 6 and set(code) <= set(CHECKIN_CODE_ALPHABET) for code in codes)
    assert not set("0O1IL") & set(CHECKIN_CODE_ALPHABET)


def test_staff_check_in_an_invitee_by_typed_code(web_as, bureau_user, meeting, invitee):
    web = web_as(bureau_user)
    typed = f" {invitee.checkin_code[:3].lower()} {invitee.checkin_code[3:]} "
    response = csrf_post(web, checkin_page(meeting), {"code": typed}, follow=True)
    invitee.refresh_from_db()
    assert invitee.checked_in_at is not None
    assert invitee.checked_in_by == bureau_user
    at = timezone.localtime(invitee.checked_in_at).strftime("%H:%M")
    assert f"王经理 已签到（{at}）" in response.content.decode()
    assert AuditEvent.objects.filter(action="check_in").count() == 1


def test_a_second_check_in_says_when_the_first_was(web_as, bureau_user, meeting, invitee):
    first = timezone.now() - dt.timedelta(minutes=20)
    invitation_check_in(meeting=meeting, code=invitee.checkin_code, actor=bureau_user, now=first)
    web = web_as(bureau_user)
    response = csrf_post(web, checkin_page(meeting), {"code": invitee.checkin_code}, follow=True)
    expected = timezone.localtime(first).strftime("%H:%M")
    assert f"王经理 已于 {expected} 签到" in response.content.decode()
    invitee.refresh_from_db()
    assert invitee.checked_in_at == first


def test_the_qr_link_opens_the_page_with_the_invitee_and_a_button(
    web_as, bureau_user, meeting, invitee
):
    url = checkin_url(invitee)
    assert url.endswith(f"{checkin_page(meeting)}?code={invitee.checkin_code}")
    parts = urlsplit(url)  # whatever PORTAL_BASE_URL the environment sets
    response = web_as(bureau_user).get(f"{parts.path}?{parts.query}")
    assert response.context["found"] == invitee
    invitee.refresh_from_db()
    assert invitee.checked_in_at is None  # opening the link changes nothing; the button does


def test_a_code_of_another_meeting_is_refused(web_as, bureau_user, meeting, invitee):
    other = MeetingInvitationFactory(meeting=MeetingFactory())
    response = csrf_post(web_as(bureau_user), checkin_page(meeting), {"code": other.checkin_code})
    assert "此签到码属于另一场会议" in response.content.decode()
    other.refresh_from_db()
    assert other.checked_in_at is None


def test_a_walk_in_who_was_not_invited_is_refused(web_as, bureau_user, meeting, invitee):
    code = "AAAAAA" if invitee.checkin_code != "AAAAAA" else "CCCCCC"
    response = csrf_post(web_as(bureau_user), checkin_page(meeting), {"code": code})
    assert "未受邀的来宾不能在此签到" in response.content.decode()
    assert not MeetingInvitation.objects.filter(checked_in_at__isnull=False).exists()


def test_a_malformed_code_is_named_beside_the_field(web_as, bureau_user, meeting, invitee):
    response = csrf_post(web_as(bureau_user), checkin_page(meeting), {"code": "12"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


def test_no_check_in_at_a_cancelled_meeting(bureau_user, meeting, invitee):
    meeting.status = "cancelled"
    meeting.save()
    with pytest.raises(ServiceError):
        invitation_check_in(meeting=meeting, code=invitee.checkin_code, actor=bureau_user)


@pytest.mark.parametrize("persona", ["outsider", "enterprise_member", "officer_user"])
@pytest.mark.parametrize("page", ["office:meeting_checkin", "office:meeting_reminders"])
def test_organiser_pages_refuse_everyone_but_government_staff(
    persona, page, web_as, request, meeting, invitee
):
    web = web_as(request.getfixturevalue(persona))
    assert web.get(reverse(page, args=[meeting.pk])).status_code == 403
    if page == "office:meeting_checkin":
        web.get(reverse("accounts:preferences"))  # a CSRF cookie from a page they may open
        response = csrf_post(web, reverse(page, args=[meeting.pk]), {"code": invitee.checkin_code})
        assert response.status_code == 403
        invitee.refresh_from_db()
        assert invitee.checked_in_at is None


def test_the_invitee_sees_their_code_and_qr_and_nobody_else_does(web_as, invitee, outsider):
    url = reverse("meetings:invitation_portal", args=[invitee.pk])
    response = web_as(invitee.user).get(url)
    html = response.content.decode()
    assert invitee.checkin_code in html
    assert "<svg" in html
    assert web_as(outsider).get(url).status_code == 404


def test_the_delivery_page_shows_failures_with_their_error(web_as, finance_user, meeting, invitee):
    ReminderDelivery.objects.create(
        meeting=meeting,
        user=invitee.user,
        channel="email",
        kind="reminder",
        occurrence_start=meeting.starts_at,
        offset_minutes=1440,
        status="failed",
        attempts=5,
        last_error="SMTPRecipientsRefused: mailbox full",
    )
    response = web_as(finance_user).get(reverse("office:meeting_reminders", args=[meeting.pk]))
    html = response.content.decode()
    assert "SMTPRecipientsRefused: mailbox full" in html
    assert "失败" in html
    assert "提前1天" in html


def test_the_delivery_page_runs_a_constant_number_of_queries(
    web_as, finance_user, meeting, django_assert_max_num_queries
):
    for index in range(30):
        invitation = MeetingInvitationFactory(meeting=meeting)
        ReminderDelivery.objects.create(
            meeting=meeting,
            user=invitation.user,
            channel="email",
            kind="reminder",
            occurrence_start=meeting.starts_at,
            offset_minutes=10080 + index,
        )
    web = web_as(finance_user)
    with django_assert_max_num_queries(12):
        assert web.get(reverse("office:meeting_reminders", args=[meeting.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert web.get(reverse("office:meeting_checkin", args=[meeting.pk])).status_code == 200


def test_attendance_by_institution_counts_invited_accepted_and_checked_in(
    meeting, bureau_user, institution
):
    officers = [OfficerFactory(institution=institution).user for _i in range(3)]
    member = EnterpriseMemberFactory(enterprise__name="清溪恒氟化工有限公司").user
    rows = [
        MeetingInvitationFactory(meeting=meeting, user=officers[0], response="accepted"),
        MeetingInvitationFactory(meeting=meeting, user=officers[1], response="accepted"),
        MeetingInvitationFactory(meeting=meeting, user=officers[2], response="declined"),
        MeetingInvitationFactory(meeting=meeting, user=member, response="pending"),
    ]
    for invitation in rows[:1] + rows[3:]:
        invitation_check_in(meeting=meeting, code=invitation.checkin_code, actor=bureau_user)
    by_institution = {row.name: row for row in attendance_by_institution(meeting)}
    bank = by_institution[str(institution)]
    assert (bank.invited, bank.accepted, bank.declined, bank.checked_in) == (3, 2, 1, 1)
    assert bank.rate == Decimal("50.0")  # 1 of the 2 who did not decline
    firm = by_institution["清溪恒氟化工有限公司"]
    assert (firm.invited, firm.accepted, firm.checked_in, firm.rate) == (1, 0, 1, Decimal("100.0"))
    total = attendance_total(meeting)
    assert (total.invited, total.accepted, total.declined, total.checked_in) == (4, 2, 1, 2)
    assert total.rate == Decimal("66.7")


def test_a_declined_invitee_checked_in_counts_as_present_and_the_rate_stays_within_100(
    meeting, bureau_user, institution
):
    """Found walking the product: the code of an invitee who declined and named a substitute was
    checked in; the rate showed 100% while an accepted invitee was still missing."""
    officers = [OfficerFactory(institution=institution).user for _i in range(2)]
    came = MeetingInvitationFactory(meeting=meeting, user=officers[0], response="accepted")
    MeetingInvitationFactory(meeting=meeting, user=officers[1], response="accepted")
    substitute = MeetingInvitationFactory(
        meeting=meeting,
        user=OfficerFactory(institution=institution).user,
        response="declined",
        substitute_name="李副行长",
    )
    for invitation in (came, substitute):
        invitation_check_in(meeting=meeting, code=invitation.checkin_code, actor=bureau_user)
    total = attendance_total(meeting)
    # Expected: the two who accepted and the substitute who came; two of those three are here.
    assert (total.invited, total.declined, total.checked_in) == (3, 1, 2)
    assert total.rate == Decimal("66.7")
    (bank,) = attendance_by_institution(meeting)
    assert bank.rate == Decimal("66.7")


def test_the_door_is_told_when_a_declined_or_waitlisted_invitee_checks_in(
    web_as, bureau_user, meeting
):
    declined = MeetingInvitationFactory(
        meeting=meeting, response="declined", substitute_name="李副行长"
    )
    waiting = MeetingInvitationFactory(meeting=meeting, response="waitlisted")
    web = web_as(bureau_user)
    page = csrf_post(web, checkin_page(meeting), {"code": declined.checkin_code}, follow=True)
    assert "李副行长" in page.content.decode()
    page = csrf_post(web, checkin_page(meeting), {"code": waiting.checkin_code}, follow=True)
    assert "候补" in page.content.decode()
