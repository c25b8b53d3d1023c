"""Forms for a plan's settings and the lists it owns: stages, periods, resources."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select
from wtforms import DateField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from models import Period, Plan, Resource, Stage
from optimizer.planfile.estimates import UNCERTAINTY_KEYS
from optimizer.planfile.ranges import CAPACITY, MONEY, RANGE_SHARE
from planner import number_kinds as kinds
from planner.amounts import STYLE_CHOICES, STYLES, outside
from planner.forms import (
    AtLeast,
    Below,
    ConfirmForm,
    Form,
    Longest,
    Number,
    VersionField,
    WholeNumber,
    browser_number_style,
    check_key,
    check_unique_key,
    choices,
    key_field,
    key_from_name,
    page_number_style,
)

DEFAULT_HORIZON, DEFAULT_RATE = 3, 0.08


def _shares(label: str, example: str) -> Number:
    """A default range as shares of each estimate without its own, typed in one box."""
    return Number(label, [Optional(), AtLeast.of(RANGE_SHARE)], kind=kinds.SHARE, ranged=True,
                  description=f"Low and high, as shares of the estimate, such as {example}; "
                              "empty: certain.")


class PlanForm(Form):
    name = StringField("Name of the planning cycle", [DataRequired(), Longest(120)],
                       description='For example "FY2027 customer experience plan".')
    currency = StringField("Currency", [DataRequired(), Regexp(
        r"^[A-Z]{3}$", message='A three-letter ISO 4217 code such as "EUR".')], default="EUR")
    # First: the numbers below are read by the style chosen here, in the same save.
    number_style = SelectField(
        "How numbers are written", choices=choices(STYLE_CHOICES), default="",
        description='Decides what "180.000" or "2,500" means wherever the plan\'s numbers '
                    "are typed or imported. Not chosen, each person's browser language "
                    "decides, and a number it leaves open is refused, never guessed.")
    budget = Number("Total budget", [Optional(), AtLeast.of(MONEY)], kind=kinds.MONEY,
                    description="Leave empty for no total budget.")
    max_focus = WholeNumber("Focus moments (at most)", [InputRequired(), NumberRange(1, 20)],
                             default=3, description="Three, four at most, is the usual advice.")
    horizon_years = WholeNumber("Finance horizon (years)", [Optional(), NumberRange(1, 50)],
                                kind=kinds.YEARS)
    discount_rate = Number("Discount rate", [Optional(), AtLeast(0), Below(1)],
                           kind=kinds.SHARE,
                           description="A yearly rate, such as 8% (or 0.08).")
    # The default ranges, as shares of each estimate (docs/model.md, "Uncertainty").
    uncertainty_cost = _shares("Costs could be", "90-130%")
    uncertainty_effects = _shares("Uplifts could be", "50-120%")
    uncertainty_weight = _shares("Weights could be", "80-120%")
    version = VersionField()

    def __init__(self, *args: Any, session: Session, plan_id: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session, self.plan_id = session, plan_id
        if self.is_submitted():  # the style and currency of this form, not the plan's before
            style = self.number_style.data if self.number_style.data in STYLES else ""
            currency = (self.currency.data or "").strip()
            currency = currency if len(currency) == 3 and currency.isalpha() else None
            for field in (self.budget, self.max_focus, self.horizon_years, self.discount_rate,
                          *self.share_fields()):
                field.reread(style or browser_number_style(), currency)
        elif kwargs.get("obj") is not None:
            self.show_shares(kwargs["obj"])

    def show_shares(self, plan: Plan) -> None:
        """The plan's default ranges in their boxes, as a form opened on it shows them."""
        for key, field in zip(UNCERTAINTY_KEYS, self.share_fields(), strict=True):
            pair = (plan.uncertainty or {}).get(key)
            field.data = tuple(pair) if pair else None

    def share_fields(self) -> list[Any]:
        return [self[f"uncertainty_{key}"] for key in UNCERTAINTY_KEYS]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self.share_fields():
            words = None if field.data is None else outside(field.data, 1.0, kinds.SHARE)
            if words and not field.errors:
                field.errors.append(f"{words} Nothing was saved.")
                valid = False
        return valid

    def validate_name(self, field: Any) -> None:
        other = self.session.exec(select(Plan.id).where(Plan.name == field.data)).first()
        if other is not None and other != self.plan_id:
            raise ValidationError("A plan with this name already exists.")

    def save(self, plan: Plan) -> None:
        plan.name, plan.currency = self.name.data.strip(), self.currency.data
        plan.budget, plan.max_focus = self.budget.data, self.max_focus.data
        plan.number_style = self.number_style.data if self.number_style.data in STYLES else ""
        shares = {key: list(field.data) for key, field in zip(
            UNCERTAINTY_KEYS, self.share_fields(), strict=True) if field.data is not None}
        plan.uncertainty = shares or None
        if self.horizon_years.data is None and self.discount_rate.data is None:
            plan.horizon_years = plan.discount_rate = None
        else:
            plan.horizon_years = self.horizon_years.data or DEFAULT_HORIZON
            rate = self.discount_rate.data
            plan.discount_rate = DEFAULT_RATE if rate is None else rate


class Day(DateField):
    """A day typed or picked; what is not one is refused in words that say what to do."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"{self.label.text}: give a day as YYYY-MM-DD, or leave it "
                             "empty.") from None


class OpenForm(ConfirmForm):
    """The move that opens a plan for proposals, with the last day teams may propose."""

    proposals_close = Day(
        "Proposals close", [Optional()],
        description="Optional: the last day teams may propose; everyone in the plan is "
                    "reminded two days before.")

    def validate_proposals_close(self, field: Any) -> None:
        if field.data is not None and field.data < date.today():
            raise ValidationError(f"{field.label.text}: {field.data:%Y-%m-%d} is in the past; "
                                  "choose today or a later day, or leave it empty.")


class PartForm(Form):
    """A row of one of the plan's lists, with an id unique in the plan."""

    model: Any = None
    saved: tuple[str, ...] = ("key",)
    key = key_field()
    version = VersionField()

    def __init__(self, *args: Any, session: Session, plan_id: int, own_id: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session, self.plan_id, self.own_id = session, plan_id, own_id

    def validate_key(self, field: Any) -> None:
        check_key(field.data)
        if field.data:
            check_unique_key(self.session, self.model, self.plan_id, field.data, self.own_id)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.key.data and not ("name" in self and self.name.data.strip()):
            self.key.errors = ["Give it a name or an ID."]
            return False
        return valid

    def save(self, row: Any) -> None:
        for name in self.saved:
            setattr(row, name, self[name].data)
        if not row.key:  # made from the name (a period, which has none, requires its ID)
            row.key = key_from_name(self.session, self.model, self.plan_id, row.name)


class StageForm(PartForm):
    model = Stage
    saved = ("key", "name")
    name = StringField("Name", [DataRequired(), Longest(120)])


class PeriodForm(PartForm):
    model = Period
    saved = ("key", "budget")
    key = key_field("ID", required=True)
    budget = Number("Budget of the period", [Optional(), AtLeast.of(MONEY)], kind=kinds.MONEY,
                    description="Leave empty for no limit in this period.")


class ResourceForm(PartForm):
    model = Resource
    saved = ("key", "name", "capacity", "unit")
    name = StringField("Name", [Longest(120)])
    capacity = Number("Capacity", [InputRequired(), AtLeast.of(CAPACITY)], kind=kinds.MONTHS,
                      description="How much of it there is, such as 24 or 24 FTE-months "
                                  "(or in its own unit: 8 weeks).")
    unit = StringField("Unit", [Longest(40)], description="For example FTE-months.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_submitted():  # "8 weeks" is read in the unit typed beside it
            self.capacity.unit = (self.unit.data or "").strip() or None
            self.capacity.reread(page_number_style())
