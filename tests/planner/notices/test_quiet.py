"""When nothing is to be mailed: mail off (no SMTP_HOST) writes nothing and every page of
the cycle works as before; a closing day in the past is refused on the plan page, naming
the field, with nothing moved and nobody told."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import select

from models import Appeal, MailMessage, Plan, Run
from planner.appeals.history import day
from planner.mail.sender import run_producers, send_due
from tests.planner.notices.test_cycle import publish
from tests.webapp import page_text, saved_run, signed_in_client


def test_mail_off_writes_nothing_and_the_pages_work(app, db, demo_id, people):
    assert not app.config.get("SMTP_HOST")
    lead, ivy = (signed_in_client(app, email) for email in ("lead@example.com",
                                                               "ivy@example.com"))
    state = f"/plans/{demo_id}/state"
    closes = date.today() + timedelta(days=1)
    assert lead.post(state, data={"from": "open", "to": "draft"}).status_code == 302
    assert lead.post(state, data={"from": "draft", "to": "open",
                                  "proposals_close": closes.isoformat()}).status_code == 302
    assert "Proposals close at the end of" in page_text(lead.get(f"/plans/{demo_id}"))
    run_producers(app, datetime.combine(closes, time(9)).astimezone(UTC))
    first = publish(lead, demo_id)
    key = next(r["id"] for r in saved_run(db, first).result["rejected"]
               if r["id"] in ("rfid", "selfcheck"))
    assert ivy.post(f"/plans/{demo_id}/runs/{first}/say-no/{key}/appeal", data={
        "confidence": "1", "note": "Sure."}).status_code == 302
    db.rollback()
    appeal = db.exec(select(Appeal)).one()
    assert lead.post(f"/plans/{demo_id}/appeals/{appeal.id}/decline",
                     data={"answer": "No."}).status_code == 302
    publish(lead, demo_id)
    for page in (f"/plans/{demo_id}", f"/plans/{demo_id}/teams?team=IT",
                 f"/plans/{demo_id}/appeals", f"/plans/{demo_id}/runs/{first}/say-no/{key}"):
        assert lead.get(page).status_code == 200, page
    assert send_due(app) == 0
    db.rollback()
    assert db.exec(select(MailMessage)).all() == []
    assert len(db.exec(select(Run)).all()) >= 2


def test_a_closing_day_in_the_past_is_refused(app, db, demo_id, people, inbox):
    lead = signed_in_client(app, "lead@example.com")
    state = f"/plans/{demo_id}/state"
    assert lead.post(state, data={"from": "open", "to": "draft"}).status_code == 302
    assert 'name="proposals_close"' in lead.get(f"/plans/{demo_id}").get_data(as_text=True)
    yesterday = date.today() - timedelta(days=1)
    for typed, said in ((yesterday.isoformat(), f"Proposals close: {yesterday:%Y-%m-%d} is "
                         "in the past; choose today or a later day, or leave it empty."),
                        ("next week", "Proposals close: give a day as YYYY-MM-DD, or leave "
                         "it empty.")):
        refused = lead.post(state, data={"from": "draft", "to": "open",
                                         "proposals_close": typed})
        assert refused.status_code == 422, typed
        assert said in page_text(refused)
        db.rollback()
        assert db.get(Plan, demo_id).state == "draft"
    assert inbox.sent() == []
    # Today is the last day it may be; without one, proposals open with no closing day.
    assert lead.post(state, data={"from": "draft", "to": "open", "proposals_close":
                                  date.today().isoformat()}).status_code == 302
    db.rollback()
    assert db.get(Plan, demo_id).proposals_close == date.today()
    # told it opens until today, and at once reminded that it closes today
    subjects = Counter(mail.subject.split(": ", 1)[1] for mail in inbox.sent())
    assert set(subjects) == {f"proposals are open until {day(date.today())}",
                             f"proposals close today ({day(date.today())})"}
    lead.post(state, data={"from": "open", "to": "draft"})
    assert lead.post(state, data={"from": "draft", "to": "open"}).status_code == 302
    db.rollback()
    assert db.get(Plan, demo_id).proposals_close is None
    reopened = inbox.sent()
    assert reopened and all(mail.subject.endswith("proposals are open") for mail in reopened)
