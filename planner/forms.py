"""What every feature's forms share: finite numbers, ranges, plan-format ids, and the form
behind every "are you sure?" page."""

from __future__ import annotations

import re
from typing import Any

from flask import g, has_request_context, request
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlmodel import Session, select
from wtforms import FloatField, HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError
from wtforms.widgets import Select, TextInput

from models import Plan
from optimizer.planfile.ranges import Range
from optimizer.planfile.text import ID_RULE, id_problem, text_problem
from planner.amounts import STYLES, NotANumberError, read_number, read_range, written_for
from planner.database import get_session
from planner.number_kinds import COUNT, MONEY, SHARE, language_style
from planner.web import LARGEST_ID


class Number(FloatField):
    """A number as people type it, read by planner.amounts for the field's `kind`
    (planner/number_kinds.py: money by default, `percent` = a share): `75,000 EUR` and
    `50k` in money, `55 %` in a share, `30 pts` in points. `180.000` is read by the page's
    number style (page_number_style). What cannot be read is refused with the text kept,
    in one error, never saved as empty. A text box, not `type=number`: a browser sends what
    it cannot parse as nothing."""

    widget = TextInput()

    def __init__(self, *args: Any, kind: str = MONEY, percent: bool = False,
                 unit: str | None = None, ranged: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **_text_box(kwargs, "text" if ranged else "decimal"))
        self.kind, self.unit = (SHARE if percent else kind), unit
        self.ranged = ranged  # a range typed in one box ("60-90k"): data (low, high) or None
        self.number_style: str | None = None  # None: the page's (page_number_style)
        self.currency: str | None = None  # None: the page plan's

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if self.data is None:
            return ""
        if self.ranged:  # as planner.amounts.written_range shows it
            return " - ".join(written_for(end, self._style()) for end in self.data)
        return written_for(float(self.data), self._style())

    def _style(self) -> str:
        return page_number_style() if self.number_style is None else self.number_style

    def read(self, text: str) -> float:
        """The number typed, or ValueError with the words to show."""
        try:
            return (read_range if self.ranged else read_number)(
                text, self.kind, style=self._style(), unit=self.unit,
                currency=self.currency if self.currency is not None else page_currency())
        except NotANumberError as error:
            typed = " ".join(text.split())[:40]
            if str(error).startswith(f'"{typed}'):
                raise ValueError(f"{error} Nothing was saved.") from error
            raise ValueError(f'{error} "{typed}" is not one, so nothing was saved.') from error

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            self.raw_data = valuelist
            return
        self.data = None
        self.data = self.read(str(valuelist[0]))

    def reread(self, style: str, currency: str | None = None) -> None:
        """Read the typed text again by another number style (a form that sets the style
        itself, such as the plan's settings)."""
        self.number_style, self.currency = style, currency
        if self.raw_data and str(self.raw_data[0]).strip():
            self.process_errors = []
            try:
                self.process_formdata(self.raw_data)
            except ValueError as error:
                self.process_errors.append(error.args[0])

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:  # one error per field: not "must be at least 0" as well
            raise StopValidation()


def _text_box(kwargs: dict[str, Any], mode: str) -> dict[str, Any]:
    """A field's arguments with the keyboard a phone shows for it (`inputmode`), and no
    browser suggestions of earlier entries."""
    return {**kwargs, "render_kw": {"inputmode": mode, "autocomplete": "off",
                                    **kwargs.get("render_kw", {})}}


class WholeNumber(Number):
    """A whole number as people type it (`3`, `3.0`, `1,000`; `3 years` where the kind is
    years), in a text box like Number; refused with the text kept when it is not a whole
    number of a sensible size (nine digits)."""

    MAX_DIGITS = 9

    def __init__(self, *args: Any, kind: str = COUNT, **kwargs: Any) -> None:
        super().__init__(*args, kind=kind, **kwargs)
        self.render_kw = {**(self.render_kw or {}), "inputmode": "numeric"}

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return  # not sent at all: the default stands
        text = str(valuelist[0]).strip()
        self.data = None
        if not text:
            return
        digits = re.sub(r"[\s,.'’]", "", text.lstrip("+-"))
        if digits.isdigit() and len(digits) > self.MAX_DIGITS:
            raise ValueError("Enter a whole number of a sensible size, such as 3.")
        value = self.read(text)
        if abs(value) >= 10 ** self.MAX_DIGITS:
            raise ValueError("Enter a whole number of a sensible size, such as 3.")
        if not value.is_integer():
            raise ValueError(f'Enter a whole number, such as 3; "{text[:40]}" is not one, so '
                             "nothing was saved.")
        self.data = int(value)


def page_plan() -> Plan | None:
    """The plan of this /plans/<plan_id>/... page, if any (planner/views.py current_plan
    keeps it in `g`), read lazily by the number fields."""
    if not has_request_context():
        return None
    plan = g.get("plan")
    plan_id = g.get("plan_id")
    if plan is None and isinstance(plan_id, int) and 1 <= plan_id <= LARGEST_ID:
        plan = get_session().get(Plan, plan_id)
    return plan


def page_number_style() -> str:
    """How the people of this page write numbers: the plan's number style when it chose
    one, else the browser's language's ("" when it sends none: ambiguous text refused)."""
    plan = page_plan()
    if plan is not None and plan.number_style in STYLES:
        return plan.number_style
    return browser_number_style()


def browser_number_style() -> str:
    """The number style of the browser's language (Accept-Language), or ""."""
    if not has_request_context():
        return ""
    return language_style(request.accept_languages.values())


def page_currency() -> str | None:
    plan = page_plan()
    return plan.currency if plan is not None else None


class Longest(Length):
    """At most this many characters, said with how many there are: the box takes longer
    text (no maxlength), so nothing pasted is cut without a word."""

    def __init__(self, most: int) -> None:
        super().__init__(max=most, message="At most %(max)d characters; this has %(length)d. "
                                            "Shorten it: nothing was cut.")
        self.field_flags = {}


class Above:
    """Greater than a bound (e.g. confidence > 0), and optionally at most a maximum."""

    def __init__(self, bound: float, maximum: float | None = None) -> None:
        self.bound, self.maximum = bound, maximum

    def __call__(self, _form: Any, field: Any) -> None:
        if field.data is None:
            return
        if field.data <= self.bound:
            raise ValidationError(f"Must be greater than {self.bound:g}.")
        if self.maximum is not None and field.data > self.maximum:
            raise ValidationError(f"Must be {self.maximum:g} or less.")


class Below:
    """Less than a bound (e.g. a discount rate below 1)."""

    def __init__(self, bound: float) -> None:
        self.bound = bound

    def __call__(self, _form: Any, field: Any) -> None:
        if field.data is not None and field.data >= self.bound:
            raise ValidationError(f"Must be less than {self.bound:g}.")


def key_field(label: str = "ID", required: bool = False) -> StringField:
    """The short code that plan files, imports and exports know a row by. Optional where
    the row has a name: left empty, it is made from the name (key_from_name)."""
    validators = [Longest(64)] + ([DataRequired()] if required else [])
    description = ("Short, unique in the plan: letters, digits, - _ . :" if required else
                   "Optional: left empty, it is made from the name. Letters, digits, - _ . :")
    return StringField(label, validators, filters=[_strip], description=description)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def check_key(key: str | None) -> None:
    if key and re.search(r"\s", key):
        raise ValidationError(f'An ID has no spaces: try "{slug(key, set())}", or leave it '
                              f"empty to have one made from the name ({ID_RULE}).")
    if key and id_problem(key):
        raise ValidationError(f"Use {ID_RULE}.")


def key_from_name(session: Session, model: Any, plan_id: int, name: str) -> str:
    """An ID made from a name (`Account opening` -> `account-opening`), unique among the
    plan's rows of this kind."""
    taken = set(session.exec(select(model.key).where(model.plan_id == plan_id)).all())
    return slug(name, taken)


def check_unique_key(session: Session, model: Any, plan_id: int, key: str,
                     own_id: int | None) -> None:
    """Refuse a key another row of the same plan already has."""
    statement = select(model.id).where(model.plan_id == plan_id, model.key == key)
    other = session.exec(statement).first()
    if other is not None and other != own_id:
        raise ValidationError(f'"{key}" is already used in this plan; choose another.')


def slug(text: str, taken: set[str]) -> str:
    """A key derived from a name, unique among `taken`."""
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "item"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def choices(pairs: Any) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class ManyOptions(Select):
    """WTForms' select, each plain option written by one format instead of html_params
    (a few times quicker): an initiative's requires and excludes offer every other
    initiative of the plan, 2,000 options on a plan of 1,000, most of its form's time."""

    @classmethod
    def render_option(cls, choice: SelectChoice, **kwargs: Any) -> Markup:
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        selected = " selected" if choice.selected else ""  # before value, as html_params has it
        label = escape(choice.label or choice.value)
        return Markup(f'<option{selected} value="{escape(choice.value)}">{label}</option>')


class AtLeast:
    """At least `minimum` (0 for money and amounts), and at most a sane maximum."""

    def __init__(self, minimum: float = 0.0, maximum: float = 1e15) -> None:
        self.minimum, self.maximum = minimum, maximum

    @classmethod
    def of(cls, kind: Range) -> AtLeast:
        """The range a plan file allows for this kind of field (optimizer/planfile/ranges.py):
        a form and a file refuse the same numbers. An open low end needs Above too."""
        return cls(kind.low, maximum=kind.high)

    def __call__(self, _form: Any, field: Any) -> None:
        ends = field.data if isinstance(field.data, tuple) else (field.data,)  # a range's
        if any(end is not None and end < self.minimum for end in ends):
            raise ValidationError(f"Must be at least {self.minimum:g}.")
        if any(end is not None and end > self.maximum for end in ends):
            raise ValidationError(f"Must be at most {self.maximum:,.0f}.")


class Form(FlaskForm):
    """Every form of the planner: its text fields keep the plan-file rules for text (no
    invisible characters), so that what a form saves, a plan file could hold."""

    def validate(self, extra_validators: Any = None) -> bool:
        # First, and alone: the other checks may look the text up in the database, which
        # cannot take a NUL (PostgreSQL refuses it outright).
        hidden = {}
        for field in self:
            if isinstance(field, StringField) and not isinstance(field, HiddenField) \
                    and isinstance(field.data, str):
                problem = text_problem(field.data, lines=isinstance(field, TextAreaField))
                if problem:
                    hidden[field.name] = f"This {problem}."
        if not hidden:
            return super().validate(extra_validators)
        for field in self:
            field.errors = [hidden[field.name]] if field.name in hidden else []
        return False


class VersionField(HiddenField):
    """The version of the row the form was opened at. A submitted form without one (a
    script, an old page) has none: never the row's current version, which would let a
    stale save through."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = valuelist[0] if valuelist else None


class ConfirmForm(FlaskForm):
    """The form behind every "are you sure?" page: a CSRF token and a button."""
