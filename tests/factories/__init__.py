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
from .leads import LeadFactory, LoanAgreementFactory
from .meetings import MeetingFactory, MeetingInvitationFactory, SubVenueFactory

__all__ = [
    "EnterpriseFactory",
    "EnterpriseMemberFactory",
    "FinancingNeedFactory",
    "IndustryChainFactory",
    "IndustryClusterFactory",
    "InstitutionFactory",
    "LeadFactory",
    "LoanAgreementFactory",
    "LoanProductFactory",
    "MeetingFactory",
    "MeetingInvitationFactory",
    "OfficerFactory",
    "ProjectFactory",
    "SubVenueFactory",
    "UserFactory",
]
