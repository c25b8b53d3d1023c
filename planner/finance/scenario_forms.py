"""The scenario form, built per plan: the settings a scenario can change, each empty for
"as in the plan", with one field per period, moment and resource."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from models import Initiative, Moment, Period, Plan, Resource, Scenario
from optimizer.planfile.ranges import CAPACITY, MONEY, WEIGHT
from planner import number_kinds as kinds
from planner.forms import AtLeast, Form, Longest, Number, VersionField, WholeNumber

IDS_SEPARATOR = re.compile(r"[\s,;]+")
# Decision field -> the decision it sets.
DECISION_FIELDS = (("force_in", "fund"), ("force_out", "reject"), ("to_auto", "auto"))


@dataclass(frozen=True)
class Setting:
    """One per-row override: the form field's name, the row's id in the plan document,
    its label and the plan's own value."""

    field: str
    key: str
    label: str
    plan_value: float | None


@dataclass
class ScenarioParts:
    """What a scenario of this plan can override, row by row."""

    plan: Plan
    periods: list[Setting]
    weights: list[Setting]
    capacities: list[Setting]
    initiative_keys: dict[str, str]  # key -> current decision
    initiative_names: dict[str, str]  # key -> name

    def key_of(self, text: str) -> list[str]:
        """The initiatives a person means by this text: its ID, or its name (any case and
        spacing); more than one where several share the name."""
        if text in self.initiative_keys:
            return [text]
        folded = " ".join(text.split()).casefold()
        return [key for key, name in self.initiative_names.items()
                if " ".join(name.split()).casefold() == folded]

    def called(self, key: str) -> str:
        """How the form shows an initiative: its name, or its ID where names repeat."""
        name = self.initiative_names.get(key, key)
        return name if len(self.key_of(name)) == 1 else key

    @classmethod
    def load(cls, session: Session, plan: Plan) -> ScenarioParts:
        def rows(model: Any, order: Any) -> list[Any]:
            return list(session.exec(select(model).where(model.plan_id == plan.id)
                                     .order_by(order, model.id)).all())

        periods = [Setting(f"period_{n}", p.key, f"Budget of period {p.key}", p.budget)
                   for n, p in enumerate(rows(Period, Period.position))]
        weights = [Setting(f"weight_{n}", m.key, m.name, m.weight)
                   for n, m in enumerate(rows(Moment, Moment.key))]
        capacities = [Setting(f"capacity_{n}", r.key, r.name or r.key, r.capacity)
                      for n, r in enumerate(rows(Resource, Resource.position))]
        rows_ = session.exec(select(Initiative.key, Initiative.decision, Initiative.name)
                             .where(Initiative.plan_id == plan.id)
                             .order_by(Initiative.name)).all()
        return cls(plan, periods, weights, capacities, {key: d for key, d, _ in rows_},
                   {key: name for key, _, name in rows_})

    def tables(self) -> tuple[tuple[str, list[Setting]], ...]:
        """(override key, settings) of the per-row overrides."""
        return (("period_budgets", self.periods), ("weights", self.weights),
                ("capacities", self.capacities))


def _plan_value(value: float | None, unit: str = "") -> str:
    return "none" if value is None else f"{value:,.10g}{unit}"


class ScenarioForm(Form):
    name = StringField("Name", [DataRequired(), Longest(120)],
                       description='For example "Budget cut 20%" or "Focus on four".')
    note = TextAreaField("Note", [Longest(2000)], description="What this scenario asks.")
    budget = Number("Total budget", [Optional(), AtLeast.of(MONEY)], kind=kinds.MONEY)
    no_budget = BooleanField("No total budget in this scenario")
    max_focus = WholeNumber("Focus moments (at most)", [Optional(), NumberRange(1, 20)],
                            kind=kinds.COUNT)
    force_in = TextAreaField("Force in", description="Initiatives to fund whatever they move: "
                             "one per line, by name or ID.")
    force_out = TextAreaField("Force out", description="Initiatives to reject: one per line, "
                              "by name or ID.")
    to_auto = TextAreaField("Leave to the optimiser",
                            description="Initiatives whose decision in the plan is fund or "
                                        "reject, given back to the optimiser in this scenario: "
                                        "one per line, by name or ID.")
    version = VersionField()

    parts: ScenarioParts
    session: Session
    own_id: int | None

    def validate_name(self, field: Any) -> None:
        other = self.session.exec(select(Scenario.id).where(
            Scenario.plan_id == self.parts.plan.id, Scenario.name == field.data.strip())).first()
        if other is not None and other != self.own_id:
            raise ValidationError("This plan already has a scenario with this name.")

    def validate_no_budget(self, field: Any) -> None:
        if field.data and self.budget.data is not None:
            raise ValidationError("Either enter a budget or tick this box, not both.")

    def validate_force_in(self, field: Any) -> None:
        self._check_ids(field)

    def validate_force_out(self, field: Any) -> None:
        self._check_ids(field)

    def validate_to_auto(self, field: Any) -> None:
        self._check_ids(field)

    def _check_ids(self, field: Any) -> None:
        unknown, shared = [], []
        for line in _lines(field.data):
            keys, words = self.parts.key_of(line), _words(line)
            if not keys and len(words) > 1 and any(self.parts.key_of(w) for w in words):
                # several IDs on one line, separated by spaces or commas
                unknown += [word for word in words if not self.parts.key_of(word)]
            elif not keys:
                unknown.append(line)
            elif len(keys) > 1:
                shared.append(f'"{line}" ({", ".join(keys)})')
        if unknown:
            raise ValidationError("The plan has no initiative named or with the ID "
                                  + ", ".join(f'"{line}"' for line in unknown) + ".")
        if shared:
            raise ValidationError(f"More than one initiative is called {'; '.join(shared)}: "
                                  "give its ID instead.")
        ids = self.keys(field.name)
        elsewhere = [key for key in ids for name, _ in DECISION_FIELDS
                     if name != field.name and key in self.keys(name)]
        if elsewhere:
            raise ValidationError(", ".join(self.parts.called(key) for key in
                                            sorted(set(elsewhere)))
                                  + ": listed under two decisions; keep each in one.")

    def keys(self, name: str) -> list[str]:
        """The IDs of the initiatives a decision box lists (those it can read)."""
        found: list[str] = []
        for line in _lines(self[name].data):
            keys = self.parts.key_of(line)
            if len(keys) == 1:
                found += keys
            elif not keys and all(self.parts.key_of(part) for part in _words(line)):
                found += [self.parts.key_of(part)[0] for part in _words(line)]
        return list(dict.fromkeys(found))

    def setting_fields(self, settings: list[Setting]) -> list[Any]:
        return [self[setting.field] for setting in settings]

    def fill(self, scenario: Scenario) -> None:
        """Show a saved scenario's overrides in the fields."""
        overrides = scenario.overrides
        self.name.data, self.note.data = scenario.name, scenario.note
        self.version.data = str(scenario.version)
        if "budget" in overrides:
            self.budget.data = overrides["budget"]
            self.no_budget.data = overrides["budget"] is None
        self.max_focus.data = overrides.get("max_focus")
        for key, settings in self.parts.tables():
            values = overrides.get(key, {})
            for setting in settings:
                self[setting.field].data = values.get(setting.key)
        decisions = overrides.get("decisions", {})
        for name, decision in DECISION_FIELDS:
            self[name].data = "\n".join(sorted(self.parts.called(key) for key, v
                                               in decisions.items() if v == decision))

    def save(self, scenario: Scenario) -> None:
        scenario.name, scenario.note = self.name.data.strip(), self.note.data or ""
        scenario.overrides = self.overrides()

    def overrides(self) -> dict[str, Any]:
        """The overrides the fields say; empty fields keep the plan's own settings."""
        overrides: dict[str, Any] = {}
        if self.no_budget.data:
            overrides["budget"] = None
        elif self.budget.data is not None:
            overrides["budget"] = self.budget.data
        if self.max_focus.data is not None:
            overrides["max_focus"] = self.max_focus.data
        for key, settings in self.parts.tables():
            values = {setting.key: self[setting.field].data for setting in settings
                      if self[setting.field].data is not None}
            if values:
                overrides[key] = values
        decisions = {key: decision for name, decision in DECISION_FIELDS
                     for key in self.keys(name)}
        if decisions:
            overrides["decisions"] = dict(sorted(decisions.items()))
        return overrides


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _words(line: str) -> list[str]:
    return [key for key in IDS_SEPARATOR.split(line) if key]


def scenario_form(parts: ScenarioParts, session: Session, own_id: int | None = None,
                  **kwargs: Any) -> ScenarioForm:
    """The form for this plan: its fixed fields, then one per period, moment and resource."""
    plan = parts.plan

    class PlanScenarioForm(ScenarioForm):
        pass

    for settings, kind, typed in ((parts.periods, MONEY, kinds.MONEY),
                                  (parts.capacities, CAPACITY, kinds.MONTHS)):
        for setting in settings:
            setattr(PlanScenarioForm, setting.field, Number(
                setting.label, [Optional(), AtLeast.of(kind)], kind=typed,
                description=f"Empty: the plan's ({_plan_value(setting.plan_value)})."))
    for setting in parts.weights:
        setattr(PlanScenarioForm, setting.field, Number(
            f"{setting.label} ({setting.key})", [Optional(), AtLeast.of(WEIGHT)], kind=kinds.PLAIN,
            description=f"Empty: the plan's ({_plan_value(setting.plan_value)})."))
    form = PlanScenarioForm(**kwargs)
    form.budget.description = f"Empty: the plan's ({_plan_value(plan.budget)})."
    form.max_focus.description = f"Empty: the plan's ({plan.max_focus})."
    form.parts, form.session, form.own_id = parts, session, own_id
    return form
