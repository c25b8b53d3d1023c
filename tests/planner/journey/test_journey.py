"""The journey map, moments of truth and influences."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from models import Influence, Initiative, InitiativeEffect, Moment, Stage
from tests.webapp import page_text

MOMENT = {"key": "parking", "name": "Easy parking at the store", "stage_id": "0",
          "side": "front", "weight": "4", "headroom": "20", "category": "revenue",
          "score": "52", "version": ""}


def _moment(db, key: str) -> Moment:
    db.rollback()
    return db.exec(select(Moment).where(Moment.key == key)).one()


def test_journey_shows_stages_as_columns_and_moment_cards(client, demo_id):
    response = client.get(f"/plans/{demo_id}/journey")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    stages = re.findall(r'<section class="stage"', html)
    assert len(stages) == 5
    text = page_text(response)
    assert text.index("Discover") < text.index("Visit the store") < text.index("After purchase")
    assert "Greeted within 30 seconds" in text and "weight 6" in text
    assert "baseline score 48" in text
    assert "Door greeter at peak hours" in text  # an initiative that moves a moment
    assert "No run yet" in text


def test_back_stage_steps_are_distinct_and_list_what_they_feed(client, demo_id):
    html = client.get(f"/plans/{demo_id}/journey").get_data(as_text=True)
    back_cards = html.split('<article class="card back">')[1:]
    assert len(back_cards) == 3
    rota = next(card for card in back_cards if "staff rota matches footfall" in card)
    for fed in ("Greeted within 30 seconds", "Checkout queue under 3 minutes",
                "Fitting room clean and attended"):
        assert fed in rota.split("</article>")[0]


def test_focus_moments_of_the_latest_run_are_marked(client, demo_id):
    client.post(f"/plans/{demo_id}/runs", data={})
    html = client.get(f"/plans/{demo_id}/journey").get_data(as_text=True)
    focus_cards = html.split('<article class="card focus">')[1:]
    assert len(focus_cards) == 3
    names = [card.split("</h3>")[0] for card in focus_cards]
    assert any("Refund or exchange without a fight" in name for name in names)
    assert all("FOCUS" in card.split("</article>")[0] for card in focus_cards)


def test_create_moment(client, db, demo_id):
    assert client.get(f"/plans/{demo_id}/moments/new").status_code == 200
    stage = db.exec(select(Stage).where(Stage.key == "visit")).one()
    response = client.post(f"/plans/{demo_id}/moments/new", data={**MOMENT, "stage_id": stage.id})
    assert response.status_code == 302
    moment = _moment(db, "parking")
    assert (moment.stage_id, moment.weight, moment.headroom, moment.category, moment.score) == (
        stage.id, 4, 20, "revenue", 52)


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "This field is required"),
    ("key", "greet", "already used"),
    ("weight", "nan", "finite"),
    ("weight", "-1", "at least 0"),
    ("headroom", "0", "greater than 0"),
    ("score", "Infinity", "finite"),
    ("side", "sideways", "Not a valid choice"),
    ("category", "fun", "Not a valid choice"),
    ("stage_id", "9999", "Not a valid choice"),
])
def test_moment_bad_input(client, db, demo_id, field, value, message):
    response = client.post(f"/plans/{demo_id}/moments/new", data={**MOMENT, field: value})
    assert response.status_code == 422
    assert message in page_text(response)
    assert 'value="Easy parking at the store"' in response.get_data(as_text=True) or field == "name"
    assert db.exec(select(Moment).where(Moment.key == "parking")).first() is None


def test_edit_moment(client, db, demo_id):
    moment = _moment(db, "greet")
    form = client.get(f"/plans/{demo_id}/moments/{moment.id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in form
    data = {**MOMENT, "key": "greet", "name": "Greeted warmly", "version": "1",
            "stage_id": moment.stage_id}
    assert client.post(f"/plans/{demo_id}/moments/{moment.id}/edit", data=data).status_code == 302
    moment = _moment(db, "greet")
    assert (moment.name, moment.version) == ("Greeted warmly", 2)


def test_stale_moment_save_is_a_conflict_not_an_overwrite(client, db, demo_id):
    moment = _moment(db, "greet")
    first = {**MOMENT, "key": "greet", "name": "First edit", "version": "1"}
    second = {**MOMENT, "key": "greet", "name": "Second edit", "version": "1"}
    assert client.post(f"/plans/{demo_id}/moments/{moment.id}/edit", data=first).status_code == 302
    response = client.post(f"/plans/{demo_id}/moments/{moment.id}/edit", data=second)
    assert response.status_code == 409
    assert "Someone else saved this" in page_text(response)
    assert 'value="Second edit"' in response.get_data(as_text=True)
    assert _moment(db, "greet").name == "First edit"


def test_delete_unused_moment(client, db, demo_id):
    client.post(f"/plans/{demo_id}/moments/new", data=MOMENT)
    moment_id = _moment(db, "parking").id
    ask = client.get(f"/plans/{demo_id}/moments/{moment_id}/delete")
    assert "No initiative moves this moment" in page_text(ask)
    assert client.post(f"/plans/{demo_id}/moments/{moment_id}/delete").status_code == 302
    db.rollback()
    assert db.get(Moment, moment_id) is None


def test_delete_moment_asks_and_removes_effects_without_dangling_rows(client, db, demo_id):
    thanks_id = _moment(db, "thanks").id  # moved by greeter, music, loyaltyapp and bagging
    ask = client.get(f"/plans/{demo_id}/moments/{thanks_id}/delete")
    # bagging moves only "thanks", so the delete is refused until it is changed.
    assert "cannot be deleted yet" in page_text(ask) and "Fold-and-bag standard" in page_text(ask)
    refused = client.post(f"/plans/{demo_id}/moments/{thanks_id}/delete")
    assert refused.status_code == 409
    db.rollback()
    assert db.get(Moment, thanks_id) is not None
    bagging = db.exec(select(Initiative).where(Initiative.key == "bagging")).one()
    client.post(f"/plans/{demo_id}/initiatives/{bagging.id}/delete")
    ask = client.get(f"/plans/{demo_id}/moments/{thanks_id}/delete")
    assert "removes that effect" in page_text(ask) and "Door greeter" in page_text(ask)
    assert client.post(f"/plans/{demo_id}/moments/{thanks_id}/delete").status_code == 302
    db.rollback()
    effects = select(InitiativeEffect).where(InitiativeEffect.moment_id == thanks_id)
    assert db.exec(effects).all() == []
    greeter = db.exec(select(Initiative).where(Initiative.key == "greeter")).one()
    assert len(db.exec(select(InitiativeEffect).where(
        InitiativeEffect.initiative_id == greeter.id)).all()) == 1
    # The plan still solves: nothing points at the deleted moment.
    assert client.post(f"/plans/{demo_id}/runs", data={}).status_code == 302


def test_deleting_a_back_stage_step_removes_its_influences(client, db, demo_id):
    rota_step = _moment(db, "rota").id
    rota_work = db.exec(select(Initiative).where(Initiative.key == "rota")).one().id
    client.post(f"/plans/{demo_id}/initiatives/{rota_work}/delete")
    assert client.post(f"/plans/{demo_id}/moments/{rota_step}/delete").status_code == 302
    db.rollback()
    assert db.get(Moment, rota_step) is None
    assert db.exec(select(Influence).where(Influence.source_id == rota_step)).all() == []


def test_influence_create_edit_delete(client, db, demo_id):
    approvals, thanks_id = _moment(db, "approvals").id, _moment(db, "thanks").id
    data = {"source_id": approvals, "target_id": thanks_id, "factor": "0.3"}
    assert client.get(f"/plans/{demo_id}/influences/new").status_code == 200
    assert client.post(f"/plans/{demo_id}/influences/new", data=data).status_code == 302
    db.rollback()
    influence = db.exec(select(Influence).where(Influence.target_id == thanks_id)).one().id
    url = f"/plans/{demo_id}/influences/{influence}/edit"
    assert 'name="version" type="hidden" value="1"' in client.get(url).get_data(as_text=True)
    response = client.post(url, data={**data, "factor": "0.9", "version": "1"})
    assert response.status_code == 302
    db.rollback()
    assert db.get(Influence, influence).factor == 0.9
    assert client.post(f"/plans/{demo_id}/influences/{influence}/delete").status_code == 302
    db.rollback()
    assert db.get(Influence, influence) is None


@pytest.mark.parametrize("version", ["1", "", None, "99999999999999999999999999", "-1", "x"])
def test_a_stale_or_versionless_influence_save_is_refused(client, db, demo_id, version):
    influence = db.exec(select(Influence)).first()
    url = f"/plans/{demo_id}/influences/{influence.id}/edit"
    data = {"source_id": influence.source_id, "target_id": influence.target_id,
            "factor": "0.25"}
    if version == "1":  # someone else saved first: the form's version 1 is stale
        assert client.post(url, data={**data, "factor": "0.75", "version": "1"}
                           ).status_code == 302
    if version is not None:
        data["version"] = version
    response = client.post(url, data=data)
    assert response.status_code == 409
    assert "Someone else saved this" in page_text(response)
    assert 'value="0.25"' in response.get_data(as_text=True)  # the input is kept
    db.rollback()
    assert db.get(Influence, influence.id).factor != 0.25


@pytest.mark.parametrize("change, message", [
    ({"factor": "0"}, "greater than 0"),
    ({"factor": "1.5"}, "1 or less"),
    ({"factor": "nan"}, "finite"),
    ({"target": "self"}, "cannot feed itself"),
    ({"target": "existing"}, "already feeds"),
])
def test_influence_bad_input(client, db, demo_id, change, message):
    replenish, instock, thanks = (_moment(db, k).id for k in ("replenish", "instock", "thanks"))
    target = {"self": replenish, "existing": instock}.get(change.get("target"), thanks)
    data = {"source_id": replenish, "target_id": target, "factor": change.get("factor", "0.5")}
    before = len(db.exec(select(Influence)).all())
    response = client.post(f"/plans/{demo_id}/influences/new", data=data)
    assert response.status_code == 422
    assert message in page_text(response)
    db.rollback()
    assert len(db.exec(select(Influence)).all()) == before


def test_a_chain_is_taken_and_a_cycle_refused_naming_its_steps(client, db, demo_id):
    approvals, rota = _moment(db, "approvals").id, _moment(db, "rota").id
    chain = client.post(f"/plans/{demo_id}/influences/new",
                        data={"source_id": approvals, "target_id": rota, "factor": "50%"})
    assert chain.status_code == 302  # approvals feed the rota, which feeds the greeting
    db.rollback()
    before = len(db.exec(select(Influence)).all())
    cycle = client.post(f"/plans/{demo_id}/influences/new",
                        data={"source_id": rota, "target_id": approvals, "factor": "0.5"})
    assert cycle.status_code == 422
    names = {m.key: m.name for m in db.exec(select(Moment)).all()}
    assert (f'That would make a cycle: "{names["rota"]}" feeds "{names["approvals"]}" feeds '
            f'"{names["rota"]}". A step cannot feed, through others, back into itself.'
            in page_text(cycle))
    db.rollback()
    assert len(db.exec(select(Influence)).all()) == before


def test_the_journey_names_each_chain_of_steps_and_what_it_multiplies_to(client, db, demo_id):
    approvals, rota = _moment(db, "approvals").id, _moment(db, "rota").id
    client.post(f"/plans/{demo_id}/influences/new",
                data={"source_id": approvals, "target_id": rota, "factor": "50%"})
    names = {m.key: m.name for m in db.exec(select(Moment)).all()}
    text = page_text(client.get(f"/plans/{demo_id}/journey"))
    # approvals feed the rota (x0.5), which feeds the greeting (x0.6), the queue (x0.5)
    # and the fitting room (x0.4): three chains of two steps
    for target, factor in (("greet", "0.3"), ("queue", "0.25"), ("fitting", "0.2")):
        assert f"→ {names['rota']} → {names[target]} ×{factor}" in text
        card = text.split(f"{names[target]} owner:")[1].split(" owner:")[0]
        assert f"and along chains: {names['approvals']} → {names['rota']} (×{factor})" in card
    rota_card = text.split(f"{names['rota']} owner:")[1].split(" owner:")[0]
    assert f"fed by {names['approvals']} (×0.5)" in rota_card
    # a moment fed directly only names no chain
    assert "and along chains" not in text.split(f"{names['returns']} owner:")[1].split(
        " owner:")[0]
