"""The journey map: stages as columns, moments as cards, focus and back stage marked."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, render_template
from markupsafe import Markup

from models import Moment, Stage
from models.queries import deciding_run, influences_of, moments_of, stages_of
from planner.accounts.access import own_team
from planner.database import get_session
from planner.forms import ConfirmForm
from planner.journey import measurements, moments
from planner.journey.seen import Mover, movers_seen
from planner.journey.trend import Scores, measurements_of, scores_of
from planner.views import current_plan

bp = Blueprint("journey", __name__)
moments.routes.add_to(bp)  # the pages that add and change moments and influences
measurements.routes.add_to(bp)  # a moment's measured scores

MOVERS_SHOWN = 5


@dataclass(frozen=True)
class Chain:
    """A way a back-stage step's improvement travels through other steps to a moment."""

    source: Moment
    through: tuple[Moment, ...]  # the steps between, in order
    target: Moment
    factor: float  # the product of the factors on the way


CHAINS_SHOWN = 6  # per card: a plan's graph may hold many paths
STEPS_WALKED = 20_000


@dataclass
class Card:
    moment: Moment
    focus: bool = False
    movers: list[Mover] = field(default_factory=list)  # as the reader may see them
    feeds: list[tuple[Moment, float]] = field(default_factory=list)  # back stage: moments fed
    fed_by: list[tuple[Moment, float]] = field(default_factory=list)
    # chains of two steps or more: from this step (back stage), and into this moment
    reaches: list[Chain] = field(default_factory=list)
    reached_by: list[Chain] = field(default_factory=list)
    scores: Scores = field(default_factory=lambda: Scores([], None, Markup("")))


@dataclass
class Column:
    stage: Stage | None
    front: list[Card]
    back: list[Card]


@bp.get("/plans/<int:plan_id>/journey")
def show():
    """The journey as a map, with the focus moments of the decision: the published one for
    every role; before it, the CX lead's latest draft (a team member: none yet). A team
    member sees its own team's initiatives, and other teams' only as the decision funds
    them."""
    plan, session, team = current_plan(), get_session(), own_team()
    run, published = deciding_run(session=session, plan_id=plan.id,
                                  team_member=team is not None)
    focus = set(run.result.get("focus", [])) if run else set()
    moments = moments_of(session=session, plan_id=plan.id)
    influences = influences_of(session=session, plan_id=plan.id)
    seen = movers_seen(session, plan.id, moments, team, run if published else None)
    columns = journey_columns(stages_of(session=session, plan_id=plan.id), moments, focus,
                              seen, influences)
    measured = measurements_of(session, plan_id=plan.id)
    for card in (card for column in columns for card in column.front + column.back):
        card.scores = scores_of(card.moment, run, measured.get(card.moment.id, []))
    by_id = {m.id: m for m in moments}
    table = [(by_id[f.source_id], by_id[f.target_id], f) for f in influences]
    return render_template("journey/show.html", plan=plan, columns=columns, run=run,
                           published=published, team=team, shown=MOVERS_SHOWN,
                           influences_table=table, confirm_form=ConfirmForm())


def journey_columns(stages: list[Stage], moments: list[Moment], focus: set[str],
                    moved_by: dict[int, list[Mover]], influences: list) -> list[Column]:
    """Cards for every moment, in columns by stage (plus one for moments without a stage)."""
    cards = {m.id: Card(m, focus=m.key in focus, movers=moved_by.get(m.id, []))
             for m in moments}
    for influence in influences:
        source, target = cards[influence.source_id], cards[influence.target_id]
        source.feeds.append((target.moment, influence.factor))
        target.fed_by.append((source.moment, influence.factor))
    for chain in _chains(cards):
        cards[chain.source.id].reaches.append(chain)
        cards[chain.target.id].reached_by.append(chain)
    columns = {s.id: Column(s, [], []) for s in stages}
    for card in cards.values():
        column = columns.get(card.moment.stage_id)
        if column is None:
            column = columns.setdefault(None, Column(None, [], []))
        (column.back if card.moment.side == "back" else column.front).append(card)
    return list(columns.values())


def _chains(cards: dict[int, Card]) -> list[Chain]:
    """Paths of two influences or more (the graph has no cycle: the forms and imports refuse
    one), at most CHAINS_SHOWN from one step and into one moment, and at most STEPS_WALKED
    steps walked in all: a page names the chains, it does not count every path."""
    found: list[Chain] = []
    out: dict[int, int] = {}
    into: dict[int, int] = {}
    walked = 0

    def walk(source: Card, path: tuple[Card, ...], factor: float) -> None:
        nonlocal walked
        for target, share in path[-1].feeds:
            walked += 1
            if walked > STEPS_WALKED or out.get(source.moment.id, 0) >= CHAINS_SHOWN:
                return
            if len(path) > 1 and into.get(target.id, 0) < CHAINS_SHOWN:
                found.append(Chain(source.moment, tuple(card.moment for card in path[1:]),
                                   target, factor * share))
                out[source.moment.id] = out.get(source.moment.id, 0) + 1
                into[target.id] = into.get(target.id, 0) + 1
            walk(source, (*path, cards[target.id]), factor * share)

    for card in cards.values():
        walk(card, (card,), 1.0)
    return found
