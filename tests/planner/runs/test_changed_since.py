"""Every page that shows a run as the decision says when the plan changed after it, and
what changed; a run of the plan as it is carries no notice."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import Initiative, Plan
from tests.webapp import page_text, saved_run

PAGES = ("/plans/{plan}/portfolio", "/plans/{plan}/runs/{run}",
         "/plans/{plan}/runs/{run}/say-no", "/plans/{plan}/runs/{run}/say-no/{rejected}",
         "/plans/{plan}/runs/{run}/memo", "/plans/{plan}/teams?team=Stores")
NOTICE = "The plan has changed since this run"


def _url(db, page: str, plan_id: int, run_id: int) -> str:
    rejected = saved_run(db, run_id).result["rejected"][0]["id"]
    return page.format(plan=plan_id, run=run_id, rejected=rejected)


@pytest.mark.parametrize("page", PAGES)
def test_a_run_of_the_plan_as_it_is_has_no_notice(client, db, demo_id, run_id, page):
    response = client.get(_url(db, page, demo_id, run_id))
    assert response.status_code == 200
    assert NOTICE not in page_text(response)


@pytest.mark.parametrize("page", PAGES)
def test_a_changed_budget_is_said_on_every_page_of_the_run(client, db, demo_id, run_id, page):
    plan = db.get(Plan, demo_id)
    plan.budget = 300_000
    db.commit()
    text = page_text(client.get(_url(db, page, demo_id, run_id)))
    assert f"{NOTICE} (the budget): what is shown here is a draft of the decision for the " \
           "plan as it was. Run it again for the plan as it is." in text


def test_the_notice_names_each_part_that_changed(client, db, demo_id, run_id):
    plan = db.get(Plan, demo_id)
    plan.max_focus = 2
    initiative = db.exec(select(Initiative).where(Initiative.key == "rota")).one()
    initiative.name = "Footfall-based rota, all stores"
    db.commit()
    text = page_text(client.get(f"/plans/{demo_id}/runs/{run_id}"))
    assert f"{NOTICE} (the number of focus moments and the initiatives)" in text
    # Run again: the new run is of the plan as it is.
    client.post(f"/plans/{demo_id}/runs", data={"budget": "450000", "max_focus": "2"})
    assert NOTICE not in page_text(client.get(f"/plans/{demo_id}/portfolio"))


def test_the_run_workbook_says_so_too(client, db, demo_id, run_id):
    import io

    from openpyxl import load_workbook

    def summary() -> dict:
        data = client.get(f"/plans/{demo_id}/runs/{run_id}/portfolio.xlsx").data
        rows = list(load_workbook(io.BytesIO(data))["Summary"].iter_rows(values_only=True))
        return dict(zip(rows[0], rows[1], strict=True))

    assert summary()["Plan changed since"] == "no"
    plan = db.get(Plan, demo_id)
    plan.budget = 300_000
    db.commit()
    assert summary()["Plan changed since"].startswith(f"{NOTICE} (the budget)")


def test_the_plan_is_read_again_only_once_it_changed_even_by_an_uplift_alone(
        client, db, demo_id, run_id, monkeypatch):
    """The document of the plan as it is is kept between requests until the plan's record
    has a new line; an uplift changed through the form is one."""
    from planner.runs import changes
    from tests.planner.initiatives.test_initiatives import _form

    built = []
    real = changes.plan_document
    monkeypatch.setattr(changes, "plan_document",
                        lambda session, plan_id: built.append(plan_id) or real(session, plan_id))
    url = f"/plans/{demo_id}/runs/{run_id}"
    for _ in range(3):
        assert NOTICE not in page_text(client.get(url))
    assert built == [demo_id]
    rota = db.exec(select(Initiative).where(Initiative.key == "rota")).one()
    data = {**_form(db, key="rota", name=rota.name, team="HR", confidence="0.8"),
            "version": str(rota.version)}
    effect = next(name for name in data if name.startswith("effect_") and data[name])
    data[effect] = str(float(data[effect]) + 1)
    assert client.post(f"/plans/{demo_id}/initiatives/{rota.id}/edit",
                       data=data).status_code == 302
    assert f"{NOTICE} (the initiatives)" in page_text(client.get(url))
    assert built == [demo_id, demo_id]
