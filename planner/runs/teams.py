"""The team view: one team's initiatives, funded or not, and why not, in words: as decided
(the published decision's figures, those it was decided on, not today's), or, before any
is published, as the CX lead's latest draft has them (never to a team member)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from models.queries import deciding_run, initiative_page, teams_of
from planner.accounts.access import own_team
from planner.database import get_session
from planner.delivery.views import STATUS_WORDS, DeliveryForm
from planner.runs.explanations import stored_explanations
from planner.runs.reports import Verdicts
from planner.views import current_plan, paged, query_text

bp = Blueprint("teams", __name__)

PER_PAGE = 50  # a team of a 20,000-initiative plan may propose thousands


@bp.get("/plans/<int:plan_id>/teams")
def show():
    """Pick a team; see each of its initiatives with the deciding run's verdict and the
    figures it was decided on."""
    plan, session = current_plan(), get_session()
    teams = teams_of(session=session, plan_id=plan.id)
    team, own = query_text("team"), own_team()
    if own is not None:  # a team member sees its own team only
        team = own
        teams = [(name, count) for name, count in teams if name == team]
    if team is None and teams:
        team = teams[0][0]
    initiatives, page = paged(
        lambda number: initiative_page(session=session, plan_id=plan.id, team=team,
                                       page=number, per_page=PER_PAGE)
        if team is not None else ([], 0), request.args.get("page"), PER_PAGE)
    shown, published = deciding_run(session=session, plan_id=plan.id,
                                    team_member=own is not None)
    explanations = (stored_explanations(session=session, run_id=shown.id, keys=[
        i.key for i in initiatives]) if shown else {})
    verdicts = Verdicts(shown, explanations)
    return render_template("teams/show.html", plan=plan, teams=teams, team=team,
                           initiatives=initiatives, verdicts=verdicts, page=page,
                           published=published, figures=run_figures(shown),
                           delivery_form=DeliveryForm(),
                           delivery_words=STATUS_WORDS)


def run_figures(run: Any) -> dict[str, tuple[float, float]]:
    """Each initiative's total cost and confidence as the run solved them (its inputs,
    docs/plan-format.md): a cost is one amount, or one per period."""
    if run is None:
        return {}
    figures = {}
    for row in run.inputs.get("initiatives", []):
        cost = row.get("cost", 0)
        total = sum(cost.values()) if isinstance(cost, dict) else cost
        figures[row["id"]] = (float(total), float(row.get("confidence", 1)))
    return figures
