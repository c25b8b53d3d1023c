"""The initiative form, built per plan: one field per moment, period and resource."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Optional,
    ValidationError,
)

from models import (
    Initiative,
    InitiativeCost,
    InitiativeEffect,
    InitiativeLink,
    InitiativeUse,
    Moment,
    Period,
    Resource,
    Stage,
)
from models.queries import team_ids, team_names
from optimizer.planfile.ranges import BENEFIT, CAPACITY, MONEY, SHARE, UPLIFT
from planner import number_kinds as kinds
from planner.amounts import outside
from planner.forms import (
    Above,
    AtLeast,
    Form,
    Longest,
    ManyOptions,
    Number,
    VersionField,
    check_key,
    check_unique_key,
    choices,
    key_field,
    slug,
)
from planner.history.capture import line as record_line
from planner.web import number

DECISION_CHOICES = choices([("auto", "auto: let the optimiser decide"),
                            ("fund", "fund: force it in"), ("reject", "reject: force it out")])


@dataclass
class PlanParts:
    """What an initiative of this plan can cost, use, move and link to."""

    plan_id: int
    stages: list[Stage]
    moments: list[Moment]
    periods: list[Period]
    resources: list[Resource]
    others: list[tuple[int, str, str]]  # (id, key, name) of the plan's initiatives
    teams: list[str]  # the names of the plan's teams, offered as one types a team

    @classmethod
    def load(cls, session: Session, plan_id: int) -> PlanParts:
        def rows(model: Any, order: Any) -> list[Any]:
            return list(session.exec(select(model).where(model.plan_id == plan_id)
                                     .order_by(order)).all())

        others = session.exec(select(Initiative.id, Initiative.key, Initiative.name)
                              .where(Initiative.plan_id == plan_id).order_by(Initiative.id))
        return cls(plan_id, rows(Stage, Stage.position), rows(Moment, Moment.id),
                   rows(Period, Period.position), rows(Resource, Resource.position),
                   [tuple(row) for row in others.all()],
                   team_names(session=session, plan_id=plan_id))


class InitiativeForm(Form):
    key = key_field("ID", required=False)
    name = StringField("Name", [DataRequired(), Longest(200)])
    team = StringField("Team", [Longest(80)], description="The team that proposes it.",
                       render_kw={"list": "plan-teams"})
    confidence = Number("Confidence", [InputRequired(), Above(0, maximum=SHARE.high)], default=1,
                        percent=True,
                        description="The chance the uplift materialises: more than 0, at most "
                                    "certain (1, or 100%); 0.8 or 80% is likely.")
    decision = SelectField("Decision", choices=DECISION_CHOICES, default="auto")
    reason = TextAreaField("Reason for the decision", [Longest(1000)],
                           description="Required when the decision is fund or reject.")
    requires = SelectMultipleField("Requires", coerce=int, widget=ManyOptions(multiple=True),
                                   description="Initiatives it cannot go ahead without.")
    excludes = SelectMultipleField("Excludes", coerce=int, widget=ManyOptions(multiple=True),
                                   description="Initiatives it cannot run alongside.")
    benefit = Number("Benefit per year", [Optional(), AtLeast.of(BENEFIT)], kind=kinds.MONEY,
                     description="Money per year, for ROI reports; the optimiser ignores it.")
    note = TextAreaField("Note", [Longest(2000)])
    cost_range = Number("Cost could be", [Optional(), AtLeast.of(MONEY)], kind=kinds.MONEY,
                        ranged=True,
                        description="How low and how high the whole cost may turn out, "
                                    "such as 60-90k; empty: as the plan's default range says.")
    version = VersionField()

    parts: PlanParts

    def __init__(self, *args: Any, session: Session, own_id: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session, self.own_id = session, own_id
        self.effect_errors: list[str] = []
        others = choices((i, f"{key} — {name}") for i, key, name in self.parts.others
                         if i != own_id)
        self.requires.choices = self.excludes.choices = others

    # The per-plan fields, paired with what they stand for, for the template.
    def effect_groups(self) -> list[tuple[str, list[tuple[Moment, Any]]]]:
        names = {s.id: s.name for s in self.parts.stages}
        groups: dict[int | None, list[tuple[Moment, Any]]] = {s.id: [] for s in self.parts.stages}
        for moment in self.parts.moments:
            groups.setdefault(moment.stage_id, []).append((moment, self[f"effect_{moment.id}"]))
        return [(names.get(stage_id, "No stage"), pairs) for stage_id, pairs in groups.items()
                if pairs]

    def cost_fields(self) -> list[tuple[Period | None, Any]]:
        if not self.parts.periods:
            return [(None, self["cost"])]
        return [(p, self[f"cost_{p.id}"]) for p in self.parts.periods]

    def use_fields(self) -> list[tuple[Resource, Any]]:
        return [(r, self[f"use_{r.id}"]) for r in self.parts.resources]

    def validate_key(self, field: Any) -> None:
        check_key(field.data)
        if field.data:
            check_unique_key(self.session, Initiative, self.parts.plan_id, field.data,
                             self.own_id)

    def validate_reason(self, field: Any) -> None:
        if self.decision.data in ("fund", "reject") and not (field.data or "").strip():
            raise ValidationError("Say why it is forced in or out: the teams will read it.")

    def validate_excludes(self, field: Any) -> None:
        both = set(field.data or ()) & set(self.requires.data or ())
        if both:
            raise ValidationError("An initiative cannot both require and exclude the same one.")

    def range_of(self, moment: Moment) -> Any:
        """The field of the range around the uplift on this moment."""
        return self[f"range_{moment.id}"]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        uplifts = [field.data for _, pairs in self.effect_groups() for _, field in pairs]
        if not any(uplift and uplift > 0 for uplift in uplifts):
            self.effect_errors.append("Give at least one moment an uplift above 0: "
                                      "work that moves no moment cannot be chosen.")
            valid = False
        costs = [f.data for _, f in self.cost_fields()]
        pairs = [(self.cost_range, None if None in costs and len(costs) == 1
                  else sum(c or 0.0 for c in costs), "cost", kinds.MONEY)]
        pairs += [(self.range_of(m), f.data or None, "uplift", kinds.POINTS)
                  for _, moments in self.effect_groups() for m, f in moments]
        for field, likely, what, kind in pairs:
            if field.data is None or field.errors:
                continue
            words = (outside(field.data, likely, kind) if likely is not None else
                     f"Give the {what} itself first: a range is around it.")
            if words:
                field.errors.append(f"{words} Nothing was saved.")
                valid = False
        return valid

    def fill(self, initiative: Initiative) -> None:
        for name in ("key", "name", "team", "confidence", "decision", "reason", "benefit",
                     "note", "version"):
            self[name].data = getattr(initiative, name)
        first = self.parts.periods[0].id if self.parts.periods else None
        for cost in initiative.costs:
            field = self["cost"] if first is None else self[f"cost_{cost.period_id or first}"]
            field.data = (field.data or 0.0) + cost.amount
        for effect in initiative.effects:
            self[f"effect_{effect.moment_id}"].data = effect.uplift
            if effect.low is not None and effect.high is not None:
                self[f"range_{effect.moment_id}"].data = (effect.low, effect.high)
        if initiative.cost_low is not None and initiative.cost_high is not None:
            self.cost_range.data = (initiative.cost_low, initiative.cost_high)
        for use in initiative.uses:
            self[f"use_{use.resource_id}"].data = use.amount
        for kind in ("requires", "excludes"):
            self[kind].data = [link.other_id for link in initiative.links if link.kind == kind]

    def save(self, initiative: Initiative) -> None:
        # What it costs, uses, moves and links to are rows of their own, made afresh on
        # each save, which the record's hook does not see as a change of the initiative:
        # each part that differs is written to the record here, in words.
        before = self._parts_in_words(initiative) if initiative.id is not None else None
        for name in ("name", "confidence", "decision", "benefit"):
            setattr(initiative, name, self[name].data)
        initiative.cost_low, initiative.cost_high = self.cost_range.data or (None, None)
        initiative.name = initiative.name.strip()
        team = (self.team.data or "").strip()
        initiative.team_id = team_ids(self.session, self.parts.plan_id, [team])[team]
        initiative.reason = (self.reason.data or "").strip()
        initiative.note = (self.note.data or "").strip()
        initiative.key = self.key.data or slug(
            initiative.name, {key for _, key, _ in self.parts.others})
        initiative.plan_id = self.parts.plan_id
        rows = {
            "costs": [InitiativeCost(period_id=p.id if p else None, amount=f.data)
                      for p, f in self.cost_fields() if f.data],
            "effects": [InitiativeEffect(moment_id=m.id, uplift=f.data, low=ends[0],
                                         high=ends[1])
                        for _, pairs in self.effect_groups() for m, f in pairs if f.data
                        for ends in [self.range_of(m).data or (None, None)]],
            "uses": [InitiativeUse(resource_id=r.id, amount=f.data)
                     for r, f in self.use_fields() if f.data],
            "links": [InitiativeLink(other_id=other, kind=kind)
                      for kind in ("requires", "excludes") for other in self[kind].data],
        }
        # Delete the old rows before inserting the new ones: the unique constraints
        # (one effect per moment, ...) would refuse the two side by side.
        for name in rows:
            getattr(initiative, name).clear()
        self.session.flush()
        for name, new in rows.items():
            getattr(initiative, name).extend(new)
        if before is not None:
            after = self._parts_in_words(initiative)
            self.session.add_all(
                record_line(self.parts.plan_id, "changed", "initiative", initiative.key, part,
                            before[part], after[part])
                for part in after if before[part] != after[part])

    def _parts_in_words(self, initiative: Initiative) -> dict[str, str]:
        """Its costs, uses, effects and links as the record writes them: "greet 8; thanks 3"."""
        moments = {m.id: m.key for m in self.parts.moments}
        periods = {p.id: p.key for p in self.parts.periods}
        resources = {r.id: r.key for r in self.parts.resources}
        others = {other_id: key for other_id, key, _ in self.parts.others}

        def listed(pairs: Any) -> str:
            return "; ".join(f"{key} {number(amount)}" if amount is not None else key
                             for key, amount in sorted(pairs))

        return {
            "costs": listed((periods.get(c.period_id, "total"), c.amount)
                            for c in initiative.costs),
            "uses": listed((resources[u.resource_id], u.amount) for u in initiative.uses),
            "effects": listed((moments[e.moment_id], e.uplift) for e in initiative.effects)
            + "".join(f"; {moments[e.moment_id]} could be {number(e.low)}-{number(e.high)}"
                      for e in initiative.effects if e.low is not None),
            **{kind: listed((others.get(link.other_id, str(link.other_id)), None)
                            for link in initiative.links if link.kind == kind)
               for kind in ("requires", "excludes")}}

def initiative_form(session: Session, plan_id: int, own_id: int | None = None, *,
                    form_type: type[InitiativeForm] = InitiativeForm,
                    **kwargs: Any) -> InitiativeForm:
    """An InitiativeForm (or `form_type`, one of its kind) with one field per moment, period
    and resource of the plan."""
    parts = PlanParts.load(session, plan_id)
    fields: dict[str, Any] = {"parts": parts}
    for moment in parts.moments:
        fields[f"effect_{moment.id}"] = Number(moment.name, [Optional(), AtLeast.of(UPLIFT)],
                                                kind=kinds.POINTS)
        fields[f"range_{moment.id}"] = Number(f"{moment.name}: could be", [
            Optional(), AtLeast.of(UPLIFT)], kind=kinds.POINTS, ranged=True,
            description="From the lowest to the highest uplift, such as 4-8.")
    if parts.periods:
        for period in parts.periods:
            fields[f"cost_{period.id}"] = Number(f"Cost in {period.key}",
                                                 [Optional(), AtLeast.of(MONEY)],
                                                 kind=kinds.MONEY)
    else:
        fields["cost"] = Number("Cost", [InputRequired(), AtLeast.of(MONEY)],
                                kind=kinds.MONEY)
    for resource in parts.resources:
        fields[f"use_{resource.id}"] = Number(resource.name or resource.key,
                                              [Optional(), AtLeast.of(CAPACITY)],
                                              kind=kinds.MONTHS, unit=resource.unit)
    form_class = type("PlanInitiativeForm", (form_type,), fields)
    return form_class(session=session, own_id=own_id, **kwargs)
