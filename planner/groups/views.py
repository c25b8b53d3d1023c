"""The People page's group forms: a mapping added or removed, local passwords turned on or
off. Each goes back to the People page (planner/accounts/people.py), which shows a refused
form again with the field named."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, url_for

from models import GroupMapping
from planner.accounts.people import MappingForm, gives, people_page
from planner.database import get_session
from planner.forms import ConfirmForm
from planner.groups.changes import MappingError, add_mapping, plan_names, set_passwords
from planner.views import commit

bp = Blueprint("groups", __name__)
NEXT_SIGN_IN = "at their next sign-in through the identity provider"


@bp.post("/admin/groups", endpoint="map")
def map_group():
    """Add a group mapping: what the group's members get from their next sign-in."""
    session = get_session()
    form = MappingForm()
    if form.validate_on_submit():
        try:
            mapping = add_mapping(session, group=form.group.data, grants=form.grants.data,
                                  role=form.role.data, plan_id=form.plan_id(),
                                  team=form.team.data)
        except MappingError as error:
            form[error.field].errors = [f"{error} Nothing was saved."]
        else:
            words = gives(mapping, plan_names(session))
            if commit(f"Members of the group {mapping.group_name} get {words} {NEXT_SIGN_IN}."):
                return redirect(url_for("accounts.people"))
    return people_page(mapping_form=form)


@bp.post("/admin/groups/<int:mapping_id>/delete", endpoint="unmap")
def unmap_group(mapping_id: int):
    """Remove a group mapping; the roles it gave go at each member's next sign-in."""
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form had expired; nothing was removed. Reload the page and try "
                   "again.")
    session = get_session()
    mapping = session.get(GroupMapping, mapping_id) if 1 <= mapping_id < 2**31 else None
    if mapping is None:
        abort(404, "There is no such group mapping: another admin may have removed it.")
    words = gives(mapping, plan_names(session))
    session.delete(mapping)
    if commit(f"The group {mapping.group_name} no longer gives {words}; its members lose "
              f"it {NEXT_SIGN_IN}, unless another group gives it."):
        return redirect(url_for("accounts.people"))
    abort(409)


@bp.post("/admin/passwords", endpoint="passwords")
def passwords():
    """Let local passwords sign in, or only the identity provider."""
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form had expired; nothing was changed. Reload the page and try "
                   "again.")
    if request.form.get("to") not in ("on", "off"):
        abort(400, "Say whether local passwords sign in (on) or not (off); nothing was "
                   "changed.")
    on = request.form["to"] == "on"
    try:
        set_passwords(get_session(), on=on, issuer=current_app.config.get("OIDC_ISSUER"))
    except MappingError as error:
        return people_page(passwords_error=str(error))
    if commit("Local passwords sign in again." if on else
              "Local passwords no longer sign in: everyone signs in through the identity "
              "provider. `planner passwords on` on the server turns them back on."):
        return redirect(url_for("accounts.people"))
    abort(409)
