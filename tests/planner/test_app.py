"""The app as a whole: configuration, security headers, CSRF, error pages, static files."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from models import Plan
from planner import ConfigError, create_app
from planner.database import get_session
from tests.webapp import make_app, signed_in_client


def test_refuses_to_start_without_a_real_secret_key(database_url):
    for key in (None, "", "dev"):
        with pytest.raises(ConfigError, match="SECRET_KEY"):
            create_app({"SECRET_KEY": key, "DATABASE_URL": database_url, "TESTING": False,
                        "DEBUG": False})


def test_starts_with_a_given_secret_key(database_url):
    app = create_app({"SECRET_KEY": "a-long-generated-key", "DATABASE_URL": database_url})
    assert not app.testing
    app.extensions["planner_engine"].dispose()


def test_security_headers_and_cookie_flags(client, app):
    response = client.get("/")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_stylesheet_is_served_by_the_app_and_pages_have_no_inline_style(client, demo_id):
    css = client.get("/static/app.css")
    assert css.status_code == 200 and b".journey" in css.data
    css.close()
    html = client.get(f"/plans/{demo_id}/journey").get_data(as_text=True)
    assert "<style" not in html and "style=" not in html
    # scripts only from the app's own files, none written into the page (the CSP's
    # default-src 'self' would refuse an inline one)
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S)
    assert scripts and not any(body.strip() for body in scripts)
    assert len(re.findall(r'<script src="/static/[\w.-]+\.js"', html)) == len(scripts)


def test_post_without_csrf_token_is_refused(database_url):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    client = signed_in_client(app)
    response = client.post("/plans/new", data={"name": "FY2028", "currency": "EUR",
                                               "max_focus": "3"})
    assert response.status_code == 400
    assert b"expired" in response.data
    from models.db import open_session

    with open_session(app.extensions["planner_engine"]) as session:
        assert session.exec(select(Plan)).all() == []
    # With the token from the form, the same post goes through.
    page = client.get("/plans/new").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/plans/new", data={"name": "FY2028", "currency": "EUR",
                                               "max_focus": "3", "csrf_token": token})
    assert response.status_code == 302
    app.extensions["planner_engine"].dispose()


def test_not_found_page(client):
    response = client.get("/plans/999/journey")
    assert response.status_code == 404
    assert b"no such plan" in response.data


def test_too_large_upload_gets_413(database_url):
    app = make_app(database_url, MAX_CONTENT_LENGTH=1000)
    response = signed_in_client(app).post("/plans/new", data={"name": "x" * 5000})
    assert response.status_code == 413
    assert b"That upload is too large" in response.data
    assert b"at most 1000 bytes; nothing was saved" in response.data
    with app.app_context():
        assert get_session().exec(select(Plan)).all() == []
    app.extensions["planner_engine"].dispose()


def test_server_error_page_shows_no_traceback(database_url, monkeypatch):
    from planner.accounts import access

    # Not a testing app: an error is a page, not an exception raised into the test.
    app = make_app(database_url, TESTING=False, SECRET_KEY="a-long-generated-key")

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    monkeypatch.setitem(access.ACCESS, "boom", access.SIGNED_IN)
    app.logger.disabled = True
    try:
        response = signed_in_client(app).get("/boom")
        assert response.status_code == 500
        assert b"secret internals" not in response.data and b"Traceback" not in response.data
    finally:
        app.extensions["planner_engine"].dispose()


def test_get_never_changes_state(client, db, demo_id):
    """Delete pages only ask on GET; move and run answer GET with 405."""
    for url in (f"/plans/{demo_id}/delete", f"/plans/{demo_id}/stages/1/delete",
                f"/plans/{demo_id}/moments/1/delete", f"/plans/{demo_id}/initiatives/1/delete"):
        assert client.get(url).status_code == 200, url
    for url in (f"/plans/{demo_id}/stages/1/move/down", f"/plans/{demo_id}/runs",
                f"/plans/{demo_id}/influences/1/delete"):
        assert client.get(url).status_code in (404, 405), url
    assert len(db.exec(select(Plan)).all()) == 1
    assert client.get(f"/plans/{demo_id}/journey").status_code == 200
    assert "Store signage invites people in" in client.get(
        f"/plans/{demo_id}/journey").get_data(as_text=True)


def test_cli_commands_create_tables_and_load_the_demo(app, db):
    runner = app.test_cli_runner()
    assert "Database ready" in runner.invoke(args=["init-db"]).output
    ready = "Demo plan ready (id 1; its last cycle, decided: id 2)."
    assert ready in runner.invoke(args=["load-demo"]).output
    assert ready in runner.invoke(args=["load-demo"]).output  # loaded once
    assert [p.name for p in db.exec(select(Plan).order_by(Plan.id)).all()] == [
        "Retail stores FY2027", "Retail stores FY2026"]


@pytest.mark.parametrize(("value", "secure"), [("true", True), ("1", True), ("false", False)])
def test_cookies_are_secure_when_served_over_https(database_url, monkeypatch, value, secure):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", value)
    # Not a testing app (it reads the environment), on a new installation with no account.
    app = make_app(database_url, accounts=False, TESTING=False, WTF_CSRF_ENABLED=True,
                   SECRET_KEY="a-long-generated-key")
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is secure
        client = app.test_client()
        client.get("/setup")  # the set-up form: its CSRF token is in the cookie
        cookie = client.get_cookie("session")
        assert cookie is not None and cookie.secure is secure and cookie.http_only
    finally:
        app.extensions["planner_engine"].dispose()
