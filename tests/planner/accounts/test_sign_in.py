"""Signing in and out: every page asks for a signed-in person, a cookie captured before
signing out is refused after it, failed sign-ins are throttled, and no password is kept or
logged in clear. A new installation's first page makes its admin."""

from __future__ import annotations

import io
import logging
import re
import sys

import pytest
from sqlmodel import select

from models import Plan, User
from planner.cli import main
from tests.webapp import ADMIN_EMAIL, ADMIN_PASSWORD, make_app, page_text, signed_in_client


@pytest.fixture
def fresh(database_url):
    """An installation with no account yet."""
    app = make_app(database_url, accounts=False)
    yield app
    app.extensions["planner_engine"].dispose()


def _sign_in(client, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, next_page=None):
    url = "/sign-in" + (f"?next={next_page}" if next_page else "")
    return client.post(url, data={"email": email, "password": password})


def test_a_page_asks_the_signed_out_to_sign_in_and_a_post_changes_nothing(app, db):
    client = app.test_client()
    response = client.get("/plans/new")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-in?next=/plans/new")
    response = client.post("/plans/new", data={"name": "FY2028", "currency": "EUR",
                                               "max_focus": "3"})
    assert response.status_code == 401 and "Sign in first" in page_text(response)
    assert db.exec(select(Plan)).all() == []


def test_signing_in_goes_back_to_the_page_asked_for(app):
    client = app.test_client()
    response = _sign_in(client, email="  Admin@Example.com ", next_page="/plans/new")
    assert response.status_code == 302 and response.headers["Location"] == "/plans/new"
    assert "Ada Admin" in page_text(client.get("/plans/new"))
    # Never to another site.
    response = _sign_in(app.test_client(), next_page="//evil.example/")
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(("email", "password"), [(ADMIN_EMAIL, "not the password at all"),
                                                 ("nobody@example.com", ADMIN_PASSWORD)])
def test_a_wrong_email_or_password_says_the_same(app, email, password):
    response = _sign_in(app.test_client(), email=email, password=password)
    assert response.status_code == 401
    assert "That email and password do not match an account." in page_text(response)
    assert password not in response.get_data(as_text=True)  # never echoed back


def _alert(response) -> tuple[str, str]:
    """The page's alert: its opening tag and its text."""
    found = re.search(r'(<div[^>]*role="alert"[^>]*>)(.*?)</div>',
                      response.get_data(as_text=True), re.S)
    assert found is not None, "no alert"
    return found.group(1), re.sub(r"<[^>]+>|\s+", " ", found.group(2))


def test_a_refused_sign_in_is_announced_and_takes_the_focus(app):
    """The refusal is in an alert (read out at once) that planner/static/a11y.js focuses
    (an .error-summary that can take the focus), not only beside the password field."""
    tag, text = _alert(_sign_in(app.test_client(), password="not the password at all"))
    assert "do not match an account" in text
    assert "error-summary" in tag and 'tabindex="-1"' in tag
    # A form sent with a field left empty is announced the same way.
    response = app.test_client().post("/sign-in", data={"email": ADMIN_EMAIL, "password": ""})
    tag, text = _alert(response)
    assert response.status_code == 422 and "Password" in text and "error-summary" in tag


def test_a_cookie_captured_before_signing_out_is_refused_after(app):
    client = app.test_client()
    _sign_in(client)
    captured = client.get_cookie("session").value
    assert client.get("/plans/new").status_code == 200
    client.post("/sign-out")
    thief = app.test_client()
    thief.set_cookie("session", captured)
    response = thief.get("/plans/new")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    # Signing in again works, with a new session.
    assert _sign_in(client).status_code == 302
    assert client.get("/plans/new").status_code == 200


def test_the_sixth_quick_wrong_password_is_throttled(app):
    client = app.test_client()
    codes = [_sign_in(client, password=f"wrong password number {n}").status_code
             for n in range(6)]
    assert codes == [401] * 5 + [429]
    response = _sign_in(client)  # even the right one waits now
    assert response.status_code == 429 and "wait a minute" in page_text(response)


def test_throttling_is_per_account_too(app):
    """Five failures for one account from one address, then the account waits from any."""
    for n in range(5):
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = f"10.0.0.{n + 1}"
        assert _sign_in(other, password=f"wrong {n} wrong wrong").status_code == 401
    last = app.test_client()
    last.environ_base["REMOTE_ADDR"] = "10.0.0.99"
    assert _sign_in(last, password="wrong again and again").status_code == 429


def test_no_password_is_kept_or_logged_in_clear(app, db, caplog):
    caplog.set_level(logging.DEBUG)
    _sign_in(app.test_client())
    _sign_in(app.test_client(), password="a wrong one, logged nowhere")
    user = db.exec(select(User).where(User.email == ADMIN_EMAIL)).one()
    assert user.password_hash.startswith("$argon2id$")
    assert ADMIN_PASSWORD not in user.password_hash
    assert ADMIN_PASSWORD not in caplog.text and "logged nowhere" not in caplog.text


def test_csrf_still_guards_the_sign_in(database_url):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    try:
        response = _sign_in(app.test_client())
        assert response.status_code == 400
    finally:
        app.extensions["planner_engine"].dispose()


def test_a_new_installation_makes_its_first_admin_once(fresh):
    client = fresh.test_client()
    assert client.get("/").headers["Location"].endswith("/setup")
    assert client.get("/sign-in").headers["Location"].endswith("/setup")
    short = client.post("/setup", data={"name": "Ana", "email": "ana@example.com",
                                        "password": "eleven char", "confirm": "eleven char"})
    assert short.status_code == 422 and "At least 12 characters" in page_text(short)
    assert 'value="eleven char"' not in short.get_data(as_text=True)
    phrase = "green kiosk by the door"
    made = client.post("/setup", data={"name": "Ana", "email": "Ana@Example.com",
                                       "password": phrase, "confirm": phrase})
    assert made.status_code == 302
    assert "Ana" in page_text(client.get("/"))  # signed in as the new admin
    assert fresh.test_client().get("/setup").status_code == 404
    assert signed_in_client(fresh, "ana@example.com").get("/plans/new").status_code == 200


def test_the_command_line_adds_an_account_from_a_script(tmp_path, monkeypatch, capsys):
    """`planner users add` as a script runs it: the password and its confirmation on
    standard input, not a terminal. (Run in this process, as tests/planner/cli runs the
    other commands; tests/planner/cli/test_cli.py starts `python -m planner.cli`.)"""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'planner.sqlite'}")

    def add(*args: str, stdin: str) -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["users", "add", *args])
        return code, *capsys.readouterr()

    done = add("boss@example.com", "--admin", "--name", "Boss",
               stdin="a long pass phrase\na long pass phrase\n")
    assert done[0] == 0 and "Added boss@example.com (admin)." in done[1]
    differ = add("two@example.com", stdin="a long pass phrase\nanother pass phrase\n")
    assert differ[0] == 2 and "the two passwords differ" in differ[2]
    again = add("boss@example.com", stdin="a long pass phrase\na long pass phrase\n")
    assert again[0] == 2 and "already has an account" in again[2]
    assert "a long pass phrase" not in done[1] + done[2]


def test_a_new_password_ends_every_other_session_and_keeps_this_one(app, db):
    here, elsewhere = app.test_client(), app.test_client()
    _sign_in(here)
    _sign_in(elsewhere)
    captured = elsewhere.get_cookie("session").value
    wrong = here.post("/account/password", data={
        "current": "not my password at all", "password": "a brand new long phrase",
        "confirm": "a brand new long phrase"})
    assert wrong.status_code == 422 and "nothing was changed" in page_text(wrong)
    done = here.post("/account/password", data={
        "current": ADMIN_PASSWORD, "password": "a brand new long phrase",
        "confirm": "a brand new long phrase"}, follow_redirects=True)
    assert "Password changed" in page_text(done)
    assert here.get("/plans/new").status_code == 200  # this session goes on
    thief = app.test_client()
    thief.set_cookie("session", captured)
    assert thief.get("/plans/new").status_code == 302  # the other one has ended
    assert _sign_in(app.test_client()).status_code == 401  # the old password no longer
    assert _sign_in(app.test_client(), password="a brand new long phrase").status_code == 302


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own niceness is Linux's")
def test_a_password_is_hashed_and_checked_nicer_than_the_pages(monkeypatch):
    """A burst of sign-ins slows the sign-ins, not everyone's pages: each hash is made in
    a thread of its own, HASHING_NICENESS nicer than the request's, and answers as before."""
    import os
    import threading

    from argon2 import PasswordHasher

    from planner.accounts import passwords

    seen = []
    real = PasswordHasher()

    class Watched:
        def hash(self, password):
            seen.append((threading.current_thread().name,
                         os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
            return real.hash(password)

        def verify(self, stored, password):
            seen.append((threading.current_thread().name,
                         os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
            return real.verify(stored, password)

    monkeypatch.setattr(passwords, "HASHER", Watched())
    ours = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    stored = passwords.password_hash("green kiosk by the door")
    assert passwords.matches(stored, "green kiosk by the door")
    assert not passwords.matches(stored, "green kiosk by the window")  # its error, as False
    assert not passwords.matches("not a hash", "green kiosk by the door")
    nicer = min(19, ours + passwords.HASHING_NICENESS)
    assert seen == [("password hash", nicer)] * 4
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == ours


def test_a_sign_in_lets_others_save_while_it_hashes(database_url, monkeypatch):
    """A sign-in only reads: on SQLite it must not hold the database's write lock through
    its deliberately slow hash, or every save of everyone else waits for it."""
    from sqlalchemy import update

    from models.db import open_session
    from planner.accounts import views

    app = make_app(database_url, DATABASE_BUSY_TIMEOUT_MS=300)
    engine = app.extensions["planner_engine"]
    real, saved = views.matches, []

    def matches_while_another_saves(stored: str, password: str) -> bool:
        with open_session(engine, write=True) as other:  # waits 0.3 s at most for the lock
            other.execute(update(User).values(name="Ada, renamed meanwhile"))
            other.commit()
        saved.append(True)
        return real(stored, password)

    monkeypatch.setattr(views, "matches", matches_while_another_saves)
    answer = app.test_client().post("/sign-in", data={"email": ADMIN_EMAIL,
                                                      "password": ADMIN_PASSWORD})
    assert answer.status_code == 302 and saved == [True]
    engine.dispose()


def test_hashes_take_turns_in_the_whole_server_and_a_lost_turn_is_taken(monkeypatch):
    """Once the server shares its turns (before it forks its workers), a hash waits while
    any of its processes hashes; a turn its holder never gives back (a worker killed in
    the middle of a hash) is taken after TURN_WAIT, so that sign-ins go on."""
    import multiprocessing
    import threading

    from planner.accounts import passwords

    monkeypatch.setattr(passwords, "_turns", passwords._turns)  # put back afterwards
    passwords.share_turns()
    fork = multiprocessing.get_context("fork")
    held, go = fork.Event(), fork.Event()

    def hold_a_turn() -> None:  # another worker, in the middle of a hash
        with passwords._turns:
            held.set()
            go.wait(30)

    worker = fork.Process(target=hold_a_turn)
    worker.start()
    try:
        assert held.wait(30)
        stored = passwords.HASHER.hash("green kiosk by the door")
        answers: list[bool] = []
        signing_in = threading.Thread(target=lambda: answers.append(
            passwords.matches(stored, "green kiosk by the door")))
        signing_in.start()
        signing_in.join(0.5)
        assert signing_in.is_alive() and answers == []  # waiting for its turn
        go.set()
        signing_in.join(30)
        assert answers == [True]
    finally:
        go.set()
        worker.join(30)
    monkeypatch.setattr(passwords, "TURN_WAIT", 0.2)
    passwords._turns.acquire()  # taken and never given back
    assert passwords.matches(stored, "green kiosk by the door")
