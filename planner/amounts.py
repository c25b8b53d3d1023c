"""Numbers as people type them: `75,000`, `75 000`, `EUR 75,000`, `50k`, `55 %`, `30 pts`,
`3 years`, `24 FTE-months`; the one reader of the forms, the imports and the CLI.

Written here because no library reads this mix: Babel parses one locale's numbers, not a
currency code, a `k` or a `%` around them. The field's kind (planner/number_kinds.py)
decides what a unit means; a unit of another kind is refused in words naming what fits.

The separators: spaces and apostrophes group thousands; when both a comma and a point
appear, the last one is the decimal mark; a mark that appears more than once groups
thousands (`1.250.000`). One mark followed by exactly three digits (`180.000`, `2,500`)
is read by the writer's convention (the plan's number style, else the browser's
language), and refused with both readings when neither says: a guess would move money by
a factor of 1,000. Any other single mark is the decimal mark (`0,5`, `1.5`, `1234,567`).
"""

from __future__ import annotations

import math
import re

from planner.number_kinds import (
    COUNT,
    CURRENCY,
    MONEY,
    MONEY_WORDS,
    MONTHS,
    MULTIPLE_WORDS,
    MULTIPLIERS,
    PLAIN,
    RANGE_MARKS,
    SHARE,
    SIGNS,
    UNITS,
    YEARS,
    grouped,
    kind_words,
    unusual_amount,  # noqa: F401 (its callers import it here)
)

_show = grouped

EXAMPLE = "75,000 or 75000 or 50k"
STYLES = ("point", "comma")
STYLE_CHOICES = (("", "Not chosen: as each person's browser language writes them"),
                 ("point", "1,234.5 (a point for decimals)"),
                 ("comma", "1.234,5 (a comma for decimals)"))
_SUFFIX = re.compile(r"\s*(" + "|".join(sorted(MULTIPLIERS, key=len, reverse=True)) + r")$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009'’]")
_GROUPED = re.compile(r"\d{1,3}(?:[,.]\d{3})+")
# One mark and three digits after a first group that could be a thousands group.
_EITHER = re.compile(r"[1-9]\d{0,2}[,.]\d{3}")
WHOLE = (COUNT, YEARS)  # kinds that only take whole numbers


class NotANumberError(ValueError):
    """The text is not a number of the field's kind; the message says why, to the user.
    `examples`: where the text holds no number at all, how to write one of this kind (for
    a way in that words its refusal otherwise, such as the import's cells)."""

    def __init__(self, message: str, examples: str | None = None) -> None:
        super().__init__(message)
        self.examples = examples


class NotFiniteError(NotANumberError):
    """The text is nan, infinity, or a number too large to hold."""

    def __init__(self) -> None:
        super().__init__("Enter a finite number (not nan or infinity).")


class AmbiguousNumberError(NotANumberError):
    """The text is a number whose value depends on the writer's convention."""


def read_amount(text: str, *, percent: bool = False) -> float:
    """The number in `text` as a form reads an amount of money (`percent`: a share)."""
    return read_number(text, SHARE if percent else MONEY)


def read_number(text: str, kind: str = PLAIN, *, style: str = "",
                currency: str | None = None, unit: str | None = None) -> float:
    """The number in `text` for a field of this kind (planner/number_kinds.py KINDS).

    `style`: "point" (1,234.5), "comma" (1.234,5) or "" (neither known: `180.000` is
    refused). `currency`: the plan's, for money; another one typed is refused. `unit`:
    the field's own unit word (a resource's "weeks"), taken beside the kind's.
    NotANumberError with the words to show when the text holds no such number.
    """
    typed = " ".join(text.split())
    value = typed.lower()
    value, code = _strip_currency(value)
    own_unit, unit = (unit or "").strip(), None
    factor = 1.0
    if code is not None:
        unit = (MONEY, MONEY_WORDS)
    suffix = _SUFFIX.search(value)
    if suffix and re.search(r"\d", value[:suffix.start()]):
        factor = MULTIPLIERS[suffix.group(1)]
        value = value[:suffix.start()].rstrip()
        unit = unit or (MONEY, MULTIPLE_WORDS)
        value, code_after = _strip_currency(value)  # "EUR 50k" has it first, "50 EUR k" not
        if code_after is not None:
            raise _no_number(kind)
    elif code is None:
        value, own = _strip_own(value, own_unit)
        if not own:
            value, unit = _strip_unit(value)
    if unit is not None and unit[0] != kind:
        raise NotANumberError(f'"{typed[:40]}" is {unit[1]}; this field is '
                              f"{kind_words(kind)[0]}: enter it such as {kind_words(kind)[1]}.")
    if unit is not None and own_unit and unit[0] == MONTHS and not _strip_unit(
            "1 " + own_unit.lower())[1]:
        raise NotANumberError(f'"{typed[:40]}" is {unit[1]}; this field counts in '
                              f"{own_unit}: enter it such as 24 or 24 {own_unit}.")
    if code and currency and code != currency.upper():
        raise NotANumberError(f'"{typed[:40]}" is in {code}; this plan counts in '
                              f"{currency.upper()}: enter the amount in {currency.upper()}.")
    sign = -1.0 if value.startswith("-") else 1.0
    value = value[1:] if value[:1] in ("+", "-") else value
    digits = _SPACES.sub("", value)
    if digits in ("nan", "inf", "infinity"):
        raise NotFiniteError()
    readings = _plain(digits)
    if readings is None:
        raise _no_number(kind)
    if isinstance(readings, dict) and style in STYLES:
        readings = [readings[style]]
    elif isinstance(readings, dict) and kind in WHOLE:
        # "1,200" people, "1.000" years: a whole number has no decimals to write, so the
        # mark groups thousands (1,000 read as 1 would be written 1)
        readings = [max(readings.values())]
    if isinstance(readings, dict):
        shown = [sign * r * factor / (100.0 if _percent(unit) else 1.0)
                 for r in readings.values()]
        raise AmbiguousNumberError(_ambiguous(typed, shown))
    result = sign * readings[0] * factor / (100.0 if _percent(unit) else 1.0)
    if not math.isfinite(result):
        raise NotFiniteError()
    return result


def read_range(text: str, kind: str = PLAIN, *, style: str = "", currency: str | None = None,
               unit: str | None = None, likely: float | None = None
               ) -> tuple[float, float] | None:
    """(low, high) of a range typed in one box, each end read as read_number reads it:
    `60-90k`, `60 – 90k`, `EUR 60,000 to 90,000`, `60.000-90.000 EUR`; a unit, multiple or
    currency written on one end counts for both. None for one number (no range). Refused
    when the low end is above the high end or `likely`, the estimate, lies outside."""
    typed = " ".join(text.split())
    for mark in RANGE_MARKS.finditer(typed):
        left, right = typed[:mark.start()], typed[mark.end():]
        if not (re.search(r"\d", left) and re.search(r"\d", right)):
            continue
        left, right, lent = _share_units(left, right)
        try:
            low, high = (read_number(end, kind, style=style, currency=currency, unit=unit)
                         for end in (left, right))
        except NotANumberError as error:
            if error.examples is not None:  # no number on one side: a sign, not a range
                continue
            raise
        break
    else:
        read_number(typed, kind, style=style, currency=currency, unit=unit)
        return None
    if low > high:
        raise NotANumberError(f'"{typed[:40]}" runs from {_said(low, kind)} down to '
                              f"{_said(high, kind)}: " + (
                                  "write each end with its own unit, such as 800k - 1.2m."
                                  if lent else f"write the low end first ({right} - {left})."))
    words = outside((low, high), likely, kind)
    if words:
        raise NotANumberError(words)
    return low, high


def outside(ends: tuple[float, float], likely: float | None, kind: str = PLAIN) -> str | None:
    """The refusal of a range that leaves out its estimate (`likely`), or None."""
    if likely is None or ends[0] <= likely <= ends[1]:
        return None
    return (f"The range {_said(ends[0], kind)} to {_said(ends[1], kind)} leaves out the "
            f"estimate itself, {_said(likely, kind)}: the estimate lies inside its range.")


def _share_units(left: str, right: str) -> tuple[str, str, bool]:
    """Both ends with what only one wrote ("60-90k": 60k, 90k; "EUR 60 to 90": EUR 90), and
    whether a multiple was lent to the low end."""
    front = re.match(r"[^\d+\-.,]*", left).group()
    back = re.search(r"[^\d.,]*$", right).group()
    lent = ""
    if back.strip() and re.search(r"\d$", left):  # a currency in front is not doubled
        lent = _strip_currency("1" + back.lower())[0][1:] if _strip_currency(
            front.lower() + "1")[1] is not None else back
        left += lent
    if front.strip() and re.match(r"[\d.,]", right) and \
            _strip_currency("1" + back.lower())[1] is None:
        right = front + right
    return left, right, bool(_SUFFIX.search("1" + lent.strip().lower()))


def written_range(low: float, high: float, style: str) -> str:
    """A range as a form shows it back, read again as the same two numbers."""
    return f"{written_for(low, style)} - {written_for(high, style)}"


def _said(number: float, kind: str) -> str:
    return f"{_show(round(number * 100, 6))}%" if kind == SHARE else _show(number)


def written_for(number: float, style: str) -> str:
    """A number as a form shows it back, so that it reads again as the same number by this
    style: the shortest text of the float, a decimal comma in the "comma" style, and a
    trailing 0 where a lone point and three digits would be ambiguous (`1.1250`)."""
    text = repr(float(number))
    text = text[:-2] if text.endswith(".0") else text
    if style == "comma" and "e" not in text:
        return text.replace(".", ",")
    if style != "point" and _EITHER.fullmatch(text.lstrip("-")):
        return text + "0"
    return text


def _percent(unit: tuple[str, str] | None) -> bool:
    return unit is not None and unit[0] == SHARE


def _no_number(kind: str) -> NotANumberError:
    """The refusal of a text that holds no number, with how to write one of this kind."""
    examples = EXAMPLE if kind == MONEY else kind_words(kind)[1]
    number = "a whole number" if kind in WHOLE else "a number"
    return NotANumberError(f"Enter {number}, such as {examples}.", examples)


def _ambiguous(typed: str, readings: list[float]) -> str:
    small, large = sorted(readings, key=abs)
    return (f'"{typed[:40]}" could be {_show(small)} or {_show(large)}: write '
            f"{_written(small)} or {_written(large)}, or choose how numbers are written in "
            "the plan's settings.")


def shown_as(number: float, kind: str) -> str:
    """A number read, as the import preview shows it beside the text typed: money with
    two decimals (180,000.00), a share as a percentage (55%), others grouped."""
    if kind == MONEY:
        return f"{number:,.2f}"
    if kind == SHARE:
        return f"{_show(round(number * 100, 6))}%"
    return _show(number)


def _written(number: float) -> str:
    """A number as anyone reads it the same way: no separators but one decimal point."""
    if float(number).is_integer():
        return str(int(number))
    return f"{number:.6f}".rstrip("0")


def _strip_currency(value: str) -> tuple[str, str | None]:
    """The text without a currency code or sign in front or behind (`eur 75,000`, `75k €`),
    and the currency's code ("$" and "¥" name several: "" for them)."""
    code = None
    front = re.match(r"(" + CURRENCY + r")\s*(?=[\d+\-.,])", value)
    if front:
        value, code = value[front.end():], front.group(1)
    back = re.search(r"(?:(?<=[\d%.])|(?<=\d[kmb])|\s)\s*(" + CURRENCY + r")$", value)
    if back and code is None and re.search(r"\d", value[:back.start()]):
        value, code = value[:back.start()], back.group(1)
    if code is None:
        return value.strip(), None
    return value.strip(), SIGNS.get(code, code.upper() if len(code) == 3 else "")


def _strip_own(value: str, own_unit: str) -> tuple[str, bool]:
    """The text without the field's own unit word behind the number, and whether it had it."""
    if not own_unit:
        return value, False
    found = re.search(r"(?<=[\d.,])\s*" + re.escape(own_unit.lower()) + r"$", value)
    return (value[:found.start()].rstrip(), True) if found else (value, False)


def _strip_unit(value: str) -> tuple[str, tuple[str, str] | None]:
    """The text without a unit word behind the number (`30 pts`, `55 %`), and the unit."""
    for pattern, kind, words in UNITS:
        found = re.search(r"(?<=[\d.,])\s*(?:" + pattern.pattern + r")$", value)
        if found and found.start() > 0:
            return value[:found.start()].rstrip(), (kind, words)
    return value, None


def _plain(text: str) -> list[float] | dict[str, float] | None:
    """A number with only digits and separators: [its value]; {"point": value with a
    decimal point, "comma": value with a decimal comma} when the writer's convention
    decides (`180.000`); None when it is no number."""
    if not text or not re.fullmatch(r"[\d.,]+|\d+(?:\.\d*)?e[+-]?\d+", text):
        return None
    if "e" in text:
        return [float(text)]
    if _EITHER.fullmatch(text):
        mark = "," if "," in text else "."
        grouped, decimal = float(text.replace(mark, "")), float(text.replace(mark, "."))
        return {"point": decimal if mark == "." else grouped,
                "comma": decimal if mark == "," else grouped}
    commas, points = text.count(","), text.count(".")
    if commas and points:  # the last one is the decimal mark
        mark = "," if text.rfind(",") > text.rfind(".") else "."
        group = "." if mark == "," else ","
        if text.count(mark) > 1 or not _GROUPED.fullmatch(text[:text.rfind(mark)]):
            return None
        text = text.replace(group, "").replace(mark, ".")
    elif commas + points > 1:  # one mark, several times: it groups thousands
        if not _GROUPED.fullmatch(text) or (commas and points):
            return None
        text = text.replace(",", "").replace(".", "")
    else:
        text = text.replace(",", ".")
    if not re.fullmatch(r"\d*\.?\d*", text) or not re.search(r"\d", text):
        return None
    return [float(text)]
