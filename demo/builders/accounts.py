"""Demo people: the finance office, a bureau, and the helper every builder uses."""

import random
from zoneinfo import ZoneInfo

from django.conf import settings

from accounts.models import User
from core.uscc import make_uscc
from demo.data import DEMO_PASSWORD, DIVISION_CODE, GIVEN, SURNAMES


def tz():
    return ZoneInfo(settings.TIME_ZONE)


def user(username, *, role, last_name, first_name, email, department="", staff=False):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            role=role,
            department=department,
            last_name=last_name,
            first_name=first_name,
            email=email,
            is_staff=staff,
            is_superuser=staff,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def credit_code(index: int) -> str:
    return make_uscc(f"91{DIVISION_CODE}MA{index:06d}")


def build_government_users():
    """The finance office's and a bureau's logins; returns the finance office user."""
    finance = user(
        "jinrongban",
        role=User.Role.GOVERNMENT,
        department=User.Department.FINANCE_OFFICE,
        last_name="周",
        first_name="明",
        email="jinrongban@example.gov.cn",
        staff=True,
    )
    user(
        "fagaiju",
        role=User.Role.GOVERNMENT,
        department=User.Department.DEVELOPMENT_REFORM,
        last_name="郑",
        first_name="华",
        email="fagaiju@example.gov.cn",
    )

    return finance
