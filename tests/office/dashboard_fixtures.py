"""A small district written out by hand, with its expected totals worked out by hand (in 万元).

Agreements (signed on, institution, enterprise, 万元, purpose, security, first loan, meeting):

    a1  2025-03-10  甲行  E1  100  new                   credit     first  M
    a2  2025-03-20  乙行  E2   50  renewal               guarantee         M
    a3  2025-05-05  甲行  E3  200  renewal_no_principal  mortgage
    a4  2024-11-11  乙行  E1   30  new                   credit     first
    a5  2025-06-01  甲行  E4   20  new                   pledge
    a6  2025-04-01  甲行  E1  999  (voided: counts nowhere)

Enterprises: E1 chain 链A1 (cluster 群X), small, 城关镇; E2 链A2 (群X), micro, 白鹤镇;
E3 链B1 (群Y), medium, 城关镇; E4 no chain, small, no town.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from enterprises.models import Enterprise
from leads.models import LoanAgreement
from office.models import AnnualTarget
from office.summary import summary_rebuild
from tests.factories import (
    EnterpriseFactory,
    FinancingNeedFactory,
    IndustryChainFactory,
    IndustryClusterFactory,
    InstitutionFactory,
    LeadFactory,
    MeetingFactory,
)

WAN = Decimal(10_000)


def wan(n) -> Decimal:
    return Decimal(n) * WAN


def _enterprise(chain, size, town):
    enterprise = EnterpriseFactory(chain=chain)
    # The size class is computed on save; the fixture states it outright.
    Enterprise.objects.filter(pk=enterprise.pk).update(size_class=size, town=town)
    enterprise.refresh_from_db()
    return enterprise


def _agreement(
    number,
    signed_on,
    institution,
    enterprise,
    amount_wan,
    purpose,
    security,
    first_loan=False,
    meeting=None,
    voided=False,
):
    need = FinancingNeedFactory(
        enterprise=enterprise,
        status="signed",
        amount=wan(amount_wan),
        submitted_at=timezone.make_aware(dt.datetime.combine(signed_on, dt.time(9)))
        - dt.timedelta(days=10),
    )
    lead = LeadFactory(need=need, institution=institution, status="signed")
    return LoanAgreement.objects.create(
        lead=lead,
        institution=institution,
        amount=wan(amount_wan),
        rate=Decimal("3.85"),
        term_months=12,
        signed_on=signed_on,
        contract_number=number,
        purpose=purpose,
        security=security,
        first_loan=first_loan,
        meeting=meeting,
        voided_at=timezone.now() if voided else None,
    )


def build_district():
    x = IndustryClusterFactory(name="群X")
    y = IndustryClusterFactory(name="群Y")
    a1 = IndustryChainFactory(name="链A1", cluster=x)
    a2 = IndustryChainFactory(name="链A2", cluster=x)
    b1 = IndustryChainFactory(name="链B1", cluster=y)
    jia = InstitutionFactory(name="甲银行清溪支行", short_name="甲行")
    yi = InstitutionFactory(name="乙银行清溪支行", short_name="乙行")
    e1 = _enterprise(a1, "small", "城关镇")
    e2 = _enterprise(a2, "micro", "白鹤镇")
    e3 = _enterprise(b1, "medium", "城关镇")
    e4 = _enterprise(None, "small", "")
    meeting = MeetingFactory(title="春季对接会")
    d = dt.date
    _agreement("A1", d(2025, 3, 10), jia, e1, 100, "new", "credit", True, meeting)
    _agreement("A2", d(2025, 3, 20), yi, e2, 50, "renewal", "guarantee", False, meeting)
    _agreement("A3", d(2025, 5, 5), jia, e3, 200, "renewal_no_principal", "mortgage")
    _agreement("A4", d(2024, 11, 11), yi, e1, 30, "new", "credit", True)
    _agreement("A5", d(2025, 6, 1), jia, e4, 20, "new", "pledge")
    _agreement("A6", d(2025, 4, 1), jia, e1, 999, "new", "credit", voided=True)
    AnnualTarget.objects.create(year=2025, institution=None, amount=wan(1000))
    AnnualTarget.objects.create(year=2025, institution=jia, amount=wan(400))
    summary_rebuild()
    return {
        "chains": {"A1": a1, "A2": a2, "B1": b1},
        "clusters": {"X": x, "Y": y},
        "institutions": {"甲行": jia, "乙行": yi},
        "meeting": meeting,
    }


# All time, worked out by hand: {label: (count, 万元)}.
ALL_TIME = {
    "institution": {"甲行": (3, 320), "乙行": (2, 80)},
    "chain": {"链A1": (2, 130), "链A2": (1, 50), "链B1": (1, 200), "未填写": (1, 20)},
    "cluster": {"群X": (3, 180), "群Y": (1, 200), "未填写": (1, 20)},
    "size": {"小型": (3, 150), "微型": (1, 50), "中型": (1, 200)},
    "kind": {
        "新增贷款": (3, 150),
        "续贷": (1, 50),
        "无还本续贷": (1, 200),
        "其中：首贷": (2, 130),
    },
    "security": {"信用": (2, 130), "保证": (1, 50), "抵押": (1, 200), "质押": (1, 20)},
    "town": {"城关镇": (3, 330), "白鹤镇": (1, 50), "未填写": (1, 20)},
    "month": {
        "2024年11月": (1, 30),
        "2025年03月": (2, 150),
        "2025年05月": (1, 200),
        "2025年06月": (1, 20),
    },
    "meeting": {"春季对接会": (2, 150), "未在对接会签约": (3, 250)},
}
