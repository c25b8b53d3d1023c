"""Typed numbers of every kind, each through a real form (posted as the CX lead) and
through the import (the text in a spreadsheet cell): the value stored, or the refusal in
the same words on both ways in, nothing saved. The ambiguous ones (`180.000`) are read by
the plan's number style, "point" or "comma", and refused with both readings when it has
none. A table, so that a kind or a way in that reads otherwise fails here."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlmodel import select

from models import Initiative, Measurement, Membership, Moment, PendingImport, Plan, User
from models.planfile import plan_document
from models.queries import team_ids
from planner.amounts import shown_as
from planner.data_io.plan_sheets import plan_sheets
from planner.demo import demo_document
from planner.spreadsheets import workbook_bytes
from tests.planner.initiatives.test_initiatives import _document
from tests.planner.initiatives.test_initiatives import _form as initiative_form
from tests.webapp import nobodys_password_hash, page_text, signed_in_client

AMBIGUOUS = "or choose how numbers are written in the plan's settings"
MONEY = "this field is an amount of money"
# (kind, typed, the plan's number style, the number stored or the words of the refusal)
CASES = [
    ("money", "30000", "", 30000), ("money", "30,000.50", "", 30000.5),
    ("money", "EUR 75,000.00", "", 75000), ("money", "75,000 EUR", "point", 75000),
    ("money", "75,000 EUR", "", '"75,000 EUR" could be 75 or 75,000: write 75 or 75000, '
     + AMBIGUOUS),
    ("money", "75.000 EUR", "comma", 75000), ("money", "75.000 EUR", "point", 75),
    ("money", "180.000", "", '"180.000" could be 180 or 180,000: write 180 or 180000, '
     + AMBIGUOUS),
    ("money", "180.000", "comma", 180000), ("money", "180.000", "point", 180),
    ("money", "1.200.000", "", 1200000), ("money", "25k", "", 25000),
    ("money", "€1.5m", "", 1500000), ("money", "1,5", "", 1.5), ("money", "0,5", "", 0.5),
    ("money", "1 250 000", "", 1250000), ("money", "1.234,5", "", 1234.5),
    ("money", "2,500", "comma", 2.5),
    ("money", "30 pts", "", f'"30 pts" is points; {MONEY}: enter it such as 75,000'),
    ("money", "80 %", "", f'"80 %" is a percentage; {MONEY}'),
    ("money", "75,000 USD", "point", '"75,000 USD" is in USD; this plan counts in EUR'),
    ("money", "about 5", "", "such as 75,000 or 75000 or 50k"),
    ("points", "30 pts", "", 30), ("points", "30 points", "", 30), ("points", "6", "", 6),
    ("points", "2,5", "", 2.5), ("points", "12.5 pt", "", 12.5),
    ("points", "EUR 30", "", '"EUR 30" is money; this field is points'),
    ("points", "30%", "", '"30%" is a percentage; this field is points'),
    ("points", "1.500", "", '"1.500" could be 1.5 or 1,500: write 1.5 or 1500, ' + AMBIGUOUS),
    ("points", "1.500", "point", 1.5), ("points", "1.500", "comma", 1500),
    ("points", "thirty", "", "such as 30 or 30 pts"),
    ("share", "55 %", "", 0.55), ("share", "0.55", "", 0.55), ("share", "80%", "", 0.8),
    ("share", "0,8", "", 0.8), ("share", "100 %", "", 1.0), ("share", "0.125", "", 0.125),
    ("share", "55 pts", "", '"55 pts" is points; this field is a share'),
    ("share", "EUR 0.5", "", '"EUR 0.5" is money; this field is a share'),
    ("share", "likely", "", "such as 55% or 0.55"), ("share", "1.5", "", "1 or less"),
    ("count", "3", "", 3), ("count", "1,000", "", 1000), ("count", "1.000", "", 1000),
    ("count", "1 000", "", 1000), ("count", "2.5", "", "whole number"),
    ("count", "3 pts", "", '"3 pts" is points; this field is a whole number'),
    ("count", "four", "", "such as 3 or 1,000"),
    ("years", "3", "", 3), ("years", "3 years", "", 3), ("years", "5 yrs", "", 5),
    ("years", "10 yr", "", 10),
    ("years", "3 months", "", '"3 months" is months; this field is a number of years'),
    ("years", "3 %", "", '"3 %" is a percentage; this field is a number of years'),
    ("years", "three", "", "such as 3 or 3 years"),
    ("months", "2 FTE-months", "", 2), ("months", "3 months", "", 3), ("months", "1,5", "", 1.5),
    ("months", "2.25", "", 2.25), ("months", "1,500", "comma", 1.5),
    ("months", "1,500", "", '"1,500" could be 1.5 or 1,500: write 1.5 or 1500, ' + AMBIGUOUS),
    ("months", "2 pts", "", '"2 pts" is points; this field is months of work'),
    ("months", "EUR 2", "", '"EUR 2" is money; this field is months of work'),
    ("plain", "2", "", 2), ("plain", "2,5", "", 2.5), ("plain", "1.5", "", 1.5),
    ("plain", "1.250", "point", 1.25), ("plain", "1.250", "comma", 1250),
    ("plain", "1.250", "", '"1.250" could be 1.25 or 1,250: write 1.25 or 1250, ' + AMBIGUOUS),
    ("plain", "2 pts", "", '"2 pts" is points; this field is a plain number'),
    ("plain", "2k", "", '"2k" is an amount in thousands, millions or billions; this field is '
     "a plain number"),
    ("plain", "heavy", "", "such as 2.5 or 1,200"),
]
IDS = [f"{kind}:{typed}:{style or 'unset'}" for kind, typed, style, _ in CASES]
LANGUAGE = {"": None, "point": "en-GB,en;q=0.8", "comma": "de-DE,de;q=0.9"}


@pytest.fixture
def lead(app, db, demo_id):
    """The demo plan's CX lead, signed in."""
    user = User(email="lead@example.com", name="Lea Lead", password_hash=nobodys_password_hash())
    db.add(user)
    db.flush()
    db.add(Membership(user_id=user.id, plan_id=demo_id, role="lead",
                      team_id=team_ids(db, demo_id, [""])[""]))
    db.commit()
    return signed_in_client(app, "lead@example.com")


def _style(db, plan_id: int, style: str) -> None:
    plan = db.get(Plan, plan_id)
    plan.number_style = style
    db.add(plan)
    db.commit()


def _initiative(field: str, read):
    def post(client, db, plan_id, typed, style):
        response = client.post(f"/plans/{plan_id}/initiatives/new",
                               data=initiative_form(db, key="typed", **{field: typed}))
        return response, lambda: read(_document(db, "typed"))
    return post


def _measurement(client, db, plan_id, typed, style):
    moment = db.exec(select(Moment).where(Moment.key == "queue")).one()
    response = client.post(f"/plans/{plan_id}/moments/{moment.id}/measurements",
                           data={"taken_on": "2026-03-31", "score": "50", "n": typed,
                                 "source": "typed"})
    return response, lambda: db.exec(select(Measurement.n).where(
        Measurement.source == "typed")).one()


def _plan_settings(client, db, plan_id, typed, style):
    plan = db.get(Plan, plan_id)
    db.rollback()
    response = client.post(f"/plans/{plan_id}/edit", data={
        "name": plan.name, "currency": "EUR", "budget": "", "max_focus": "3",
        "horizon_years": typed, "discount_rate": "8%", "number_style": style,
        "version": str(plan.version)})
    return response, lambda: db.get(Plan, plan_id).horizon_years


def _moment(client, db, plan_id, typed, style):
    response = client.post(f"/plans/{plan_id}/moments/new", data={
        "key": "typed", "name": "Typed", "side": "front", "stage_id": "0",
        "category": "revenue", "weight": typed, "headroom": "10", "score": ""})
    return response, lambda: db.exec(select(Moment.weight).where(Moment.key == "typed")).one()


FORMS = {  # kind -> the form that takes it, posted; and how to read what it stored
    "money": _initiative("cost:H1", lambda document: document["cost"]["H1"]),
    "points": _initiative("effect:queue", lambda document: document["effects"]["queue"]),
    "share": _initiative("confidence", lambda document: document.get("confidence", 1.0)),
    "months": _initiative("use:it", lambda document: document["uses"]["it"]),
    "count": _measurement,
    "years": _plan_settings,
    "plain": _moment,
}


@pytest.mark.parametrize(("kind", "typed", "style", "outcome"), CASES, ids=IDS)
def test_a_typed_number_through_its_form(lead, db, demo_id, kind, typed, style, outcome):
    if kind != "years":  # the plan settings form says its own style
        _style(db, demo_id, style)
    before = plan_document(db, demo_id)
    db.rollback()
    response, stored = FORMS[kind](lead, db, demo_id, typed, style)
    db.rollback()
    if isinstance(outcome, str):
        assert response.status_code == 422, page_text(response)[-400:]
        text = page_text(response)
        assert outcome in text
        assert len(re.findall(r'class="error"', response.get_data(as_text=True))) == 1
        assert plan_document(db, demo_id) == before
        return
    assert response.status_code == 302, page_text(response)[-600:]
    assert stored() == pytest.approx(outcome)


def _csv(rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode()


IMPORTS = {  # kind -> (list, the file's rows, its column, how to read what it stored)
    "money": ("initiatives", [["id", "name", "cost H1", "effect queue"],
                              ["typed", "Typed", "{}", "5"]], "cost H1",
              lambda db: _document(db, "typed")["cost"]["H1"]),
    "points": ("initiatives", [["id", "name", "cost H1", "effect queue"],
                               ["typed", "Typed", "100", "{}"]], "effect queue",
               lambda db: _document(db, "typed")["effects"]["queue"]),
    "share": ("initiatives", [["id", "name", "cost H1", "effect queue", "confidence"],
                              ["typed", "Typed", "100", "5", "{}"]], "confidence",
              lambda db: _document(db, "typed").get("confidence", 1.0)),
    "months": ("initiatives", [["id", "name", "cost H1", "effect queue", "uses it"],
                               ["typed", "Typed", "100", "5", "{}"]], "uses it",
               lambda db: _document(db, "typed")["uses"]["it"]),
    "count": ("measurements", [["moment", "date", "score", "n", "source"],
                               ["queue", "2026-03-31", "50", "{}", "typed"]], "n",
              lambda db: db.exec(select(Measurement.n).where(
                  Measurement.source == "typed")).one()),
    "plain": ("moments", [["id", "name", "weight"], ["typed", "Typed", "{}"]], "weight",
              lambda db: db.exec(select(Moment.weight).where(Moment.key == "typed")).one()),
}
SHEETS = {"initiatives": "Initiatives", "measurements": "Measurements", "moments": "Moments"}


@pytest.mark.parametrize(("kind", "typed", "style", "outcome"),
                         [case for case in CASES if case[0] != "years"],
                         ids=[i for i, case in zip(IDS, CASES, strict=True)
                              if case[0] != "years"])
def test_a_typed_number_through_the_import(lead, db, demo_id, kind, typed, style, outcome):
    _style(db, demo_id, style)
    table, rows, column, stored = IMPORTS[kind]
    rows = [[cell.format(typed) for cell in row] for row in rows]
    before = plan_document(db, demo_id)
    db.rollback()
    response = lead.post(f"/plans/{demo_id}/import", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(_csv(rows)), "typed.csv"), "table": table})
    if isinstance(outcome, str):
        assert response.status_code == 422, page_text(response)[-400:]
        text = page_text(response)
        assert f'{SHEETS[table]} 2 {column} ' in text  # the problem's sheet, row and column
        assert outcome in text, text[-600:]
        db.rollback()
        assert db.exec(select(PendingImport)).all() == []
        assert plan_document(db, demo_id) == before
        return
    assert response.status_code == 302, page_text(response)[-600:]
    preview = lead.get(response.headers["Location"])
    # the figure as typed, beside it as read
    assert f"{typed} -> {shown_as(outcome, kind)}" in page_text(preview)
    confirmed = lead.post(response.headers["Location"])
    assert confirmed.status_code == 302
    db.rollback()
    assert stored(db) == pytest.approx(outcome)


@pytest.mark.parametrize(("kind", "typed", "style", "outcome"),
                         [case for case in CASES if case[0] in ("years", "money")],
                         ids=[i for i, case in zip(IDS, CASES, strict=True)
                              if case[0] in ("years", "money")])
def test_a_typed_number_in_a_new_plans_workbook(app, client, db, kind, typed, style, outcome):
    """A new plan's workbook has no plan to say its style: the browser's language does."""
    document = demo_document()
    document["finance"] = {"horizon_years": 3, "discount_rate": 0.08}
    if kind == "years":
        document["finance"]["horizon_years"] = typed
    else:
        document["budget"] = typed
    data = workbook_bytes(plan_sheets(document))
    headers = {"Accept-Language": LANGUAGE[style]} if LANGUAGE[style] else {}
    response = client.post("/plans/import", content_type="multipart/form-data",
                           headers=headers, data={"file": (io.BytesIO(data), "typed.xlsx"),
                                                  "name": "Typed plan"})
    db.rollback()
    plan = db.exec(select(Plan).where(Plan.name == "Typed plan")).first()
    if isinstance(outcome, str):
        assert response.status_code == 422
        text = page_text(response)
        assert 'Plan, row ' in text.replace("'", "").replace('"', "")
        assert outcome.replace('"', "'") in text.replace('"', "'"), text[-600:]
        assert plan is None
        return
    assert response.status_code == 302, page_text(response)[-600:]
    read = plan.horizon_years if kind == "years" else plan.budget
    assert read == pytest.approx(outcome)


@pytest.mark.parametrize(("language", "read"), [
    ("de-DE,de;q=0.9,en;q=0.5", 180_000), ("fr", 180_000), ("de-CH", 180),
    ("en-GB,en;q=0.8", 180), ("en-ZA", 180_000), ("pt-BR", 180_000),
])
def test_without_a_plan_style_the_browsers_language_decides(lead, db, demo_id, language,
                                                           read):
    response = lead.post(f"/plans/{demo_id}/initiatives/new",
                         headers={"Accept-Language": language},
                         data=initiative_form(db, key="typed", **{"cost:H1": "180.000"}))
    assert response.status_code == 302
    assert _document(db, "typed")["cost"]["H1"] == read


def test_the_plans_own_style_wins_over_the_browsers_language(lead, db, demo_id):
    _style(db, demo_id, "point")
    response = lead.post(f"/plans/{demo_id}/initiatives/new",
                         headers={"Accept-Language": "de-DE"},
                         data=initiative_form(db, key="typed", **{"cost:H1": "180.000"}))
    assert response.status_code == 302
    assert _document(db, "typed")["cost"]["H1"] == 180


def test_the_plan_settings_choose_the_style_and_read_their_own_numbers_by_it(lead, db,
                                                                              demo_id):
    plan = db.get(Plan, demo_id)
    db.rollback()
    form = {"name": plan.name, "currency": "EUR", "budget": "1.500.000,00", "max_focus": "3",
            "horizon_years": "", "discount_rate": "", "version": str(plan.version)}
    page = page_text(lead.get(f"/plans/{demo_id}/edit"))
    assert "How numbers are written" in page and "1.234,5 (a comma for decimals)" in page
    response = lead.post(f"/plans/{demo_id}/edit",
                         data={**form, "budget": "250.000", "number_style": "comma"})
    assert response.status_code == 302
    db.rollback()
    saved = db.get(Plan, demo_id)
    assert (saved.number_style, saved.budget) == ("comma", 250_000)
    db.rollback()
    initiatives = len(db.exec(select(Initiative)).all())
    refused = lead.post(f"/plans/{demo_id}/initiatives/new",
                        data=initiative_form(db, key="typed", **{"cost:H1": "EUR 5.5"}))
    assert refused.status_code == 302  # 5.5 is no thousands group: a decimal in any style
    assert _document(db, "typed")["cost"]["H1"] == 5.5
    assert len(db.exec(select(Initiative)).all()) == initiatives + 1
