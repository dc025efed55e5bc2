"""Everything about customers, one module per concept."""

from .accounts import (
    Account,
    AccountCompetitor,
    AccountTeamMember,
    AccountType,
    Competitor,
    ProductLine,
)
from .activities import Activity, ActivityKind, Commitment, WinBackAction
from .deals import Opportunity, OpportunityStage, OpportunityType, StageOutcome
from .history import AccountEvent, OpportunityEvent, StakeholderEvent
from .imports import ColumnMapping, ImportJob, ImportKind, ImportState
from .money import Currency, ExchangeRate
from .people import (
    DECISION_LEVELS,
    DECISION_ROLES,
    Attitude,
    BuyingCentre,
    BuyingCentreMember,
    BuyingRole,
    InfluenceLink,
    Seniority,
    Stakeholder,
)
from .revenue import RevenueLine
from .thresholds import Thresholds
from .tier_choices import ABC, XYZ, Band, NineBoxClass, Status, Strategy
from .tiering import TierSnapshot

__all__ = [
    "ABC",
    "DECISION_LEVELS",
    "DECISION_ROLES",
    "XYZ",
    "Account",
    "AccountCompetitor",
    "AccountEvent",
    "AccountTeamMember",
    "AccountType",
    "Activity",
    "ActivityKind",
    "Attitude",
    "Band",
    "BuyingCentre",
    "BuyingCentreMember",
    "BuyingRole",
    "ColumnMapping",
    "Commitment",
    "Competitor",
    "Currency",
    "ExchangeRate",
    "ImportJob",
    "ImportKind",
    "ImportState",
    "InfluenceLink",
    "NineBoxClass",
    "Opportunity",
    "OpportunityEvent",
    "OpportunityStage",
    "OpportunityType",
    "ProductLine",
    "RevenueLine",
    "Seniority",
    "StageOutcome",
    "Stakeholder",
    "StakeholderEvent",
    "Status",
    "Strategy",
    "Thresholds",
    "TierSnapshot",
    "WinBackAction",
]
