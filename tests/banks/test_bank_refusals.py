"""The bank services refuse on their own, whatever door calls them: products handled by another
institution's or a removed officer, reviews by anyone but the finance office, review moves the
map forbids, and officer management by anyone but an active admin of the institution. Each
refusal is the exact error and leaves the database as it was."""

import pytest

from accounts.models import User
from banks import services
from banks.models import LoanProduct, Officer
from core.errors import ServiceError
from core.workflow import IllegalTransition
from tests.factories import (
    EnterpriseMemberFactory,
    InstitutionFactory,
    LoanProductFactory,
    OfficerFactory,
    UserFactory,
)
from tests.refusals import refused

pytestmark = pytest.mark.django_db

P = LoanProduct.Status


@pytest.fixture
def bank():
    home, other = InstitutionFactory(name="甲农商行"), InstitutionFactory(name="乙农商行")
    removed = OfficerFactory(institution=home, role="admin", is_active=False)
    return {
        "institution": home,
        "admin": OfficerFactory(institution=home, role="admin"),
        "officer": OfficerFactory(institution=home),
        "colleague": OfficerFactory(institution=home),
        "removed_admin": removed,
        "other_admin": OfficerFactory(institution=other, role="admin"),
        "other_officer": OfficerFactory(institution=other),
    }


def _user(username, **fields):
    return UserFactory(username=username, **fields)


# --- Products -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_officer", "other_admin", "removed_admin", None])
def test_only_an_active_officer_of_the_institution_handles_its_products(who, bank):
    officer = bank[who] if who else None
    draft = LoanProductFactory(institution=bank["institution"], status=P.DRAFT)
    published = LoanProductFactory(institution=bank["institution"], status=P.PUBLISHED)
    with refused(ServiceError):
        services.loan_product_submit(product=draft, officer=officer)
    with refused(ServiceError):
        services.loan_product_retire(product=published, officer=officer)
    with refused(ServiceError):
        services.loan_product_save(officer=officer, data={"name": "改名贷"}, product=published)


def test_a_removed_officer_cannot_create_a_product(bank):
    with refused(ServiceError):
        services.loan_product_save(officer=bank["removed_admin"], data={"name": "新产品"})


@pytest.mark.parametrize(
    ("status", "call"),
    [
        (P.RETIRED, "submit"),
        (P.SUBMITTED, "submit"),
        (P.RETIRED, "retire"),
        (P.SUBMITTED, "retire"),
    ],
)
def test_a_product_move_the_map_forbids_is_refused(status, call, bank):
    product = LoanProductFactory(institution=bank["institution"], status=status)
    service = {"submit": services.loan_product_submit, "retire": services.loan_product_retire}
    with refused(IllegalTransition):
        service[call](product=product, officer=bank["officer"])


def test_a_retired_product_cannot_be_edited(bank):
    product = LoanProductFactory(institution=bank["institution"], status=P.RETIRED)
    with refused(ServiceError):
        services.loan_product_save(
            officer=bank["officer"], data={"name": "复活贷"}, product=product
        )


# --- Product review -----------------------------------------------------------------------------


@pytest.fixture
def reviewers(bank):
    return {
        "bureau": _user(
            "rev_bureau", role=User.Role.GOVERNMENT, department=User.Department.DEVELOPMENT_REFORM
        ),
        "officer": bank["admin"].user,
        "enterprise": EnterpriseMemberFactory(user__username="rev_ent").user,
        "inactive finance": _user(
            "rev_fin_off",
            role=User.Role.GOVERNMENT,
            department=User.Department.FINANCE_OFFICE,
            is_active=False,
        ),
        "finance": _user(
            "rev_fin", role=User.Role.GOVERNMENT, department=User.Department.FINANCE_OFFICE
        ),
    }


@pytest.mark.parametrize("who", ["bureau", "officer", "enterprise", "inactive finance"])
def test_only_the_finance_office_reviews_products(who, bank, reviewers):
    product = LoanProductFactory(institution=bank["institution"], status=P.SUBMITTED)
    for publish in (True, False):
        with refused(ServiceError):
            services.loan_product_review(
                product=product, reviewer=reviewers[who], publish=publish, note="请补充材料"
            )


def test_returning_a_product_needs_a_reason(bank, reviewers):
    product = LoanProductFactory(institution=bank["institution"], status=P.SUBMITTED)
    with refused(ServiceError, field="note"):
        services.loan_product_review(
            product=product, reviewer=reviewers["finance"], publish=False, note=" "
        )


@pytest.mark.parametrize("status", [P.DRAFT, P.PUBLISHED, P.RETURNED, P.RETIRED])
@pytest.mark.parametrize("publish", [True, False], ids=["publish", "return"])
def test_only_a_submitted_product_is_reviewed(status, publish, bank, reviewers):
    product = LoanProductFactory(institution=bank["institution"], status=status)
    with refused(IllegalTransition):
        services.loan_product_review(
            product=product, reviewer=reviewers["finance"], publish=publish, note="理由"
        )


# --- Officers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "other_admin", "removed_admin", None])
def test_only_an_active_admin_of_the_institution_manages_officers(who, bank):
    actor = bank[who] if who else None
    with refused(ServiceError):
        services.officer_invite(
            institution=bank["institution"], actor=actor, email="new@example.cn", role="officer"
        )
    with refused(ServiceError):
        services.officer_set_role(actor=actor, officer=bank["colleague"], role="admin")
    with refused(ServiceError):
        services.officer_remove(actor=actor, officer=bank["colleague"])


def test_an_admin_cannot_remove_themselves_or_their_own_admin_role(bank):
    with refused(ServiceError):
        services.officer_remove(actor=bank["admin"], officer=bank["admin"])
    with refused(ServiceError):
        services.officer_set_role(actor=bank["admin"], officer=bank["admin"], role="officer")


def test_a_role_outside_the_list_is_refused(bank):
    with refused(ServiceError, field="role"):
        services.officer_set_role(actor=bank["admin"], officer=bank["colleague"], role="owner")


def test_an_active_officer_is_not_invited_again(bank):
    with refused(ServiceError, field="email"):
        services.officer_invite(
            institution=bank["institution"],
            actor=bank["admin"],
            email=bank["colleague"].user.email,
            role=Officer.Role.OFFICER,
        )
