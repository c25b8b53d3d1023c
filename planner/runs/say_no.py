"""Saying no, with reasons: a run's say-no page, one rejection explained, the say-no memo
(per team, and per owner of the moments the run solved for)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, NoReturn

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup
from sqlmodel import func, select

import optimizer
from models import Plan, Run, RunExplanation
from models.db import open_session
from models.queries import published_run
from optimizer import PlanError
from optimizer.explain import Explanation
from optimizer.influence import landing
from optimizer.plan import Influence
from planner.accounts.access import own_team
from planner.database import engine, get_session
from planner.forms import ConfirmForm
from planner.jobs.queue import start
from planner.jobs.views import answer
from planner.kept import SAY_NO_ENTRIES, SAY_NO_PAGES
from planner.runs.breakdown import NO_OWNER, arrivals, expected_points
from planner.runs.explanations import (
    get_or_explain,
    rejected_keys,
    stored_explanations,
)
from planner.runs.firmness import firmness_of
from planner.runs.firmness.words import template_globals
from planner.runs.reports import (
    SayNoEntry,
    by_impact_lost,
    group_by_reason,
    memo_by_team,
    run_report,
    say_no_entries,
)
from planner.views import attachment, pager, plan_and_run

bp = Blueprint("say_no", __name__)
# how firm a run's choice is, for every page that shows a verdict (initiatives' too)
for _name, _function in template_globals().items():
    bp.add_app_template_global(_function, _name)

SORTS = ("reason", "impact_lost")
PER_PAGE = 100  # a plan of 20,000 initiatives says no to thousands


@bp.get("/plans/<int:plan_id>/runs/<int:run_id>/say-no")
def show(run_id: int):
    """Every initiative the run did not fund: grouped by reason, or by impact lost."""
    plan, saved = plan_and_run(run_id)
    sort = _sort()
    stored = _explained(saved)
    entries = explained_entries(saved, stored)
    groups = group_by_reason(entries)
    ordered = (by_impact_lost(entries) if sort == "impact_lost"
               else [entry for _, _, members in groups for entry in members])
    page = pager(request.args.get("page"), PER_PAGE).within(len(ordered))
    counts = {code: len(members) for code, _, members in groups}
    firm = firmness_of(saved)

    def listed() -> Markup:  # made from the entries and firmness alone: kept
        shown = ordered[(page.number - 1) * PER_PAGE:page.number * PER_PAGE]
        return Markup(render_template(
            "say_no/_list.html", plan=plan, run=saved, sort=sort, entries=shown, firm=firm,
            groups=group_by_reason(shown), counts=counts, currency=_currency(saved)))

    # The key names the firmness shown (the newest robust result's id and time): a new
    # result makes another key, so it shows at once.
    robust = firm.key if firm else None
    return render_template("say_no/show.html", plan=plan, run=saved, sort=sort, page=page,
                           listed=SAY_NO_PAGES.get((plan.id, *stored, sort, robust,
                                                    page.number), listed), firm=firm,
                           explained=sum(entry.explanation is not None for entry in entries),
                           form=ConfirmForm())


@bp.post("/plans/<int:plan_id>/runs/<int:run_id>/say-no/explain")
def explain_all(run_id: int):
    """Explain every rejection not explained yet, in a job (a large plan's take minutes),
    its progress shown meanwhile; they are stored together when all are made."""
    plan, saved = plan_and_run(run_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:  # said here, at once, not by the job
        optimizer.plan_from_dict(saved.inputs)
    except PlanError as error:
        _unreadable(error)
    stored = stored_explanations(session=get_session(), run_id=saved.id)
    if all(key in stored for key in rejected_keys(saved)):
        flash("Every rejected initiative was already explained.", "ok")
        return redirect(url_for("say_no.show", run_id=run_id, sort=_sort()))
    return answer(start(get_session(), plan.id, "explain", {"run_id": saved.id,
                                                            "sort": _sort()}))


@bp.get("/plans/<int:plan_id>/runs/<int:run_id>/say-no/<key>")
def explanation(run_id: int, key: str):
    """One rejection explained in words and figures (computed and stored the first time)."""
    plan, saved = plan_and_run(run_id)
    # A team's link to an appeal on a decision since replaced is led on by the appeals
    # feature (planner/appeals/views.py, before this view), which also gives the page the
    # initiative's appeals: the explanation knows nothing of appeals.
    _, decision = rejection_or_404(plan.id, saved, key)
    stored = stored_explanations(session=get_session(), run_id=saved.id, keys=[key])
    found = stored.get(key) or _explain(saved, key)
    [entry] = [e for e in say_no_entries(saved, {key: found}) if e.key == key]
    if own_team() is not None:
        entry.brings = _of_own_team(saved, found.brings, own_team())
    return render_template("say_no/explanation.html", plan=plan, run=saved, entry=entry,
                           explanation=found, currency=_currency(saved),
                           decision=decision)


def _of_own_team(run: Run, ids: list[str], team: str) -> list[str]:
    """The names of these initiatives (not funded by the run) that a team member may read:
    its own team's; the others only counted, as other teams' proposals are not its to see."""
    entries = {entry["id"]: entry for entry in run.inputs["initiatives"]}
    own = [entries[i]["name"] for i in ids if entries.get(i, {}).get("team", "") == team]
    others = len(ids) - len(own)
    return own + ([f"{others} initiative{'s' if others != 1 else ''} of other teams"]
                  if others else [])


def rejection_or_404(plan_id: int, saved: Run, key: str, *,
                     decision_only: bool = False) -> tuple[dict[str, Any], bool]:
    """The initiative the run rejected, as the run's plan document has it, and whether the
    run is the plan's published decision. 404 where the reader may not see it: the run did
    not reject it; to a team member, another team's, or a run other than the decision;
    with `decision_only` (an appeal), any run other than the decision."""
    decided = published_run(session=get_session(), plan_id=plan_id)
    decision = decided is not None and decided[0].id == saved.id
    team = own_team()
    if (decision_only or team is not None) and not decision:
        abort(404, "Only a rejection in the plan's published decision can be seen or "
                   "appealed here.")
    entry = next((i for i in saved.inputs["initiatives"] if i["id"] == key), None)
    if entry is None or key not in rejected_keys(saved) or (
            team is not None and entry.get("team", "") != team):
        abort(404, "This run did not reject an initiative with that ID.")
    return entry, decision


@bp.get("/plans/<int:plan_id>/runs/<int:run_id>/memo")
def memo(run_id: int):
    """The say-no memo: per team, what was funded and what was not, and why; printable."""
    plan, saved = plan_and_run(run_id)
    return render_template("say_no/memo.html", **_memo(plan, saved))


@bp.get("/plans/<int:plan_id>/runs/<int:run_id>/memo.md")
def memo_download(run_id: int):
    """The say-no memo as a Markdown file, to paste into a mail or a wiki."""
    plan, saved = plan_and_run(run_id)
    return attachment(render_template("say_no/memo.md", **_memo(plan, saved)), "text/markdown",
                      f"say-no-memo-plan-{plan.id}-run-{saved.number}.md")


def _sort() -> str:
    sort = request.args.get("sort", "reason")
    return sort if sort in SORTS else "reason"


def explained_entries(run: Run, explained: tuple[Any, ...] | None = None
                      ) -> list[SayNoEntry]:
    """The run's say-no entries with the explanations stored so far, made again only once
    another is stored (`explained`, the name of what is stored, read if not given; kept
    .SAY_NO_ENTRIES). Making them (every stored explanation read and named) is most of a
    say-no page's time on a large plan."""
    return list(SAY_NO_ENTRIES.get(explained or _explained(run), lambda: say_no_entries(
        run, stored_explanations(session=get_session(), run_id=run.id))))


def _explained(run: Run) -> tuple[Any, ...]:
    """The run and the explanations stored for it so far, named: a run's explanations are
    only ever added, each once (one row per run and initiative), so their count and newest
    row name the set (and the run's id and time the run: an id given again is another)."""
    count, newest = get_session().exec(select(func.count(), func.max(RunExplanation.id))
                                       .where(RunExplanation.run_id == run.id)).one()
    return run.id, run.created_at, count, newest


def _explain(run: Run, key: str) -> Explanation:
    # Storing derived data is the only change a GET makes; it takes a write transaction of
    # its own so that, on SQLite, it queues for the lock instead of failing.
    with open_session(engine(), write=True) as session:
        try:
            return get_or_explain(session=session, run=run, key=key,
                                  time_limit=_time_limit())
        except PlanError as error:
            _unreadable(error)


def _unreadable(error: PlanError) -> NoReturn:
    abort(409, "The inputs saved with this run no longer pass the plan checks, so its "
               "rejections cannot be explained; run the plan again. "
               + "; ".join(error.problems[:3]))


def _memo(plan: Plan, run: Run) -> dict[str, Any]:
    report = run_report(run)
    entries = explained_entries(run)
    return {"plan": plan, "run": run, "report": report, "currency": report.currency,
            "teams": memo_by_team(report, entries),
            "owners": memo_by_owner(run.inputs, run.result, entries),
            "unexplained": sum(entry.explanation is None for entry in entries)}


@dataclass
class OwnerMemo:
    owner: str  # NO_OWNER: the moments nobody owned
    moments: list[tuple[str, bool, float]] = field(default_factory=list)  # name, focus, points
    funded: list[tuple[str, float]] = field(default_factory=list)  # name, points on them
    not_funded: list[SayNoEntry] = field(default_factory=list)


def memo_by_owner(inputs: dict[str, Any], result: dict[str, Any],
                  entries: list[SayNoEntry]) -> list[OwnerMemo]:
    """The memo by owner, from a run's inputs and result and its say-no entries: per owner
    of the moments the run solved for (alphabetical, the moments nobody owned last), its
    moments, the funded work that moves them and the work turned down that would have
    (tagged to one of them, or to a back-stage step whose chain reaches one)."""
    moments = inputs["moments"]
    figures = {moment["id"]: moment for moment in result.get("moments", [])}
    lands = landing([m["id"] for m in moments], [
        Influence(f["from"], f["to"], f["factor"]) for f in inputs.get("influences", [])])
    reaches = {initiative["id"]: {target for tagged in initiative.get("effects", {})
                                  for target, _ in lands.get(tagged, ())}
               for initiative in inputs["initiatives"]}
    brought = arrivals(inputs, result.get("funded", []))
    memos: dict[str, OwnerMemo] = {}
    owned: dict[str, set[str]] = {}
    for moment in moments:
        owner = (moment.get("owner") or NO_OWNER).strip()
        memo = memos.setdefault(owner, OwnerMemo(owner))
        owned.setdefault(owner, set()).add(moment["id"])
        figure = figures.get(moment["id"], {})
        memo.moments.append((moment["name"], bool(figure.get("focus")),
                             expected_points(figure)))
    for owner, memo in memos.items():
        points: dict[str, list[float]] = {}
        for moment_id in owned[owner]:
            for arrival in brought.get(moment_id, []):
                points.setdefault(arrival.name, []).append(arrival.amount)
        memo.funded = sorted(((name, math.fsum(amounts)) for name, amounts in points.items()),
                             key=lambda line: (-line[1], line[0]))
        memo.not_funded = [entry for entry in entries
                           if reaches.get(entry.key, set()) & owned[owner]]
    return sorted(memos.values(), key=lambda memo: (memo.owner == NO_OWNER,
                                                    memo.owner.casefold()))


def _currency(run: Run) -> str:
    return run.inputs.get("currency", "EUR")


def _time_limit() -> float:
    return float(current_app.config["SOLVE_TIME_LIMIT"])
