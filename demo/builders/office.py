"""The finance office's demo targets and recent agreements, and the dashboard's totals."""

import datetime as dt
from decimal import Decimal

from core.money import WAN
from core.reference import Collateral
from core.workdays import working_day_deadline
from enterprises.models import FinancingNeed
from leads.models import Lead, LoanAgreement
from office.models import AnnualTarget
from office.summary import summary_rebuild

from .accounts import tz

# This year's loans signed outside meetings: (month, amount in 万元, purpose, security, first loan).
P, S = LoanAgreement.Purpose, LoanAgreement.Security
RECENT_AGREEMENTS = [
    (1, 800, P.NEW, S.CREDIT, True),
    (2, 1500, P.RENEWAL, S.MORTGAGE, False),
    (3, 600, P.NEW, S.GUARANTEE, True),
    (4, 2200, P.RENEWAL_NO_PRINCIPAL, S.CREDIT, False),
    (5, 450, P.NEW, S.CREDIT, True),
    (6, 3000, P.NEW, S.MORTGAGE, False),
    (7, 1200, P.RENEWAL, S.PLEDGE, False),
    (8, 900, P.NEW, S.GUARANTEE, True),
    (9, 1800, P.NEW, S.CREDIT, False),
    (10, 700, P.RENEWAL_NO_PRINCIPAL, S.CREDIT, False),
]
# The district's target each year (万元) and the banks' shares of it.
YEAR_TARGET_WAN = {2022: 100_000, "this": 30_000}
BANK_TARGET_SHARES = [
    Decimal("0.25"),
    Decimal("0.2"),
    Decimal("0.15"),
    Decimal("0.15"),
    Decimal("0.15"),
    Decimal("0.1"),
]


def build_recent_agreements(enterprises, institutions, officers, today: dt.date):
    zone = tz()
    for index, (month, amount_wan, purpose, security, first_loan) in enumerate(RECENT_AGREEMENTS):
        signed_on = dt.date(today.year, month, 10 + index)
        if signed_on >= today:
            continue
        inst_index = index % 6
        institution, officer = institutions[inst_index], officers[inst_index]
        contract_number = f"QX{today.year}-{inst_index + 1:02d}-R{index + 1:02d}"
        if LoanAgreement.objects.filter(
            institution=institution, contract_number=contract_number
        ).exists():
            continue
        enterprise = enterprises[(index * 5 + 2) % len(enterprises)]
        amount = Decimal(amount_wan) * WAN
        submitted_at = dt.datetime.combine(signed_on, dt.time(10), tzinfo=zone) - dt.timedelta(
            days=21
        )
        need = FinancingNeed.objects.create(
            enterprise=enterprise,
            amount=amount,
            term_months=12,
            purpose="流动资金周转",
            collateral=[Collateral.REAL_ESTATE],
            max_rate=Decimal("5.00"),
            loan_kind=purpose,
            status=FinancingNeed.Status.SIGNED,
            submitted_at=submitted_at,
        )
        received = submitted_at + dt.timedelta(hours=2)
        lead = Lead.objects.create(
            need=need,
            institution=institution,
            score=Decimal(75 + index),
            status=Lead.Status.SIGNED,
            assigned_to=officer,
            received_at=received,
            contact_due_at=working_day_deadline(received, 3),
            first_contacted_at=received + dt.timedelta(days=1),
        )
        LoanAgreement.objects.create(
            lead=lead,
            institution=institution,
            amount=amount,
            rate=Decimal("3.65") + Decimal(index % 4) / 10,
            term_months=12,
            signed_on=signed_on,
            contract_number=contract_number,
            purpose=purpose,
            security=security,
            first_loan=first_loan,
            recorded_by=officer.user,
        )


def build_targets(institutions, finance, today: dt.date):
    for year, wan in YEAR_TARGET_WAN.items():
        year = today.year if year == "this" else year
        total = Decimal(wan) * WAN
        AnnualTarget.objects.get_or_create(
            year=year, institution=None, defaults={"amount": total, "updated_by": finance}
        )
        for institution, share in zip(institutions, BANK_TARGET_SHARES, strict=False):
            AnnualTarget.objects.get_or_create(
                year=year,
                institution=institution,
                defaults={
                    "amount": (total * share).quantize(Decimal("0.01")),
                    "updated_by": finance,
                },
            )


def build_dashboard(enterprises, institutions, officers, finance, today: dt.date):
    build_recent_agreements(enterprises, institutions, officers, today)
    build_targets(institutions, finance, today)
    # The demo writes its agreements as history, around the signing service: count them now.
    summary_rebuild()
