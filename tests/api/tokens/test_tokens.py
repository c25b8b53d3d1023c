"""Personal access tokens: kept only as hashes, refused once revoked or expired, a read
token refused a write, their last use on the account page, a new token shown once, one's
own tokens alone revocable, and the rate limit counted per token."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import String
from sqlmodel import AutoString, select

from models import ApiToken, Plan, User
from models.base import utcnow
from planner.api.tokens import make_token
from tests.api.conftest import call
from tests.planner.accounts.test_access import PEOPLE
from tests.webapp import page_text, signed_in_client

PAGE = "/account/tokens"
SECRET = re.compile(r"mot_[A-Za-z0-9_-]{43}")


def _made_on_the_page(client, **fields) -> tuple[object, str]:
    answer = client.post(PAGE, data={"name": "Finance model", "scope": "read", **fields})
    assert answer.status_code == 200, page_text(answer)
    found = SECRET.findall(answer.get_data(as_text=True))
    assert len(found) == 1
    return answer, found[0]


def _token(db, **where) -> ApiToken:
    db.rollback()
    return db.exec(select(ApiToken).filter_by(**where)).one()


def test_the_database_holds_no_token_in_clear(app, db):
    _, secret = _made_on_the_page(signed_in_client(app), scope="write", expires="30")
    db.rollback()
    texts = [column.name for column in ApiToken.__table__.columns
             if isinstance(column.type, String | AutoString)]
    assert {"name", "token_hash", "prefix", "scope"} <= set(texts)
    kept = [value for row in db.exec(select(*[getattr(ApiToken, n) for n in texts])).all()
            for value in row]
    assert kept and not any(secret in value or secret[8:] in value for value in kept)
    assert call(app.test_client(), "GET", "/api/v1/plans", secret).status_code == 200


def test_the_page_shows_a_new_token_once_and_its_last_use(app, db):
    client = signed_in_client(app)
    made, secret = _made_on_the_page(client, name="Nightly export")
    assert made.headers["Cache-Control"] == "no-store"
    with client.session_transaction() as cookie:
        assert secret not in repr(dict(cookie))  # never in a (flash) cookie
    listed = client.get(PAGE)
    assert "Nightly export" in page_text(listed) and "not yet" in page_text(listed)
    assert secret not in listed.get_data(as_text=True)
    assert call(app.test_client(), "GET", "/api/v1/plans", secret).status_code == 200
    used = _token(db, name="Nightly export").last_used_at
    assert used is not None
    shown = page_text(client.get(PAGE))
    assert "not yet" not in shown and used.strftime("%Y-%m-%d %H:%M UTC") in shown
    account = page_text(client.get("/account"))
    assert "your API tokens" in account and "its reference" in account


def test_the_form_names_a_refused_field(app, db):
    refused = signed_in_client(app).post(PAGE, data={"name": "x", "scope": "read",
                                                     "expires": "0"})
    assert refused.status_code == 422 and "Give 1 to 3,650 days" in page_text(refused)
    assert not SECRET.search(refused.get_data(as_text=True))
    db.rollback()
    assert db.exec(select(ApiToken)).all() == []


def test_a_revoked_token_fails_its_next_request(app, db, people, tokens):
    secret, client = tokens["viewer"]["read"], app.test_client()
    assert call(client, "GET", "/api/v1/plans", secret).status_code == 200
    token = _token(db, user_id=people["viewer"], scope="read")
    page = signed_in_client(app, PEOPLE["viewer"])
    assert page.post(f"{PAGE}/{token.id}/revoke").status_code == 302
    refused = call(client, "GET", "/api/v1/plans", secret)
    assert refused.status_code == 401 and "revoked" in refused.get_json()["detail"]
    assert "Bearer" in refused.headers["WWW-Authenticate"]
    assert "revoked" in page_text(page.get(PAGE))


def test_anothers_token_cannot_be_revoked(app, db, people, tokens):
    token = _token(db, user_id=people["lead"], scope="write")
    page = signed_in_client(app, PEOPLE["viewer"])
    assert page.post(f"{PAGE}/{token.id}/revoke").status_code == 404
    assert page.post(f"{PAGE}/999999/revoke").status_code == 404
    assert _token(db, id=token.id).revoked_at is None
    assert call(app.test_client(), "GET", "/api/v1/plans",
                tokens["lead"]["write"]).status_code == 200


def test_a_read_token_cannot_write(app, db, demo_id, tokens):
    client = app.test_client()
    document = call(client, "GET", f"/api/v1/plans/{demo_id}/file",
                    tokens["admin"]["read"]).get_json()
    refused = call(client, "POST", "/api/v1/plans/import", tokens["admin"]["read"],
                   json=document)
    assert refused.status_code == 403 and "only reads" in refused.get_json()["detail"]
    db.rollback()
    assert len(db.exec(select(Plan)).all()) == 1


def test_an_expired_token_is_refused(app, db, people, tokens):
    secret = tokens["finance"]["read"]
    assert call(app.test_client(), "GET", "/api/v1/plans", secret).status_code == 200
    token = _token(db, user_id=people["finance"], scope="read")
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.add(token)
    db.commit()
    assert call(app.test_client(), "GET", "/api/v1/plans", secret).status_code == 401
    assert "expired" in page_text(signed_in_client(app, PEOPLE["finance"]).get(PAGE))


def test_the_rate_limit_counts_each_token_alone(app, db, people):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    user = db.get(User, people["viewer"])
    first, second = (make_token(db, user, name=name)[1] for name in ("one", "two"))
    db.commit()
    client = app.test_client()
    assert [call(client, "GET", "/api/v1/plans", first).status_code
            for _ in range(3)] == [200] * 3
    limited = call(client, "GET", "/api/v1/plans", first)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert limited.mimetype == "application/problem+json"
    assert call(client, "GET", "/api/v1/plans", second).status_code == 200
