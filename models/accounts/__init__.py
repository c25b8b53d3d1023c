"""People who sign in, the teams of each plan, and their roles in plans.

An account has an email, a name, a password hash (never the password) and a session
version that signing out or a new password moves on, so that a cookie captured before no
longer works. A membership gives it one role in one plan. An account may also sign in
through the company's identity provider (OpenID Connect): its groups there give it roles
through the installation's group mappings, applied at each such sign-in."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, UniqueConstraint, false
from sqlmodel import Field, Relationship, SQLModel

from models.base import utcnow


class User(SQLModel, table=True):
    __tablename__ = "account"  # "user" is a reserved word in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True)  # as typed, folded to lower case
    name: str
    password_hash: str  # argon2id (planner/accounts/passwords.py); "" signs in no way
    active: bool = True
    admin: bool = False  # an installation admin may do everything in every plan
    session_version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    # The identity provider's issuer and subject ("ISSUER SUB"): set at the first sign-in
    # through it, and the account it signs in to from then on. None: never signed in so.
    oidc_subject: str | None = Field(default=None, unique=True, index=True, max_length=512)
    # The groups the provider gave at the last sign-in through it, when, and what the
    # group mappings changed then, in words (shown to admins on the People page).
    groups: list[str] | None = Field(default=None, sa_column=Column(JSON))
    groups_at: datetime | None = None
    group_changes: list[str] | None = Field(default=None, sa_column=Column(JSON))
    # The admin right came from a group mapping: the next sign-in takes it away again when
    # the group no longer gives it (a right given by hand stays).
    admin_by_groups: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # The kinds of mail this person has turned off (planner/mail): none by default.
    mail_off: list[str] | None = Field(default=None, sa_column=Column(JSON))


class Team(SQLModel, table=True):
    """A team of the plan: the one that would do an initiative, or that a team member
    works in. Named once, where an initiative or a member first names it."""

    __table_args__ = (UniqueConstraint("plan_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    name: str


ROLES = ("lead", "finance", "team", "viewer")


class Membership(SQLModel, table=True):
    """A person's role in one plan: CX lead, finance, team member (of one team) or viewer."""

    __table_args__ = (UniqueConstraint("user_id", "plan_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    role: str  # one of ROLES
    # The team a team member proposes for and reads (None for the other roles)
    team_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("team.id", ondelete="SET NULL", name="fk_membership_team_id_team")))
    team_row: Team | None = Relationship(sa_relationship_kwargs={"lazy": "joined"})
    # Made by a group mapping at a sign-in through the identity provider: the next such
    # sign-in changes or removes it to follow the groups. A role given by hand (False) is
    # never changed by a mapping.
    by_groups: bool = Field(default=False, sa_column_kwargs={"server_default": false()})

    @property
    def team(self) -> str:
        return self.team_row.name if self.team_row is not None else ""


# What a group mapping gives: the admin right, a role in a plan (or every plan), or
# membership of a team in a plan (or in every plan not closed).
GRANTS = ("admin", "role", "team")


class GroupMapping(SQLModel, table=True):
    """A group of the identity provider and what its members get here, kept by admins on
    the People page or with `planner groups map`."""

    __tablename__ = "group_mapping"

    id: int | None = Field(default=None, primary_key=True)
    group_name: str = Field(index=True, max_length=256)  # as the provider writes it
    grants: str = Field(max_length=16)  # one of GRANTS
    role: str | None = Field(default=None, max_length=16)  # lead, finance or viewer
    # The plan it gives the role or team in; None: every plan (a team: every plan whose
    # cycle is not closed).
    plan_id: int | None = Field(default=None, foreign_key="plan.id", ondelete="CASCADE")
    team: str | None = Field(default=None, max_length=200)  # the team's name, as shown
    created_at: datetime = Field(default_factory=utcnow)


class InstallationSetting(SQLModel, table=True):
    """A setting of the whole installation that its admins change in the app (whether
    local passwords sign in, ...): one row per setting, its value as JSON."""

    __tablename__ = "installation_setting"

    key: str = Field(primary_key=True, max_length=64)
    value: Any = Field(default=None, sa_column=Column(JSON))
