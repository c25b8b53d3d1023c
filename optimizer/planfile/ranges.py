"""The numbers a plan may hold, per kind of field: one table for the plan reader, the forms
and docs/plan-format.md.

Inside these ranges the engine scales its model (optimizer/model/) so that the solver's
tolerances cannot break a rule; outside them a plan is refused with the field's path.

- Money (budgets, costs, benefit) up to 1e12: a trillion in any currency is past the
  budget of any customer-experience plan, and a total of 20,000 such costs is still held
  exactly to the cent-relative precision the engine checks (1e-9).
- Uplifts, weights and headrooms up to 1e6: points of a score, or a weight of loyalty;
  even a score in basis points stays far below it. Weight times uplift is then at most
  1e12, a magnitude the objective can be scaled to without losing the small moments.
- Capacities and resource use up to 1e9: hours, FTE-months or story points of a year.
- Factors and confidences in (0, 1]: shares, as docs/model.md defines them ("Inputs").
- A measured score within +-1e9 (display only).
- A default range's shares (`uncertainty`) up to 1000: a cost a thousand times its estimate
  is no estimate, and a drawn value stays within a thousand times its kind's limit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Range:
    """Allowed values of one kind of field: low (excluded when `open_low`) to high."""

    kind: str
    low: float
    high: float
    fields: str  # the plan-file fields of this kind, in words
    open_low: bool = False

    def words(self) -> str:
        low = f"more than {number_text(self.low)}" if self.open_low else number_text(self.low)
        return f"{low} to {number_text(self.high)}"


MONEY = Range("money", 0.0, 1e12,
              "budget, periods[].budget, initiatives[].cost (each period's), "
              "initiatives[].cost_range")
BENEFIT = Range("benefit", -1e12, 1e12, "initiatives[].benefit (money per year, may be a loss)")
UPLIFT = Range("uplift", 0.0, 1e6, "initiatives[].effects, initiatives[].effects_range")
WEIGHT = Range("weight", 0.0, 1e6, "moments[].weight, moments[].weight_range")
HEADROOM = Range("headroom", 0.0, 1e6, "moments[].headroom", open_low=True)
CAPACITY = Range("capacity", 0.0, 1e9, "resources[].capacity, initiatives[].uses")
SHARE = Range("share", 0.0, 1.0, "influences[].factor, initiatives[].confidence",
              open_low=True)
SCORE = Range("score", -1e9, 1e9, "moments[].score (display only)")
RANGE_SHARE = Range("range share", 0.0, 1e3,
                    "uncertainty.cost, .effects, .weight (shares of the likely value)")

RANGES = (MONEY, BENEFIT, UPLIFT, WEIGHT, HEADROOM, CAPACITY, SHARE, SCORE, RANGE_SHARE)


def number_text(number: float) -> str:
    """A limit as a person writes it: 1e12, 1e6, 0.5, -1e9 (not 1e+12)."""
    return f"{number:g}".replace("e+", "e").replace("e0", "e").replace("e-0", "e-")
