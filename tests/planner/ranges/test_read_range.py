"""Ranges as people type them (planner/amounts.py read_range): a table of texts, the field's
kind and the plan's number style, and the (low, high) read or the words of the refusal. A
unit, multiple or currency written on one end counts for both; one number is no range."""

from __future__ import annotations

import pytest

from planner.amounts import AmbiguousNumberError, NotANumberError, read_range, written_range

# (typed, kind, the plan's number style, (low, high) read, or None: one number, no range)
READ = [
    ("60-90k", "money", "", (60_000, 90_000)),
    ("60k-90k", "money", "", (60_000, 90_000)),
    ("60 - 90k", "money", "", (60_000, 90_000)),
    ("60\u201390k", "money", "", (60_000, 90_000)),  # an en dash
    ("60 \u2014 90k", "money", "", (60_000, 90_000)),  # an em dash
    ("EUR 60,000 to 90,000", "money", "point", (60_000, 90_000)),
    ("EUR 60,000 to 90,000 EUR", "money", "point", (60_000, 90_000)),
    ("60.000-90.000 EUR", "money", "comma", (60_000, 90_000)),
    ("60.000-90.000 EUR", "money", "point", (60, 90)),
    ("60,5 - 90,25", "money", "comma", (60.5, 90.25)),
    ("EUR 60-90k", "money", "", (60_000, 90_000)),
    ("\u20ac60k-90k", "money", "", (60_000, 90_000)),
    ("60k - 90k \u20ac", "money", "", (60_000, 90_000)),
    ("1.2m-1.5m", "money", "", (1_200_000, 1_500_000)),
    ("800k - 1.2m", "money", "", (800_000, 1_200_000)),
    ("60 to 90", "money", "", (60, 90)),
    ("60..90", "money", "", (60, 90)),
    ("4-8", "points", "", (4, 8)),
    ("4 - 8 pts", "points", "", (4, 8)),
    ("0-8", "points", "", (0, 8)),
    ("2..4", "plain", "", (2, 4)),
    ("0.5-1.5", "plain", "point", (0.5, 1.5)),
    ("1-1", "plain", "", (1, 1)),
    ("90%-130%", "share", "", (0.9, 1.3)),
    ("90 - 130%", "share", "", (0.9, 1.3)),
    ("0.9 to 1.3", "share", "", (0.9, 1.3)),
    ("75k", "money", "", None),
    ("EUR 75,000", "money", "point", None),
    ("1e-3", "plain", "", None),
    ("6", "points", "", None),
]

# (typed, kind, style, likely value or None, words the refusal holds)
REFUSED = [
    ("90-60", "money", "", None, '"90-60" runs from 90 down to 60: write the low end first '
     "(60 - 90)."),
    ("800-1.2m", "money", "", None, '"800-1.2m" runs from 800,000,000 down to 1,200,000: '
     "write each end with its own unit, such as 800k - 1.2m."),
    ("60-90k", "money", "", 95_000, "The range 60,000 to 90,000 leaves out the estimate "
     "itself, 95,000: the estimate lies inside its range."),
    ("60-90k", "money", "", 50_000, "leaves out the estimate itself, 50,000"),
    ("90%-130%", "share", "", 1.5, "The range 90% to 130% leaves out the estimate itself, "
     "150%"),
    ("60-ninety", "money", "", None, "Enter a number, such as 75,000 or 75000 or 50k."),
    ("60k-90%", "money", "", None, '"90%" is a percentage; this field is an amount of money'),
    ("4-8%", "points", "", None, '"4%" is a percentage; this field is points'),
    ("USD 60-90k", "money", "", None, '"USD 60k" is in USD; this plan counts in EUR'),
]


@pytest.mark.parametrize(("typed", "kind", "style", "read"), READ)
def test_a_range_reads_as_typed(typed, kind, style, read):
    found = read_range(typed, kind, style=style, currency="EUR")
    assert found == (None if read is None else pytest.approx(read))


@pytest.mark.parametrize(("typed", "kind", "style", "likely", "words"), REFUSED)
def test_a_range_is_refused_in_words(typed, kind, style, likely, words):
    with pytest.raises(NotANumberError) as refused:
        read_range(typed, kind, style=style, currency="EUR", likely=likely)
    assert words in str(refused.value)


def test_an_end_that_could_be_read_two_ways_is_refused_with_both():
    with pytest.raises(AmbiguousNumberError, match='"60.000" could be 60 or 60,000'):
        read_range("60.000-90.000", "money", style="")


def test_the_estimate_on_either_end_is_inside():
    assert read_range("60-90k", "money", likely=60_000) == (60_000, 90_000)
    assert read_range("60-90k", "money", likely=90_000) == (60_000, 90_000)


@pytest.mark.parametrize("style", ["point", "comma", ""])
@pytest.mark.parametrize(("low", "high"), [(60_000, 90_000), (0.5, 1.25), (1234.5, 2500.75),
                                           (0, 0), (1.125, 2.5)])
def test_a_range_shown_back_reads_again_the_same(style, low, high):
    assert read_range(written_range(low, high, style), "plain", style=style) == (low, high)
