"""Demo institutions, their officers and their loan products."""

from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from banks.models import Institution, LoanProduct, Officer
from core.money import WAN
from demo.data import DISTRICT, INSTITUTIONS, PENDING_PRODUCTS, PRODUCTS, PT, SURNAMES

from .accounts import user as demo_user


def build_institutions():
    """The eight institutions and one officer each; returns (institutions, officers)."""
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
        user = demo_user(
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

    return institutions, officers


def build_products(institutions, chains, finance, rng):
    """The thirty products; two are still waiting for review."""
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
