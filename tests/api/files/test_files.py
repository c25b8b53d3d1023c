"""Plan files through the API: a plan's file as its Settings page downloads it, made a new
plan and read back the same (once only with an Idempotency-Key), a bad file refused with
each problem at its path, and a file imported into a plan in the import page's two steps."""

from __future__ import annotations

import copy
import json

from sqlmodel import func, select

from models import Initiative, Job, PendingImport, Plan
from tests.api.conftest import call

NEW_PLANS = "/api/v1/plans/import"


def _file(client, plan_id: int, token: str) -> dict:
    answer = call(client, "GET", f"/api/v1/plans/{plan_id}/file", token)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def _plans(db) -> int:
    db.rollback()
    return db.exec(select(func.count()).select_from(Plan)).one()


def test_the_file_is_the_settings_pages_download(app, demo_id, tokens):
    from tests.webapp import signed_in_client

    page = signed_in_client(app).get(f"/plans/{demo_id}/plan.json")
    assert _file(app.test_client(), demo_id, tokens["viewer"]["read"]) == json.loads(
        page.get_data(as_text=True))
    refused = call(app.test_client(), "GET", f"/api/v1/plans/{demo_id}/file",
                   tokens["outsider"]["read"])
    assert refused.status_code == 404


def test_a_file_made_a_plan_reads_back_the_same_and_once_per_key(app, db, demo_id, tokens):
    client, admin = app.test_client(), tokens["admin"]["write"]
    document = _file(client, demo_id, admin)
    before = _plans(db)
    headers = {"Idempotency-Key": "copy-of-the-demo"}
    made = call(client, "POST", NEW_PLANS, admin, json=document, headers=headers,
                query_string={"name": "Copy of the demo"})
    assert made.status_code == 201, made.get_json()
    new_id = made.get_json()["id"]
    assert made.headers["Location"].endswith(f"/api/v1/plans/{new_id}")
    assert made.get_json()["name"] == "Copy of the demo"
    again = call(client, "POST", NEW_PLANS, admin, json=document, headers=headers,
                 query_string={"name": "Copy of the demo"})
    assert again.status_code == 201 and again.get_json() == made.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _plans(db) == before + 1
    copied = _file(client, new_id, admin)
    assert {**copied, "plan": document["plan"]} == document


def test_a_bad_file_is_refused_with_each_path_and_nothing_saved(app, db, demo_id, tokens):
    client, admin = app.test_client(), tokens["admin"]["write"]
    document = copy.deepcopy(_file(client, demo_id, admin))
    document["budget"] = -5
    document["initiatives"][1]["confidence"] = "sure"
    before = _plans(db)
    refused = call(client, "POST", NEW_PLANS, admin, json=document)
    assert refused.status_code == 422
    fields = {error["field"] for error in refused.get_json()["errors"]}
    wanted = f'initiatives[1] (id "{document["initiatives"][1]["id"]}").confidence'
    assert {"budget", wanted} <= fields, fields
    text = call(client, "POST", NEW_PLANS, admin, data='{"plan": "x", "budget": NaN}',
                headers={"Content-Type": "application/json"})
    assert text.status_code == 422 and "budget" in {
        error["field"] for error in text.get_json()["errors"]}
    assert call(client, "POST", NEW_PLANS, admin, data="plan",
                headers={"Content-Type": "text/plain"}).status_code == 415
    assert call(client, "POST", NEW_PLANS, tokens["lead"]["write"],
                json=document).status_code == 403  # the admin's page alone
    assert _plans(db) == before


def test_a_file_imported_into_a_plan_is_previewed_then_confirmed(app, db, demo_id, tokens):
    client, lead = app.test_client(), tokens["lead"]["write"]
    document = copy.deepcopy(_file(client, demo_id, lead))
    first = document["initiatives"][0]
    first["name"] = "Renamed by the API"
    document["initiatives"].append({**document["initiatives"][2], "id": "api-new",
                                    "name": "Made by the API"})
    url = f"/api/v1/plans/{demo_id}/import"
    assert call(client, "POST", url, tokens["viewer"]["write"], json=document
                ).status_code == 403
    preview = call(client, "POST", url, lead, json=document)
    assert preview.status_code == 201, preview.get_json()
    seen = preview.get_json()
    assert seen["added"]["initiatives"] == ["api-new"]
    assert seen["changed"]["initiatives"] == {first["id"]: ["name"]}
    assert seen["changes"] == 2 and "plan" in seen["ignored"]
    kept = call(client, "GET", preview.headers["Location"], lead)
    assert kept.status_code == 200 and kept.get_json() == seen
    confirm = f"{url}/{seen['token']}/confirm"
    headers = {"Idempotency-Key": "confirm-once"}
    started = call(client, "POST", confirm, lead, headers=headers)
    assert started.status_code == 202, started.get_json()
    assert started.headers["Location"].endswith(f"/jobs/{started.get_json()['id']}")
    replayed = call(client, "POST", confirm, lead, headers=headers)
    assert replayed.status_code == 202 and replayed.get_json() == started.get_json()
    db.rollback()
    assert db.exec(select(func.count()).select_from(Job).where(Job.kind == "import")).one() == 1
    assert db.get(Job, started.get_json()["id"]).status == "done"
    names = dict(db.exec(select(Initiative.key, Initiative.name).where(
        Initiative.plan_id == demo_id)).all())
    assert names[first["id"]] == "Renamed by the API" and names["api-new"] == "Made by the API"
    assert call(client, "GET", preview.headers["Location"], lead).status_code == 404
    same = call(client, "POST", url, lead, json=document)
    assert same.status_code == 200 and same.get_json()["token"] is None


def test_an_import_that_breaks_the_plans_rules_names_the_entry(app, db, demo_id, tokens):
    client, lead = app.test_client(), tokens["lead"]["write"]
    document = copy.deepcopy(_file(client, demo_id, lead))
    document["resources"] = [*document.get("resources", []),
                             {"id": "robots", "name": "Robots", "capacity": 3}]
    document["initiatives"][3]["uses"] = {"robots": 1}
    refused = call(client, "POST", f"/api/v1/plans/{demo_id}/import", lead, json=document)
    assert refused.status_code == 422, refused.get_json()
    assert any(error["field"] == "initiatives[3].uses.robots"
               for error in refused.get_json()["errors"]), refused.get_json()
    db.rollback()
    assert db.exec(select(func.count()).select_from(PendingImport)).one() == 0


def test_a_kept_preview_is_cancelled(app, db, demo_id, tokens):
    client, lead = app.test_client(), tokens["lead"]["write"]
    document = copy.deepcopy(_file(client, demo_id, lead))
    document["initiatives"][0]["name"] = "Never imported"
    preview = call(client, "POST", f"/api/v1/plans/{demo_id}/import", lead, json=document)
    assert call(client, "DELETE", preview.headers["Location"], lead).status_code == 204
    assert call(client, "GET", preview.headers["Location"], lead).status_code == 404
    db.rollback()
    assert db.exec(select(func.count()).select_from(PendingImport)).one() == 0
