"""What a typed number may carry beside its digits, by the kind of field it goes into, and
which languages write a decimal comma: the tables behind planner/amounts.py.

A field's kind decides what a unit word means: `%` is a share in a confidence and a
mistake in a cost; `pts` is points in a moment's uplift and a mistake in a budget. The
kinds and units are data, so that a form, an import and the CLI refuse the same text with
the same words (docs/style.md, "Behaviour as tables of data"). Also the words that ask
to confirm a cost far from the plan's others (unusual_amount), which need no reader.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Sequence

MONEY, POINTS, SHARE, COUNT, YEARS, MONTHS, PLAIN = (
    "money", "points", "share", "count", "years", "months", "plain")
# kind -> (what the field holds, in words; what to type, as examples)
KINDS = {
    MONEY: ("an amount of money", "75,000 or EUR 50k"),
    POINTS: ("points", "30 or 30 pts"),
    SHARE: ("a share", "55% or 0.55"),
    COUNT: ("a whole number", "3 or 1,000"),
    YEARS: ("a number of years", "3 or 3 years"),
    MONTHS: ("months of work", "24 or 24 FTE-months"),
    PLAIN: ("a plain number", "2.5 or 1,200"),
}

MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mio": 1e6, "million": 1e6,
               "bn": 1e9, "b": 1e9, "billion": 1e9}
# The currency codes and signs people put beside an amount: a short list, so that a word
# which is not one ("5 min") is never taken for it and dropped.
CODES = ("eur", "usd", "gbp", "chf", "sek", "nok", "dkk", "pln", "czk", "huf", "jpy", "cny",
         "aud", "cad", "nzd", "inr", "brl", "zar", "sgd", "hkd", "mxn", "try", "ron")
SIGNS = {"€": "EUR", "£": "GBP"}  # "$" and "¥" name several currencies: not checked
CURRENCY = r"(?:" + "|".join(CODES) + r"|[€$£¥])"

# A unit word after the number, the kind it belongs to, and its name in a refusal.
UNITS = (
    (re.compile(r"%"), SHARE, "a percentage"),
    (re.compile(r"(?:points?|pts?\.?)"), POINTS, "points"),
    (re.compile(r"(?:years?|yrs?\.?)"), YEARS, "years"),
    (re.compile(r"(?:(?:fte|person)[- ]?)?months?|mos?\.?"), MONTHS, "months"),
)
UNUSUAL = 1000  # how far from the plan's median a cost is worth a second look
MONEY_WORDS = "money"
# What stands between the two ends of a range typed in one box: "60-90k", "60 – 90k",
# "EUR 60,000 to 90,000", "60..90"; a hyphen also signs a number, so it is taken only
# where both sides read as numbers (planner/amounts.py read_range).
RANGE_MARKS = re.compile(r"\s*(?:\.\.|[-\u2013\u2014]|\s(?:to|bis|à)\s)\s*",
                         re.IGNORECASE)
MULTIPLE_WORDS = "an amount in thousands, millions or billions"

# Languages whose people write 1.234,5 (CLDR's decimal symbol), and the regions of other
# languages that differ from their language: "de-CH" writes 1'234.5, "en-ZA" 1 234,5.
COMMA_LANGUAGES = frozenset((
    "af", "az", "be", "bg", "bs", "ca", "cs", "da", "de", "el", "es", "et", "eu", "fi", "fo",
    "fr", "gl", "hr", "hu", "hy", "id", "is", "it", "ka", "kk", "ky", "lb", "lt", "lv", "mk",
    "mn", "nb", "nl", "nn", "no", "pl", "pt", "ro", "ru", "sk", "sl", "sq", "sr", "sv", "tr",
    "uk", "uz", "vi"))
POINT_REGIONS = frozenset(("de-ch", "de-li", "it-ch", "es-mx", "es-us", "es-419", "es-gt",
                           "es-hn", "es-ni", "es-pa", "es-pe", "es-pr", "es-sv", "es-do"))
COMMA_REGIONS = frozenset(("en-za", "en-de", "en-nl", "en-be", "en-at", "en-dk", "en-fi",
                           "en-se", "en-si"))


def language_style(languages: Iterable[str]) -> str:
    """"comma" or "point" by the first of the browser's languages (Accept-Language, best
    first), "" when it sends none: the way its reader most likely writes numbers."""
    for language in languages:
        tag = language.strip().lower().replace("_", "-")
        if not tag or tag == "*":
            continue
        if tag in POINT_REGIONS:
            return "point"
        if tag in COMMA_REGIONS or tag.split("-")[0] in COMMA_LANGUAGES:
            return "comma"
        return "point"
    return ""


def kind_words(kind: str) -> tuple[str, str]:
    """What a field of this kind holds, and examples of what to type."""
    return KINDS.get(kind, KINDS[PLAIN])


def grouped(number: float) -> str:
    """A number for a message, grouped: 180,000 or 1.25."""
    if float(number).is_integer():
        return f"{int(number):,}"
    return f"{number:,.6f}".rstrip("0").rstrip(".")


def unusual_amount(value: float, others: Sequence[float], *, what: str,
                   currency: str) -> str | None:
    """Words asking to confirm an amount far outside the plan's own range (under a
    thousandth, or over a thousand times, the median of the plan's other initiatives'),
    or None. Zero is left alone: it is typed on purpose, never a slip of a separator."""
    known = [float(other) for other in others
             if other is not None and math.isfinite(other) and other > 0]
    if not known or value is None or not math.isfinite(value) or value <= 0:
        return None
    median = statistics.median(known)
    if value * UNUSUAL < median:
        how = "less than a thousandth of"
    elif value > median * UNUSUAL:
        how = "more than a thousand times"
    else:
        return None
    return (f"Check the {what}: {currency} {grouped(round(value, 2))} is {how} the median "
            f"{what} of the plan's other initiatives ({currency} {grouped(round(median, 2))}). "
            "It was saved as typed; correct it if it is not what you meant.")
