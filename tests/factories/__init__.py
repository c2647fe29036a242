"""factory_boy factories, one module per app; import them from here."""

from .accounts import UserFactory
from .banks import InstitutionFactory, LoanProductFactory, OfficerFactory
from .core import IndustryChainFactory
from .enterprises import (
    EnterpriseFactory,
    EnterpriseMemberFactory,
    FinancingNeedFactory,
    ProjectFactory,
)
from .leads import LeadFactory
from .meetings import MeetingFactory

__all__ = [
    "EnterpriseFactory",
    "EnterpriseMemberFactory",
    "FinancingNeedFactory",
    "IndustryChainFactory",
    "InstitutionFactory",
    "LeadFactory",
    "LoanProductFactory",
    "MeetingFactory",
    "OfficerFactory",
    "ProjectFactory",
    "UserFactory",
]
