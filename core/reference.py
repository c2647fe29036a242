"""Reference data every app speaks: what can serve as collateral."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Collateral(models.TextChoices):
    """What an enterprise can offer as security, and what a product accepts."""

    REAL_ESTATE = "real_estate", _("Real estate")
    LAND = "land", _("Land-use rights")
    EQUIPMENT = "equipment", _("Machinery and equipment")
    RECEIVABLES = "receivables", _("Accounts receivable")
    INVENTORY = "inventory", _("Inventory")
    INTELLECTUAL_PROPERTY = "intellectual_property", _("Intellectual property")
    EQUITY = "equity", _("Equity")
    DEPOSITS_BILLS = "deposits_bills", _("Deposits and bills")
    THIRD_PARTY_GUARANTEE = "third_party_guarantee", _("Third-party guarantee")
    GOVERNMENT_GUARANTEE = "government_guarantee", _("Government financing guarantee")


def validate_collateral_list(value):
    if not isinstance(value, list) or any(v not in Collateral.values for v in value):
        raise ValidationError(_("Choose collateral from the list."), code="collateral")
