"""Factories for the banks app."""

from decimal import Decimal

import factory

from accounts.models import User
from banks.models import Institution, LoanProduct, Officer

from .accounts import UserFactory


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"测试银行{n}支行")
    short_name = factory.Sequence(lambda n: f"测试行{n}")


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    user = factory.SubFactory(UserFactory, role=User.Role.OFFICER)
    institution = factory.SubFactory(InstitutionFactory)
    role = Officer.Role.OFFICER


class LoanProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LoanProduct

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"测试贷款产品{n}")
    tags = factory.LazyFunction(lambda: ["mortgage"])
    min_amount = Decimal("100000.00")
    max_amount = Decimal("10000000.00")
    min_term_months = 6
    max_term_months = 36
    min_rate = Decimal("3.50")
    max_rate = Decimal("4.50")
    accepted_collateral = factory.LazyFunction(lambda: ["real_estate"])
    status = LoanProduct.Status.PUBLISHED
