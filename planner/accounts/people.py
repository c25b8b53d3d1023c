"""The installation's people, for its admins: every account with its roles, a new account
(with a first password the admin passes on), and an account stopped or made an admin.

An admin cannot stop their own account or take their own admin rights away, so that an
installation always keeps someone who can let others in."""

from __future__ import annotations

from collections import defaultdict

from flask import abort, redirect, request, url_for
from flask_login import current_user
from sqlmodel import select
from wtforms import BooleanField

from models import Membership, Plan, User
from planner.accounts.access import ROLE_NAMES
from planner.accounts.forms import SetupForm
from planner.accounts.users import AccountError, add_user
from planner.database import get_session
from planner.forms import ConfirmForm
from planner.views import Routes, commit, form_page

routes = Routes()


class PersonForm(SetupForm):
    """A new account: the set-up form's name, email and password, and whether an admin."""

    admin = BooleanField("Installation admin (may do everything in every plan)")


@routes.route("/admin/people", methods=["GET", "POST"])
def people():
    """Every account, its plans and roles; add one."""
    session = get_session()
    form = PersonForm()
    for name, label in (("name", "Name"), ("password", "First password")):
        form[name].label.text = label
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
    users = session.exec(select(User).order_by(User.name, User.id)).all()
    roles = defaultdict(list)
    for membership, plan_name in session.exec(
            select(Membership, Plan.name).join(Plan, Membership.plan_id == Plan.id)
            .order_by(Plan.name)).all():
        roles[membership.user_id].append((plan_name, membership))
    return form_page("accounts/people.html", form, plan=None, users=users, roles=roles,
                     switch_form=ConfirmForm(), role_names=ROLE_NAMES)


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
