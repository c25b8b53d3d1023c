"""Numbers as people type them, through the real forms: read as meant (`75,000 EUR`, `50k`,
`8%`), or refused with the text kept in its box, the field named, and nothing saved. Never
an amount silently erased or cut, and never one read by a guess at the writer's convention
(`180.000`): tests/planner/numbers/ holds the table of every kind and style."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import Initiative, Moment, Plan, Resource
from planner.amounts import AmbiguousNumberError, NotANumberError, read_amount, read_number
from tests.planner.initiatives.test_initiatives import _form as initiative_form
from tests.webapp import page_text

PLAN = {"name": "FY27", "currency": "EUR", "budget": "", "max_focus": "3",
        "horizon_years": "", "discount_rate": "", "number_style": "point"}


def _point_style(db, plan_id: int) -> None:
    """The plan says its people write 75,000.50: a lone comma groups thousands."""
    plan = db.get(Plan, plan_id)
    plan.number_style = "point"
    db.add(plan)
    db.commit()


@pytest.mark.parametrize(("typed", "read"), [
    ("75 000", 75_000), ("75\u00a0000", 75_000), ("€75k", 75_000), ("50k", 50_000),
    ("1.5m", 1_500_000),
    ("2 bn", 2e9), ("$1,200.50", 1200.5), ("1.250.000,50", 1_250_000.5), ("0,5", 0.5),
    ("1,250,000", 1_250_000), ("2'500", 2500), ("1e6", 1e6), ("-3", -3), (".5", 0.5),
    ("75.5", 75.5), ("+5", 5), ("1.250.000", 1_250_000), ("75k€", 75_000),
    ("1,234.5", 1234.5),
])
def test_amounts_as_people_type_them(typed, read):
    assert read_amount(typed) == read


@pytest.mark.parametrize(("typed", "point", "comma"), [
    ("75,000", 75_000, 75), ("EUR 75,000", 75_000, 75), ("75,000 EUR", 75_000, 75),
    ("180.000", 180, 180_000), ("75.000 EUR", 75, 75_000), ("1.250", 1.25, 1250),
    ("2,500", 2500, 2.5), ("-1,500", -1500, -1.5),
])
def test_a_lone_mark_before_three_digits_is_read_by_the_style_or_refused(typed, point,
                                                                          comma):
    assert read_number(typed, "money", style="point") == point
    assert read_number(typed, "money", style="comma") == comma
    with pytest.raises(AmbiguousNumberError) as refused:
        read_amount(typed)
    assert f"could be {min(abs(point), abs(comma)):,g}" in str(refused.value).replace(
        "-", "")


@pytest.mark.parametrize(("typed", "read"), [("8%", 0.08), ("80 %", 0.8), ("0.8", 0.8)])
def test_a_percent_is_a_share_where_a_field_takes_one(typed, read):
    assert read_amount(typed, percent=True) == pytest.approx(read)


@pytest.mark.parametrize("typed", ["about fifty", "5 min", "10 points", "12,34,56", "EUR",
                                   "1.2.3", "nan", "inf", "1e309", "8%", "k", "50kk", "--3",
                                   "1,234.567,8", "12,34.5"])
def test_what_is_not_a_number_is_refused(typed):
    with pytest.raises(NotANumberError):
        read_amount(typed)


@pytest.mark.parametrize(("typed", "words"), [
    ("about fifty", "Enter a number, such as 75,000 or 75000 or 50k."),
    ("nan", "Enter a finite number (not nan or infinity)."),
    ("1e309", "Enter a finite number (not nan or infinity)."),
    ("8%", '"8%" is a percentage; this field is an amount of money: enter it such as 75,000 '
           "or EUR 50k."),
    ("180.000", '"180.000" could be 180 or 180,000: write 180 or 180000, or choose how '
                "numbers are written in the plan's settings."),
])
def test_a_refusal_says_what_to_enter(typed, words):
    with pytest.raises(NotANumberError) as refused:
        read_amount(typed)
    assert str(refused.value) == words


def _plan(db, name: str) -> Plan:
    db.rollback()
    return db.exec(select(Plan).where(Plan.name == name)).one()


@pytest.mark.parametrize(("field", "typed", "saved"), [
    ("budget", "300,000 EUR", 300_000), ("budget", "EUR 450k", 450_000),
    ("discount_rate", "8%", 0.08), ("horizon_years", "5", 5), ("max_focus", " 4 ", 4),
])
def test_plan_settings_as_typed(client, db, field, typed, saved):
    response = client.post("/plans/new", data={**PLAN, field: typed})
    assert response.status_code == 302
    assert getattr(_plan(db, "FY27"), field) == pytest.approx(saved)


@pytest.mark.parametrize(("changes", "field", "saved"), [
    ({"benefit": "75,000 EUR"}, "benefit", 75_000),
    ({"cost:H1": "EUR 50k"}, ("cost", "H1"), 50_000),
    ({"cost:H2": "1 500"}, ("cost", "H2"), 1500),
    ({"confidence": "80%"}, "confidence", 0.8),
    ({"effect:queue": "2,5"}, ("effects", "queue"), 2.5),
    ({"use:it": "1.5"}, ("uses", "it"), 1.5),
])
def test_initiative_amounts_as_typed(client, db, demo_id, changes, field, saved):
    from tests.planner.initiatives.test_initiatives import _document
    _point_style(db, demo_id)
    response = client.post(f"/plans/{demo_id}/initiatives/new",
                           data=initiative_form(db, key="typed", **changes))
    assert response.status_code == 302
    document = _document(db, "typed")
    value = document[field] if isinstance(field, str) else document[field[0]][field[1]]
    assert value == pytest.approx(saved)


@pytest.mark.parametrize(("changes", "label", "typed"), [
    ({"benefit": "about 75,000"}, "Benefit per year", "about 75,000"),
    ({"cost:H1": "EUR fifty thousand"}, "Cost in H1", "EUR fifty thousand"),
    ({"confidence": "likely"}, "Confidence", "likely"),
])
def test_an_unreadable_amount_is_kept_named_and_saves_nothing(client, db, demo_id, changes,
                                                                label, typed):
    before = len(db.exec(select(Initiative)).all())
    response = client.post(f"/plans/{demo_id}/initiatives/new",
                           data=initiative_form(db, **changes))
    assert response.status_code == 422
    text = page_text(response)
    assert f"Please correct the field marked below ({label}); nothing was saved." in text
    assert f'"{typed}" is not one, so nothing was saved.' in text
    assert f'value="{typed}"' in response.get_data(as_text=True)  # the text stays in its box
    db.rollback()
    assert len(db.exec(select(Initiative)).all()) == before


def test_a_long_pasted_name_is_refused_whole_not_cut(client, db, demo_id):
    name = "Queue-busting tablets " * 12  # 264 characters, past the 200 a name may have
    before = len(db.exec(select(Initiative)).all())
    response = client.post(f"/plans/{demo_id}/initiatives/new",
                           data=initiative_form(db, name=name))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "maxlength" not in html
    assert f"At most 200 characters; this has {len(name)}." in page_text(response)
    assert name.strip() in html
    db.rollback()
    assert len(db.exec(select(Initiative)).all()) == before


@pytest.mark.parametrize(("url", "data", "model", "field", "saved"), [
    ("/plans/{plan}/moments/new", {"key": "typed", "name": "Typed", "side": "front",
                                   "stage_id": "0", "category": "revenue",
                                   "weight": "2,5", "headroom": "10", "score": ""},
     Moment, "weight", 2.5),
    ("/plans/{plan}/resources/new", {"key": "typed", "name": "Typed", "capacity": "1,200",
                                     "unit": "days"}, Resource, "capacity", 1200),
])
def test_journey_and_settings_amounts_as_typed(client, db, demo_id, url, data, model, field,
                                               saved):
    _point_style(db, demo_id)
    response = client.post(url.format(plan=demo_id), data=data)
    assert response.status_code == 302
    db.rollback()
    row = db.exec(select(model).where(model.key == "typed")).one()
    assert getattr(row, field) == pytest.approx(saved)


def test_a_run_budget_as_typed(client, db, demo_id):
    response = client.post(f"/plans/{demo_id}/runs", data={"budget": "EUR 450k",
                                                            "max_focus": ""})
    assert response.status_code == 302
    assert "450,000" in page_text(client.get(response.headers["Location"]))


@pytest.mark.parametrize(("changes", "label", "words"), [
    ({"benefit": "12%"}, "Benefit per year", '"12%" is a percentage; this field is an amount '
                                             "of money"),
    ({"confidence": "55 pts"}, "Confidence", '"55 pts" is points; this field is a share'),
    ({"cost:H1": "180.000"}, "Cost in H1", '"180.000" could be 180 or 180,000'),
])
def test_a_number_of_another_kind_is_refused_in_words_naming_what_fits(
        client, db, demo_id, changes, label, words):
    response = client.post(f"/plans/{demo_id}/initiatives/new",
                           data=initiative_form(db, **changes))
    assert response.status_code == 422
    text = page_text(response)
    assert f"Please correct the field marked below ({label}); nothing was saved." in text
    assert words in text and "Nothing was saved." in text
    assert response.get_data(as_text=True).count('class="error"') == 1


@pytest.mark.parametrize(("field", "typed"), [("max_focus", "four"), ("budget", "four"),
                                              ("discount_rate", "four"),
                                              ("horizon_years", "four")])
def test_one_error_per_field_never_two(client, db, field, typed):
    response = client.post("/plans/new", data={**PLAN, field: typed})
    assert response.status_code == 422
    assert response.get_data(as_text=True).count('class="error"') == 1
