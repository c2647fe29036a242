"""Item 6 of issue 10: 1:1 talks proposed from the stored match scores, adjusted by the organiser
under the same rules, and shown to each participant."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import ServiceError
from matchmaking.models import Match
from meetings.models import MeetingInvitation, TalkSlot
from meetings.talks import (
    slots_for_user,
    talk_plan_propose,
    talk_slot_add,
    talk_slot_move,
    talk_slot_remove,
)
from tests.conftest import csrf_post
from tests.factories import (
    EnterpriseMemberFactory,
    FinancingNeedFactory,
    InstitutionFactory,
    LoanProductFactory,
    MeetingFactory,
    OfficerFactory,
)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
TWO_PM = dt.datetime(2026, 12, 17, 14, 0, tzinfo=SHANGHAI)


def _at(minutes):
    return TWO_PM + dt.timedelta(minutes=minutes)


@pytest.fixture
def fair(institution, officer_user, enterprise, enterprise_member):
    """Two banks and two enterprises invited; scores: bank A × E1 90, bank A × E2 80,
    bank B × E1 70 (and B × E2 none)."""
    meeting = MeetingFactory(starts_at=_at(-30), ends_at=_at(120))
    bank_b = InstitutionFactory(name="测试建设银行清溪支行", short_name="测试建行")
    officer_b = OfficerFactory(institution=bank_b).user
    member_2 = EnterpriseMemberFactory(enterprise__name="第二家企业有限公司").user
    e2 = member_2.enterprise_membership.enterprise
    for user in (officer_user, officer_b, enterprise_member, member_2):
        MeetingInvitation.objects.create(meeting=meeting, user=user)
    need_1 = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    need_2 = FinancingNeedFactory(enterprise=e2, status="submitted")
    product_a = LoanProductFactory(institution=institution)
    product_b = LoanProductFactory(institution=bank_b)
    Match.objects.all().delete()  # only the scores this test states
    Match.objects.create(need=need_1, product=product_a, score=Decimal("90.00"))
    Match.objects.create(need=need_2, product=product_a, score=Decimal("80.00"))
    Match.objects.create(need=need_1, product=product_b, score=Decimal("70.00"))
    return {
        "meeting": meeting,
        "a": institution,
        "b": bank_b,
        "e1": enterprise,
        "e2": e2,
        "officer_b": officer_b,
        "member_2": member_2,
        "need_1": need_1,
    }


def _propose(fair, actor, **kwargs):
    options = {
        "starts_at": TWO_PM,
        "ends_at": _at(60),
        "slot_minutes": 15,
        "institution_capacity": 4,
        "enterprise_capacity": 4,
        **kwargs,
    }
    return talk_plan_propose(meeting=fair["meeting"], actor=actor, **options)


def _table(meeting):
    return [
        (s.institution_id, s.enterprise_id, s.starts_at.astimezone(SHANGHAI).strftime("%H:%M"))
        for s in TalkSlot.objects.filter(meeting=meeting).order_by("starts_at", "institution_id")
    ]


def test_talks_are_proposed_best_score_first_without_double_booking(fair, finance_user):
    _propose(fair, finance_user)
    a, b, e1, e2 = fair["a"].pk, fair["b"].pk, fair["e1"].pk, fair["e2"].pk
    # A×E1 (90) at 14:00; A×E2 (80) waits for bank A: 14:15; B×E1 (70) waits for E1: 14:15.
    assert _table(fair["meeting"]) == sorted(
        [(a, e1, "14:00"), (a, e2, "14:15"), (b, e1, "14:15")], key=lambda r: (r[2], r[0])
    )
    slot = TalkSlot.objects.get(institution=fair["a"], enterprise=fair["e1"])
    assert slot.score == Decimal("90.00") and slot.need == fair["need_1"]


def test_an_enterprise_capacity_of_one_keeps_only_its_best_talk(fair, finance_user):
    _propose(fair, finance_user, enterprise_capacity=1)
    assert _table(fair["meeting"]) == [
        (fair["a"].pk, fair["e1"].pk, "14:00"),
        (fair["a"].pk, fair["e2"].pk, "14:15"),
    ]


def test_an_institution_that_declined_gets_no_talk(fair, finance_user):
    MeetingInvitation.objects.filter(user=fair["officer_b"]).update(response="declined")
    _propose(fair, finance_user)
    assert not TalkSlot.objects.filter(institution=fair["b"]).exists()


def test_proposing_again_replaces_the_talks(fair, finance_user):
    _propose(fair, finance_user)
    _propose(fair, finance_user, institution_capacity=1, enterprise_capacity=1)
    assert _table(fair["meeting"]) == [
        (fair["a"].pk, fair["e1"].pk, "14:00"),
    ]


def test_a_talk_lasts_ten_to_fifteen_minutes(fair, finance_user):
    with pytest.raises(ServiceError) as refused:
        _propose(fair, finance_user, slot_minutes=20)
    assert refused.value.field == "slot_minutes"
    assert not TalkSlot.objects.exists()


def test_only_government_staff_arrange_talks(fair, officer_user):
    with pytest.raises(ServiceError):
        _propose(fair, officer_user)


def test_an_added_talk_may_not_overlap_the_institutions_other_talk(fair, finance_user):
    _propose(fair, finance_user, institution_capacity=2, enterprise_capacity=1)
    # Plan: A×E1 14:00 only (E1 full, so B×E1 left out; A×E2 at 14:15). Remove A×E2, then try
    # it again at 14:05, inside A's talk with E1.
    TalkSlot.objects.filter(institution=fair["a"], enterprise=fair["e2"]).delete()
    with pytest.raises(ServiceError) as refused:
        talk_slot_add(
            meeting=fair["meeting"],
            actor=finance_user,
            institution=fair["a"],
            enterprise=fair["e2"],
            starts_at=_at(5),
        )
    assert refused.value.message == _("The institution already has a talk at that time.")
    assert TalkSlot.objects.filter(meeting=fair["meeting"]).count() == 1


def test_an_added_talk_may_not_overlap_the_enterprises_other_talk(fair, finance_user):
    _propose(fair, finance_user, institution_capacity=2, enterprise_capacity=2)
    # Plan: A×E1 14:00, A×E2 14:15, B×E1 14:15. Remove B×E1 and try it at 14:10 (E1 with A).
    TalkSlot.objects.filter(institution=fair["b"]).delete()
    with pytest.raises(ServiceError) as refused:
        talk_slot_add(
            meeting=fair["meeting"],
            actor=finance_user,
            institution=fair["b"],
            enterprise=fair["e1"],
            starts_at=_at(10),
        )
    assert refused.value.message == _("The enterprise already has a talk at that time.")


def test_an_added_talk_respects_the_institutions_capacity(fair, finance_user):
    _propose(fair, finance_user, institution_capacity=1, enterprise_capacity=2)
    with pytest.raises(ServiceError) as refused:
        talk_slot_add(
            meeting=fair["meeting"],
            actor=finance_user,
            institution=fair["a"],
            enterprise=fair["e2"],
            starts_at=_at(30),
        )
    assert refused.value.field == "institution"


def test_an_added_talk_in_a_free_time_is_kept_with_its_score(fair, finance_user):
    _propose(fair, finance_user, institution_capacity=2, enterprise_capacity=1)
    # E1 is with A at 14:00; B × E1 was left out by E1's capacity of 1. Free E1 first.
    TalkSlot.objects.filter(institution=fair["a"], enterprise=fair["e1"]).delete()
    slot = talk_slot_add(
        meeting=fair["meeting"],
        actor=finance_user,
        institution=fair["b"],
        enterprise=fair["e1"],
        starts_at=_at(30),
    )
    assert (slot.starts_at, slot.ends_at) == (_at(30), _at(45))
    assert slot.score == Decimal("70.00")


def test_moving_a_talk_onto_a_busy_time_is_refused_and_changes_nothing(fair, finance_user):
    _propose(fair, finance_user)
    moved = TalkSlot.objects.get(institution=fair["b"], enterprise=fair["e1"])  # 14:15
    with pytest.raises(ServiceError):
        talk_slot_move(slot=moved, actor=finance_user, starts_at=_at(0))  # E1 is with A then
    moved.refresh_from_db()
    assert moved.starts_at == _at(15)
    talk_slot_move(slot=moved, actor=finance_user, starts_at=_at(45))
    moved.refresh_from_db()
    assert (moved.starts_at, moved.ends_at) == (_at(45), _at(60))


def test_a_removed_talk_is_gone(fair, finance_user):
    _propose(fair, finance_user)
    slot = TalkSlot.objects.get(institution=fair["b"])
    talk_slot_remove(slot=slot, actor=finance_user)
    assert not TalkSlot.objects.filter(pk=slot.pk).exists()


def test_each_participant_sees_their_own_talks(fair, finance_user, officer_user, outsider):
    _propose(fair, finance_user)
    meeting = fair["meeting"]
    assert {s.enterprise_id for s in slots_for_user(meeting, officer_user)} == {
        fair["e1"].pk,
        fair["e2"].pk,
    }
    assert [s.institution_id for s in slots_for_user(meeting, fair["member_2"])] == [fair["a"].pk]
    assert list(slots_for_user(meeting, outsider)) == []
    assert list(slots_for_user(meeting, finance_user)) == []


def test_the_officer_home_lists_the_institutions_talks(fair, finance_user, officer_user, client):
    _propose(fair, finance_user)
    client.force_login(officer_user)
    html = client.get(reverse("banks:home")).content.decode()
    assert 'id="my-talks"' in html and "第二家企业有限公司" in html


def test_the_organiser_proposes_through_the_page(fair, finance_user, web_as):
    web = web_as(finance_user)
    url = reverse("office:meeting_talks", kwargs={"pk": fair["meeting"].pk})
    response = csrf_post(
        web,
        url,
        {
            "starts_at": "2026-12-17T14:00",
            "ends_at": "2026-12-17T15:00",
            "slot_minutes": "15",
            "institution_capacity": "4",
            "enterprise_capacity": "4",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert TalkSlot.objects.filter(meeting=fair["meeting"]).count() == 3
    assert "第二家企业有限公司" in response.content.decode()


def test_a_refused_talk_shows_its_reason_on_the_page(fair, finance_user, web_as):
    _propose(fair, finance_user)
    web = web_as(finance_user)
    url = reverse("office:meeting_talk_add", kwargs={"pk": fair["meeting"].pk})
    response = csrf_post(
        web,
        url,
        {
            "institution": fair["a"].pk,
            "enterprise": fair["e1"].pk,
            "starts_at": "2026-12-17T14:30",
        },
        form_url=reverse("office:meeting_talks", kwargs={"pk": fair["meeting"].pk}),
    )
    assert response.status_code == 400
    assert _("These two already have a talk.") in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["officer_user", "enterprise_member", "outsider", "other_officer_user"]
)
def test_only_government_staff_open_the_talks_page(fair, persona, request, client):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("office:meeting_talks", kwargs={"pk": fair["meeting"].pk}))
    assert response.status_code == 403


def test_the_organiser_moves_and_removes_a_talk_through_the_page(fair, finance_user, web_as):
    _propose(fair, finance_user)
    web = web_as(finance_user)
    pk = fair["meeting"].pk
    page = reverse("office:meeting_talks", kwargs={"pk": pk})
    slot = TalkSlot.objects.get(institution=fair["b"])  # B×E1 at 14:15
    csrf_post(
        web,
        reverse("office:meeting_talk_move", kwargs={"pk": pk, "slot_pk": slot.pk}),
        {"starts_at": "2026-12-17T14:45"},
        form_url=page,
    )
    slot.refresh_from_db()
    assert slot.starts_at == _at(45)
    # Onto E1's talk with A at 14:00: refused, the slot stays where it was.
    response = csrf_post(
        web,
        reverse("office:meeting_talk_move", kwargs={"pk": pk, "slot_pk": slot.pk}),
        {"starts_at": "2026-12-17T14:05"},
        follow=True,
    )
    slot.refresh_from_db()
    assert slot.starts_at == _at(45)
    assert _("The enterprise already has a talk at that time.") in response.content.decode()
    csrf_post(web, reverse("office:meeting_talk_remove", kwargs={"pk": pk, "slot_pk": slot.pk}))
    assert not TalkSlot.objects.filter(pk=slot.pk).exists()


def test_a_talk_of_another_meeting_is_not_found_through_this_one(fair, finance_user, web_as):
    _propose(fair, finance_user)
    slot = TalkSlot.objects.first()
    other = MeetingFactory()
    web = web_as(finance_user)
    response = csrf_post(
        web,
        reverse("office:meeting_talk_remove", kwargs={"pk": other.pk, "slot_pk": slot.pk}),
        form_url=reverse("office:meeting_talks", kwargs={"pk": other.pk}),
    )
    assert response.status_code == 404
    assert TalkSlot.objects.filter(pk=slot.pk).exists()


def test_each_participant_sees_their_own_talks_on_the_meeting_page(
    fair, finance_user, web_as, officer_user, enterprise_member, django_assert_max_num_queries
):
    """Found walking the product: the slots reached people only by e-mail; the enterprise's
    portal showed them nowhere."""
    _propose(fair, finance_user)
    page = reverse("meetings:detail", args=[fair["meeting"].pk])
    # 陈静's enterprise (E1) talks to bank A at 14:00 and bank B at 14:15.
    body = web_as(enterprise_member).get(page).content.decode()
    assert "14:00–14:15" in body and "14:15–14:30" in body
    # Bank B's officer sees only bank B's talk.
    web = web_as(fair["officer_b"])
    with django_assert_max_num_queries(30):
        body = web.get(page).content.decode()
    assert "14:15–14:30" in body and "14:00–14:15" not in body
