"""Personas and shared fixtures.

Like healthchecks' Alice, Bob and Charlie: each door is tried by the persona who owns the data and
by outsiders who must be refused.
"""

import os

import pytest

from accounts.models import User

from .factories import (
    EnterpriseMemberFactory,
    InstitutionFactory,
    OfficerFactory,
    UserFactory,
)

REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"


def service_missing(reason: str):
    """Skip on a developer's machine; fail in CI, where every service must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"Required service missing: {reason}")
    pytest.skip(reason)


@pytest.fixture
def enterprise_member(db):
    """陈静, admin of her enterprise."""
    return EnterpriseMemberFactory(user__username="chenjing", user__last_name="陈").user


@pytest.fixture
def enterprise(enterprise_member):
    return enterprise_member.enterprise_membership.enterprise


@pytest.fixture
def other_enterprise_member(db):
    """A member of another enterprise: must never see the first one's data."""
    return EnterpriseMemberFactory(user__username="lisi").user


@pytest.fixture
def institution(db):
    return InstitutionFactory(name="测试工商银行清溪支行", short_name="测试工行")


@pytest.fixture
def officer_user(institution):
    return OfficerFactory(user__username="wangjl", institution=institution).user


@pytest.fixture
def institution_admin(institution):
    return OfficerFactory(user__username="zhaohz", institution=institution, role="admin").user


@pytest.fixture
def other_officer_user(db):
    """An officer of another institution."""
    return OfficerFactory(user__username="sunjl").user


@pytest.fixture
def finance_user(db):
    return UserFactory(
        username="zhoum", role=User.Role.GOVERNMENT, department=User.Department.FINANCE_OFFICE
    )


@pytest.fixture
def bureau_user(db):
    return UserFactory(
        username="zhengh", role=User.Role.GOVERNMENT, department=User.Department.DEVELOPMENT_REFORM
    )


@pytest.fixture
def outsider(db):
    """Logged in, but attached to nothing: refused everywhere."""
    return UserFactory(username="outsider")


@pytest.fixture
def client_for(client):
    """Log the test client in as a persona (CSRF checks stay on)."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def csrf_client(db):
    from django.test import Client

    return Client(enforce_csrf_checks=True)
