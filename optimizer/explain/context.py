"""What the answers about one run proved, kept for the next question, on the run's model
(run_model.py): every kind of explanation takes this context.

One model is built per run, each question changes it from its pristine state, and what one
answer proves (the best portfolio with a moment in focus, the focus sets and their bounds)
is kept for the next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.checks import portfolio_impact
from optimizer.explain.focus_sets import FocusSets
from optimizer.explain.run_model import Portfolio, RunModel
from optimizer.plan import Plan
from optimizer.result import Result
from optimizer.solvers import Outcome


@dataclass(frozen=True)
class Best:
    """A proven best portfolio under some condition: `bound` is the solver's proof."""

    bound: float | None  # None: no portfolio meets the condition
    funded: frozenset[int] = frozenset()
    focus: frozenset[int] = frozenset()


class Context(RunModel):
    """One run's model and session, its figures, and what the solves so far proved."""

    def __init__(self, plan: Plan, result: Result, time_limit: float, *, shortcuts: bool,
                 knapsacks: bool | None):
        super().__init__(plan, result, time_limit, shortcuts=shortcuts, knapsacks=knapsacks)
        data = self.data
        # What the solves with a moment held in focus proved, shared across initiatives;
        # None where a time limit stopped one.
        self.sharing = False  # whether to make solves that only pay off across questions
        self.with_moment: dict[int, Best | None] = {}
        self.with_moment_widened: dict[int, Best | None] = {}
        self.with_fewer_focus: dict[int, Best | None] = {}
        self.required = {data.initiative_index[o] for initiative in data.initiatives
                         for o in initiative.requires}
        # i -> the best portfolio that funds it with one of its moments in focus (the
        # say-no rule kept): where the break-even questions start from
        self.funding: dict[int, Portfolio] = {}
        # The run's portfolio is the cheapest of its impact (docs/model.md's tie rule, proven)
        self.cheapest = (result.status == "optimal"
                         and result.solver.tie_break in ("proven", "skipped"))
        # The sets of focus moments and their bounds (focus_sets), made on first use;
        # False where they do not pay off.
        self.focus_sets: FocusSets | bool | None = None
        self.focus_values = sorted(
            (max(0.0, moment.weight) * data.cap[m] for m, moment in enumerate(data.moments)),
            reverse=True)

    def bounded(self, i: int) -> bool:
        """Whether the run's optimum bounds every portfolio that forces i in, and a focus
        moment whose best portfolio falls short cannot be in one: so when its decision
        is auto and no work requires it. Forced in, it then adds impact only on a focus
        moment; without it, such a portfolio keeps every rule with the same impact."""
        return self.data.initiatives[i].decision == "auto" and i not in self.required

    def ruled_out(self, m: int, reached: float) -> bool:
        """Whether the best portfolio with m in focus is proven to fall short of
        `reached`, so that m cannot be a focus moment of one that reaches it."""
        best = self.with_moment.get(m)
        return best is not None and (best.bound is None or best.bound < reached - self.tolerance)

    def rule_out_focus(self, reached: float) -> None:
        """No focus moment whose best portfolio falls short of `reached` can be in the
        best one: those moments are taken out of the search."""
        session = self.session
        out = [session.position[self.model.y[m].name] for m in self.with_moment
               if self.ruled_out(m, reached)]
        if out:
            session.highs.changeColsBounds(len(out), np.array(out, np.int32),
                                           np.zeros(len(out)), np.zeros(len(out)))

    def proven_best(self, outcome: Outcome) -> Best | None:
        """What a solve proved: its portfolio and bound; None if a time limit stopped it."""
        if outcome.infeasible:
            return Best(None)
        if not outcome.proven:
            return None
        funded, focus = self.read()
        impact = portfolio_impact(self.data, funded, focus)
        return Best(max(impact, outcome.bound if outcome.bound is not None else impact),
                    frozenset(funded), frozenset(focus))


def focus_sets(context: Context) -> FocusSets | None:
    """The run's focus sets, made on first use, where they pay off: many questions on a
    large plan with a weak relaxation (context.knapsacks) and a total budget to price;
    else None."""
    if not (context.shortcuts and context.sharing and context.knapsacks):
        return None
    if context.focus_sets is None:
        context.focus_sets = FocusSets(context) if FocusSets.usable(context) else False
    return context.focus_sets or None
