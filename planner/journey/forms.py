"""Forms for the journey: a moment of truth, and an influence of a back-stage step."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select
from wtforms import SelectField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Optional,
    ValidationError,
)

from models import Influence, Moment, Stage
from models.queries import owner_names
from optimizer.influence import influence_cycle
from optimizer.plan import CATEGORIES
from optimizer.planfile.ranges import HEADROOM, SCORE, SHARE, WEIGHT
from planner.amounts import outside
from planner.forms import (
    Above,
    AtLeast,
    Form,
    Longest,
    Number,
    VersionField,
    check_key,
    check_unique_key,
    choices,
    key_field,
    key_from_name,
)
from planner.number_kinds import PLAIN, POINTS

NO_STAGE = 0
CATEGORY_HELP = {"revenue": "drives revenue", "bond": "forms a bond",
                 "rescue": "rescues a customer at risk", "retain": "retains and grows share"}
CATEGORY_CHOICES = choices([("", "none")] + [(c, f"{c}: {CATEGORY_HELP[c]}") for c in CATEGORIES])


class MomentForm(Form):
    key = key_field()
    name = StringField("Name", [DataRequired(), Longest(200)],
                       description="In the customer's words: \"My size is in stock\".")
    stage_id = SelectField("Stage", coerce=int)
    side = SelectField("Side", choices=choices([
        ("front", "front stage (the customer sees it)"), ("back", "back stage (hidden step)")]))
    weight = Number("Weight", [InputRequired(), AtLeast.of(WEIGHT)], default=1, kind=PLAIN,
                    description="How much the moment matters to loyalty, on one scale for "
                                "all moments (for example 1 to 10: a 10 counts ten times a 1); "
                                "0 for hidden steps, which count through what they feed.")
    weight_range = Number("Weight could be", [Optional(), AtLeast.of(WEIGHT)], kind=PLAIN,
                          ranged=True,
                          description="How low and how high the weight may really be, such "
                                      "as 2-4; empty: as the plan's default range says.")
    headroom = Number("Headroom (points)", [Optional(), Above(0), AtLeast.of(HEADROOM)],
                      kind=POINTS,
                      description="How many points its score can still rise, on the scale you "
                                  "measure it on (a score of 70 out of 100 has 30); empty: no "
                                  "cap.")
    category = SelectField("Category", choices=CATEGORY_CHOICES)
    score = Number("Baseline score", [Optional(), AtLeast.of(SCORE)], kind=POINTS,
                   description="The score the plan is made with; display only. Measured "
                               "scores over time are on the moment's Measured scores page.")
    owner = StringField("Owner", [Longest(120)],
                        description="The team or person accountable for this moment, across "
                                    "departments; empty: nobody yet.",
                        render_kw={"list": "plan-owners"})
    version = VersionField()

    def __init__(self, *args: Any, session: Session, plan_id: int, own_id: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session, self.plan_id, self.own_id = session, plan_id, own_id
        stages = session.exec(select(Stage).where(Stage.plan_id == plan_id)
                              .order_by(Stage.position)).all()
        self.stage_id.choices = choices([(NO_STAGE, "no stage")]
                                        + [(s.id, s.name) for s in stages])
        self.owners = owner_names(session, plan_id)  # offered as one types an owner

    def validate_key(self, field: Any) -> None:
        check_key(field.data)
        if field.data:
            check_unique_key(self.session, Moment, self.plan_id, field.data, self.own_id)

    def validate_weight_range(self, field: Any) -> None:
        if field.data is not None and not self.weight.errors:
            words = outside(field.data, self.weight.data, PLAIN)
            if words:
                raise ValidationError(f"{words} Nothing was saved.")

    def fill(self, moment: Moment) -> None:
        for name in ("key", "name", "side", "weight", "headroom", "score", "owner", "version"):
            self[name].data = getattr(moment, name)
        if moment.weight_low is not None and moment.weight_high is not None:
            self.weight_range.data = (moment.weight_low, moment.weight_high)
        self.stage_id.data = moment.stage_id or NO_STAGE
        self.category.data = moment.category or ""

    def save(self, moment: Moment) -> None:
        for name in ("name", "side", "weight", "headroom", "score"):
            setattr(moment, name, self[name].data)
        moment.weight_low, moment.weight_high = self.weight_range.data or (None, None)
        moment.name = moment.name.strip()
        moment.key = self.key.data or moment.key or key_from_name(
            self.session, Moment, self.plan_id, moment.name)
        moment.stage_id = self.stage_id.data or None
        moment.category = self.category.data or None
        moment.owner = (self.owner.data or "").strip()


class InfluenceForm(Form):
    source_id = SelectField("Back-stage step", coerce=int,
                            description="The hidden step that, improved, lifts a moment.")
    target_id = SelectField("Moment it feeds", coerce=int)
    factor = Number("Factor", [InputRequired(), Above(0, maximum=SHARE.high)], percent=True,
                    description="How much of the step's improvement reaches the moment: more "
                                "than 0, at most all of it (1, or 100%); 0.5 or 50% is half.")
    version = VersionField()

    def __init__(self, *args: Any, session: Session, plan_id: int, own_id: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session, self.plan_id, self.own_id = session, plan_id, own_id
        moments = session.exec(select(Moment).where(Moment.plan_id == plan_id)
                               .order_by(Moment.side, Moment.id)).all()
        back = [m for m in moments if m.side == "back"] or moments
        self.source_id.choices = choices((m.id, f"{m.name} ({m.key})") for m in back)
        # The customer's moments first: the default target is never the default step.
        front_first = sorted(moments, key=lambda m: m.side != "front")
        self.target_id.choices = choices((m.id, f"{m.name} ({m.key})") for m in front_first)
        self.names = {m.id: m.name for m in moments}

    def validate_target_id(self, field: Any) -> None:
        if field.errors or self.source_id.errors:
            return  # not one of the plan's moments: nothing to look up
        if field.data == self.source_id.data:
            raise ValidationError("A step cannot feed itself; pick a different moment.")
        statement = select(Influence.id).where(Influence.source_id == self.source_id.data,
                                               Influence.target_id == field.data)
        other = self.session.exec(statement).first()
        if other is not None and other != self.own_id:
            raise ValidationError("This step already feeds this moment; edit that influence.")
        cycle = self._cycle_with(self.source_id.data, field.data)
        if cycle:
            raise ValidationError(
                "That would make a cycle: " + " feeds ".join(f'"{self.names[m]}"' for m in cycle)
                + ". A step cannot feed, through others, back into itself.")

    def _cycle_with(self, source_id: int, target_id: int) -> list[int]:
        """The cycle the plan's influences would have with this one (the one edited left
        out), as moment ids; [] when none."""
        feeds: dict[int, list[tuple[int, float]]] = {}
        rows = self.session.exec(select(Influence.id, Influence.source_id, Influence.target_id)
                                 .where(Influence.plan_id == self.plan_id)).all()
        for row_id, source, target in rows:
            if row_id != self.own_id:
                feeds.setdefault(source, []).append((target, 1.0))
        feeds.setdefault(source_id, []).append((target_id, 1.0))
        return influence_cycle(feeds)

    def save(self, influence: Influence) -> None:
        influence.source_id, influence.target_id = self.source_id.data, self.target_id.data
        influence.factor = self.factor.data

    def words(self) -> str:
        """The influence as a person says it: "Stock replenishment" feeds "In stock"."""
        return (f'"{self.names.get(self.source_id.data, "?")}" feeds '
                f'"{self.names.get(self.target_id.data, "?")}"')


