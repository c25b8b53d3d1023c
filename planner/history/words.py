"""The decision record's lines in words, for the History page and its CSV: "changed the
role of Ana Ruiz from Viewer to Finance", "accepted the appeal by Ben Ortiz for the
initiative 'RFID stock visibility': cost 30,000 instead of 45,000". Names, not ids: a line
names rows by their ID in the plan (planner/history/capture.py), and older lines by the
database's ids, so the page looks the names up once (Names) and says them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from models import (
    Influence,
    Initiative,
    Membership,
    Moment,
    Period,
    RecordEntry,
    Resource,
    Run,
    Stage,
    User,
)
from optimizer.say_no import quoted
from planner.accounts.access import ROLE_NAMES, STATE_WORDS

THINGS = {"plan": "plan", "stage": "stage", "period": "period", "resource": "resource",
          "moment": "moment of truth", "influence": "influence of one moment on another",
          "initiative": "initiative", "scenario": "scenario", "member": "person's role",
          "run": "run", "appeal": "appeal"}
PLURALS = {"plan": "the plan itself", "moment": "moments of truth", "influence":
           "influences of moments on each other", "member": "people's roles", "plan_import":
           "imports"}
FIELDS = {"max_focus": "number of focus moments", "horizon_years": "finance horizon (years)",
          "discount_rate": "discount rate", "number_style": "number style",
          "state": "planning cycle", "position": "place in its list", "factor": "strength",
          "headroom": "headroom", "side": "side (front or back stage)", "overrides":
          "changed inputs", "updated_at": "time of change", "decision": "decision rule",
          "person": "person", "role": "role"}
# Field values said in words: the roles and the cycle's states.
VALUES = {"role": ROLE_NAMES, "state": STATE_WORDS,
          "decision": {"auto": "left to the optimiser", "force_in": "always funded",
                       "force_out": "never funded"}}
# Fields whose values list rows by their IDs with a figure each ("greet 8; thanks 3"), and
# the rows they name; an appeal's field of one figure ("uplift on greet") likewise.
LISTED = {"effects": "moment", "uses": "resource", "costs": "period",
          "requires": "initiative", "excludes": "initiative"}
FIGURES = {"uplift on": "moment", "use of": "resource", "cost in": "period"}
LONGEST = 160  # characters of a value shown; the CSV keeps the whole line


@dataclass
class Names:
    """The names a plan's rows have now, by their ID in the plan (and, for older lines,
    by their database id)."""

    keyed: dict[str, dict[str, str]] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)  # membership id -> name
    runs: dict[str, str] = field(default_factory=dict)  # run id -> "#3"
    stages: dict[str, str] = field(default_factory=dict)  # stage id -> name
    influences: dict[str, str] = field(default_factory=dict)  # id -> "greet > queue"

    @classmethod
    def of(cls, session: Session, plan_id: int) -> Names:
        names = cls()
        for entity, model in (("initiative", Initiative), ("moment", Moment),
                              ("stage", Stage), ("resource", Resource)):
            names.keyed[entity] = dict(session.exec(select(model.key, model.name).where(
                model.plan_id == plan_id)).all())
        names.keyed["period"] = {key: key for key in session.exec(
            select(Period.key).where(Period.plan_id == plan_id)).all()}
        names.members = {str(i): name for i, name in session.exec(
            select(Membership.id, User.name).join(User, Membership.user_id == User.id)
            .where(Membership.plan_id == plan_id)).all()}
        names.runs = {str(i): f"#{n}" for i, n in session.exec(
            select(Run.id, Run.number).where(Run.plan_id == plan_id)).all()}
        names.stages = {str(i): name for i, name in session.exec(
            select(Stage.id, Stage.name).where(Stage.plan_id == plan_id)).all()}
        moments = dict(session.exec(select(Moment.id, Moment.key).where(
            Moment.plan_id == plan_id)).all())
        names.influences = {str(i): f"{moments.get(s, '?')} > {moments.get(t, '?')}"
                            for i, s, t in session.exec(
                                select(Influence.id, Influence.source_id, Influence.target_id)
                                .where(Influence.plan_id == plan_id)).all()}
        return names

    def moment(self, key: str) -> str:
        name = self.keyed.get("moment", {}).get(key)
        return quoted(name) if name else f"the moment with ID {key}"

    def label(self, entry: RecordEntry) -> str:
        """What the line concerns, in words: "the initiative 'RFID stock visibility'"."""
        entity, key = entry.entity, entry.key
        thing = THINGS.get(entity, entity)
        if entity == "member":
            if key.isdigit():  # an older line, by the membership's id
                return self.members.get(key, "a person no longer in the plan")
            return key
        if entity == "run":
            return f"run {self.runs.get(key, key) if key.isdigit() else key}"
        if entity == "influence":
            pair = self.influences.get(key, "") if key.isdigit() else key
            if " > " not in pair:
                return "an influence of one moment on another, since deleted"
            source, target = pair.split(" > ", 1)
            return f"the influence of {self.moment(source)} on {self.moment(target)}"
        if entity == "appeal":
            return f"the appeal for {self.initiative(key)}"
        if entity in ("plan", "scenario"):
            return f"the {thing} {quoted(key)}" if key else f"the {thing}"
        return self._named(entity, key, thing, entry)

    def initiative(self, key: str) -> str:
        return self._named("initiative", key, "initiative")

    def _named(self, entity: str, key: str, thing: str,
               entry: RecordEntry | None = None) -> str:
        name = self.keyed.get(entity, {}).get(key)
        if not name and entry is not None and entry.action in ("added", "deleted"):
            name = entry.after if entry.action == "added" else entry.before
        if name and name != key:
            return f"the {thing} {quoted(name)}"
        return f"the {thing} {key}" if entity == "period" else f"the {thing} with ID {key}"

    def value(self, entry: RecordEntry, text: str) -> str:
        if entry.field in VALUES:
            return VALUES[entry.field].get(text, text)
        if entry.field == "stage_id" and text.isdigit():  # an older line, by the stage's id
            return quoted(self.stages.get(text, f"a stage since deleted ({text})"))
        if entry.field == "stage" and text:
            return quoted(text)
        if entry.field == "position" and text.isdigit():
            return str(int(text) + 1)
        if entry.field in LISTED:
            text = self.listed(LISTED[entry.field], text)
        return text if len(text) <= LONGEST else text[:LONGEST - 1] + "…"

    def listed(self, entity: str, text: str) -> str:
        """"greet 8; thanks 3" (IDs of the plan's rows, each with its figure) with the
        rows' names: "'Greeted within 30 seconds' 8; 'Warm thank-you' 3"."""
        said = []
        for part in text.split("; "):
            key, _, amount = part.partition(" ")
            name = self.keyed.get(entity, {}).get(key)
            said.append(" ".join(filter(None, (quoted(name) if name else key, amount))))
        return "; ".join(said)

    def field_name(self, entry: RecordEntry) -> str:
        """The field in words; an appeal's "uplift on greet" with the moment's name."""
        for words, entity in FIGURES.items():
            if entry.field.startswith(words + " "):
                key = entry.field.removeprefix(words + " ")
                name = self.keyed.get(entity, {}).get(key)
                return f"{words} {quoted(name) if name else key}"
        if entry.field == "stage_id":
            return "stage"
        return FIELDS.get(entry.field, entry.field.replace("_", " "))


def plural(entity: str | None) -> str:
    """Every line about this kind of row, in words: "runs", "people's roles"."""
    entity = entity or ""
    return PLURALS.get(entity, THINGS.get(entity, entity) + "s")


def heading(entity: str, key: str, names: Names) -> str:
    """The page's heading for the lines it is narrowed to."""
    if entity and key:
        return "History of " + names.label(RecordEntry(plan_id=0, action="", entity=entity,
                                                       key=key))
    if entity:
        return "History of " + plural(entity)
    return "History"


def sentence(entry: RecordEntry, names: Names) -> str:
    """The line as a sentence that follows its author's name."""
    about, action = names.label(entry), entry.action
    if entry.entity == "appeal":
        return _appeal(entry, names)
    if entry.entity == "member" and action in ("added", "deleted"):
        return (f"gave {about} a role in this plan" if action == "added"
                else f"took {about} off this plan")
    if action in ("added", "deleted"):
        return f"{action} {about}"
    if action == "changed":
        return _changed(entry, names, about)
    if action == "ran":
        said = [f"fingerprint of its inputs {part.removeprefix('inputs ')}"
                if part.startswith("inputs ") else part for part in entry.after.split("; ")]
        return f"ran {about}: {', '.join(said)}"
    if action == "published":
        return f"published {about} as the plan's decision"
    if action == "imported":
        return f"imported the file {quoted(entry.key)}: {entry.after}"
    if action == "started":
        return f"started the next cycle, {quoted(entry.after or entry.key)}, from this plan"
    extra = f" ({entry.field}: {entry.after})" if entry.field and entry.after else ""
    return f"{action} {about}{extra}"


def _appeal(entry: RecordEntry, names: Names) -> str:
    """An answered appeal as such ("accepted the appeal by Ben for the initiative 'X':
    cost 30,000 instead of 45,000"); its figures' own lines follow it in the record."""
    by = entry.field.removeprefix("appeal by ").strip() if entry.field.startswith(
        "appeal by") else ""
    whose = f"the appeal by {by}" if by else "the appeal"
    initiative = names.initiative(entry.key)
    if entry.action == "declined":
        return f"declined {whose} for {initiative}" + (
            f", because: {entry.after}" if entry.after else "")
    said = f": {entry.after}" if entry.after else ""
    return f"{entry.action} {whose} for {initiative}{said}"


def _changed(entry: RecordEntry, names: Names, about: str) -> str:
    name = names.field_name(entry)
    before, after = names.value(entry, entry.before), names.value(entry, entry.after)
    if entry.entity == "plan" and entry.field == "state":
        return f"moved the planning cycle of {about} from {before} to {after}"
    if entry.entity == "member":
        whose = f"the role of {about}" if name == "role" else f"{about}'s {name}"
        return (f"changed {whose} from {before} to {after}" if before
                else f"set {whose} to {after}")
    if not before:
        return f"set the {name} of {about} to {after}"
    if not after:
        return f"cleared the {name} of {about} (it was {before})"
    return f"changed the {name} of {about} from {before} to {after}"
