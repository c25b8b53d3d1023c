"""Plans (planning cycles): list, create, settings, edit, delete, plan-file download."""

from __future__ import annotations

import json

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from models import Plan
from models.plan import OPEN
from models.planfile import plan_file_document
from models.queries import plans_with_counts
from planner.database import get_session
from planner.forms import ConfirmForm
from planner.plans import members, parts
from planner.plans.cycle import ASK_FIRST, MEANING, closing_consequences, move_cycle, moves
from planner.plans.forms import OpenForm, PlanForm
from planner.plans.parts import in_quotes
from planner.views import attachment, claim_version, commit, conflict_page, current_plan, form_page

bp = Blueprint("plans", __name__)
parts.routes.add_to(bp)  # the stage, period and resource pages
members.routes.add_to(bp)  # who works on the plan, in which role


@bp.get("/")
def index():
    """Every plan the signed-in person has a role in (an admin: every plan), newest first."""
    plans = plans_with_counts(session=get_session(),
                              user_id=None if current_user.admin else current_user.user.id)
    return render_template("plans/index.html", plans=plans)


@bp.route("/plans/new", methods=["GET", "POST"])
def create():
    """A new, empty planning cycle."""
    session = get_session()
    form = PlanForm(session=session)
    if form.validate_on_submit():
        plan = Plan(name="")
        form.save(plan)
        session.add(plan)
        if commit(f"Plan {in_quotes(plan.name)} created. Add its stages and moments next."):
            return redirect(url_for("plans.show", plan_id=plan.id))
    return form_page("plans/form.html", form, plan=None)


@bp.get("/plans/<int:plan_id>")
def show():
    """The plan's settings and the lists it owns."""
    return _settings_page(current_plan(), OpenForm())


def _settings_page(plan: Plan, open_form: OpenForm, status: int = 200):
    return render_template("plans/show.html", plan=plan, stages=plan.stages,
                           periods=plan.periods, resources=plan.resources,
                           confirm_form=ConfirmForm(), open_form=open_form, meaning=MEANING,
                           moves=moves(get_session(), plan)), status


@bp.post("/plans/<int:plan_id>/state")
def state():
    """Move the plan's cycle on (or back) as the button says."""
    plan, session = current_plan(), get_session()
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form had expired; nothing was changed. Reload the page and try "
                   "again.")
    to, seen = request.form.get("to", ""), request.form.get("from", "")
    possible = moves(session, plan)
    if to not in possible or seen != plan.state:
        abort(409, f"The plan's cycle is {plan.state} now, so it cannot move to that: "
                   "reload the page to see its state.")
    if to in ASK_FIRST and request.form.get("confirmed") != "yes":
        # Asked first, on a page that sends the same move again, confirmed (a GET of
        # this address is no page: the access table opens it to nobody).
        return render_template(
            "confirm.html", form=ConfirmForm(), plan=plan, action=possible[to],
            title=ASK_FIRST[to].format(name=in_quotes(plan.name)),
            consequences=closing_consequences(session, plan), cancel=url_for("plans.show"),
            hidden={"from": seen, "to": to, "confirmed": "yes"})
    open_form = OpenForm()
    if to == OPEN and not open_form.validate():
        return _settings_page(plan, open_form, 422)  # the date named, nothing moved
    if move_cycle(session, plan, to, open_form.proposals_close.data) and commit(
            f"The plan is now {MEANING[to].split(':')[0].lower()}."):
        return redirect(url_for("plans.show"))
    abort(409, "Someone moved the plan's cycle at the same moment; reload the page.")


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
def edit():
    """Change the plan's name, budget, focus count and finance settings."""
    plan, session = current_plan(), get_session()
    form = PlanForm(session=session, plan_id=plan.id, obj=plan)
    if form.validate_on_submit():
        if not claim_version(session, plan, form.version.data):
            return conflict_page("plans/form.html", form, plan=plan)
        form.save(plan)
        if commit("Plan settings saved."):
            return redirect(url_for("plans.show"))
    return form_page("plans/form.html", form, plan=plan)


@bp.route("/plans/<int:plan_id>/delete", methods=["GET", "POST"])
def delete():
    """Ask, then delete the plan with everything in it."""
    plan = current_plan()
    form = ConfirmForm()
    if form.validate_on_submit():
        get_session().delete(plan)
        if commit(f"Plan {in_quotes(plan.name)} deleted."):
            return redirect(url_for("plans.index"))
    consequences = [f"{len(plan.moments)} moments, {len(plan.initiatives)} initiatives and "
                    f"{len(plan.runs)} saved runs are deleted with it."]
    return render_template("confirm.html", form=form, plan=plan,
                           title=f"Delete plan {in_quotes(plan.name)}?", consequences=consequences,
                           cancel=url_for("plans.show"))


@bp.get("/plans/<int:plan_id>/plan.json")
def download():
    """The plan as a plan file (docs/plan-format.md)."""
    plan = current_plan()
    document = plan_file_document(get_session(), plan.id)
    return attachment(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                      "application/json", f"plan-{plan.id}.json")

