"""The account a sign-in through the provider opens: the one it signed in to before, else
the one of the same (verified) email, linked to it now, else a new one; then its groups
applied through the installation's group mappings. In the session only: the sign-in
commits it all at once."""

from __future__ import annotations

from sqlmodel import Session, select

from models import User
from planner.accounts.users import find_user
from planner.groups.mapping import apply_groups
from planner.sso.tokens import Person, SignInError


def account_for(session: Session, person: Person) -> User:
    """The person's account, found, linked or made, their groups applied; SignInError when
    it may not sign in (nothing is changed then)."""
    user = session.exec(select(User).where(User.oidc_subject == person.subject)).first()
    if user is None:
        user = find_user(session, person.email)
        if user is not None and user.oidc_subject is not None:
            raise SignInError(f"The account of {person.email} here signs in as another person "
                              "of the identity provider: ask your planner's admin.", 403)
    if user is not None and not user.active:
        raise SignInError("Your account here is switched off: ask your planner's admin to "
                          "switch it on.", 403)
    if user is None:
        user = User(email=person.email, name=person.name, password_hash="")
    user.oidc_subject = person.subject
    apply_groups(session, user, person.groups)  # adds the account to the session
    return user
