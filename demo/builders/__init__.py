"""A believable demo district, built from the 2022 matchmaking-meeting speech, one builder per app.

``build_demo_district()`` is idempotent: every row is found by a natural key and created only when
missing, random choices come from one fixed seed drawn in a fixed order, and nothing that exists is
saved again, so a second run changes nothing.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from banks.models import Institution, LoanProduct
from core.models import PortalSettings
from core.workdays import calendar_sync_from_library
from demo.data import DEMO_LOGINS, DEMO_PASSWORD
from enterprises.models import Enterprise, FinancingNeed
from leads.models import Lead, LoanAgreement
from leads.services import institution_response_rates_refresh
from matchmaking.engine import recompute_all

from .accounts import build_government_users
from .banks import build_institutions, build_products
from .core import build_industry_chains
from .enterprises import (
    build_enterprises,
    build_open_needs,
    build_projects,
    build_recommendations_and_advisers,
    build_unserved_needs,
)
from .meetings import build_2022_meeting, schedule_next_meeting
from .office import build_dashboard

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "build_demo_district"]

# The seed of every random choice, so each run draws the same district.
DEMO_SEED = 2022


@transaction.atomic
def build_demo_district(*, today: dt.date | None = None) -> dict[str, int]:
    rng = random.Random(DEMO_SEED)
    today = today or timezone.localdate()
    PortalSettings.load()
    calendar_sync_from_library()
    chains = build_industry_chains()
    finance = build_government_users()
    institutions, officers = build_institutions()
    now = timezone.now()
    build_products(institutions, chains, finance, rng)
    enterprises, demo_user = build_enterprises(chains, today, now, rng)
    projects = build_projects(enterprises, rng)
    build_2022_meeting(enterprises, institutions, officers, finance, rng)
    build_open_needs(enterprises, projects, demo_user, rng)
    build_dashboard(enterprises, institutions, officers, finance, today)
    build_recommendations_and_advisers(enterprises, projects, demo_user)
    build_unserved_needs(enterprises, institutions, now)
    # Match the open needs against the published products and hand out the leads, with each
    # institution's response record as hourly beat would have stored it.
    institution_response_rates_refresh()
    recompute_all()
    schedule_next_meeting(finance, institutions, enterprises, today)
    return {
        "enterprises": Enterprise.objects.count(),
        "institutions": Institution.objects.count(),
        "products": LoanProduct.objects.count(),
        "needs": FinancingNeed.objects.count(),
        "agreements": LoanAgreement.objects.count(),
        "leads": Lead.objects.count(),
    }
