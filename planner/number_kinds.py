"""What a typed number may carry beside its digits, by the kind of field it goes into, and
which languages write a decimal comma: the tables behind planner/amounts.py.

A field's kind decides what a unit word means: `%` is a share in a confidence and a
mistake in a cost; `pts` is points in a moment's uplift and a mistake in a budget. The
kinds and units are data, so that a form, an import and the CLI refuse the same text with
the same words (docs/style.md, "Behaviour as tables of data").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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
MONEY_WORDS = "money"
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
