"""A saved run of the optimiser: the plan document it used, the result it gave, and the
explanations of its rejected initiatives, each computed once and kept with it."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow


class Run(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_run_plan_number"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    number: int = 0  # #1, #2, ... in the order the plan's runs were made (queries.add_run)
    created_at: datetime = Field(default_factory=utcnow)
    budget: float | None = None
    max_focus: int
    status: str
    # What the run is for: a "draft" of the decision (the CX lead's runs), or a "what-if"
    # (finance's runs, a scenario's, a point of the frontier) that no team reads. Which run
    # is the decision is said by Publication, never by this.
    kind: str = Field(default="draft", max_length=16)
    label: str = ""  # where a what-if came from, in words ("Frontier: budget EUR 400,000")
    impact: float | None = None
    cost: float | None = None
    # The plan document exactly as solved (docs/plan-format.md) and the result document.
    inputs: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    result: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class Uncertainty(SQLModel, table=True):
    """How firm a run's choice is (docs/plan-format.md, "Uncertainty result"), or the other
    good portfolios near it ("alternatives"), worked out once by a job and kept with it."""

    __tablename__ = "run_uncertainty"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    run_id: int = Field(foreign_key="run.id", ondelete="CASCADE", index=True)
    kind: str = Field(default="robust", max_length=16)  # "robust" or "alternatives"
    created_at: datetime = Field(default_factory=utcnow)
    # What it was asked ({"samples": 1000, "seed": 0, "objective": "mean"} or
    # {"within": 0.02, "count": 3}) and the result document it gave.
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class RunExplanation(SQLModel, table=True):
    """Why the run did not fund one initiative, with its counterfactuals (Explanation)."""

    __tablename__ = "run_explanation"
    __table_args__ = (UniqueConstraint("run_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="run.id", ondelete="CASCADE", index=True)
    key: str  # the initiative's id in the run's plan document
    created_at: datetime = Field(default_factory=utcnow)
    # optimizer.explain.Explanation.to_dict(): derived from the run alone.
    document: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class Publication(SQLModel, table=True):
    """A run published as the plan's decision, by whom and when; kept, never changed, so
    that each earlier decision stays in the record. The newest one is the decision."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    run_id: int = Field(foreign_key="run.id", ondelete="CASCADE", index=True)
    user_id: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL")
    published_by: str = ""  # the name at the time, kept if the account goes
    created_at: datetime = Field(default_factory=utcnow)


class Appeal(SQLModel, table=True):
    """A team's appeal against a rejection in the published decision, with new figures and
    the evidence in words; what the figures would change, computed when it is made; and the
    CX lead's answer."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    run_id: int = Field(foreign_key="run.id", ondelete="CASCADE")
    key: str  # the initiative's id in the plan
    who: str = ""
    # The account that appealed (told by mail when it is answered); None: made before
    # accounts were kept on appeals, or the account is gone.
    user_id: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    cost: float | None = None  # the new total cost; None: unchanged
    confidence: float | None = None  # None: unchanged
    note: str = ""  # the new evidence, in words
    # Every other input the appeal changes, as the explanation names them (planner/appeals):
    # {"effects": {moment key: uplift}, "uses": {resource key: amount},
    #  "costs": {period key: amount}, ...}; {}: none.
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # What the new figures would do to the decision: {"funded", "impact", "displaces"}
    effect: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = "open"  # open, accepted, declined
    answer: str = ""  # the lead's reason
    answered_by: str = ""


class Job(SQLModel, table=True):
    """Long work (a run with its explanations, "Explain all", an import) done by a worker
    beside the pages: what it is, who asked, how far it has got, and how it ended. A worker
    that stops mid-way leaves a job whose heartbeat goes quiet: it is then failed, never
    left running (planner/jobs)."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    kind: str  # run, explain, import
    status: str = "queued"  # queued, running, done, failed, cancelled
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    user_id: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL")
    who: str = ""  # the name of who asked, at the time
    step: str = ""  # what it is doing now, in words
    percent: float = 0.0
    message: str = ""  # how it ended, in words
    # What it made, for the page that shows it: {"run_id": 3}, {"written": {...}}
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    cancel_asked: bool = False
    worker: str = ""  # host and process id of the worker running it
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = None
