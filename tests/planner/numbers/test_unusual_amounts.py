"""A cost far outside the plan's own range (under a thousandth, or over a thousand times,
the median of its other initiatives' costs) is saved with words asking to confirm it:
what `180.000` read as 180 would have shown at once."""

from __future__ import annotations

import pytest

from planner.amounts import unusual_amount

OTHERS = [120_000, 180_000, 250_000, 90_000, 300_000]  # median 180,000


@pytest.mark.parametrize(("value", "how"), [
    (179, "less than a thousandth of"), (0.5, "less than a thousandth of"),
    (180_000_001, "more than a thousand times"), (5e9, "more than a thousand times"),
])
def test_an_amount_far_outside_the_plan_asks_to_be_confirmed(value, how):
    words = unusual_amount(value, OTHERS, what="cost", currency="EUR")
    assert words is not None
    assert f"is {how} the median cost of the plan's other initiatives (EUR 180,000)" in words
    assert words.startswith("Check the cost: EUR ")
    assert "saved as typed" in words


@pytest.mark.parametrize("value", [180, 180_000, 1_000, 180_000_000, 0])
def test_an_amount_within_the_plans_range_or_zero_says_nothing(value):
    assert unusual_amount(value, OTHERS, what="cost", currency="EUR") is None


@pytest.mark.parametrize("others", [[], [0, 0], [None], [float("nan")]])
def test_without_other_amounts_to_compare_nothing_is_said(others):
    assert unusual_amount(180, others, what="cost", currency="EUR") is None


def test_the_words_name_the_amount_and_the_median_as_typed_figures():
    words = unusual_amount(180, [250_000], what="benefit", currency="GBP")
    assert words == ("Check the benefit: GBP 180 is less than a thousandth of the median "
                     "benefit of the plan's other initiatives (GBP 250,000). It was saved as "
                     "typed; correct it if it is not what you meant.")
