"""The mail pages: one's account page (who, how one signs in, a checkbox per kind of mail,
respected when mail is written), the outbox for admins (filters, pages, the server's
words, sending again), who may open them, and the header's links to them."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import MailMessage, User
from models.db import open_session
from planner.accounts.installation import PASSWORDS, set_setting
from planner.mail.kinds import KINDS
from planner.mail.views import PAGE_SIZE
from tests.planner.mail.outboxes import messages, person, write_mail
from tests.webapp import page_text, signed_in_client


@pytest.fixture
def mail_app(app, mailbox):
    app.config.update(mailbox.settings())
    return app


def _boxes(page: str) -> dict[str, bool]:
    """Each kind's checkbox on the account page: ticked or not."""
    ticked = {}
    for kind in KINDS:
        name = "kind_" + kind.replace("-", "_")
        start = page.index(f'name="{name}"')
        tag = page[page.rindex("<input", 0, start):page.index(">", start)]
        ticked[kind] = "checked" in tag
    return ticked


def test_the_account_page_keeps_the_kinds_of_mail_one_turns_off(mail_app):
    ana = person(mail_app, "ana@team.example", "Ana Lopes")
    client = signed_in_client(mail_app, "ana@team.example")
    page = client.get("/account").get_data(as_text=True)
    text = page_text(client.get("/account"))
    assert "Ana Lopes" in text and "ana@team.example" in text and "with your password" in text
    assert all(words in text for words in KINDS.values())
    assert _boxes(page) == dict.fromkeys(KINDS, True)
    assert "/account/password" in page and "sends no mail" not in text

    saved = client.post("/account", data={"kind_appeal_answered": "y",
                                          "kind_appeal_received": "y"})
    assert saved.status_code == 302
    with open_session(mail_app.extensions["planner_engine"]) as session:
        assert sorted(session.get(User, ana).mail_off) == ["decision", "proposals"]
    assert _boxes(client.get("/account").get_data(as_text=True)) == {
        "decision": False, "appeal-answered": True, "proposals": False,
        "appeal-received": True}
    # what is turned off is not written; the rest is
    assert write_mail(mail_app, [ana], "publication:1") == []
    assert write_mail(mail_app, [ana], "proposals-open:1:1", kind="proposals") == []
    assert len(write_mail(mail_app, [ana], "appeal-answered:1", kind="appeal-answered")) == 1
    assert [m.kind for m in messages(mail_app)] == ["appeal-answered"]


def test_the_account_page_says_what_is_off(app):
    person(app, "sso@team.example", password_hash="", oidc_subject="https://id.example sub")
    client = signed_in_client(app, "sso@team.example")
    text = page_text(client.get("/account"))
    assert "sends no mail" in text and "with the company's identity provider" in text
    assert "Change your password" not in text
    with open_session(app.extensions["planner_engine"], write=True) as session:
        set_setting(session, PASSWORDS, False)
        session.commit()
    admin = signed_in_client(app)
    assert "Change your password" not in page_text(admin.get("/account"))


@pytest.mark.parametrize(("who", "page", "method", "status"), [
    ("nobody", "/account", "get", 302), ("nobody", "/admin/outbox", "get", 302),
    ("nobody", "/admin/outbox/1/resend", "post", 401),
    ("member", "/account", "get", 200), ("member", "/admin/outbox", "get", 403),
    ("member", "/admin/outbox/1/resend", "post", 403),
    ("admin", "/account", "get", 200), ("admin", "/admin/outbox", "get", 200),
    ("admin", "/admin/outbox/999/resend", "post", 404),
], ids=lambda value: str(value))
def test_who_may_open_the_mail_pages(app, who, page, method, status):
    person(app, "member@team.example")
    client = {"nobody": app.test_client(),
              "member": signed_in_client(app, "member@team.example"),
              "admin": signed_in_client(app)}[who]
    assert getattr(client, method)(page).status_code == status


def test_the_header_links_to_ones_account_and_admins_to_the_outbox(app):
    person(app, "member@team.example")
    member = signed_in_client(app, "member@team.example").get("/").get_data(as_text=True)
    admin = signed_in_client(app).get("/").get_data(as_text=True)
    assert 'href="/account"' in member and "/admin/outbox" not in member
    assert 'href="/account"' in admin and 'href="/admin/outbox"' in admin
    assert 'href="/admin/people"' in admin and "/admin/people" not in member


def test_the_outbox_pages_and_filters_the_mails(mail_app, client):
    people = [person(mail_app, f"p{number}@team.example") for number in range(PAGE_SIZE + 5)]
    write_mail(mail_app, people, "publication:1")
    with open_session(mail_app.extensions["planner_engine"], write=True) as session:
        for message in session.exec(select(MailMessage).where(MailMessage.id <= 3)).all():
            message.status, message.answer = "failed", "550 5.1.1 No such user here"
            session.add(message)
        session.commit()
    first = page_text(client.get("/admin/outbox"))
    assert f"All ({PAGE_SIZE + 5})" in first and "Failed (3)" in first
    assert f"Queued ({PAGE_SIZE + 2})" in first and "Page 1 of 2" in first
    assert f"p{PAGE_SIZE + 4}@team.example" in first and "p0@team.example" not in first
    second = page_text(client.get("/admin/outbox?page=2"))
    assert "p0@team.example" in second and f"p{PAGE_SIZE + 4}@team.example" not in second
    failed = client.get("/admin/outbox?status=failed")
    text = page_text(failed)
    assert [f"p{n}@team.example" in text for n in range(5)] == [True] * 3 + [False] * 2
    assert text.count("550 5.1.1 No such user here") == 3
    assert failed.get_data(as_text=True).count("Send again</button>") == 3
    assert "No mail is sent" in page_text(client.get("/admin/outbox?status=sent"))
    assert page_text(client.get("/admin/outbox?status=anything")) == first
