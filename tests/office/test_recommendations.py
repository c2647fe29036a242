"""Recommended lists (推荐清单): bureaus recommend, institutions see the mark and filter by it, and
a recommended need scores the finance office's bonus."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import User
from core.errors import ServiceError
from core.models import AuditEvent
from enterprises.models import Recommendation
from enterprises.services import recommendation_create, recommendation_withdraw
from leads.models import Lead
from matchmaking.engine import rescore_need
from matchmaking.models import Match
from tests.conftest import csrf_post, wait_for
from tests.factories import (
    FinancingNeedFactory,
    LeadFactory,
    LoanProductFactory,
    ProjectFactory,
    UserFactory,
)

GOOD = {"tags": ["mortgage", "first_loan"]}


@pytest.mark.django_db
def test_a_bureau_recommends_through_the_page_and_it_is_audited(web_as, bureau_user, enterprise):
    web = web_as(bureau_user)
    response = csrf_post(
        web,
        reverse("office:recommendations"),
        {"enterprise": enterprise.pk, "reason": "区级重点培育企业"},
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get(enterprise=enterprise)
    assert recommendation.department == User.Department.DEVELOPMENT_REFORM
    assert recommendation.recommended_by == bureau_user
    assert AuditEvent.objects.filter(object_id=recommendation.pk, actor=bureau_user).exists()
    assert "区级重点培育企业" in web.get(reverse("office:recommendations")).content.decode()


@pytest.mark.django_db
def test_a_project_of_another_enterprise_is_refused(web_as, bureau_user, enterprise):
    web = web_as(bureau_user)
    stranger = ProjectFactory()
    response = csrf_post(
        web,
        reverse("office:recommendations"),
        {"enterprise": enterprise.pk, "project": stranger.pk, "reason": "重点项目"},
    )
    assert response.status_code == 200
    assert "该项目属于其他企业" in response.content.decode()
    assert not Recommendation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "department", [User.Department.FINANCE_OFFICE, User.Department.FINANCE_BUREAU]
)
def test_other_departments_see_the_lists_but_do_not_recommend(web_as, enterprise, department):
    user = UserFactory(role=User.Role.GOVERNMENT, department=department)
    web = web_as(user)
    body = web.get(reverse("office:recommendations")).content.decode()
    assert 'id="recommend-form"' not in body
    csrf_post(web, reverse("office:recommendations"), {"enterprise": enterprise.pk, "reason": "x"})
    assert not Recommendation.objects.exists()
    with pytest.raises(ServiceError):
        recommendation_create(actor=user, enterprise=enterprise, reason="x")


@pytest.mark.django_db
def test_only_the_recommending_bureau_withdraws(bureau_user, finance_user, enterprise):
    recommendation = recommendation_create(actor=bureau_user, enterprise=enterprise, reason="好")
    commerce = UserFactory(role=User.Role.GOVERNMENT, department=User.Department.COMMERCE)
    for outsider in (finance_user, commerce):
        with pytest.raises(ServiceError):
            recommendation_withdraw(recommendation=recommendation, actor=outsider)
    recommendation_withdraw(recommendation=recommendation, actor=bureau_user)
    recommendation.refresh_from_db()
    assert recommendation.withdrawn_at is not None


@pytest.mark.django_db(transaction=True)
def test_recommending_and_withdrawing_rescore_the_needs_with_the_bonus(
    celery_worker, web_as, bureau_user, enterprise
):
    product = LoanProductFactory(**GOOD)
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    rescore_need(need.pk)
    before = Match.objects.get(need=need, product=product).score
    web = web_as(bureau_user)
    csrf_post(
        web, reverse("office:recommendations"), {"enterprise": enterprise.pk, "reason": "重点"}
    )
    # The default bonus: five points on top of the weighted score.
    bonus = before + Decimal("5.00")
    assert wait_for(lambda: Match.objects.get(need=need, product=product).score == bonus)
    recommendation = Recommendation.objects.get()
    csrf_post(
        web,
        reverse("office:recommendation_withdraw", args=[recommendation.pk]),
        form_url=reverse("office:recommendations"),
    )
    assert wait_for(lambda: Match.objects.get(need=need, product=product).score == before)


@pytest.mark.django_db
def test_the_explanation_labels_the_bonus(
    bureau_user, enterprise, officer_user, institution, web_as
):
    LoanProductFactory(institution=institution, **GOOD)
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    recommendation_create(actor=bureau_user, enterprise=enterprise, reason="专精特新")
    rescore_need(need.pk)
    lead = Lead.objects.get(need=need, institution=institution)
    body = web_as(officer_user).get(reverse("banks:lead_detail", args=[lead.pk])).content.decode()
    assert "加分：该企业或项目获区级部门推荐（分值由金融办设定）" in body
    assert "5.0/5" in body
    # The mark, with the bureau and its reason.
    assert "区发改局推荐" in body and "专精特新" in body


@pytest.mark.django_db
def test_the_inbox_marks_and_filters_recommended_needs(
    bureau_user, enterprise, officer_user, institution, web_as
):
    recommended = LeadFactory(
        need=FinancingNeedFactory(enterprise=enterprise, status="submitted", purpose="推荐的"),
        institution=institution,
    )
    LeadFactory(
        need=FinancingNeedFactory(status="submitted", purpose="普通的"), institution=institution
    )
    project = ProjectFactory(enterprise=recommended.need.enterprise)
    by_project = LeadFactory(
        need=FinancingNeedFactory(
            enterprise=enterprise, project=project, status="submitted", purpose="项目的"
        ),
        institution=institution,
    )
    assert by_project
    recommendation_create(actor=bureau_user, enterprise=enterprise, reason="好企业")
    web = web_as(officer_user)
    body = web.get(reverse("banks:lead_list")).content.decode()
    assert body.count("区发改局推荐") == 2
    filtered = web.get(reverse("banks:lead_list") + "?recommended=on").content.decode()
    assert "推荐的" in filtered and "项目的" in filtered and "普通的" not in filtered


@pytest.mark.django_db
def test_a_project_recommendation_marks_only_that_projects_needs(
    bureau_user, enterprise, officer_user, institution, web_as
):
    project = ProjectFactory(enterprise=enterprise)
    LeadFactory(
        need=FinancingNeedFactory(
            enterprise=enterprise, project=project, status="submitted", purpose="项目的"
        ),
        institution=institution,
    )
    LeadFactory(
        need=FinancingNeedFactory(enterprise=enterprise, status="submitted", purpose="别的"),
        institution=institution,
    )
    recommendation_create(actor=bureau_user, enterprise=enterprise, project=project, reason="重点")
    filtered = (
        web_as(officer_user).get(reverse("banks:lead_list") + "?recommended=on").content.decode()
    )
    assert "项目的" in filtered and "别的" not in filtered


@pytest.mark.django_db
def test_other_matched_needs_carry_the_mark(
    bureau_user, enterprise, officer_user, institution, web_as
):
    LoanProductFactory(institution=institution, **GOOD)
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted", purpose="可接的需求")
    recommendation_create(actor=bureau_user, enterprise=enterprise, reason="链主配套企业")
    rescore_need(need.pk)
    Lead.objects.filter(need=need).delete()
    body = web_as(officer_user).get(reverse("banks:matched_needs")).content.decode()
    assert "可接的需求" in body and "链主配套企业" in body


@pytest.mark.django_db
def test_the_recommended_list_exports(bureau_user, enterprise, web_as):
    import io

    from openpyxl import load_workbook

    recommendation_create(actor=bureau_user, enterprise=enterprise, reason="出口订单稳定")
    response = web_as(bureau_user).get(reverse("office:recommendations") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[2], r[3]) for r in rows] == [(enterprise.name, "区发改局", "出口订单稳定")]
