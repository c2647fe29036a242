"""Who is invited, and their answers: in the portal, by signed link, with capacity and a waiting
list that moves up."""

import datetime as dt
import threading
import time

import pytest
from django.core import signing
from django.db import connection
from django.urls import reverse

from accounts.models import Notice
from core.errors import ServiceError
from meetings import services
from meetings.models import MeetingInvitation
from meetings.selectors import enterprises_to_invite, waiting_place
from tests.conftest import csrf_post
from tests.factories import (
    EnterpriseFactory,
    EnterpriseMemberFactory,
    FinancingNeedFactory,
    InstitutionFactory,
    MeetingFactory,
    OfficerFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _people(n, **kwargs):
    return [EnterpriseMemberFactory(**kwargs).user for _ in range(n)]


def _invite_users(meeting, actor, users):
    enterprises = [u.enterprise_membership.enterprise for u in users]
    services.meeting_invite(meeting=meeting, actor=actor, enterprises=enterprises)
    return [MeetingInvitation.objects.get(meeting=meeting, user=u) for u in users]


# --- Picking ------------------------------------------------------------------------------------


def test_an_institution_brings_all_its_active_officers(meeting, finance_user, institution):
    a = OfficerFactory(institution=institution).user
    b = OfficerFactory(institution=institution).user
    OfficerFactory(institution=institution, is_active=False)
    other = OfficerFactory().user
    new = services.meeting_invite(meeting=meeting, actor=finance_user, institutions=[institution])
    assert {i.user for i in new} == {a, b}
    assert {i.via_institution for i in new} == {institution}
    assert not MeetingInvitation.objects.filter(user=other).exists()


def test_named_officers_enterprise_members_and_staff(
    meeting, finance_user, bureau_user, enterprise, enterprise_member
):
    officer = OfficerFactory()
    colleague = EnterpriseMemberFactory(enterprise=enterprise).user
    new = services.meeting_invite(
        meeting=meeting,
        actor=finance_user,
        officers=[officer],
        enterprises=[enterprise],
        government_users=[bureau_user],
    )
    assert {i.user for i in new} == {officer.user, enterprise_member, colleague, bureau_user}
    by_user = {i.user: i for i in new}
    assert by_user[colleague].via_enterprise == enterprise
    assert by_user[officer.user].via_institution == officer.institution


def test_inviting_again_leaves_answers_alone_and_notifies_only_new_people(
    meeting, finance_user, enterprise, enterprise_member
):
    [invitation] = services.meeting_invite(
        meeting=meeting, actor=finance_user, enterprises=[enterprise]
    )
    services.invitation_respond(invitation=invitation, by=enterprise_member, attend=True)
    again = services.meeting_invite(meeting=meeting, actor=finance_user, enterprises=[enterprise])
    assert again == []
    invitation.refresh_from_db()
    assert invitation.response == "accepted"
    notices = Notice.objects.filter(user=enterprise_member)
    assert notices.count() == 1
    assert "/meetings/answer/" in notices.get().body


def test_enterprises_are_picked_by_chain_cluster_key_project_and_open_need():
    plain = EnterpriseFactory()
    same_chain = EnterpriseFactory(chain=plain.chain)
    with_key = EnterpriseFactory()
    ProjectFactory(enterprise=with_key, is_key_project=True)
    archived_key = EnterpriseFactory()
    ProjectFactory(
        enterprise=archived_key, is_key_project=True, archived_at=dt.datetime.now(dt.UTC)
    )
    with_need = EnterpriseFactory()
    FinancingNeedFactory(enterprise=with_need, status="submitted")
    with_draft = EnterpriseFactory()
    FinancingNeedFactory(enterprise=with_draft, status="draft")
    pending = EnterpriseFactory(chain=plain.chain, verification_status="pending")
    FinancingNeedFactory(enterprise=pending, status="submitted")

    assert set(enterprises_to_invite(chain=plain.chain)) == {plain, same_chain}
    assert set(enterprises_to_invite(cluster=with_key.chain.cluster)) == {with_key}
    assert set(enterprises_to_invite(key_project=True)) == {with_key}
    assert set(enterprises_to_invite(open_need=True)) == {with_need}


def test_only_government_staff_are_invited_one_by_one(meeting, finance_user, enterprise_member):
    with pytest.raises(ServiceError):
        services.meeting_invite(
            meeting=meeting, actor=finance_user, government_users=[enterprise_member]
        )
    assert not meeting.invitations.exists()


def test_a_bureau_cannot_invite(meeting, bureau_user, institution, officer_user):
    with pytest.raises(ServiceError):
        services.meeting_invite(meeting=meeting, actor=bureau_user, institutions=[institution])
    assert not meeting.invitations.exists()


# --- Answering in the portal --------------------------------------------------------------------


def test_the_invitee_answers_in_the_portal(
    web_as, meeting, finance_user, enterprise, enterprise_member
):
    services.meeting_invite(meeting=meeting, actor=finance_user, enterprises=[enterprise])
    client = web_as(enterprise_member)
    url = reverse("meetings:detail", args=[meeting.pk])
    response = csrf_post(client, url, {"answer": "decline", "substitute_name": "李副总"})
    assert response.status_code == 302
    invitation = MeetingInvitation.objects.get(meeting=meeting, user=enterprise_member)
    assert (invitation.response, invitation.substitute_name) == ("declined", "李副总")
    assert invitation.responded_at is not None
    listing = client.get(reverse("meetings:my_meetings"))
    assert meeting.title in listing.content.decode()


def test_an_answer_without_choice_is_refused_in_chinese(
    web_as, meeting, finance_user, enterprise, enterprise_member
):
    services.meeting_invite(meeting=meeting, actor=finance_user, enterprises=[enterprise])
    client = web_as(enterprise_member)
    response = csrf_post(client, reverse("meetings:detail", args=[meeting.pk]), {"answer": ""})
    assert response.status_code == 200
    assert "该字段是必填项" in response.content.decode()
    assert MeetingInvitation.objects.get(user=enterprise_member).response == "pending"


def test_someone_not_invited_gets_404(web_as, meeting, other_enterprise_member, outsider):
    for user in (other_enterprise_member, outsider):
        response = web_as(user).get(reverse("meetings:detail", args=[meeting.pk]))
        assert response.status_code == 404


def test_nobody_answers_for_someone_else(
    meeting, finance_user, enterprise, enterprise_member, other_enterprise_member
):
    [invitation] = services.meeting_invite(
        meeting=meeting, actor=finance_user, enterprises=[enterprise]
    )
    with pytest.raises(ServiceError):
        services.invitation_respond(invitation=invitation, by=other_enterprise_member, attend=False)


def test_answers_close_when_the_meeting_is_cancelled(
    meeting, finance_user, enterprise, enterprise_member
):
    [invitation] = services.meeting_invite(
        meeting=meeting, actor=finance_user, enterprises=[enterprise]
    )
    services.meeting_cancel(meeting=meeting, actor=finance_user, reason="改期")
    with pytest.raises(ServiceError):
        services.invitation_respond(invitation=invitation, by=enterprise_member, attend=True)


# --- The signed link ----------------------------------------------------------------------------


@pytest.fixture
def invitation(meeting, finance_user, enterprise, enterprise_member):
    [invitation] = services.meeting_invite(
        meeting=meeting, actor=finance_user, enterprises=[enterprise]
    )
    return invitation


def _path(link):
    from django.conf import settings

    assert link.startswith(settings.PORTAL_BASE_URL)
    return link[len(settings.PORTAL_BASE_URL) :]


def test_a_valid_link_answers_without_logging_in(client, invitation):
    path = _path(services.rsvp_link(invitation))
    page = client.get(path)
    assert page.status_code == 200
    assert invitation.meeting.title in page.content.decode()
    response = csrf_post(client, path, {"answer": "attend"})
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.response == "accepted"
    assert "_auth_user_id" not in client.session


class _SignedLongAgo(signing.TimestampSigner):
    """Signs as if 31 days ago: a real token, only older than the links' lifetime."""

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 31 * 24 * 3600)


def test_an_expired_link_says_so_in_chinese_and_offers_login(client, invitation):
    token = _SignedLongAgo(salt=services.RSVP_LINK_SALT).sign_object(
        {"i": invitation.pk, "u": invitation.user_id}, compress=True
    )
    response = client.get(reverse("meetings:answer_by_link", args=[token]))
    assert response.status_code == 410
    html = response.content.decode()
    assert "链接已过期" in html
    assert reverse("accounts:login") in html
    response = csrf_post(
        client, reverse("meetings:answer_by_link", args=[token]), {"answer": "attend"}
    )
    invitation.refresh_from_db()
    assert invitation.response == "pending"


def test_a_tampered_link_is_refused(client, invitation, other_enterprise_member):
    token = _path(services.rsvp_link(invitation)).split("/")[-2]
    # Another invitation's number with the same signature, and a changed signature.
    payload, _, signature = token.rpartition(":")
    forged = [payload + ":" + ("A" if signature[0] != "A" else "B") + signature[1:], token[:-3]]
    other = MeetingInvitation.objects.create(
        meeting=invitation.meeting, user=other_enterprise_member
    )
    forged.append(
        signing.dumps({"i": other.pk, "u": other.user_id}, salt="another-salt", compress=True)
    )
    for bad in forged:
        response = csrf_post(
            client, reverse("meetings:answer_by_link", args=[bad]), {"answer": "decline"}
        )
        assert response.status_code == 404
        assert "链接无效" in response.content.decode()
    assert set(MeetingInvitation.objects.values_list("response", flat=True)) == {"pending"}


# --- Capacity and the waiting list --------------------------------------------------------------


def test_a_full_meeting_puts_people_on_the_waiting_list_and_moves_them_up(finance_user):
    meeting = MeetingFactory(capacity=2)
    a, b, c, d = _invite_users(meeting, finance_user, _people(4))
    for invitation in (a, b, c, d):
        services.invitation_respond(invitation=invitation, by=invitation.user, attend=True)
    for i in (a, b, c, d):
        i.refresh_from_db()
    assert [i.response for i in (a, b, c, d)] == [
        "accepted",
        "accepted",
        "waitlisted",
        "waitlisted",
    ]
    assert (waiting_place(invitation=c), waiting_place(invitation=d)) == (1, 2)

    services.invitation_respond(invitation=a, by=a.user, attend=False, substitute_name="")
    c.refresh_from_db()
    d.refresh_from_db()
    assert (c.response, c.waitlist_position) == ("accepted", None)
    assert d.response == "waitlisted"
    assert waiting_place(invitation=d) == 1
    # Told in the portal (and by e-mail) that the seat is theirs.
    assert Notice.objects.filter(user=c.user, title__startswith="已有空位").count() == 1
    assert not Notice.objects.filter(user=d.user, title__startswith="已有空位").exists()


def test_raising_the_capacity_moves_the_waiting_list_up(finance_user):
    meeting = MeetingFactory(capacity=1)
    a, b = _invite_users(meeting, finance_user, _people(2))
    for invitation in (a, b):
        services.invitation_respond(invitation=invitation, by=invitation.user, attend=True)
    services.meeting_update(
        meeting=meeting,
        actor=finance_user,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        capacity=2,
    )
    b.refresh_from_db()
    assert b.response == "accepted"


def test_a_venue_has_its_own_capacity(finance_user):
    meeting = MeetingFactory(capacity=10)
    town = services.venue_save(
        meeting=meeting, actor=finance_user, name="分会场（清溪镇）", capacity=1
    )
    hall = services.venue_save(meeting=meeting, actor=finance_user, name="主会场", is_main=True)
    a, b = _invite_users(meeting, finance_user, _people(2))
    services.invitation_respond(invitation=a, by=a.user, attend=True, sub_venue=town)
    b = services.invitation_respond(invitation=b, by=b.user, attend=True, sub_venue=town)
    assert b.response == "waitlisted"
    # Choosing the main hall instead, where there is room.
    b = services.invitation_respond(invitation=b, by=b.user, attend=True, sub_venue=hall)
    assert (b.response, b.sub_venue) == ("accepted", hall)


def test_one_main_venue_at_most(finance_user, meeting):
    first = services.venue_save(meeting=meeting, actor=finance_user, name="主会场", is_main=True)
    second = services.venue_save(meeting=meeting, actor=finance_user, name="新主会场", is_main=True)
    first.refresh_from_db()
    assert (first.is_main, second.is_main) == (False, True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_taking_the_last_seat_at_once_get_one_seat_and_one_wait(finance_user):
    meeting = MeetingFactory(capacity=1)
    a, b = _invite_users(meeting, finance_user, _people(2))
    barrier = threading.Barrier(2)
    errors = []

    def answer(invitation):
        try:
            barrier.wait(timeout=10)
            services.invitation_respond(invitation=invitation, by=invitation.user, attend=True)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(i,)) for i in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    responses = sorted(
        MeetingInvitation.objects.filter(meeting=meeting).values_list("response", flat=True)
    )
    assert responses == ["accepted", "waitlisted"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_declines_at_once_move_up_exactly_two_waiting(finance_user):
    meeting = MeetingFactory(capacity=2)
    invitations = _invite_users(meeting, finance_user, _people(5))
    for invitation in invitations:
        services.invitation_respond(invitation=invitation, by=invitation.user, attend=True)
    a, b = invitations[:2]
    barrier = threading.Barrier(2)
    errors = []

    def decline(invitation):
        try:
            barrier.wait(timeout=10)
            services.invitation_respond(invitation=invitation, by=invitation.user, attend=False)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=decline, args=(i,)) for i in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    state = dict(
        MeetingInvitation.objects.filter(meeting=meeting).values_list("user_id", "response")
    )
    assert [state[i.user_id] for i in invitations] == [
        "declined",
        "declined",
        "accepted",
        "accepted",
        "waitlisted",
    ]


def test_an_institution_can_be_invited_with_no_officers_yet(meeting, finance_user):
    empty = InstitutionFactory()
    assert services.meeting_invite(meeting=meeting, actor=finance_user, institutions=[empty]) == []


def test_government_user_factory_sanity():
    assert UserFactory(role="government", department="commerce").is_government
