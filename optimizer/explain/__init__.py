"""Counterfactual explanations: what funding a rejected initiative costs, what gets it funded.

One HiGHS model is built per run and changed in place for each question, and what one
answer proves is kept for the next (context), so that most questions are settled without
a solve. Each kind of figure is a module of its own, a function of that context:
- if_funded: the best portfolio with the initiative forced in (decision `fund`, exempt
  from the say-no rule), the cheapest of its impact: what optimizer.solve gives with that
  decision. When its decision is auto and no work requires it, the run's optimum bounds
  it, and the best portfolio with a moment in focus bounds those with that moment in
  focus. So the run's own portfolio plus the initiative (and what it requires), when it
  keeps every rule, is the answer; else the best with the run's focus moments (a quick
  knapsack) is, when every other moment falls short of it; else that starts the full
  solve, with the moments that fall short taken out. A second solve finds the cheapest
  portfolio of that impact (the tie rule), unless bounds show the one found is.
- counted: where forced in it would move no focus moment, the best portfolio in which it
  counts (one of its moments in focus, as the optimiser's own choice needs), which the
  break-even questions start from. Work off the focus counts only with one of its moments
  in focus, so the best portfolio with that moment in focus (one solve per moment, shared
  by all the work that moves it: bounds) bounds the answer from above; when that
  portfolio plus the initiative keeps every rule, the bound is met. Else the best with
  that portfolio's focus moments (a quick knapsack) may settle it as above, or start the
  full solve.
- cost and uplift (break-even, with what they share in breakeven): each one solve, not a
  bisection (on those large plans, started from quick fixed-focus solves too). The cost
  (or the uplift factor) becomes a variable of the model, maximised (or minimised) under
  the condition that the portfolio funding the initiative would be the optimiser's
  choice: strictly more impact than the run, or the same impact at no more cost (the tie
  rule). Bounds settle "no cost / no factor would do" first, without that solve: the
  impact of any focus set that includes one of its moments (from the weights and
  headrooms alone, or from one solve per moment with the limits widened by what such
  work costs), and the counted figure plus the most the larger uplifts could add.
- focus_sets: on those large plans, with a total budget, the forced-in, counted and
  moment-in-focus questions are answered one set of focus moments at a time, and the
  break-even ones among the sets that can reach the run: each set has a bound, shared by
  every question (a Lagrangian one for all sets at once, then its relaxation, priced
  once), and only the sets whose bound beats the best found are solved, which proves it.
- words: the limits in the way, and the message a team reads.
"""

from optimizer.explain.explainer import DEFAULT_TIME_LIMIT, Explainer, explain
from optimizer.explain.run_model import KNAPSACKS_FROM
from optimizer.explain.types import Explanation, explanation_from_dict

__all__ = ["DEFAULT_TIME_LIMIT", "KNAPSACKS_FROM", "Explainer", "Explanation", "explain",
           "explanation_from_dict"]
