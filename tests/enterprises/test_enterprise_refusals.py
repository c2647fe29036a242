"""The enterprise services refuse on their own, whatever door calls them: verification by anyone
but the finance office, member management by anyone but the enterprise's administrator, needs
handled by anyone outside the enterprise, and status moves the map forbids. Each refusal is the
exact error and leaves the database as it was."""

from decimal import Decimal

import pytest

from accounts.models import User
from core.errors import ServiceError
from core.workflow import IllegalTransition
from enterprises import services
from enterprises.models import Enterprise, FinancingNeed
from tests.factories import (
    EnterpriseFactory,
    EnterpriseMemberFactory,
    FinancingNeedFactory,
    InstitutionFactory,
    OfficerFactory,
    UserFactory,
)
from tests.refusals import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    enterprise = EnterpriseFactory(
        name="清溪纺织有限公司", verification_status=Enterprise.VerificationStatus.PENDING
    )
    return {
        "admin": EnterpriseMemberFactory(user__username="ref_admin", enterprise=enterprise).user,
        "member": EnterpriseMemberFactory(
            user__username="ref_member", enterprise=enterprise, is_admin=False
        ).user,
        "other_admin": EnterpriseMemberFactory(user__username="ref_other").user,
        "officer": OfficerFactory(user__username="ref_officer", role="admin").user,
        "bureau": UserFactory(
            username="ref_bureau",
            role=User.Role.GOVERNMENT,
            department=User.Department.DEVELOPMENT_REFORM,
        ),
        "finance": UserFactory(
            username="ref_finance",
            role=User.Role.GOVERNMENT,
            department=User.Department.FINANCE_OFFICE,
        ),
    }


def _enterprise(people):
    return people["admin"].enterprise_membership.enterprise


# --- Verification ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["bureau", "officer", "admin", "member", "inactive finance"])
def test_only_an_active_finance_office_user_verifies_or_rejects(who, people):
    if who == "inactive finance":
        actor = people["finance"]
        actor.is_active = False
        actor.save(update_fields=["is_active"])
    else:
        actor = people[who]
    enterprise = _enterprise(people)
    with refused(ServiceError):
        services.enterprise_verify(enterprise=enterprise, actor=actor)
    with refused(ServiceError):
        services.enterprise_reject(enterprise=enterprise, actor=actor, reason="营业执照不清晰")
    with refused(ServiceError):
        services.enterprise_verify(enterprise=enterprise, actor=None)


def test_a_rejection_needs_a_reason(people):
    with refused(ServiceError, field="reason"):
        services.enterprise_reject(
            enterprise=_enterprise(people), actor=people["finance"], reason=" "
        )


# --- Members ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "other_admin", "officer", "finance"])
def test_only_the_enterprises_admin_invites(who, people):
    with refused(ServiceError):
        services.enterprise_invite_colleague(
            enterprise=_enterprise(people), actor=people[who], email="new@example.cn"
        )


def test_an_existing_member_is_not_invited_again(people):
    with refused(ServiceError, field="email"):
        services.enterprise_invite_colleague(
            enterprise=_enterprise(people), actor=people["admin"], email=people["member"].email
        )


@pytest.mark.parametrize("who", ["member", "other_admin", "officer", "finance"])
def test_only_the_enterprises_admin_removes_a_member(who, people):
    with refused(ServiceError):
        services.enterprise_remove_member(
            enterprise=_enterprise(people), actor=people[who], member=people["member"]
        )


def test_the_admin_cannot_remove_themselves(people):
    with refused(ServiceError):
        services.enterprise_remove_member(
            enterprise=_enterprise(people), actor=people["admin"], member=people["admin"]
        )


@pytest.mark.parametrize("stranger", ["other_admin", "officer", "finance"])
def test_removing_someone_outside_the_enterprise_is_refused(stranger, people):
    """The service used to delete nothing and then switch the stranger's account off."""
    with refused(ServiceError):
        services.enterprise_remove_member(
            enterprise=_enterprise(people), actor=people["admin"], member=people[stranger]
        )
    people[stranger].refresh_from_db()
    assert people[stranger].is_active is True


# --- Needs --------------------------------------------------------------------------------------


@pytest.fixture
def need(people):
    return FinancingNeedFactory(
        enterprise=_enterprise(people),
        status=FinancingNeed.Status.DRAFT,
        amount=Decimal("3000000.00"),
        created_by=people["admin"],
    )


@pytest.mark.parametrize("who", ["other_admin", "officer", "finance"])
def test_only_the_enterprise_handles_its_needs(who, need, people):
    actor = people[who]
    bank = InstitutionFactory()
    with refused(ServiceError):
        services.financing_need_update(need=need, actor=actor, data={"purpose": "改了用途"})
    with refused(ServiceError):
        services.financing_need_submit(need=need, actor=actor)
    with refused(ServiceError):
        services.financing_need_withdraw(need=need, actor=actor)
    with refused(ServiceError):
        services.financing_need_revoke_access(need=need, institution=bank, actor=actor)
    with refused(ServiceError):
        services.financing_need_create(
            enterprise=_enterprise(people), actor=actor, data={"purpose": "补充流动资金"}
        )


@pytest.mark.parametrize(
    "status", [FinancingNeed.Status.IN_PROGRESS, FinancingNeed.Status.SIGNED, "closed"]
)
def test_a_need_being_worked_or_finished_cannot_be_edited(status, need, people):
    FinancingNeed.objects.filter(pk=need.pk).update(status=status)
    need.refresh_from_db()
    with refused(ServiceError):
        services.financing_need_update(need=need, actor=people["admin"], data={"purpose": "新用途"})


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (FinancingNeed.Status.SIGNED, "withdraw"),
        (FinancingNeed.Status.WITHDRAWN, "withdraw"),
        (FinancingNeed.Status.CLOSED, "submit"),
        (FinancingNeed.Status.SUBMITTED, "submit"),
    ],
)
def test_a_need_move_the_map_forbids_is_refused(status, move, need, people):
    FinancingNeed.objects.filter(pk=need.pk).update(status=status)
    need.refresh_from_db()
    call = {
        "withdraw": services.financing_need_withdraw,
        "submit": services.financing_need_submit,
    }[move]
    with refused(IllegalTransition):
        call(need=need, actor=people["admin"])


def test_only_government_staff_mark_key_projects(people):
    from tests.factories import ProjectFactory

    project = ProjectFactory(enterprise=_enterprise(people))
    for who in ("admin", "officer"):
        with refused(ServiceError):
            services.project_set_key(project=project, actor=people[who], is_key=True)
