"""The plan as indexed arrays (Data): what the model, the checks and the reasons read.

Moments and initiatives are put in id order, so that the solver sees the same model
whatever the order of the input: the answer cannot depend on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from operator import attrgetter

from optimizer.influence import landing
from optimizer.plan import Initiative, Moment, Plan

# Effective uplifts below this are numerical dust, not effects.
EPSILON = 1e-12


@dataclass
class Data:
    """The plan as indexed arrays: what the model, the checks and the reasons read."""

    plan: Plan
    moments: list[Moment]  # in id order
    initiatives: list[Initiative]  # in id order
    moment_index: dict[str, int]
    initiative_index: dict[str, int]
    uplift: list[dict[int, float]]  # e_im: initiative index -> {moment index: uplift}
    moved_by: list[list[int]]  # moment index -> initiatives with e_im > 0
    moved_uplift: list[list[float]]  # moment index -> e_im of each of moved_by[m], in order
    cap: list[float]  # H_m, tightened to the most the plan's work could give
    cost: list[float]  # total cost per initiative
    budget: float | None
    max_focus: int
    excluded_by: list[list[str]]  # initiative index -> ids of initiatives that exclude it
    uses: list[dict[str, float]]  # initiative index -> {resource id: amount}
    period_cost: list[dict[str, float]]  # initiative index -> {period id: cost}
    # moment index -> the moments a point of uplift on it reaches (itself too): the chains
    reach: list[set[int]] = field(default_factory=list)

    def moves(self, i: int) -> list[int]:
        return list(self.uplift[i])


def index_plan(plan: Plan) -> Data:
    """Index the plan and compute effective uplifts e_im (docs/model.md)."""
    moments = sorted(plan.moments, key=attrgetter("id"))
    initiatives = sorted(plan.initiatives, key=attrgetter("id"))
    moment_index = {m.id: k for k, m in enumerate(moments)}
    initiative_index = {i.id: k for k, i in enumerate(initiatives)}
    lands = {key: [(moment_index[target], factor) for target, factor in shares]
             for key, shares in landing(moment_index, plan.influences).items()}

    uplift: list[dict[int, float]] = []
    moved_by: list[list[int]] = [[] for _ in moments]
    moved_uplift: list[list[float]] = [[] for _ in moments]
    excluded_by: list[list[str]] = [[] for _ in initiatives]
    # One pass: each initiative's uplifts in moment order, and each moment's movers with
    # their uplifts, which the model's rows and the caps read without looking them up.
    for i, initiative in enumerate(initiatives):
        confidence = initiative.confidence
        effective: dict[int, float] = {}
        for moment_id, amount in initiative.effects:
            for m, factor in lands[moment_id]:
                effective[m] = effective.get(m, 0.0) + confidence * factor * amount
        moves: dict[int, float] = {}
        for m in sorted(effective):
            e = effective[m]
            if e > EPSILON:
                moves[m] = e
                moved_by[m].append(i)
                moved_uplift[m].append(e)
        uplift.append(moves)
        for other in initiative.excludes:
            excluded_by[initiative_index[other]].append(initiative.id)

    cap = []
    for moment, gains in zip(moments, moved_uplift, strict=True):
        most = math.fsum(gains)
        cap.append(most if moment.headroom is None else min(moment.headroom, most))
    return Data(plan=plan, moments=moments, initiatives=initiatives, moment_index=moment_index,
                initiative_index=initiative_index, uplift=uplift, moved_by=moved_by,
                moved_uplift=moved_uplift, cap=cap,
                cost=[i.total_cost for i in initiatives], budget=plan.budget,
                max_focus=plan.max_focus, excluded_by=excluded_by,
                uses=[dict(i.uses) for i in initiatives],
                period_cost=[dict(i.cost) for i in initiatives],
                reach=[{m for m, _ in lands[moment.id]} for moment in moments])
