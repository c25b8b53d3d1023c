"""Who works on a plan, in which role: the CX lead adds people who have an account (an
installation admin adds accounts) and removes them."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from sqlmodel import select
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, ValidationError

from models import Membership, User
from models.queries import team_ids, team_names
from planner.accounts.users import find_user
from planner.database import get_session
from planner.forms import ConfirmForm, Form, Longest, choices
from planner.views import Routes, commit, current_plan, form_page, row_or_404

ROLE_WORDS = {"lead": "CX lead: everything in the plan",
              "finance": "Finance: budgets, runs, scenarios, the frontier; reads the rest",
              "team": "Team member: its team's initiatives and decisions",
              "viewer": "Viewer: reads"}

routes = Routes()


class MemberForm(Form):
    email = EmailField("Email of their account", [DataRequired(), Longest(254)])
    role = SelectField("Role", choices=choices(ROLE_WORDS.items()))
    team = StringField("Team (for a team member)", [Longest(80)],
                       description="One of the plan's teams, such as IT, or a new one.",
                       render_kw={"list": "plan-teams"})

    def validate_team(self, field) -> None:
        if self.role.data == "team" and not (field.data or "").strip():
            raise ValidationError("A team member belongs to a team: name it.")


@routes.route("/plans/<int:plan_id>/members", methods=["GET", "POST"])
def members():
    """The plan's people and their roles; add someone, or change their role."""
    plan, session = current_plan(), get_session()
    form = MemberForm()
    if form.validate_on_submit():
        user = find_user(session, form.email.data)
        if user is None:
            form.email.errors = [f"No account has this email: ask an installation admin to "
                                 f"add it (planner users add {form.email.data.strip()})."]
        else:
            found = session.exec(select(Membership).where(
                Membership.user_id == user.id, Membership.plan_id == plan.id)).first()
            found = found or Membership(user_id=user.id, plan_id=plan.id, role="viewer")
            found.role = form.role.data
            found.by_groups = False  # set by hand: no group mapping changes it from now on
            team = (form.team.data or "").strip() if form.role.data == "team" else ""
            found.team_id = team_ids(session, plan.id, [team])[team]
            session.add(found)
            if commit(f"{user.name} is now {ROLE_WORDS[found.role].split(':')[0]} in this "
                      "plan."):
                return redirect(url_for("plans.members"))
    rows = session.exec(select(Membership, User).join(User, Membership.user_id == User.id)
                        .where(Membership.plan_id == plan.id).order_by(User.name)).all()
    return form_page("plans/members.html", form, plan=plan, rows=rows, words=ROLE_WORDS,
                     remove_form=ConfirmForm(),
                     teams=team_names(session=session, plan_id=plan.id))


@routes.post("/plans/<int:plan_id>/members/<int:member_id>/remove")
def member_remove(member_id: int):
    """Take someone off the plan, once confirmed (the People page's button asks first, on
    templates/confirm.html, which sends it again confirmed); their account stays."""
    plan, session = current_plan(), get_session()
    found = row_or_404(Membership, plan.id, member_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form had expired; nobody was removed. Reload the page and try again.")
    user = session.get(User, found.user_id)
    role = ROLE_WORDS[found.role].split(":")[0]
    if request.form.get("confirmed") != "yes":
        consequences = [f"{user.name} can no longer open this plan; their account stays, "
                        "with their roles in other plans.",
                        f"To undo it, add them again with the role {role}"
                        + (f" of team {found.team}." if found.team else ".")]
        if found.role == "lead" and _leads(session, plan.id) == 1:
            consequences.append("They are the plan's only CX lead: only an installation "
                                "admin can then move its cycle or add people.")
        return render_template("confirm.html", form=ConfirmForm(), plan=plan,
                               title=f"Remove {user.name} ({role}) from this plan?",
                               action="Remove", consequences=consequences,
                               cancel=url_for("plans.members"), hidden={"confirmed": "yes"},
                               danger=True)
    session.delete(found)
    commit(f"{user.name} is no longer in this plan; their account stays.")
    return redirect(url_for("plans.members"))


def _leads(session, plan_id: int) -> int:
    return len(session.exec(select(Membership.id).where(
        Membership.plan_id == plan_id, Membership.role == "lead")).all())
