"""The factories never hand back an existing row in place of a new one."""

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from tests.factories import OfficerFactory, UserFactory


@pytest.mark.django_db
def test_a_taken_username_fails_loudly_instead_of_reusing_the_user():
    UserFactory(username="wangjl", role=User.Role.ENTERPRISE)
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficerFactory(user__username="wangjl")
    assert User.objects.get(username="wangjl").role == User.Role.ENTERPRISE
