"""Ranges through the forms: an initiative's cost and uplifts (the CX lead's and a team
member's proposal alike), a moment's weight, and the plan's default shares. Each is typed in
one box ("30-45k"), saved to its columns, shown back when editing, and refused with the
field named and nothing saved when it leaves out its estimate or runs down."""

from __future__ import annotations

from sqlmodel import select

from models import Initiative, InitiativeEffect, Moment, Plan
from tests.planner.accounts.test_access import PEOPLE, people  # noqa: F401 (a fixture)
from tests.planner.initiatives.test_initiatives import _form, _ids
from tests.webapp import page_text, signed_in_client

MOMENT = {"key": "", "name": "Parcel arrives", "stage_id": "0", "side": "front",
          "weight": "3", "headroom": "", "category": "", "score": "", "owner": "",
          "version": ""}
PLAN = {"name": "Retail stores FY2027", "currency": "EUR", "budget": "", "max_focus": "3",
        "horizon_years": "", "discount_rate": "", "number_style": "point", "version": "1"}


def _ranged(db, **changes) -> dict:
    """The initiative form (costs 30,000 + 5,000; uplifts queue 6, greet 1) with ranges."""
    moments = _ids(db, Moment)
    data = _form(db, key="tablets", **{k: v for k, v in changes.items() if ":" not in k})
    data["cost_range"] = changes.get("cost_range", "30-45k")
    for name, value in changes.items():
        if name.startswith("range:"):
            data[f"range_{moments[name.split(':')[1]]}"] = value
    return data


def _saved(db, key: str = "tablets") -> Initiative | None:
    db.rollback()
    return db.exec(select(Initiative).where(Initiative.key == key)).first()


def test_an_initiatives_ranges_are_saved_and_shown_back(client, db, demo_id):
    data = _ranged(db, **{"range:queue": "4 - 8 pts", "range:greet": "1..2"})
    assert client.post(f"/plans/{demo_id}/initiatives/new", data=data).status_code == 302
    made = _saved(db)
    assert (made.cost_low, made.cost_high) == (30_000, 45_000)
    moments = {m: k for k, m in _ids(db, Moment).items()}
    assert {moments[e.moment_id]: (e.uplift, e.low, e.high) for e in made.effects} == {
        "queue": (6, 4, 8), "greet": (1, 1, 2)}
    html = client.get(f"/plans/{demo_id}/initiatives/{made.id}/edit").get_data(as_text=True)
    assert 'name="cost_range" type="text" value="30000 - 45000"' in html
    assert f'name="range_{_ids(db, Moment)["queue"]}" type="text" value="4 - 8"' in html
    # Emptied, the ranges are gone; the uplifts stay.
    data = _ranged(db, cost_range="", version=str(made.version),
                   **{"range:queue": "", "range:greet": "1-2"})
    assert client.post(f"/plans/{demo_id}/initiatives/{made.id}/edit",
                       data=data).status_code == 302
    made = _saved(db)
    assert (made.cost_low, made.cost_high) == (None, None)
    assert {(e.uplift, e.low, e.high) for e in made.effects} == {(6, None, None), (1, 1, 2)}


def test_a_range_that_leaves_out_its_estimate_is_refused_naming_the_field(client, db,
                                                                          demo_id):
    for changes, words in (
            ({"cost_range": "40-45k"}, "The range 40,000 to 45,000 leaves out the estimate "
                                       "itself, 35,000"),
            ({"cost_range": "45-30k"}, '"45-30k" runs from 45,000 down to 30,000'),
            ({"cost_range": "-5-45k"}, "Must be at least 0."),
            ({"range:queue": "7-9"}, "The range 7 to 9 leaves out the estimate itself, 6"),
            ({"range:thanks": "1-3"}, "Give the uplift itself first: a range is around it."),
            ({"range:queue": "4-8%"}, '"4%" is a percentage; this field is points')):
        response = client.post(f"/plans/{demo_id}/initiatives/new",
                               data=_ranged(db, **changes))
        assert response.status_code == 422, changes
        text = page_text(response)
        assert words in text and "nothing was saved" in text.lower(), changes
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
        assert _saved(db) is None, changes


def test_a_team_member_proposes_with_ranges(app, db, demo_id, people):  # noqa: F811
    client = signed_in_client(app, PEOPLE["team"])
    data = _ranged(db, team="IT", **{"range:queue": "5-9"})
    del data["decision"], data["reason"]
    assert client.post(f"/plans/{demo_id}/initiatives/new", data=data).status_code == 302
    made = _saved(db)
    assert (made.team, made.cost_low, made.cost_high) == ("IT", 30_000, 45_000)
    assert {(e.uplift, e.low, e.high) for e in made.effects} == {(6, 5, 9), (1, None, None)}
    refused = client.post(f"/plans/{demo_id}/initiatives/{made.id}/edit",
                          data={**data, "cost_range": "36-40k", "version": "1"})
    assert refused.status_code == 422
    assert "leaves out the estimate itself, 35,000" in page_text(refused)
    assert (_saved(db).cost_low, _saved(db).cost_high) == (30_000, 45_000)


def test_a_moments_weight_range_is_saved_shown_back_and_checked(client, db, demo_id):
    assert client.post(f"/plans/{demo_id}/moments/new",
                       data={**MOMENT, "weight_range": "2 to 4"}).status_code == 302
    db.rollback()
    moment = db.exec(select(Moment).where(Moment.name == "Parcel arrives")).one()
    assert (moment.weight, moment.weight_low, moment.weight_high) == (3, 2, 4)
    url = f"/plans/{demo_id}/moments/{moment.id}/edit"
    assert 'name="weight_range" type="text" value="2 - 4"' in client.get(url).get_data(
        as_text=True)
    refused = client.post(url, data={**MOMENT, "weight_range": "4-6", "version": "1"})
    assert refused.status_code == 422
    assert "The range 4 to 6 leaves out the estimate itself, 3" in page_text(refused)
    db.rollback()
    assert (db.get(Moment, moment.id).weight_low, db.get(Moment, moment.id).version) == (2, 1)


def test_the_plans_default_shares_are_saved_shown_back_and_checked(client, db, demo_id):
    shares = {"uncertainty_cost": "90% - 130%", "uncertainty_effects": "0.5-1.2",
              "uncertainty_weight": "100-100%"}
    assert client.post(f"/plans/{demo_id}/edit", data={**PLAN, **shares}).status_code == 302
    db.rollback()
    assert db.get(Plan, demo_id).uncertainty == {"cost": [0.9, 1.3], "effects": [0.5, 1.2],
                                                 "weight": [1, 1]}
    html = client.get(f"/plans/{demo_id}/edit").get_data(as_text=True)
    assert 'name="uncertainty_cost" type="text" value="0.9 - 1.3"' in html
    for typed, words in (("90-95%", "The range 90% to 95% leaves out the estimate itself, "
                                    "100%"),
                         ("130-90%", '"130-90%" runs from 130% down to 90%'),
                         ("1,5-2", "leaves out the estimate itself, 100%")):
        refused = client.post(f"/plans/{demo_id}/edit", data={
            **PLAN, "version": "2", "uncertainty_cost": typed, "budget": "1"})
        assert refused.status_code == 422, typed
        assert words in page_text(refused), typed
        db.rollback()
        assert db.get(Plan, demo_id).budget is None, typed  # nothing half-saved
    # Emptied, the plan is certain again.
    assert client.post(f"/plans/{demo_id}/edit", data={**PLAN, "version": "2"}
                       ).status_code == 302
    db.rollback()
    assert db.get(Plan, demo_id).uncertainty is None
    assert db.exec(select(InitiativeEffect)).first() is not None
