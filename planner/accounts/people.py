"""The installation's people, for its admins: every account with its roles, how it signs
in and what its groups at the identity provider gave it; a new account (with a first
password the admin passes on), and an account stopped or made an admin; the group
mappings and whether local passwords sign in (changed by planner/groups/views.py, which
shows this page again with its form's errors).

An admin cannot stop their own account or take their own admin rights away, so that an
installation always keeps someone who can let others in."""

from __future__ import annotations

from collections import defaultdict

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import select
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired

from models import GroupMapping, Membership, Plan, User
from models.plan import CLOSED
from planner.accounts.access import ROLE_NAMES
from planner.accounts.forms import SetupForm
from planner.accounts.installation import passwords_on
from planner.accounts.users import AccountError, add_user
from planner.database import get_session
from planner.forms import ConfirmForm, Form, Longest, choices
from planner.views import Routes, commit

routes = Routes()
GRANT_WORDS = {"admin": "The installation admin right", "role": "A role in a plan",
               "team": "Membership of a team (team member)"}
MAPPED_ROLES = {"lead": ROLE_NAMES["lead"], "finance": ROLE_NAMES["finance"],
                "viewer": ROLE_NAMES["viewer"]}


class PersonForm(SetupForm):
    """A new account: the set-up form's name, email and password, and whether an admin."""

    admin = BooleanField("Installation admin (may do everything in every plan)")


class MappingForm(Form):
    """A new group mapping; its choices are checked, in words, by planner/groups/changes.py
    (add_mapping), which names the field that is wrong."""

    group = StringField("Group", [DataRequired("Name the group, as the identity provider "
                                               "sends it (such as cx-leads)."), Longest(256)],
                        description="Exactly as the identity provider sends it: capitals "
                                    "count.")
    grants = SelectField("Its members get", choices=choices(GRANT_WORDS.items()),
                         validate_choice=False)
    role = SelectField("Role (for a role)", choices=choices(MAPPED_ROLES.items()),
                       validate_choice=False)
    plan = SelectField("Plan (for a role or a team)", validate_choice=False,
                       description="Every plan: a role in each plan, now and later; a team "
                                   "in each plan not closed.")
    team = StringField("Team (for a team)", [Longest(80)],
                       description="As the plan shows it, such as IT; a plan without it "
                                   "gets it.")

    def offer_plans(self, plans: list[Plan]) -> None:
        self.plan.choices = choices([("", "Every plan"), *(
            (str(plan.id), plan.name + (" (closed)" if plan.state == CLOSED else ""))
            for plan in plans)])

    def plan_id(self) -> int | None:
        """The plan chosen: its id, None for every plan, or -1 for one that is no id."""
        text = (self.plan.data or "").strip()
        if not text:
            return None
        return int(text) if text.isdigit() and len(text) < 10 else -1


def gives(mapping: GroupMapping, plans: dict[int, str]) -> str:
    """What a mapping gives, in words: "CX lead in every plan", "team member of IT in
    Spring 2027"."""
    where = plans.get(mapping.plan_id, "a plan since deleted") if mapping.plan_id else ""
    if mapping.grants == "admin":
        return "the installation admin right"
    if mapping.grants == "team":
        return f"team member of {mapping.team} in {where or 'every plan not closed'}"
    return f"{ROLE_NAMES.get(mapping.role or '', mapping.role)} in {where or 'every plan'}"


def signs_in_with(user: User, passwords: bool) -> str:
    """How an account signs in: its password, the identity provider, both, or no way."""
    ways = []
    if user.password_hash:
        ways.append("password" if passwords else "password (turned off)")
    if user.oidc_subject:
        ways.append("identity provider")
    return " and ".join(ways) or "no way yet"


@routes.route("/admin/people", methods=["GET", "POST"])
def people():
    """Every account, its plans and roles, the group mappings; add an account."""
    session = get_session()
    form = PersonForm()
    if form.validate_on_submit():
        try:
            user = add_user(session, email=form.email.data, name=form.name.data,
                            password=form.password.data, admin=form.admin.data)
        except AccountError as error:
            form.email.errors = [str(error)]
        else:
            if commit(f"Account added for {user.name}: pass the password on to them, and "
                      "give them a role in a plan on its People page."):
                return redirect(url_for("accounts.people"))
    return people_page(person_form=form)


def people_page(*, person_form: PersonForm | None = None,
                mapping_form: MappingForm | None = None, passwords_error: str = ""):
    """The People page, with these forms as sent (and their errors) or new ones: 422 when
    a form has errors, 409 when the passwords switch was refused."""
    session = get_session()
    person_form = person_form or PersonForm(formdata=None)
    for name, label in (("name", "Name"), ("password", "First password")):
        person_form[name].label.text = label
    plans = session.exec(select(Plan).order_by(Plan.name)).all()
    if mapping_form is None:
        mapping_form = MappingForm(formdata=None)
    mapping_form.offer_plans(plans)
    users = session.exec(select(User).order_by(User.name, User.id)).all()
    roles = defaultdict(list)
    for membership, plan_name in session.exec(
            select(Membership, Plan.name).join(Plan, Membership.plan_id == Plan.id)
            .order_by(Plan.name)).all():
        roles[membership.user_id].append((plan_name, membership))
    names = {plan.id: plan.name for plan in plans}
    mappings = [(mapping, gives(mapping, names)) for mapping in session.exec(
        select(GroupMapping).order_by(GroupMapping.group_name, GroupMapping.id)).all()]
    passwords = passwords_on(session)
    status = 409 if passwords_error else (
        422 if person_form.errors or mapping_form.errors else 200)
    return render_template(
        "accounts/people.html", form=person_form, mapping_form=mapping_form, plan=None,
        users=users, roles=roles, switch_form=ConfirmForm(), role_names=ROLE_NAMES,
        mappings=mappings, passwords=passwords, passwords_error=passwords_error,
        issuer=current_app.config.get("OIDC_ISSUER"),
        ways={user.id: signs_in_with(user, passwords) for user in users}), status


@routes.post("/admin/people/<int:person_id>/active")
def person_active(person_id: int):
    """Stop an account (every session of it ends at once) or let it sign in again."""
    user = _other_person(person_id)
    user.active = request.form.get("to") == "yes"
    user.session_version += 1
    if commit(f"{user.name} can sign in again." if user.active else
              f"{user.name} can no longer sign in; every session of theirs has ended."):
        return redirect(url_for("accounts.people"))
    abort(409)


@routes.post("/admin/people/<int:person_id>/admin")
def person_admin(person_id: int):
    """Make an account an installation admin, or take that away."""
    user = _other_person(person_id)
    user.admin = request.form.get("to") == "yes"
    user.admin_by_groups = False  # given or taken by hand: the groups no longer decide it
    if commit(f"{user.name} is now an installation admin." if user.admin else
              f"{user.name} is no longer an installation admin."):
        return redirect(url_for("accounts.people"))
    abort(409)


def _other_person(person_id: int) -> User:
    """Another person's account, for a change sent with a valid form."""
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form had expired; nothing was changed. Reload the page and try "
                   "again.")
    user = get_session().get(User, person_id) if 1 <= person_id < 2**31 else None
    if user is None:
        abort(404, "There is no such account.")
    if user.id == current_user.user.id:
        abort(409, "You cannot change this for your own account: ask another admin.")
    return user
