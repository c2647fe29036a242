"""A believable demo district, built from the 2022 matchmaking-meeting speech.

``build_demo_district()`` is idempotent: every row is found by a natural key and created only when
missing, random choices come from a fixed seed, and nothing that exists is saved again, so a
second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from banks.models import Institution, LoanProduct, Officer, PolicyTag
from core.audit import audit_record
from core.models import IndustryChain, IndustryCluster, PortalSettings
from core.money import WAN
from core.reference import Collateral
from core.sizing import Industry, SizeClass
from core.uscc import make_uscc
from core.workdays import calendar_sync_from_library, working_day_deadline
from enterprises.models import (
    Enterprise,
    EnterpriseMembership,
    FinancingNeed,
    Project,
)
from leads.models import Lead, LoanAgreement
from leads.services import institution_response_rates_refresh
from matchmaking.engine import recompute_all
from meetings.models import Meeting

DEMO_PASSWORD = "demo12345"
DISTRICT = "清溪区"
DIVISION_CODE = "510199"  # a fictional county-level division code

ON_SITE_TOTAL = Decimal("748000000.00")  # 7.48亿元 signed at the 2022 meeting

CLUSTERS = [
    ("new_materials", "新材料"),
    ("health_medicine", "健康医药"),
    ("green_food", "绿色食品"),
    ("culture_tourism", "文化旅游"),
    ("building_home", "建材家居"),
]
# (code, name, cluster, key chain, main industry of its firms)
CHAINS = [
    ("elderly_care", "康养", "health_medicine", True, Industry.OTHER),
    ("fluorine", "氟材料", "new_materials", True, Industry.INDUSTRY),
    ("zinc", "锌材料", "new_materials", True, Industry.INDUSTRY),
    ("green_food", "绿色食品", "green_food", True, Industry.INDUSTRY),
    ("biomedicine", "生物医药", "health_medicine", True, Industry.INDUSTRY),
    ("battery_materials", "新能源电池材料", "new_materials", False, Industry.INDUSTRY),
    ("herbal_medicine", "中药材", "health_medicine", False, Industry.AGRICULTURE),
    ("tea", "茶产业", "green_food", False, Industry.AGRICULTURE),
    ("tourism", "全域旅游", "culture_tourism", False, Industry.ACCOMMODATION),
    ("creative", "文化创意", "culture_tourism", False, Industry.SOFTWARE_IT),
    ("green_building", "绿色建材", "building_home", False, Industry.CONSTRUCTION),
    ("smart_home", "智能家居", "building_home", False, Industry.WHOLESALE),
]
TOWNS = ["城关镇", "清溪街道", "河西街道", "白鹤镇", "石门镇", "新华乡", "工业园区", "桃源镇"]
NAME_WORDS = [
    "恒",
    "瑞",
    "华",
    "鑫",
    "达",
    "盛",
    "祥",
    "丰",
    "源",
    "博",
    "宏",
    "泰",
    "康",
    "润",
    "嘉",
    "永",
]
CHAIN_WORDS = {
    "elderly_care": "康养",
    "fluorine": "氟化工",
    "zinc": "锌业",
    "green_food": "食品",
    "biomedicine": "生物医药",
    "battery_materials": "新能源材料",
    "herbal_medicine": "中药材",
    "tea": "茶业",
    "tourism": "旅游",
    "creative": "文化传媒",
    "green_building": "建材",
    "smart_home": "家居",
}
SURNAMES = ["张", "王", "李", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "朱"]
GIVEN = ["伟", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "建国"]

INSTITUTIONS = [
    ("中国工商银行股份有限公司清溪区支行", "工行清溪支行", Institution.Kind.BANK),
    ("中国农业银行股份有限公司清溪区支行", "农行清溪支行", Institution.Kind.BANK),
    ("中国银行股份有限公司清溪区支行", "中行清溪支行", Institution.Kind.BANK),
    ("中国建设银行股份有限公司清溪区支行", "建行清溪支行", Institution.Kind.BANK),
    ("中国邮政储蓄银行股份有限公司清溪区支行", "邮储清溪支行", Institution.Kind.BANK),
    ("清溪农村商业银行股份有限公司", "清溪农商行", Institution.Kind.BANK),
    ("清溪区融资担保有限公司", "区融资担保公司", Institution.Kind.GUARANTEE),
    ("清溪区产业发展投资基金", "区产业基金", Institution.Kind.FUND),
]

# (institution index, name, type, tags, amount range 万元, term range, rate range, sizes, collateral)
PT = LoanProduct.ProductType
C = Collateral
# fmt: off
PRODUCTS = [
    (0, "经营快贷", PT.WORKING_CAPITAL, [PolicyTag.CREDIT, PolicyTag.REVOLVING],
     (10, 1000), (1, 12), ("3.45", "4.35"), ["small", "micro"], []),
    (0, "科创贷", PT.WORKING_CAPITAL, [PolicyTag.CREDIT, PolicyTag.FIRST_LOAN],
     (100, 3000), (6, 36), ("3.20", "4.20"), ["medium", "small", "micro"], []),
    (0, "项目建设贷", PT.FIXED_ASSET, [PolicyTag.MORTGAGE],
     (2000, 50000), (36, 120), ("3.60", "4.60"), [], [C.REAL_ESTATE, C.LAND, C.EQUIPMENT]),
    (0, "无还本续贷", PT.WORKING_CAPITAL, [PolicyTag.RENEWAL_NO_PRINCIPAL, PolicyTag.GUARANTEE],
     (50, 5000), (6, 36), ("3.45", "4.50"), ["medium", "small", "micro"], [C.REAL_ESTATE, C.THIRD_PARTY_GUARANTEE, C.GOVERNMENT_GUARANTEE]),
    (1, "惠农e贷", PT.WORKING_CAPITAL, [PolicyTag.CREDIT, PolicyTag.REVOLVING],
     (5, 300), (1, 36), ("3.60", "4.80"), ["small", "micro"], []),
    (1, "链捷贷", PT.TRADE_FINANCE, [PolicyTag.SUPPLY_CHAIN, PolicyTag.PLEDGE],
     (100, 5000), (3, 12), ("3.40", "4.30"), [], [C.RECEIVABLES, C.INVENTORY]),
    (1, "乡村振兴项目贷", PT.FIXED_ASSET, [PolicyTag.MORTGAGE, PolicyTag.GUARANTEE],
     (500, 20000), (24, 96), ("3.50", "4.50"), [], [C.LAND, C.REAL_ESTATE, C.GOVERNMENT_GUARANTEE]),
    (1, "首贷通", PT.WORKING_CAPITAL, [PolicyTag.FIRST_LOAN, PolicyTag.GOVERNMENT_GUARANTEE],
     (10, 1000), (6, 24), ("3.65", "4.65"), ["small", "micro"], [C.GOVERNMENT_GUARANTEE]),
    (2, "中银企E贷", PT.WORKING_CAPITAL, [PolicyTag.CREDIT],
     (50, 1000), (6, 12), ("3.50", "4.40"), ["medium", "small", "micro"], []),
    (2, "知识产权质押贷", PT.WORKING_CAPITAL, [PolicyTag.PLEDGE],
     (100, 3000), (12, 36), ("3.60", "4.60"), ["medium", "small"], [C.INTELLECTUAL_PROPERTY, C.EQUITY]),
    (2, "固定资产贷款", PT.FIXED_ASSET, [PolicyTag.MORTGAGE],
     (1000, 80000), (36, 180), ("3.70", "4.90"), ["large", "medium"], [C.REAL_ESTATE, C.LAND, C.EQUIPMENT]),
    (2, "贸易融资", PT.TRADE_FINANCE, [PolicyTag.SUPPLY_CHAIN, PolicyTag.PLEDGE],
     (100, 10000), (1, 12), ("3.30", "4.20"), [], [C.RECEIVABLES, C.DEPOSITS_BILLS]),
    (3, "云税贷", PT.WORKING_CAPITAL, [PolicyTag.CREDIT, PolicyTag.REVOLVING],
     (10, 300), (1, 12), ("3.50", "4.50"), ["small", "micro"], []),
    (3, "抵押快贷", PT.WORKING_CAPITAL, [PolicyTag.MORTGAGE, PolicyTag.REVOLVING],
     (50, 3000), (12, 60), ("3.40", "4.40"), ["medium", "small", "micro"], [C.REAL_ESTATE]),
    (3, "重点项目贷", PT.FIXED_ASSET, [PolicyTag.MORTGAGE, PolicyTag.GUARANTEE],
     (3000, 100000), (60, 180), ("3.55", "4.55"), ["large", "medium"], [C.REAL_ESTATE, C.LAND, C.EQUITY]),
    (3, "续贷通", PT.WORKING_CAPITAL, [PolicyTag.RENEWAL_NO_PRINCIPAL],
     (50, 3000), (6, 36), ("3.50", "4.50"), ["medium", "small", "micro"], [C.REAL_ESTATE, C.GOVERNMENT_GUARANTEE]),
    (4, "小微易贷", PT.WORKING_CAPITAL, [PolicyTag.CREDIT],
     (5, 500), (1, 12), ("3.80", "5.20"), ["small", "micro"], []),
    (4, "邮e贷·极速贷", PT.WORKING_CAPITAL, [PolicyTag.CREDIT, PolicyTag.REVOLVING, PolicyTag.FIRST_LOAN],
     (3, 100), (1, 12), ("4.00", "5.80"), ["micro"], []),
    (4, "产业链贷", PT.TRADE_FINANCE, [PolicyTag.SUPPLY_CHAIN],
     (50, 2000), (3, 24), ("3.70", "4.90"), [], [C.RECEIVABLES, C.INVENTORY]),
    (4, "设备抵押贷", PT.FIXED_ASSET, [PolicyTag.MORTGAGE],
     (50, 2000), (12, 60), ("3.90", "5.10"), ["medium", "small", "micro"], [C.EQUIPMENT]),
    (5, "创业担保贷", PT.WORKING_CAPITAL, [PolicyTag.GOVERNMENT_GUARANTEE, PolicyTag.FIRST_LOAN],
     (10, 300), (6, 36), ("3.85", "5.50"), ["small", "micro"], [C.GOVERNMENT_GUARANTEE]),
    (5, "农商·园区贷", PT.WORKING_CAPITAL, [PolicyTag.MORTGAGE, PolicyTag.GUARANTEE],
     (100, 3000), (12, 36), ("4.10", "5.60"), ["medium", "small"], [C.REAL_ESTATE, C.LAND, C.THIRD_PARTY_GUARANTEE]),
    (5, "随借随还循环贷", PT.WORKING_CAPITAL, [PolicyTag.REVOLVING, PolicyTag.MORTGAGE],
     (20, 1000), (12, 36), ("4.20", "5.80"), ["small", "micro"], [C.REAL_ESTATE]),
    (5, "茶农贷", PT.WORKING_CAPITAL, [PolicyTag.CREDIT],
     (3, 50), (6, 24), ("4.35", "6.00"), ["micro"], []),
    (5, "无还本续贷·农商", PT.WORKING_CAPITAL, [PolicyTag.RENEWAL_NO_PRINCIPAL, PolicyTag.GUARANTEE],
     (20, 2000), (6, 24), ("4.00", "5.50"), ["medium", "small", "micro"], [C.REAL_ESTATE, C.THIRD_PARTY_GUARANTEE, C.GOVERNMENT_GUARANTEE]),
    (6, "政府性融资担保·助企贷", PT.GUARANTEE_SERVICE, [PolicyTag.GOVERNMENT_GUARANTEE],
     (50, 1000), (6, 36), ("0.50", "1.00"), ["medium", "small", "micro"], []),
    (6, "首贷续贷担保", PT.GUARANTEE_SERVICE, [PolicyTag.GOVERNMENT_GUARANTEE, PolicyTag.FIRST_LOAN, PolicyTag.RENEWAL_NO_PRINCIPAL],
     (20, 500), (6, 24), ("0.50", "0.80"), ["small", "micro"], []),
    (7, "产业链股权投资", PT.EQUITY, [PolicyTag.CREDIT],
     (500, 10000), (36, 84), ("0.00", "8.00"), ["medium", "small"], []),
    (7, "重点项目配套基金", PT.EQUITY, [PolicyTag.CREDIT],
     (2000, 30000), (36, 96), ("0.00", "6.00"), ["large", "medium"], []),
    (3, "建材家居经营贷", PT.WORKING_CAPITAL, [PolicyTag.MORTGAGE, PolicyTag.SUPPLY_CHAIN],
     (100, 5000), (12, 36), ("3.60", "4.60"), [], [C.REAL_ESTATE, C.RECEIVABLES]),
]
# fmt: on
# Products still waiting for the finance office's review in the demo.
PENDING_PRODUCTS = {"建材家居经营贷", "茶农贷"}

# Figures (employees, revenue 万元, assets 万元) that give each size class for each industry.
SIZE_FIGURES = {
    SizeClass.LARGE: (1500, 60000, 250000),
    SizeClass.MEDIUM: (400, 8000, 20000),
    SizeClass.SMALL: (60, 800, 1500),
    SizeClass.MICRO: (8, 40, 60),
}
SIZE_CYCLE = [
    SizeClass.MICRO,
    SizeClass.SMALL,
    SizeClass.SMALL,
    SizeClass.MEDIUM,
    SizeClass.MICRO,
    SizeClass.SMALL,
    SizeClass.LARGE,
    SizeClass.MEDIUM,
    SizeClass.SMALL,
    SizeClass.MICRO,
]

PURPOSES = [
    "购买原材料",
    "扩大生产线",
    "新建厂房",
    "技术改造",
    "补充流动资金",
    "设备更新",
    "研发投入",
    "偿还到期贷款续贷",
    "市场拓展",
    "仓储物流建设",
]

# On-site agreements at the 2022 meeting, in 万元; they add up to exactly 74,800万 (7.48亿).
ON_SITE_AGREEMENTS_WAN = [
    15000,
    12000,
    9000,
    8000,
    6000,
    5000,
    4500,
    4000,
    3000,
    2800,
    2000,
    1500,
    1000,
    500,
    300,
    200,
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    description: str


DEMO_LOGINS = [
    DemoLogin("jinrongban", "government", "区金融办（全部权限、后台管理）"),
    DemoLogin("fagaiju", "government", "区发改局（推荐企业与项目）"),
    DemoLogin("yinhang", "officer", "工行清溪支行 客户经理（机构管理员）"),
    DemoLogin("yinhang2", "officer", "农行清溪支行 客户经理"),
    DemoLogin("qiye", "enterprise", "清溪恒氟化工有限公司（企业管理员）"),
]


def _tz():
    return ZoneInfo(settings.TIME_ZONE)


def _user(username, *, role, last_name, first_name, email, department="", staff=False):
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


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _credit_code(index: int) -> str:
    return make_uscc(f"91{DIVISION_CODE}MA{index:07d}")


@transaction.atomic
def build_demo_district(*, today: dt.date | None = None) -> dict[str, int]:
    rng = random.Random(2022)
    today = today or timezone.localdate()
    PortalSettings.load()
    calendar_sync_from_library()

    clusters = {}
    for order, (code, name) in enumerate(CLUSTERS):
        clusters[code], _ = IndustryCluster.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
    chains = {}
    for order, (code, name, cluster, key, _industry) in enumerate(CHAINS):
        chains[code], _ = IndustryChain.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "cluster": clusters[cluster],
                "is_key_chain": key,
                "sort_order": order,
            },
        )

    finance = _user(
        "jinrongban",
        role=User.Role.GOVERNMENT,
        department=User.Department.FINANCE_OFFICE,
        last_name="周",
        first_name="明",
        email="jinrongban@example.gov.cn",
        staff=True,
    )
    _user(
        "fagaiju",
        role=User.Role.GOVERNMENT,
        department=User.Department.DEVELOPMENT_REFORM,
        last_name="郑",
        first_name="华",
        email="fagaiju@example.gov.cn",
    )

    institutions = []
    for name, short, kind in INSTITUTIONS:
        inst, _ = Institution.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short,
                "kind": kind,
                "is_local_branch": kind == Institution.Kind.BANK,
                "contact_phone": "0800-" + str(1000 + len(institutions)),
            },
        )
        institutions.append(inst)
    officers = []
    for index, inst in enumerate(institutions):
        username = (
            "yinhang" if index == 0 else ("yinhang2" if index == 1 else f"officer{index + 1}")
        )
        user = _user(
            username,
            role=User.Role.OFFICER,
            last_name=SURNAMES[index],
            first_name="经理",
            email=f"{username}@example-bank.cn",
        )
        officer, _ = Officer.objects.get_or_create(
            user=user,
            defaults={
                "institution": inst,
                "role": Officer.Role.ADMIN if index != 1 else Officer.Role.OFFICER,
                "title": "客户经理",
            },
        )
        officers.append(officer)

    now = timezone.now()
    for inst_index, name, ptype, tags, amounts, terms, rates, sizes, collateral in PRODUCTS:
        pending = name in PENDING_PRODUCTS
        product, created = LoanProduct.objects.get_or_create(
            institution=institutions[inst_index],
            name=name,
            defaults={
                "product_type": ptype,
                "tags": [str(t) for t in tags],
                "min_amount": Decimal(amounts[0]) * WAN,
                "max_amount": Decimal(amounts[1]) * WAN,
                "min_term_months": terms[0],
                "max_term_months": terms[1],
                "min_rate": Decimal(rates[0]),
                "max_rate": Decimal(rates[1]),
                "eligible_size_classes": sizes,
                "accepted_collateral": [str(c) for c in collateral],
                "typical_approval_days": rng.choice([3, 5, 7, 10, 15]),
                "description": f"{institutions[inst_index].short_name}面向{DISTRICT}企业推出的{name}。",
                "status": LoanProduct.Status.SUBMITTED if pending else LoanProduct.Status.PUBLISHED,
                "published_at": None if pending else now,
                "reviewed_at": None if pending else now,
            },
        )
        if created and ptype == PT.FIXED_ASSET:
            product.eligible_chains.set(
                [chains[c] for c in ("fluorine", "zinc", "biomedicine", "green_building")]
            )

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
            .exclude(credit_code=_credit_code(index + 1))
            .exists()
        ):
            name = name.replace("有限公司", f"{index + 1}号有限公司")
        enterprise, _ = Enterprise.objects.get_or_create(
            credit_code=_credit_code(index + 1),
            defaults={
                "name": name,
                "legal_representative": _person(rng),
                "industry": industry,
                "chain": chains[chain_code],
                "town": TOWNS[index % len(TOWNS)],
                "address": f"{DISTRICT}{TOWNS[index % len(TOWNS)]}{index + 1}号",
                "employees": int(employees * factor),
                "revenue": (Decimal(revenue_wan) * factor * WAN).quantize(Decimal("0.01")),
                "total_assets": (Decimal(assets_wan) * factor * WAN).quantize(Decimal("0.01")),
                "figures_as_of": dt.date(today.year - 1, 12, 31),
                "contact_name": _person(rng),
                "contact_phone": f"138{index:08d}",
                "contact_email": f"finance{index + 1}@example-enterprise.cn",
                "verification_status": (
                    Enterprise.VerificationStatus.PENDING
                    if index % 15 == 14
                    else Enterprise.VerificationStatus.VERIFIED
                ),
                "verified_at": None if index % 15 == 14 else now,
                "recommended_by": User.Department.INDUSTRY_IT if index % 4 == 0 else "",
            },
        )
        enterprises.append(enterprise)

    demo_user = _user(
        "qiye",
        role=User.Role.ENTERPRISE,
        last_name="陈",
        first_name="静",
        email="qiye@example-enterprise.cn",
    )
    EnterpriseMembership.objects.get_or_create(
        user=demo_user, defaults={"enterprise": enterprises[1], "is_admin": True}
    )

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

    _build_2022_meeting(enterprises, institutions, officers, finance, rng)
    _build_open_needs(enterprises, projects, demo_user, rng)
    _schedule_next_meeting(finance, today)
    # Match the open needs against the published products and hand out the leads, with each
    # institution's response record as hourly beat would have stored it.
    institution_response_rates_refresh()
    recompute_all()
    return {
        "enterprises": Enterprise.objects.count(),
        "institutions": Institution.objects.count(),
        "products": LoanProduct.objects.count(),
        "needs": FinancingNeed.objects.count(),
        "agreements": LoanAgreement.objects.count(),
        "leads": Lead.objects.count(),
    }


def _build_2022_meeting(enterprises, institutions, officers, finance, rng):
    tz = _tz()
    meeting, _ = Meeting.objects.get_or_create(
        title="2022年全区政银企对接会",
        defaults={
            "kind": Meeting.Kind.MATCHMAKING,
            "starts_at": dt.datetime(2022, 6, 16, 9, 30, tzinfo=tz),
            "ends_at": dt.datetime(2022, 6, 16, 12, 0, tzinfo=tz),
            "location": f"{DISTRICT}行政中心三楼会议室",
            "agenda": "一、发改局、工信局推介项目企业融资需求；二、企业家、银行代表交流发言；"
            "三、现场签约；四、区领导讲话。",
            "status": Meeting.Status.HELD,
            "organizer": finance,
        },
    )
    assert sum(ON_SITE_AGREEMENTS_WAN) * WAN == ON_SITE_TOTAL
    signed_at = meeting.starts_at
    for index, amount_wan in enumerate(ON_SITE_AGREEMENTS_WAN):
        enterprise = enterprises[(index * 3) % 45]
        inst_index = index % 6  # the six banks signed on site
        institution, officer = institutions[inst_index], officers[inst_index]
        contract_number = f"QX2022-{inst_index + 1:02d}-{index + 1:03d}"
        if LoanAgreement.objects.filter(
            institution=institution, contract_number=contract_number
        ).exists():
            continue
        amount = Decimal(amount_wan) * WAN
        term = rng.choice([12, 24, 36, 60])
        need = FinancingNeed.objects.create(
            enterprise=enterprise,
            amount=amount,
            term_months=term,
            purpose=PURPOSES[index % len(PURPOSES)],
            collateral=[Collateral.REAL_ESTATE],
            max_rate=Decimal("5.00"),
            loan_kind=FinancingNeed.LoanKind.NEW,
            status=FinancingNeed.Status.SIGNED,
            submitted_at=signed_at - dt.timedelta(days=30),
        )
        for from_status, to_status, note in (
            ("draft", "submitted", ""),
            ("submitted", "in_progress", institution.short_name),
            ("in_progress", "signed", meeting.title),
        ):
            audit_record(
                obj=need, action="status", from_state=from_status, to_state=to_status, note=note
            )
        lead = Lead.objects.create(
            need=need,
            institution=institution,
            score=Decimal(80 + index % 15),
            status=Lead.Status.SIGNED,
            assigned_to=officer,
            received_at=signed_at - dt.timedelta(days=28),
            contact_due_at=working_day_deadline(signed_at - dt.timedelta(days=28), 3),
            first_contacted_at=signed_at - dt.timedelta(days=27),
        )
        audit_record(
            obj=lead,
            action="status",
            actor=officer.user,
            from_state=Lead.Status.APPROVED,
            to_state=Lead.Status.SIGNED,
            note=meeting.title,
            thread=need,
        )
        LoanAgreement.objects.create(
            lead=lead,
            institution=institution,
            amount=amount,
            rate=Decimal("3.85") + Decimal(index % 5) / 10,
            term_months=term,
            signed_on=signed_at.date(),
            contract_number=contract_number,
            meeting=meeting,
            recorded_by=officer.user,
        )


def _build_open_needs(enterprises, projects, demo_user, rng):
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
        FinancingNeed.objects.create(
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


def _schedule_next_meeting(finance, today: dt.date):
    """The next regular (quarterly) meeting: the third Thursday of the coming quarter's middle month."""
    tz = _tz()
    quarter = (today.month - 1) // 3 + 1
    year, next_quarter = (today.year + 1, 1) if quarter == 4 else (today.year, quarter + 1)
    title = f"{year}年第{'一二三四'[next_quarter - 1]}季度政银企座谈会"
    if Meeting.objects.filter(title=title).exists():
        return
    month = (next_quarter - 1) * 3 + 2
    first = dt.date(year, month, 1)
    third_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 14)
    Meeting.objects.create(
        title=title,
        kind=Meeting.Kind.SYMPOSIUM,
        starts_at=dt.datetime.combine(third_thursday, dt.time(9, 30), tzinfo=tz),
        ends_at=dt.datetime.combine(third_thursday, dt.time(11, 30), tzinfo=tz),
        location=f"{DISTRICT}金融服务中心一楼会议室",
        agenda="一、通报融资需求对接进展；二、金融机构发布新产品；三、现场对接签约。",
        status=Meeting.Status.SCHEDULED,
        recurrence=Meeting.Recurrence.QUARTERLY,
        organizer=finance,
    )
