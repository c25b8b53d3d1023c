"""SQLModel tables of the planner and the queries that belong to them."""

from models.accounts import (
    GRANTS,
    ROLES,
    GroupMapping,
    InstallationSetting,
    Membership,
    Team,
    User,
)
from models.accounts.mail import MailMessage
from models.accounts.tokens import ApiToken, IdempotentRequest
from models.initiative import (
    Initiative,
    InitiativeCost,
    InitiativeEffect,
    InitiativeLink,
    InitiativeUse,
)
from models.journey import Influence, Measurement, Moment
from models.plan import Period, Plan, Resource, Stage
from models.plan_import import PendingImport
from models.record import RecordEntry
from models.run import Appeal, Job, Publication, Run, RunExplanation, Uncertainty
from models.scenario import Scenario

__all__ = [
    "GRANTS", "ROLES", "ApiToken", "Appeal", "GroupMapping", "IdempotentRequest",
    "Influence", "Initiative", "InitiativeCost", "InitiativeEffect", "InitiativeLink",
    "InitiativeUse", "InstallationSetting", "Job", "MailMessage", "Measurement",
    "Membership", "Moment", "PendingImport", "Period", "Plan", "Publication", "RecordEntry",
    "Resource", "Run", "RunExplanation", "Scenario", "Stage", "Team", "Uncertainty", "User",
]
