"""Initiatives: the list, the per-plan form (costs per period, uses, effects, links)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import Initiative, InitiativeLink, Moment, Period, Resource
from models.planfile import Keys, initiative_document, load_plan_rows
from tests.webapp import page_text


def _ids(db, model) -> dict[str, int]:
    return {row.key: row.id for row in db.exec(select(model)).all()}


def _form(db, **changes) -> dict:
    moments, periods, resources = _ids(db, Moment), _ids(db, Period), _ids(db, Resource)
    data = {"key": "", "name": "Queue-busting tablets", "team": "Stores", "confidence": "0.8",
            "decision": "auto", "reason": "", "benefit": "20000", "note": "pilot in 5 stores",
            "version": "", f"cost_{periods['H1']}": "30000", f"cost_{periods['H2']}": "5000",
            f"use_{resources['it']}": "2", f"effect_{moments['queue']}": "6",
            f"effect_{moments['greet']}": "1"}
    for name, value in changes.items():
        if name.startswith(("effect:", "cost:", "use:")):
            kind, key = name.split(":")
            table = {"effect": moments, "cost": periods, "use": resources}[kind]
            name = f"{kind}_{table[key]}"
        data[name] = value
    return data


def _document(db, key: str) -> dict:
    db.rollback()
    initiative = db.exec(select(Initiative).where(Initiative.key == key)).one()
    plan = load_plan_rows(db, initiative.plan_id)
    return initiative_document(next(i for i in plan.initiatives if i.key == key), Keys(plan))


def test_list_shows_every_initiative_with_cost_and_moments(client, demo_id):
    response = client.get(f"/plans/{demo_id}/initiatives")
    assert response.status_code == 200
    text = page_text(response)
    assert "15 initiatives" in text
    assert "RFID stock visibility" in text and "180,000" in text
    assert "Back room: stock replenishment +18" in text  # moments by name, not ID
    assert "no run yet" in text


def test_list_filters_by_team_and_moment(client, demo_id):
    team = page_text(client.get(f"/plans/{demo_id}/initiatives?team=IT"))
    assert "3 initiatives" in team and "Self-checkout kiosks" in team
    assert "Door greeter" not in team
    moved = page_text(client.get(f"/plans/{demo_id}/initiatives?moment=queue"))
    assert "2 initiatives" in moved and "Mobile point-of-sale" in moved


def test_form_has_one_field_per_moment_period_and_resource(client, db, demo_id):
    html = client.get(f"/plans/{demo_id}/initiatives/new").get_data(as_text=True)
    for key, moment_id in _ids(db, Moment).items():
        assert f'name="effect_{moment_id}"' in html, key
    for period_id in _ids(db, Period).values():
        assert f'name="cost_{period_id}"' in html
    for resource_id in _ids(db, Resource).values():
        assert f'name="use_{resource_id}"' in html


def test_create_initiative_with_costs_uses_effects_and_links(client, db, demo_id):
    ids = _ids(db, Initiative)
    data = _form(db, requires=[ids["mobilepos"]], excludes=[ids["selfcheck"]])
    response = client.post(f"/plans/{demo_id}/initiatives/new", data=data)
    assert response.status_code == 302
    assert _document(db, "queue-busting-tablets") == {
        "id": "queue-busting-tablets", "name": "Queue-busting tablets", "team": "Stores",
        "cost": {"H1": 30000.0, "H2": 5000.0}, "uses": {"it": 2.0},
        "effects": {"greet": 1.0, "queue": 6.0}, "confidence": 0.8, "decision": "auto",
        "requires": ["mobilepos"], "excludes": ["selfcheck"], "benefit": 20000.0,
        "note": "pilot in 5 stores"}


def test_initiative_in_a_plan_without_periods_has_one_cost(client, db):
    client.post("/plans/new", data={"name": "Small", "currency": "EUR", "max_focus": "3"})
    plan_id = 1
    client.post(f"/plans/{plan_id}/moments/new", data={
        "key": "greet", "name": "Greeted", "stage_id": "0", "side": "front", "weight": "2",
        "category": "", "headroom": "", "score": ""})
    html = client.get(f"/plans/{plan_id}/initiatives/new").get_data(as_text=True)
    assert 'name="cost"' in html
    moment_id = _ids(db, Moment)["greet"]
    response = client.post(f"/plans/{plan_id}/initiatives/new", data={
        "key": "smile", "name": "Smile training", "cost": "1200.5", "confidence": "1",
        "decision": "auto", f"effect_{moment_id}": "3"})
    assert response.status_code == 302
    assert _document(db, "smile")["cost"] == 1200.5


@pytest.mark.parametrize("changes, message", [
    ({"effect:queue": "", "effect:greet": ""}, "at least one moment an uplift above 0"),
    ({"effect:queue": "0", "effect:greet": "0"}, "at least one moment an uplift above 0"),
    ({"effect:queue": "-3"}, "at least 0"),
    ({"effect:queue": "nan"}, "finite"),
    ({"cost:H1": "inf"}, "finite"),
    ({"cost:H1": "1e309"}, "finite"),
    ({"cost:H1": "-100"}, "at least 0"),
    ({"cost:H1": "a lot"}, "Enter a number"),
    ({"use:it": "-1"}, "at least 0"),
    ({"confidence": "0"}, "greater than 0"),
    ({"confidence": "1.2"}, "1 or less"),
    ({"confidence": ""}, "required"),
    ({"name": "  "}, "required"),
    ({"decision": "reject"}, "Say why it is forced in or out"),
    ({"decision": "maybe"}, "Not a valid choice"),
    ({"key": "rfid"}, "already used"),
    ({"key": "bad key!"}, "An ID has no spaces"),
    ({"key": "bad!"}, "letters, digits"),
    ({"requires": ["99999"]}, "not a valid choice"),
])
def test_bad_input_is_a_message_at_the_field_and_nothing_is_saved(client, db, demo_id,
                                                                   changes, message):
    before = len(db.exec(select(Initiative)).all())
    response = client.post(f"/plans/{demo_id}/initiatives/new", data=_form(db, **changes))
    assert response.status_code == 422
    text = page_text(response)
    assert message in text
    assert "nothing was saved" in text
    html = response.get_data(as_text=True)
    assert 'value="Stores"' in html  # the user's input is kept
    db.rollback()
    assert len(db.exec(select(Initiative)).all()) == before


def test_requiring_and_excluding_the_same_initiative_is_refused(client, db, demo_id):
    other = _ids(db, Initiative)["rfid"]
    response = client.post(f"/plans/{demo_id}/initiatives/new",
                           data=_form(db, requires=[other], excludes=[other]))
    assert response.status_code == 422
    assert "both require and exclude" in page_text(response)


def test_edit_initiative_fills_the_form_and_saves_changes(client, db, demo_id):
    rfid = _ids(db, Initiative)["rfid"]
    html = client.get(f"/plans/{demo_id}/initiatives/{rfid}/edit").get_data(as_text=True)
    assert 'value="RFID stock visibility"' in html and 'value="120000"' in html
    replenish = _ids(db, Moment)["replenish"]
    assert f'name="effect_{replenish}" type="text" value="18"' in html
    data = _form(db, key="rfid", name="RFID everywhere", version="1", decision="fund",
                 reason="board decision")
    assert client.post(f"/plans/{demo_id}/initiatives/{rfid}/edit", data=data).status_code == 302
    document = _document(db, "rfid")
    assert (document["name"], document["decision"], document["reason"]) == (
        "RFID everywhere", "fund", "board decision")
    assert document["effects"] == {"greet": 1.0, "queue": 6.0}
    db.rollback()
    assert db.get(Initiative, rfid).version == 2


def test_stale_initiative_save_is_a_conflict_not_an_overwrite(client, db, demo_id):
    rfid = _ids(db, Initiative)["rfid"]
    url = f"/plans/{demo_id}/initiatives/{rfid}/edit"
    first = client.post(url, data=_form(db, key="rfid", name="Alice's", version="1"))
    assert first.status_code == 302
    response = client.post(url, data=_form(db, key="rfid", name="Bob's", version="1"))
    assert response.status_code == 409
    assert "Someone else saved this" in page_text(response)
    assert "Bob&#39;s" in response.get_data(as_text=True)
    assert _document(db, "rfid")["name"] == "Alice's"


def test_delete_initiative_removes_links_to_it(client, db, demo_id):
    rfid = _ids(db, Initiative)["rfid"]
    ask = client.get(f"/plans/{demo_id}/initiatives/{rfid}/delete")
    assert ask.status_code == 200 and "lose that link" in page_text(ask)
    assert client.post(f"/plans/{demo_id}/initiatives/{rfid}/delete").status_code == 302
    db.rollback()
    assert db.get(Initiative, rfid) is None
    assert db.exec(select(InitiativeLink).where(InitiativeLink.other_id == rfid)).all() == []
    assert "requires" not in _document(db, "autoreplen")


def test_initiative_of_another_plan_is_not_found(client, demo_id):
    client.post("/plans/new", data={"name": "Other", "currency": "EUR", "max_focus": "3"})
    assert client.get("/plans/2/initiatives/1/edit").status_code == 404


def test_new_initiative_without_moments_sends_the_user_to_the_journey(client):
    client.post("/plans/new", data={"name": "Empty", "currency": "EUR", "max_focus": "3"})
    response = client.get("/plans/1/initiatives/new")
    assert response.status_code == 302 and "/moments/new" in response.headers["Location"]


@pytest.mark.parametrize("selected", [True, False])
@pytest.mark.parametrize(("value", "label"), [(5, "Rota <b> & 'all' \"stores\""), (7, ""),
                                              ('a"b', None), (3, "x")])
def test_the_quick_option_list_writes_what_wtforms_writes(value, label, selected):
    """The requires and excludes lists (every other initiative) are written by ManyOptions,
    a quicker way to the same HTML, escaping included."""
    from wtforms.fields.choices import SelectChoice
    from wtforms.widgets import Select

    from planner.forms import ManyOptions

    choice = SelectChoice(value, label)
    choice.selected = selected
    assert ManyOptions.render_option(choice) == Select.render_option(choice)
    choice.render_kw = {"disabled": True}
    assert ManyOptions.render_option(choice) == Select.render_option(choice)
