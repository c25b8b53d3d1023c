"""How firm a run's choice is: the robust and alternatives results kept with a run (the
plan format's uncertainty and alternatives documents, docs/plan-format.md), and starting
the robust job as the run's uncertainty page does, with an Idempotency-Key."""

from __future__ import annotations

from typing import Any

from flask import abort as page_abort
from flask_smorest import abort
from marshmallow import Schema, fields

from models import Run, Uncertainty
from planner.accounts.access import may
from planner.api.core import blueprint, follows, problems
from planner.api.forms import filled
from planner.api.idempotency import KEY_HEADER, idempotent
from planner.api.runs.items import LOCATION, NUMBER, JobSchema, started
from planner.database import get_session
from planner.jobs.queue import start
from planner.uncertainty.forms import OBJECTIVE, SAMPLES, SEED, RobustForm
from planner.uncertainty.reading import ALTERNATIVES, ROBUST, kept
from planner.uncertainty.views import HAS_PORTFOLIO
from planner.views import plan_and_run

blp = blueprint("uncertainty", "How firm a run's choice is, and other good portfolios near "
                               "it.")
# What of the robust result only those who may open its finance page read (the cost band,
# the share over budget, the regret, the robust portfolio), as the pages show it.
MONEY_PAGE = "uncertainty.finance"
DECISION_MONEY = ("cost", "over_budget_share", "regret")
ASKED = {"samples": SAMPLES, "seed": SEED, "objective": OBJECTIVE}  # the page's form, as shown


class KeptSchema(Schema):
    """A result kept with the run, worked out by a job."""

    id = fields.Integer(required=True)
    run_id = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    params = fields.Dict(required=True, metadata={
        "description": "What it was asked: samples, seed and objective; or within, count."})
    result = fields.Dict(required=True, metadata={
        "description": "The plan format's uncertainty result document, or its "
                       "alternatives document (docs/plan-format.md). The robust result's "
                       "money (decision.cost, over_budget_share, regret, robust) only to "
                       "those who may open its finance page."})


class RobustArgs(Schema):
    """The run's uncertainty page's form."""

    samples = fields.Raw(load_default=None, metadata={**NUMBER, "description": (
        "How many plausible cases to draw and solve (20 to 20,000); null: 1,000.")})
    seed = fields.Raw(load_default=None, metadata={**NUMBER, "description": (
        "The seed the cases are drawn from: the same seed, the same cases; null: 0.")})
    objective = fields.String(load_default=None, allow_none=True, metadata={
        "description": "What the robust portfolio makes as large as it can: mean (the mean "
                       "impact of every case) or cvar (of the worst 10%); null: mean."})


@blp.route("/plans/<int:plan_id>/runs/<int:run_id>/uncertainty")
@follows("uncertainty.show")
@blp.response(200, KeptSchema)
def robust(run_id: int) -> dict[str, Any]:
    """How firm the run's choice is: the newest robust result kept with it."""
    _plan, run = plan_and_run(run_id)
    row = _kept_or_404(run, ROBUST, "how firm its choice is has not been worked out yet: "
                                    "start it (POST to this address).")
    item = _kept_item(row)
    if not may(MONEY_PAGE):
        result = {key: value for key, value in row.result.items() if key != "robust"}
        if isinstance(result.get("decision"), dict):
            result["decision"] = {key: value for key, value in result["decision"].items()
                                  if key not in DECISION_MONEY}
        item["result"] = result
    return item


@blp.route("/plans/<int:plan_id>/runs/<int:run_id>/alternatives")
@follows("uncertainty.alternatives")
@blp.response(200, KeptSchema)
def alternatives(run_id: int) -> dict[str, Any]:
    """Other good portfolios near the run's: the newest kept with it."""
    _plan, run = plan_and_run(run_id)
    return _kept_item(_kept_or_404(run, ALTERNATIVES, "no other good portfolios have been "
                                                      "looked for yet (its alternatives "
                                                      "page starts that)."))


@blp.route("/plans/<int:plan_id>/runs/<int:run_id>/uncertainty", methods=["POST"])
@follows("uncertainty.start_robust")
@blp.arguments(RobustArgs)
@blp.doc(parameters=[KEY_HEADER])
@idempotent
@blp.response(202, JobSchema, headers=LOCATION)
@problems(409)
def start_robust(body: dict[str, Any], run_id: int) -> Any:
    """Solve the run's plan in many plausible cases, as a job; poll its Location until it
    ends, then read the result here."""
    plan, run = plan_and_run(run_id)
    form = filled(RobustForm, {name: value for name, value in body.items()
                               if value is not None}, base=ASKED)
    if run.status not in HAS_PORTFOLIO:
        abort(409, message="This run has no portfolio: there is no choice to test. Start "
                           "it for a run with one; nothing was started.")
    job = start(get_session(), plan.id, ROBUST, form.params(run.id))
    return started(job)


def _kept_or_404(run: Run, kind: str, missing: str) -> Uncertainty:
    row = kept(get_session(), run, kind)
    if row is None:
        page_abort(404, f"For run #{run.number}, {missing}")
    return row


def _kept_item(row: Uncertainty) -> dict[str, Any]:
    return {"id": row.id, "run_id": row.run_id, "created_at": row.created_at,
            "params": row.params, "result": row.result}
