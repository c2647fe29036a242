"""factory_boy factories for every app's core rows."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import User
from banks.models import Institution, LoanProduct, Officer
from core.models import IndustryChain, IndustryCluster
from core.sizing import Industry
from core.uscc import make_uscc
from enterprises.models import Enterprise, EnterpriseMembership, FinancingNeed, Project
from leads.models import Lead
from meetings.models import Meeting


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class IndustryClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndustryCluster

    name = factory.Sequence(lambda n: f"产业集群{n}")
    code = factory.Sequence(lambda n: f"cluster-{n}")


class IndustryChainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndustryChain

    cluster = factory.SubFactory(IndustryClusterFactory)
    name = factory.Sequence(lambda n: f"产业链{n}")
    code = factory.Sequence(lambda n: f"chain-{n}")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    credit_code = factory.Sequence(lambda n: make_uscc(f"91510100MA{n:07d}"))
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


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    need = factory.SubFactory(FinancingNeedFactory, status=FinancingNeed.Status.SUBMITTED)
    institution = factory.SubFactory(InstitutionFactory)
    score = Decimal("75.00")
    received_at = factory.LazyFunction(timezone.now)
    contact_due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    title = factory.Sequence(lambda n: f"政银企对接会{n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + dt.timedelta(hours=2))
    location = "区行政中心"
