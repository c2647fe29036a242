"""factory_boy factories, one module per app; import them from here."""

from .accounts import UserFactory
from .banks import InstitutionFactory, LoanProductFactory, OfficerFactory
from .core import IndustryChainFactory, IndustryClusterFactory
from .enterprises import (
    EnterpriseFactory,
    EnterpriseMemberFactory,
    FinancingNeedFactory,
    ProjectFactory,
)
from .leads import LeadFactory
from .meetings import MeetingFactory, MeetingInvitationFactory

__all__ = [
    "EnterpriseFactory",
    "EnterpriseMemberFactory",
    "FinancingNeedFactory",
    "IndustryChainFactory",
    "IndustryClusterFactory",
    "InstitutionFactory",
    "LeadFactory",
    "LoanProductFactory",
    "MeetingFactory",
    "MeetingInvitationFactory",
    "OfficerFactory",
    "ProjectFactory",
    "UserFactory",
]
