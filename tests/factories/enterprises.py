"""Factories for the enterprises app."""

import datetime as dt
from decimal import Decimal

import factory

from accounts.models import User
from core.sizing import Industry
from core.uscc import make_uscc
from enterprises.models import Enterprise, EnterpriseMembership, FinancingNeed, Project

from .accounts import UserFactory
from .core import IndustryChainFactory


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    credit_code = factory.Sequence(lambda n: make_uscc(f"91510199MA{n:06d}"))
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    legal_representative = "张三"
    industry = Industry.INDUSTRY
    chain = factory.SubFactory(IndustryChainFactory)
    employees = 50
    revenue = Decimal("5000000.00")
    total_assets = Decimal("8000000.00")
    figures_as_of = dt.date(2025, 12, 31)
    verification_status = Enterprise.VerificationStatus.VERIFIED


class EnterpriseMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseMembership

    user = factory.SubFactory(UserFactory, role=User.Role.ENTERPRISE)
    enterprise = factory.SubFactory(EnterpriseFactory)
    is_admin = True


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"测试项目{n}")
    total_investment = Decimal("10000000.00")


class FinancingNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinancingNeed

    enterprise = factory.SubFactory(EnterpriseFactory)
    amount = Decimal("2000000.00")
    term_months = 12
    purpose = "补充流动资金"
    collateral = factory.LazyFunction(lambda: ["real_estate"])
    max_rate = Decimal("5.00")
    loan_kind = FinancingNeed.LoanKind.NEW
