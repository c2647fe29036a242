"""The list of needs and projects presented (推介清单): what each institution sees, with its match
scores, and its "will talk" marks."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.errors import ServiceError
from enterprises.models import NeedAccessRevocation
from matchmaking.models import Match
from meetings import services
from meetings.models import TalkInterest
from meetings.selectors import presented_list_for_institution
from tests.conftest import csrf_post
from tests.factories import (
    FinancingNeedFactory,
    InstitutionFactory,
    LoanProductFactory,
    OfficerFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(meeting, finance_user, institution, officer_user):
    """A meeting presenting an open need (scored 87.5 against the institution's product), a need
    shown only to a chosen other institution, and a key project; the institution is invited."""
    product = LoanProductFactory(institution=institution)
    open_need = FinancingNeedFactory(status="submitted", purpose="购置生产线")
    Match.objects.create(need=open_need, product=product, score=Decimal("87.50"))
    chosen = FinancingNeedFactory(status="submitted", visibility="chosen", purpose="技改贷款")
    chosen.allowed_institutions.add(InstitutionFactory())
    project = ProjectFactory(is_key_project=True, name="新材料产业园")
    project_need = FinancingNeedFactory(
        enterprise=project.enterprise, project=project, status="in_progress"
    )
    Match.objects.create(need=project_need, product=product, score=Decimal("64.25"))
    for kwargs in ({"need": open_need}, {"need": chosen}, {"project": project}):
        services.presented_item_add(meeting=meeting, actor=finance_user, **kwargs)
    services.meeting_invite(meeting=meeting, actor=finance_user, institutions=[institution])
    return {"open": open_need, "chosen": chosen, "project": project}


def test_an_invited_institution_sees_what_it_may_with_its_scores(meeting, institution, listed):
    rows = presented_list_for_institution(meeting=meeting, institution=institution)
    assert [(r.enterprise, r.score) for r in rows] == [
        (listed["open"].enterprise, Decimal("87.50")),
        (listed["project"].enterprise, Decimal("64.25")),
    ]


def test_a_revoked_need_disappears_from_the_list(meeting, institution, listed, enterprise_member):
    NeedAccessRevocation.objects.create(
        need=listed["open"], institution=institution, revoked_by=enterprise_member
    )
    rows = presented_list_for_institution(meeting=meeting, institution=institution)
    assert [r.enterprise for r in rows] == [listed["project"].enterprise]


def test_the_officer_page_shows_the_list_and_marks_a_talk(web_as, meeting, officer_user, listed):
    client = web_as(officer_user)
    url = reverse("meetings:detail", args=[meeting.pk])
    html = client.get(url).content.decode()
    assert "购置生产线" in html and "87.50" in html
    assert "技改贷款" not in html
    enterprise = listed["open"].enterprise
    csrf_post(
        client,
        reverse("meetings:talk_interest", args=[meeting.pk, enterprise.pk]),
        {"interested": "1"},
    )
    mark = TalkInterest.objects.get()
    assert (mark.institution, mark.enterprise, mark.marked_by) == (
        officer_user.officer.institution,
        enterprise,
        officer_user,
    )
    csrf_post(
        client,
        reverse("meetings:talk_interest", args=[meeting.pk, enterprise.pk]),
        {"interested": "0"},
    )
    assert not TalkInterest.objects.exists()


def test_no_mark_for_an_enterprise_the_institution_may_not_see(meeting, officer_user, listed):
    with pytest.raises(ServiceError):
        services.talk_interest_set(
            meeting=meeting,
            enterprise_id=listed["chosen"].enterprise_id,
            actor=officer_user,
            interested=True,
        )
    assert not TalkInterest.objects.exists()


def test_an_institution_not_invited_cannot_mark(meeting, listed, other_officer_user):
    with pytest.raises(ServiceError):
        services.talk_interest_set(
            meeting=meeting,
            enterprise_id=listed["open"].enterprise_id,
            actor=other_officer_user,
            interested=True,
        )


def test_an_invited_enterprise_member_does_not_see_the_list(
    web_as, meeting, finance_user, enterprise, enterprise_member, listed
):
    services.meeting_invite(meeting=meeting, actor=finance_user, enterprises=[enterprise])
    html = (
        web_as(enterprise_member)
        .get(reverse("meetings:detail", args=[meeting.pk]))
        .content.decode()
    )
    assert "购置生产线" not in html
    assert 'id="presented"' not in html


def test_an_officer_of_another_bank_invited_by_name_sees_only_what_his_bank_may(
    meeting, finance_user, listed
):
    allowed = listed["chosen"].allowed_institutions.get()
    officer = OfficerFactory(institution=allowed)
    services.meeting_invite(meeting=meeting, actor=finance_user, officers=[officer])
    rows = presented_list_for_institution(meeting=meeting, institution=allowed)
    assert {r.enterprise for r in rows} == {
        listed["open"].enterprise,
        listed["chosen"].enterprise,
        listed["project"].enterprise,
    }
    # No products, so no scores.
    assert {r.score for r in rows} == {None}


def test_only_open_needs_and_current_key_projects_are_presented(meeting, finance_user):
    with pytest.raises(ServiceError):
        services.presented_item_add(
            meeting=meeting, actor=finance_user, need=FinancingNeedFactory(status="draft")
        )
    with pytest.raises(ServiceError):
        services.presented_item_add(
            meeting=meeting, actor=finance_user, project=ProjectFactory(is_key_project=False)
        )


def test_a_bureau_may_not_change_the_list(meeting, bureau_user):
    with pytest.raises(ServiceError):
        services.presented_item_add(
            meeting=meeting, actor=bureau_user, need=FinancingNeedFactory(status="submitted")
        )


def test_the_list_costs_the_same_queries_however_long(
    meeting, finance_user, institution, listed, django_assert_max_num_queries
):
    for _ in range(10):
        services.presented_item_add(
            meeting=meeting, actor=finance_user, need=FinancingNeedFactory(status="submitted")
        )
    with django_assert_max_num_queries(6):
        rows = presented_list_for_institution(meeting=meeting, institution=institution)
    assert len(rows) == 12


def test_a_colleague_of_an_invited_officer_sees_the_list_and_marks(
    web_as, meeting, institution, listed
):
    # The institution was invited through one officer; another officer of the bank joins later.
    colleague = OfficerFactory(institution=institution).user
    client = web_as(colleague)
    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "购置生产线" in html
    assert 'name="answer"' not in html
    enterprise = listed["project"].enterprise
    csrf_post(
        client,
        reverse("meetings:talk_interest", args=[meeting.pk, enterprise.pk]),
        {"interested": "1"},
    )
    assert TalkInterest.objects.get().marked_by == colleague


def test_an_officer_of_a_bank_not_invited_gets_404(web_as, meeting, listed, other_officer_user):
    client = web_as(other_officer_user)
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
    response = csrf_post(
        client,
        reverse("meetings:talk_interest", args=[meeting.pk, listed["open"].enterprise_id]),
        {"interested": "1"},
        form_url=reverse("meetings:my_meetings"),
    )
    assert response.status_code == 404
    assert not TalkInterest.objects.exists()
