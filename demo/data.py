"""The demo district's fixed data: names, figures and the 2022 meeting's agreements."""

from dataclasses import dataclass
from decimal import Decimal

from banks.models import Institution, LoanProduct, PolicyTag
from core.reference import Collateral
from core.sizing import Industry, SizeClass

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
