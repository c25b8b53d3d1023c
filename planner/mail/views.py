"""The mail pages: a person's account page, where they choose the kinds of mail they get,
and the outbox for admins, where every mail shows how its sending went and a failed or
sent one can be queued again."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, update
from sqlmodel import select
from wtforms import BooleanField

from models import MailMessage, User
from models.accounts.mail import FAILED, QUEUED, SENDING, SENT
from models.base import utcnow
from planner.accounts.installation import passwords_on
from planner.database import get_session
from planner.forms import ConfirmForm
from planner.mail.kinds import KINDS
from planner.mail.outbox import mail_on, queue_after_commit
from planner.views import commit, form_page, paged, query_text

bp = Blueprint("mail", __name__)

STATUSES = (QUEUED, SENDING, SENT, FAILED)  # the outbox's filters, in a mail's order
PAGE_SIZE = 50


def _box(kind: str) -> str:
    return "kind_" + kind.replace("-", "_")


class MailForm(FlaskForm):
    """One checkbox per kind of mail (planner/mail/kinds.py): ticked, the person gets it."""

    def boxes(self) -> list[tuple[str, Any]]:
        return [(kind, self[_box(kind)]) for kind in KINDS]

    def fill(self, user: User) -> None:
        for kind, box in self.boxes():
            box.data = kind not in (user.mail_off or [])

    def save(self, user: User) -> None:
        user.mail_off = [kind for kind, box in self.boxes() if not box.data]


for _kind, _words in KINDS.items():
    setattr(MailForm, _box(_kind), BooleanField(_words))


@bp.route("/account", methods=["GET", "POST"])
def account():
    """The signed-in person's account: who they are, how they sign in, the mail they get."""
    session = get_session()
    user = session.get(User, current_user.user.id)
    form = MailForm()
    if form.validate_on_submit():
        form.save(user)
        session.add(user)
        if commit("Your mail settings are saved."):
            return redirect(url_for("mail.account"))
    elif not form.is_submitted():
        form.fill(user)
    return form_page("mail/account.html", form, plan=None, user=user,
                     mail_on=mail_on(current_app), has_password=bool(user.password_hash),
                     passwords_on=passwords_on(session))


@bp.get("/admin/outbox")
def outbox():
    """Every mail, newest first, a page at a time, of one status or all."""
    session = get_session()
    status = query_text("status", 16)
    status = status if status in STATUSES else None
    chosen = [MailMessage.status == status] if status else []

    def fetch(number: int) -> tuple[list[MailMessage], int]:
        total = session.exec(select(func.count()).select_from(MailMessage)
                             .where(*chosen)).one()
        rows = session.exec(select(MailMessage).where(*chosen)
                            .order_by(MailMessage.id.desc())
                            .offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
        return list(rows), total

    messages, page = paged(fetch, query_text("page", 12), PAGE_SIZE)
    counts = dict(session.exec(select(MailMessage.status, func.count())
                               .group_by(MailMessage.status)).all())
    return render_template("mail/outbox.html", plan=None, messages=messages, page=page,
                           status=status, statuses=STATUSES, counts=counts,
                           mail_on=mail_on(current_app), resend_form=ConfirmForm(),
                           attempts=int(current_app.config["MAIL_ATTEMPTS"]))


@bp.post("/admin/outbox/<int:message_id>/resend")
def resend(message_id: int):
    """Queue a failed or sent mail again, now, its attempts counted from none."""
    session = get_session()
    message = session.get(MailMessage, message_id)
    if message is None:
        abort(404, "There is no such mail in the outbox: open the outbox again.")
    again = session.execute(update(MailMessage).where(
        MailMessage.id == message_id, MailMessage.status.in_((FAILED, SENT))).values(
        status=QUEUED, attempts=0, next_at=utcnow(), claimed_until=None))
    if again.rowcount != 1:
        session.rollback()
        flash(f"The mail to {message.to_address} is already on its way ({message.status}): "
              "nothing was changed.", "error")
        return redirect(url_for("mail.outbox"))
    queue_after_commit(session)
    commit(f"The mail to {message.to_address} is queued to be sent again.")
    return redirect(url_for("mail.outbox"))
