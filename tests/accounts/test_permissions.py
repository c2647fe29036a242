"""The role predicates, decorators and API permission classes of ``accounts.permissions``, called
directly with real users; the expected answers are one hand-written table."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from accounts import permissions
from accounts.models import User
from tests.factories import EnterpriseMemberFactory, OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _persona(name):
    if name == "anonymous":
        return AnonymousUser()
    if name == "enterprise member":
        user = EnterpriseMemberFactory().user
    elif name == "enterprise role, no membership":
        user = UserFactory(role=User.Role.ENTERPRISE)
    elif name == "membership, officer role":
        user = EnterpriseMemberFactory(user__role=User.Role.OFFICER).user
    elif name == "active officer":
        user = OfficerFactory().user
    elif name == "inactive officer":
        user = OfficerFactory(is_active=False).user
    elif name == "officer role, no officer row":
        user = UserFactory(role=User.Role.OFFICER)
    elif name == "officer row, enterprise role":
        user = OfficerFactory(user__role=User.Role.ENTERPRISE).user
    elif name == "bureau":
        user = UserFactory(role=User.Role.GOVERNMENT, department=User.Department.DEVELOPMENT_REFORM)
    elif name == "finance office":
        user = UserFactory(role=User.Role.GOVERNMENT, department=User.Department.FINANCE_OFFICE)
    elif name == "no role":
        user = UserFactory()
    else:
        raise AssertionError(name)
    return User.objects.get(pk=user.pk)  # fresh: nothing cached on the instance


# persona: (enterprise member, officer, government, finance office)
TABLE = {
    "anonymous": (False, False, False, False),
    "enterprise member": (True, False, False, False),
    "enterprise role, no membership": (False, False, False, False),
    "membership, officer role": (False, False, False, False),
    "active officer": (False, True, False, False),
    "inactive officer": (False, False, False, False),
    "officer role, no officer row": (False, False, False, False),
    "officer row, enterprise role": (False, False, False, False),
    "bureau": (False, False, True, False),
    "finance office": (False, False, True, True),
    "no role": (False, False, False, False),
}
PREDICATES = [
    permissions.is_enterprise_member,
    permissions.is_officer,
    permissions.is_government,
    permissions.is_finance_office,
]
DECORATORS = [
    permissions.enterprise_member_required,
    permissions.officer_required,
    permissions.government_required,
    permissions.finance_office_required,
]
API_CLASSES = [permissions.IsEnterpriseMember, permissions.IsOfficer, permissions.IsGovernment]


@pytest.mark.parametrize("persona", TABLE)
def test_each_predicate_answers_as_the_table_says(persona):
    user = _persona(persona)
    assert tuple(check(user) for check in PREDICATES) == TABLE[persona]


@pytest.mark.parametrize("persona", TABLE)
def test_each_decorator_lets_through_exactly_the_table(persona):
    user = _persona(persona)
    request = RequestFactory().get("/somewhere/")
    request.user = user
    calls = []

    def view(request, pk, *, part):
        calls.append((pk, part))
        return f"page {pk} {part}"

    got = []
    for decorator in DECORATORS:
        try:
            answer = decorator(view)(request, 7, part="x")
        except PermissionDenied:
            got.append(False)
        else:
            assert answer == "page 7 x"
            got.append(True)
    assert tuple(got) == TABLE[persona]
    assert calls == [(7, "x")] * sum(TABLE[persona])
    assert permissions.officer_required(view).__name__ == "view"


@pytest.mark.parametrize("persona", TABLE)
def test_each_api_permission_class_answers_as_the_table_says(persona):
    request = RequestFactory().get("/api/")
    request.user = _persona(persona)
    got = tuple(cls().has_permission(request, None) for cls in API_CLASSES)
    assert got == TABLE[persona][:3]
