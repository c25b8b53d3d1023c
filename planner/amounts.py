"""Numbers as people type them into a form: `75,000`, `75 000`, `EUR 75,000`, `50k`, `8%`.

Written here because no library reads this mix: Babel parses one locale's numbers, not a
currency code, a `k` or a `%` around them, and a form field cannot know its user's locale.
The rule for the separators: spaces and apostrophes group thousands; when both a comma and
a point appear, the last one is the decimal mark; a comma alone groups thousands when every
group after it has three digits (`75,000`), else it is the decimal mark (`0,5`); a point
alone is the decimal mark (`1.5`), unless it appears more than once (`1.250.000`).
"""

from __future__ import annotations

import math
import re

EXAMPLE = "75,000 or 75000 or 50k"
MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mio": 1e6, "million": 1e6,
               "bn": 1e9, "b": 1e9, "billion": 1e9}
# The currency codes and signs people put beside an amount: a short list, so that a word
# which is not one ("5 min") is never taken for it and dropped.
CODES = ("eur", "usd", "gbp", "chf", "sek", "nok", "dkk", "pln", "czk", "huf", "jpy", "cny",
         "aud", "cad", "nzd", "inr", "brl", "zar", "sgd", "hkd", "mxn", "try", "ron")
CURRENCY = r"(?:" + "|".join(CODES) + r"|[€$£¥])"
_SUFFIX = re.compile(r"\s*(" + "|".join(sorted(MULTIPLIERS, key=len, reverse=True)) + r")$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009'’]")
_GROUPED = re.compile(r"\d{1,3}(?:[,.]\d{3})+")


class NotANumberError(ValueError):
    """The text is not a number as people write one."""


def read_amount(text: str, *, percent: bool = False) -> float:
    """The number in `text`; NotANumberError with words to show when it holds none.
    `percent`: `8%` is read as 0.08 (rates and chances); elsewhere a `%` is refused."""
    value = text.strip().lower()
    value = _strip_currency(value)
    share = value.endswith("%")
    if share:
        if not percent:
            raise NotANumberError("A % only fits a rate or a chance; enter the amount itself, "
                                  f"such as {EXAMPLE}.")
        value = value[:-1].rstrip()
    factor = 1.0
    suffix = _SUFFIX.search(value)
    if suffix and not share and re.search(r"\d", value[:suffix.start()]):
        factor = MULTIPLIERS[suffix.group(1)]
        value = value[:suffix.start()]
    sign = -1.0 if value.startswith("-") else 1.0
    value = value[1:] if value[:1] in ("+", "-") else value
    number = _plain(_SPACES.sub("", value))
    if number is None and value in ("nan", "inf", "infinity"):
        raise NotANumberError("Enter a finite number (not nan or infinity).")
    if number is None:
        raise NotANumberError(f"Enter a number, such as {EXAMPLE}.")
    result = sign * number * factor / (100.0 if share else 1.0)
    if not math.isfinite(result):
        raise NotANumberError("Enter a finite number (not nan or infinity).")
    return result


def _strip_currency(value: str) -> str:
    """The text without a currency code or sign in front or behind (`eur 75,000`, `75k €`)."""
    front = re.match(CURRENCY + r"\s*(?=[\d+\-.,])", value)
    if front:
        value = value[front.end():]
    back = re.search(r"(?:(?<=[\d%.])|(?<=\d[kmb])|\s)\s*" + CURRENCY + r"$", value)
    if back and re.search(r"\d", value[:back.start()]):
        value = value[:back.start()]
    return value.strip()


def _plain(text: str) -> float | None:
    """A number with only digits and separators, or None."""
    if not text or not re.fullmatch(r"[\d.,]+|\d+(?:\.\d*)?e[+-]?\d+", text):
        return None
    if "e" in text:
        return float(text)
    commas, points = text.count(","), text.count(".")
    if commas and points:  # the last one is the decimal mark
        mark = "," if text.rfind(",") > text.rfind(".") else "."
        group = "." if mark == "," else ","
        if text.count(mark) > 1 or not _GROUPED.fullmatch(text[:text.rfind(mark)]):
            return None
        text = text.replace(group, "").replace(mark, ".")
    elif commas:
        if _GROUPED.fullmatch(text):
            text = text.replace(",", "")
        elif commas == 1:
            text = text.replace(",", ".")
        else:
            return None
    elif points > 1:
        if not _GROUPED.fullmatch(text):
            return None
        text = text.replace(".", "")
    if not re.fullmatch(r"\d*\.?\d*", text) or not re.search(r"\d", text):
        return None
    return float(text)
