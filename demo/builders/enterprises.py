"""Demo enterprises, their projects and their open financing needs."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from core.audit import audit_record
from core.money import WAN
from core.reference import Collateral
from demo.data import (
    CHAIN_WORDS,
    CHAINS,
    DISTRICT,
    NAME_WORDS,
    PURPOSES,
    SIZE_CYCLE,
    SIZE_FIGURES,
    TOWNS,
)
from enterprises.models import (
    Adviser,
    Enterprise,
    EnterpriseMembership,
    FinancingNeed,
    Project,
    Recommendation,
)
from leads.models import Lead

from .accounts import credit_code, person, user


def build_enterprises(chains, today, now, rng):
    """Sixty enterprises of every size class, the demo enterprise login; returns
    (enterprises, demo_user)."""
    enterprises = []
    for index in range(60):
        chain_code, _name, _cluster, _key, industry = CHAINS[index % len(CHAINS)]
        size = SIZE_CYCLE[index % len(SIZE_CYCLE)]
        employees, revenue_wan, assets_wan = SIZE_FIGURES[size]
        # Vary the figures a little without leaving the class band.
        factor = Decimal(100 + rng.randint(0, 20)) / 100
        name = (
            "清溪恒氟化工有限公司"
            if index == 1
            else f"{DISTRICT[:2]}{NAME_WORDS[index % 16]}{NAME_WORDS[(index * 7 + 3) % 16]}"
            f"{CHAIN_WORDS[chain_code]}有限公司"
        )
        if (
            Enterprise.objects.filter(name=name)
            .exclude(credit_code=credit_code(index + 1))
            .exists()
        ):
            name = name.replace("有限公司", f"{index + 1}号有限公司")
        enterprise, _ = Enterprise.objects.get_or_create(
            credit_code=credit_code(index + 1),
            defaults={
                "name": name,
                "legal_representative": person(rng),
                "industry": industry,
                "chain": chains[chain_code],
                "town": TOWNS[index % len(TOWNS)],
                "address": f"{DISTRICT}{TOWNS[index % len(TOWNS)]}{index + 1}号",
                "employees": int(employees * factor),
                "revenue": (Decimal(revenue_wan) * factor * WAN).quantize(Decimal("0.01")),
                "total_assets": (Decimal(assets_wan) * factor * WAN).quantize(Decimal("0.01")),
                "figures_as_of": dt.date(today.year - 1, 12, 31),
                "contact_name": person(rng),
                "contact_phone": f"138{index:08d}",
                "contact_email": f"finance{index + 1}@example-enterprise.cn",
                "verification_status": (
                    Enterprise.VerificationStatus.PENDING
                    if index % 15 == 14
                    else Enterprise.VerificationStatus.VERIFIED
                ),
                "verified_at": None if index % 15 == 14 else now,
            },
        )
        enterprises.append(enterprise)

    demo_user = user(
        "qiye",
        role=User.Role.ENTERPRISE,
        last_name="陈",
        first_name="静",
        email="qiye@example-enterprise.cn",
    )
    EnterpriseMembership.objects.get_or_create(
        user=demo_user, defaults={"enterprise": enterprises[1], "is_admin": True}
    )

    return enterprises, demo_user


def build_projects(enterprises, rng):
    """Projects of the first forty enterprises; every third is a district key project."""
    projects = []
    for index, enterprise in enumerate(enterprises[:40]):
        project, _ = Project.objects.get_or_create(
            enterprise=enterprise,
            name=f"{enterprise.name[:-4]}{['扩能改造', '新建生产基地', '智能化升级', '仓储中心'][index % 4]}项目",
            defaults={
                "chain": enterprise.chain,
                "is_key_project": index % 3 == 0,
                "total_investment": Decimal(rng.choice([2000, 5000, 8000, 12000, 30000, 60000]))
                * WAN,
                "stage": rng.choice(Project.Stage.values),
                "description": "列入区级重点项目库。" if index % 3 == 0 else "",
            },
        )
        projects.append(project)

    return projects


def build_open_needs(enterprises, projects, demo_user, rng):
    """Needs that enterprises have submitted and are waiting for institutions."""
    project_by_enterprise = {p.enterprise_id: p for p in projects}
    kinds = FinancingNeed.LoanKind.values
    collateral_choices = Collateral.values
    for index, enterprise in enumerate(enterprises):
        purpose = f"{PURPOSES[(index + 3) % len(PURPOSES)]}（{enterprise.chain.name}）"
        if FinancingNeed.objects.filter(enterprise=enterprise, purpose=purpose).exists():
            continue
        size = enterprise.size_class
        base_wan = {"large": 20000, "medium": 3000, "small": 500, "micro": 50}.get(size, 100)
        amount = Decimal(base_wan) * Decimal(rng.choice([1, 2, 3, 5])) / 2 * WAN
        draft = not enterprise.is_verified or index % 11 == 5
        need = FinancingNeed.objects.create(
            enterprise=enterprise,
            project=project_by_enterprise.get(enterprise.pk) if index % 2 == 0 else None,
            amount=amount.quantize(Decimal("0.01")),
            term_months=rng.choice([6, 12, 24, 36, 60]),
            purpose=purpose,
            collateral=rng.sample(collateral_choices, k=rng.choice([0, 1, 2])),
            max_rate=Decimal(rng.choice(["4.00", "4.50", "5.00", "6.00"])),
            needed_by=dt.date(2027, 3, 31),
            loan_kind=kinds[index % 3] if index % 5 == 0 else FinancingNeed.LoanKind.NEW,
            description="企业生产经营良好，订单充足，需资金支持。",
            status=FinancingNeed.Status.DRAFT if draft else FinancingNeed.Status.SUBMITTED,
            submitted_at=None if draft else timezone.now(),
            created_by=demo_user if index == 1 else None,
        )
        audit_record(obj=need, action="created", actor=need.created_by, to_state="draft")
        if not draft:
            audit_record(
                obj=need,
                action="status",
                actor=need.created_by,
                from_state="draft",
                to_state="submitted",
            )


# Enterprises (by their place in the demo list) the development and reform bureau recommends, and
# the first of them with its project rather than as a whole.
RECOMMENDED_INDEXES = (0, 4, 8, 12)
RECOMMENDATION_REASONS = (
    "区级重点培育企业，订单增长快，建议优先支持。",
    "承担区重点技改项目，资金需求急。",
    "专精特新“小巨人”培育对象。",
    "外贸订单稳定，带动就业三百余人。",
)


def build_recommendations_and_advisers(enterprises, projects, demo_user):
    """A few recommendations by the development and reform bureau (fagaiju), and a bank
    president (yinhang) as the demo enterprise's financial adviser."""
    bureau = User.objects.get(username="fagaiju")
    project_by_enterprise = {p.enterprise_id: p for p in projects}
    for place, index in enumerate(RECOMMENDED_INDEXES):
        enterprise = enterprises[index]
        if not enterprise.is_verified:
            continue
        project = project_by_enterprise.get(enterprise.pk) if place == 1 else None
        Recommendation.objects.get_or_create(
            enterprise=enterprise,
            project=project,
            department=bureau.department,
            defaults={"reason": RECOMMENDATION_REASONS[place], "recommended_by": bureau},
        )
    adviser = User.objects.get(username="yinhang")
    if not adviser.phone:
        User.objects.filter(pk=adviser.pk).update(phone="13900000001")
    demo_enterprise = demo_user.enterprise_membership.enterprise
    Adviser.objects.get_or_create(
        enterprise=demo_enterprise,
        user=adviser,
        defaults={
            "since": dt.date(2026, 1, 1),
            "assigned_by": User.objects.get(username="jinrongban"),
        },
    )


# Needs no product can serve (far beyond every product's amount and term), submitted weeks ago:
# the finance office's unserved list shows them with the rules they fail.
UNSERVED_NEEDS = (
    (2, "建设新园区（超大额长期资金）", Decimal("5000000000.00"), 360),
    (6, "购置厂房（三十年期）", Decimal("3000000.00"), 360),
)
UNSERVED_SUBMITTED_DAYS_AGO = 20


# Needs of these enterprises (by place) the finance office pushed to an institution two weeks ago,
# which has not contacted them since: the unserved list shows them past their deadline.
LATE_PUSH_PLACES = (3, 9)
LATE_PUSH_DAYS_AGO = 14
LATE_PUSH_DUE_DAYS = 5


def build_unserved_needs(enterprises, institutions, now):
    """Needs nobody serves: two no product can match, two pushed weeks ago and never contacted."""
    pushed_at = now - dt.timedelta(days=LATE_PUSH_DAYS_AGO)
    for place in LATE_PUSH_PLACES:
        need = (
            FinancingNeed.objects.filter(
                enterprise=enterprises[place], status=FinancingNeed.Status.SUBMITTED
            )
            .order_by("pk")
            .first()
        )
        if need is None:
            continue
        _lead, created = Lead.objects.get_or_create(
            need=need,
            institution=institutions[-1],
            defaults={
                "received_at": pushed_at,
                "contact_due_at": pushed_at + dt.timedelta(days=LATE_PUSH_DUE_DAYS),
                "pushed_at": pushed_at,
            },
        )
        if created:
            FinancingNeed.objects.filter(pk=need.pk).update(
                submitted_at=pushed_at - dt.timedelta(days=1)
            )
    for index, purpose, amount, term in UNSERVED_NEEDS:
        enterprise = enterprises[index]
        if not enterprise.is_verified:
            continue
        FinancingNeed.objects.get_or_create(
            enterprise=enterprise,
            purpose=purpose,
            defaults={
                "amount": amount,
                "term_months": term,
                "max_rate": Decimal("5.00"),
                "loan_kind": FinancingNeed.LoanKind.NEW,
                "status": FinancingNeed.Status.SUBMITTED,
                "submitted_at": now - dt.timedelta(days=UNSERVED_SUBMITTED_DAYS_AGO),
                "description": "企业扩大生产，资金需求较大。",
            },
        )
