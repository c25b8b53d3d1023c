"""Counterfactual explanations: what funding a rejected initiative costs, what gets it funded.

One HiGHS model is built per run and changed in place for each question, and what one
answer proves is kept for the next (context), so that most questions are settled without
a solve. Each kind of figure is a module of its own, a function of that context:
- if_funded: the best portfolio that must fund the initiative. When the run's own
  portfolio plus the initiative (and what it requires) already keeps every rule, that is
  the answer: no portfolio beats the run's optimum. Work that moves no focus moment can
  only be funded with one of its moments in focus, so the best portfolio with that moment
  in focus (one solve per moment, shared by all the work that moves it: bounds) bounds
  the answer from above; when that portfolio plus the initiative keeps every rule, the
  bound is met. On large plans whose relaxation is weak (little money), a full solve
  searches long: there, the best portfolio with the focus of such a bound fixed (a quick
  knapsack) may meet the bound; if not, it starts the full solve, which then only has to
  prove it, with the focus moments whose bound falls short of it taken out of the search.
- cost and uplift (break-even, with what they share in breakeven): each one solve, not a
  bisection (on those large plans, started from quick fixed-focus solves too). The cost
  (or the uplift factor) becomes a variable of the model, maximised (or minimised) under
  the condition that the portfolio funding the initiative would be the optimiser's
  choice: strictly more impact than the run, or the same impact at no more cost (the tie
  rule). Bounds settle "no cost / no factor would do" first, without that solve: the
  impact of any focus set that includes one of its moments (from the weights and
  headrooms alone, or from one solve per moment with the limits widened by what such
  work costs), and impact_if_funded plus the most the larger uplifts could add.
- words: the limits in the way, and the message a team reads.
"""

from optimizer.explain.context import KNAPSACKS_FROM
from optimizer.explain.explainer import DEFAULT_TIME_LIMIT, Explainer, explain
from optimizer.explain.types import Explanation, explanation_from_dict

__all__ = ["DEFAULT_TIME_LIMIT", "KNAPSACKS_FROM", "Explainer", "Explanation", "explain",
           "explanation_from_dict"]
