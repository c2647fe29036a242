"""Enterprise size classes (企业规模划型).

The national standard (工信部联企业〔2011〕300号) with the table and rule of the 2017 statistical
method: a large, medium or small enterprise must reach the lower bound of *every* measure listed
for its industry at that class; missing any one drops it to the next class down, where it is
tested again. Whatever reaches no class is micro.

Measures: employees (persons), operating revenue and total assets (both in 万元 in the table,
entered in yuan in the portal and converted exactly with ``Decimal``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.money import WAN, format_money
from core.text import join_labels

TEN_THOUSAND = Decimal(10000)


class Industry(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture, forestry, animal husbandry and fishery")
    INDUSTRY = "industry", _("Industry (mining, manufacturing, utilities)")
    CONSTRUCTION = "construction", _("Construction")
    WHOLESALE = "wholesale", _("Wholesale")
    RETAIL = "retail", _("Retail")
    TRANSPORT = "transport", _("Transport")
    WAREHOUSING = "warehousing", _("Warehousing")
    POSTAL = "postal", _("Postal services")
    ACCOMMODATION = "accommodation", _("Accommodation")
    CATERING = "catering", _("Catering")
    INFORMATION_TRANSMISSION = "information_transmission", _("Information transmission")
    SOFTWARE_IT = "software_it", _("Software and IT services")
    REAL_ESTATE = "real_estate", _("Real-estate development")
    PROPERTY_MANAGEMENT = "property_management", _("Property management")
    LEASING_BUSINESS = "leasing_business", _("Leasing and business services")
    OTHER = "other", _("Other industries")


class SizeClass(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class Measure(models.TextChoices):
    EMPLOYEES = "employees", _("employees")
    REVENUE = "revenue", _("operating revenue")
    ASSETS = "assets", _("total assets")


# Lower bounds per class, in persons (employees) or 万元 (revenue, assets).
# Each row: {measure: (large, medium, small)}.
SIZE_TABLE: dict[str, dict[str, tuple[int, int, int]]] = {
    Industry.AGRICULTURE: {Measure.REVENUE: (20000, 500, 50)},
    Industry.INDUSTRY: {Measure.EMPLOYEES: (1000, 300, 20), Measure.REVENUE: (40000, 2000, 300)},
    Industry.CONSTRUCTION: {
        Measure.REVENUE: (80000, 6000, 300),
        Measure.ASSETS: (80000, 5000, 300),
    },
    Industry.WHOLESALE: {Measure.EMPLOYEES: (200, 20, 5), Measure.REVENUE: (40000, 5000, 1000)},
    Industry.RETAIL: {Measure.EMPLOYEES: (300, 50, 10), Measure.REVENUE: (20000, 500, 100)},
    Industry.TRANSPORT: {Measure.EMPLOYEES: (1000, 300, 20), Measure.REVENUE: (30000, 3000, 200)},
    Industry.WAREHOUSING: {Measure.EMPLOYEES: (200, 100, 20), Measure.REVENUE: (30000, 1000, 100)},
    Industry.POSTAL: {Measure.EMPLOYEES: (1000, 300, 20), Measure.REVENUE: (30000, 2000, 100)},
    Industry.ACCOMMODATION: {
        Measure.EMPLOYEES: (300, 100, 10),
        Measure.REVENUE: (10000, 2000, 100),
    },
    Industry.CATERING: {Measure.EMPLOYEES: (300, 100, 10), Measure.REVENUE: (10000, 2000, 100)},
    Industry.INFORMATION_TRANSMISSION: {
        Measure.EMPLOYEES: (2000, 100, 10),
        Measure.REVENUE: (100000, 1000, 100),
    },
    Industry.SOFTWARE_IT: {Measure.EMPLOYEES: (300, 100, 10), Measure.REVENUE: (10000, 1000, 50)},
    Industry.REAL_ESTATE: {
        Measure.REVENUE: (200000, 1000, 100),
        Measure.ASSETS: (10000, 5000, 2000),
    },
    Industry.PROPERTY_MANAGEMENT: {
        Measure.EMPLOYEES: (1000, 300, 100),
        Measure.REVENUE: (5000, 1000, 500),
    },
    Industry.LEASING_BUSINESS: {
        Measure.EMPLOYEES: (300, 100, 10),
        Measure.ASSETS: (120000, 8000, 100),
    },
    Industry.OTHER: {Measure.EMPLOYEES: (300, 100, 10)},
}

CLASS_ORDER = (SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL)


@dataclass(frozen=True)
class Classification:
    """The size class and the sentence that explains it (shown on the enterprise profile)."""

    size_class: str  # a SizeClass value, or "" when a required figure is missing
    missing: tuple[str, ...] = ()
    decided_by: tuple[tuple[str, Decimal, int], ...] = ()  # (measure, value, lower bound)

    @property
    def explanation(self) -> str:
        if self.missing:
            names = join_labels(Measure(m).label for m in self.missing)
            return str(_("Cannot classify: please enter %(names)s.") % {"names": names})
        label = SizeClass(self.size_class).label
        if self.size_class == SizeClass.MICRO:
            return str(_("Micro: below the small-enterprise bound on at least one measure."))
        # The separator is translated: Chinese writes a full-width semicolon between clauses.
        parts = str(_("; ")).join(
            _("%(measure)s %(value)s ≥ %(bound)s")
            % {
                "measure": Measure(m).label,
                "value": _format(m, v),
                "bound": _format(m, Decimal(b)),
            }
            for m, v, b in self.decided_by
        )
        return str(
            _("%(label)s: reaches every bound of its class (%(parts)s).")
            % {
                "label": label,
                "parts": parts,
            }
        )


def _format(measure: str, value: Decimal) -> str:
    if measure == Measure.EMPLOYEES:
        return str(_("%(n)s persons") % {"n": int(value)})
    return format_money(value * WAN)


def yuan_to_wan(amount_yuan: Decimal) -> Decimal:
    """Convert yuan to 万元 exactly."""
    return Decimal(amount_yuan) / TEN_THOUSAND


def classify(
    *,
    industry: str,
    employees: int | None,
    revenue_yuan: Decimal | None,
    assets_yuan: Decimal | None,
) -> Classification:
    row = SIZE_TABLE[industry]
    values: dict[str, Decimal | None] = {
        Measure.EMPLOYEES: None if employees is None else Decimal(employees),
        Measure.REVENUE: None if revenue_yuan is None else yuan_to_wan(revenue_yuan),
        Measure.ASSETS: None if assets_yuan is None else yuan_to_wan(assets_yuan),
    }
    missing = tuple(m for m in row if values[m] is None)
    if missing:
        return Classification(size_class="", missing=missing)
    for index, size_class in enumerate(CLASS_ORDER):
        if all(values[m] >= bounds[index] for m, bounds in row.items()):
            decided_by = tuple((m, values[m], bounds[index]) for m, bounds in row.items())
            return Classification(size_class=size_class, decided_by=decided_by)
    return Classification(size_class=SizeClass.MICRO)
