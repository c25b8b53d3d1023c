"""A person works with names: IDs are made from them when left empty, and flashes, titles,
lists and pickers speak of stages, moments and initiatives by name."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from models import Moment, Resource, Scenario, Stage
from tests.webapp import page_text

MOMENT = {"key": "", "name": "Account opening", "stage_id": "0", "side": "front",
          "weight": "2", "headroom": "", "category": "bond", "score": ""}


def _row(db, model, name: str):
    db.rollback()
    return db.exec(select(model).where(model.name == name)).one()


def test_a_moment_without_an_id_gets_one_from_its_name(client, db, demo_id):
    response = client.post(f"/plans/{demo_id}/moments/new", data=MOMENT, follow_redirects=True)
    assert 'Moment "Account opening" added.' in page_text(response)
    assert _row(db, Moment, "Account opening").key == "account-opening"
    # The same name again gets an ID of its own.
    client.post(f"/plans/{demo_id}/moments/new", data=MOMENT)
    db.rollback()
    keys = db.exec(select(Moment.key).where(Moment.name == "Account opening")).all()
    assert sorted(keys) == ["account-opening", "account-opening-2"]


def test_an_id_with_a_space_says_the_space_is_the_problem(client, db, demo_id):
    response = client.post(f"/plans/{demo_id}/moments/new",
                           data={**MOMENT, "key": "Account opening"})
    assert response.status_code == 422
    assert ('An ID has no spaces: try "account-opening", or leave it empty to have one made '
            "from the name (letters, digits") in page_text(response)


@pytest.mark.parametrize(("kind", "model", "data", "key"), [
    ("stages", Stage, {"key": "", "name": "After the sale"}, "after-the-sale"),
    ("resources", Resource, {"key": "", "name": "Field engineers", "capacity": "12",
                             "unit": "weeks"}, "field-engineers"),
])
def test_stages_and_resources_get_ids_from_names_and_are_named_in_flashes(
        client, db, demo_id, kind, model, data, key):
    response = client.post(f"/plans/{demo_id}/{kind}/new", data=data, follow_redirects=True)
    singular = kind[:-1].capitalize()
    assert f'{singular} "{data["name"]}" added.' in page_text(response)
    row = _row(db, model, data["name"])
    assert row.key == key
    confirm = client.get(f"/plans/{demo_id}/{kind}/{row.id}/delete")
    assert f'Delete {kind[:-1]} "{data["name"]}"?' in page_text(confirm)


def test_a_resource_needs_a_name_or_an_id(client, db, demo_id):
    response = client.post(f"/plans/{demo_id}/resources/new",
                           data={"key": "", "name": "", "capacity": "3", "unit": ""})
    assert response.status_code == 422
    assert "Give it a name or an ID." in page_text(response)


def test_the_influence_form_defaults_to_a_step_and_a_different_moment(client, db, demo_id):
    html = client.get(f"/plans/{demo_id}/influences/new").get_data(as_text=True)

    def first_choice(name: str) -> str:
        select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
        return re.search(r'<option[^>]*value="(\d+)"', select_html.group(1)).group(1)

    source, target = first_choice("source_id"), first_choice("target_id")
    assert source != target
    db.rollback()
    assert db.get(Moment, int(target)).side == "front"
    response = client.post(f"/plans/{demo_id}/influences/new", follow_redirects=True,
                           data={"source_id": source, "target_id": target, "factor": "50%"})
    step, moment = db.get(Moment, int(source)), db.get(Moment, int(target))
    assert f'Influence added: "{step.name}" feeds "{moment.name}".' in page_text(response)


def test_a_scenario_takes_initiatives_by_name_one_per_line(client, db, demo_id):
    response = client.post(f"/plans/{demo_id}/scenarios/new", data={
        "name": "By name", "force_in": "self-checkout KIOSKS\nrota",
        "force_out": "Door greeter at peak hours"})
    assert response.status_code == 302, page_text(response)
    db.rollback()
    scenario = db.exec(select(Scenario).where(Scenario.name == "By name")).one()
    assert scenario.overrides["decisions"] == {"greeter": "reject", "rota": "fund",
                                               "selfcheck": "fund"}


def test_the_initiative_list_names_moments(client, demo_id):
    text = page_text(client.get(f"/plans/{demo_id}/initiatives"))
    assert "Back room: stock replenishment +18" in text
