"""Reading, validating and writing the plan file (docs PLAN_FORMAT.md).

Validation collects every problem, each naming its path, before refusing the plan as a
whole, so that a user fixes a file in one pass instead of one error at a time.
"""

from __future__ import annotations

import json
import math
import weakref
from pathlib import Path
from typing import Any

from optimizer.plan import (
    CATEGORIES,
    DECISIONS,
    DEFAULT_MAX_FOCUS,
    SIDES,
    Finance,
    Influence,
    Initiative,
    Moment,
    Period,
    Plan,
    Resource,
    Stage,
)

NO_PERIOD = ""

TOP_KEYS = {"plan", "currency", "budget", "max_focus", "finance", "periods", "resources",
            "stages", "moments", "influences", "initiatives"}
FINANCE_KEYS = {"horizon_years", "discount_rate"}
PERIOD_KEYS = {"id", "budget"}
RESOURCE_KEYS = {"id", "name", "capacity", "unit"}
STAGE_KEYS = {"id", "name"}
MOMENT_KEYS = {"id", "name", "stage", "side", "weight", "headroom", "category", "score"}
INFLUENCE_KEYS = {"from", "to", "factor"}
INITIATIVE_KEYS = {"id", "name", "team", "cost", "uses", "effects", "confidence", "decision",
                   "requires", "excludes", "benefit", "note", "reason"}


# Plans known to keep the rules, by identity: checking a 5,000-initiative plan again on
# every solve costs a tenth of the solve. Weak, so that no plan is kept alive by it.
_VALID: weakref.WeakValueDictionary[int, Plan] = weakref.WeakValueDictionary()


def mark_valid(plan: Plan) -> Plan:
    _VALID[id(plan)] = plan
    return plan


def known_valid(plan: Plan) -> bool:
    return _VALID.get(id(plan)) is plan


class PlanError(ValueError):
    """A plan that breaks the rules; `problems` lists every one, each naming its path."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class _Checker:
    """Collects problems while reading one plan document."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def keys(self, path: str, value: Any, allowed: set[str], required: tuple[str, ...]) -> bool:
        if not isinstance(value, dict):
            self.add(path, "must be an object")
            return False
        for key in sorted(set(value) - allowed, key=str):
            self.add(path, f'unknown key "{key}"')
        for key in required:
            if key not in value:
                self.add(f"{path}.{key}" if path else key, "is required")
        return True

    def number(self, path: str, value: Any, *, minimum: float | None = 0.0,
               positive: bool = False, maximum: float | None = None,
               below: float | None = None) -> float | None:
        # bool is an int in Python; true/false in a plan is always a typo for a number.
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(path, f"must be a number, not {_show(value)}")
            return None
        number = float(value)
        if not math.isfinite(number):
            self.add(path, f"must be a finite number, not {value}")
            return None
        if positive and number <= 0:
            self.add(path, f"must be greater than 0, not {_fmt(number)}")
        elif minimum is not None and number < minimum:
            self.add(path, f"must be {_fmt(minimum)} or more, not {_fmt(number)}")
        elif maximum is not None and number > maximum:
            self.add(path, f"must be {_fmt(maximum)} or less, not {_fmt(number)}")
        elif below is not None and number >= below:
            self.add(path, f"must be less than {_fmt(below)}, not {_fmt(number)}")
        else:
            return number
        return None

    def integer(self, path: str, value: Any, minimum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                self.add(path, f"must be a whole number, not {_show(value)}")
                return None
        if value < minimum:
            self.add(path, f"must be {minimum} or more, not {value}")
            return None
        return value

    def text(self, path: str, value: Any, *, required: bool = False) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            self.add(path, f"must be text, not {_show(value)}")
            return ""
        if required and not value.strip():
            self.add(path, "must not be empty")
        return value

    def choice(self, path: str, value: Any, choices: tuple[str, ...]) -> str | None:
        if value not in choices:
            self.add(path, f"must be one of {', '.join(choices)}, not {_show(value)}")
            return None
        return value

    def items(self, path: str, value: Any) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(path, "must be a list")
            return []
        return value


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    return json.dumps(value) if isinstance(value, (bool, type(None))) else repr(value)


def _fmt(number: float) -> str:
    return f"{number:g}"


def _path(kind: str, index: int, entry: Any) -> str:
    if isinstance(entry, dict) and isinstance(entry.get("id"), str):
        return f'{kind}[{index}] (id "{entry["id"]}")'
    return f"{kind}[{index}]"


def _unique_ids(check: _Checker, kind: str, entries: list[Any]) -> list[str]:
    """Check every entry has a text id, unique in its list; return the ids in order."""
    seen: set[str] = set()
    ids = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        entry_id = entry.get("id")
        path = _path(kind, index, entry)
        if not isinstance(entry_id, str) or not entry_id.strip():
            check.add(f"{path}.id", "must be non-empty text")
            continue
        if entry_id in seen:
            check.add(f"{path}.id", f'duplicate id "{entry_id}"')
        seen.add(entry_id)
        ids.append(entry_id)
    return ids


def plan_from_dict(document: Any) -> Plan:
    """Validate a plan document and build the Plan; raise PlanError listing every problem."""
    check = _Checker()
    if not check.keys("", document, TOP_KEYS, ("plan", "moments", "initiatives")):
        raise PlanError(["plan: must be a JSON object"])
    # The top-level "required" messages come out as ".plan"; tidy them to "plan".
    check.problems = [p[1:] if p.startswith(".") else p for p in check.problems]

    name = check.text("plan", document.get("plan"), required="plan" in document)
    currency = check.text("currency", document.get("currency", "EUR")) or "EUR"
    if "currency" in document and isinstance(document["currency"], str) and (
            len(currency) != 3 or not currency.isalpha() or not currency.isupper()):
        check.add("currency",
                  f'must be a three-letter ISO 4217 code such as "EUR", not "{currency}"')
    budget = None
    if document.get("budget") is not None:
        budget = check.number("budget", document["budget"])
    max_focus = DEFAULT_MAX_FOCUS
    if "max_focus" in document:
        max_focus = check.integer("max_focus", document["max_focus"], 1) or DEFAULT_MAX_FOCUS

    finance = None
    if document.get("finance") is not None:
        finance = _read_finance(check, document["finance"])

    periods = _read_periods(check, check.items("periods", document.get("periods")))
    resources = _read_resources(check, check.items("resources", document.get("resources")))
    stages = _read_stages(check, check.items("stages", document.get("stages")))
    moments = _read_moments(check, check.items("moments", document.get("moments")), stages)
    if "moments" in document and not moments and isinstance(document["moments"], list):
        check.add("moments", "must list at least one moment")
    influences = _read_influences(check, check.items("influences", document.get("influences")),
                                  moments)
    initiatives = _read_initiatives(check, check.items("initiatives", document.get("initiatives")),
                                    moments, periods, resources)

    if check.problems:
        raise PlanError(check.problems)
    return mark_valid(Plan(name=name, currency=currency, budget=budget, max_focus=max_focus,
                finance=finance, periods=tuple(periods), resources=tuple(resources),
                stages=tuple(stages), moments=tuple(moments), influences=tuple(influences),
                initiatives=tuple(initiatives)))


def _read_finance(check: _Checker, value: Any) -> Finance | None:
    if not check.keys("finance", value, FINANCE_KEYS, ()):
        return None
    horizon = check.integer("finance.horizon_years", value.get("horizon_years", 3), 1)
    rate = check.number("finance.discount_rate", value.get("discount_rate", 0.08), below=1.0)
    return Finance(horizon_years=horizon or 3, discount_rate=0.08 if rate is None else rate)


def _read_periods(check: _Checker, entries: list[Any]) -> list[Period]:
    _unique_ids(check, "periods", entries)
    periods = []
    for index, entry in enumerate(entries):
        path = _path("periods", index, entry)
        if not check.keys(path, entry, PERIOD_KEYS, ("id",)):
            continue
        budget = None
        if entry.get("budget") is not None:
            budget = check.number(f"{path}.budget", entry["budget"])
        periods.append(Period(id=str(entry.get("id")), budget=budget))
    return periods


def _read_resources(check: _Checker, entries: list[Any]) -> list[Resource]:
    _unique_ids(check, "resources", entries)
    resources = []
    for index, entry in enumerate(entries):
        path = _path("resources", index, entry)
        if not check.keys(path, entry, RESOURCE_KEYS, ("id", "capacity")):
            continue
        capacity = check.number(f"{path}.capacity", entry.get("capacity", 0))
        resources.append(Resource(id=str(entry.get("id")), capacity=capacity or 0.0,
                                  name=check.text(f"{path}.name", entry.get("name")),
                                  unit=check.text(f"{path}.unit", entry.get("unit"))))
    return resources


def _read_stages(check: _Checker, entries: list[Any]) -> list[Stage]:
    _unique_ids(check, "stages", entries)
    stages = []
    for index, entry in enumerate(entries):
        path = _path("stages", index, entry)
        if not check.keys(path, entry, STAGE_KEYS, ("id",)):
            continue
        stage_id = str(entry.get("id"))
        stages.append(Stage(id=stage_id,
                            name=check.text(f"{path}.name", entry.get("name")) or stage_id))
    return stages


def _read_moments(check: _Checker, entries: list[Any], stages: list[Stage]) -> list[Moment]:
    _unique_ids(check, "moments", entries)
    stage_ids = {s.id for s in stages}
    moments = []
    for index, entry in enumerate(entries):
        path = _path("moments", index, entry)
        if not check.keys(path, entry, MOMENT_KEYS, ("id", "name")):
            continue
        stage = entry.get("stage")
        if stage is not None and stage not in stage_ids:
            check.add(f"{path}.stage", f"unknown stage {_show(stage)}")
        side = check.choice(f"{path}.side", entry.get("side", "front"), SIDES)
        weight = check.number(f"{path}.weight", entry.get("weight", 1))
        headroom = None
        if entry.get("headroom") is not None:
            headroom = check.number(f"{path}.headroom", entry["headroom"], positive=True)
        category = None
        if entry.get("category") is not None:
            category = check.choice(f"{path}.category", entry["category"], CATEGORIES)
        score = None
        if entry.get("score") is not None:
            score = check.number(f"{path}.score", entry["score"], minimum=None)
        moments.append(Moment(id=str(entry.get("id")),
                              name=check.text(f"{path}.name", entry.get("name"), required=True),
                              stage=stage if isinstance(stage, str) else None,
                              side=side or "front", weight=1.0 if weight is None else weight,
                              headroom=headroom, category=category, score=score))
    return moments


def _read_influences(check: _Checker, entries: list[Any], moments: list[Moment]) -> list[Influence]:
    moment_ids = {m.id for m in moments}
    influences = []
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(entries):
        path = f"influences[{index}]"
        if not check.keys(path, entry, INFLUENCE_KEYS, ("from", "to", "factor")):
            continue
        source, target = entry.get("from"), entry.get("to")
        for key, value in (("from", source), ("to", target)):
            if key in entry and value not in moment_ids:
                check.add(f"{path}.{key}", f"unknown moment {_show(value)}")
        if source is not None and source == target:
            check.add(path, f'"from" and "to" must be different moments, both are {_show(source)}')
        if (source, target) in seen:
            check.add(path, f"duplicate influence {_show(source)} -> {_show(target)}")
        seen.add((source, target))
        factor = None
        if "factor" in entry:
            factor = check.number(f"{path}.factor", entry["factor"], positive=True, maximum=1.0)
        if isinstance(source, str) and isinstance(target, str) and factor is not None:
            influences.append(Influence(source=source, target=target, factor=factor))
    return influences


def _read_initiatives(check: _Checker, entries: list[Any], moments: list[Moment],
                      periods: list[Period], resources: list[Resource]) -> list[Initiative]:
    ids = set(_unique_ids(check, "initiatives", entries))
    moment_ids = {m.id for m in moments}
    period_ids = [p.id for p in periods]
    resource_ids = {r.id for r in resources}
    initiatives = []
    for index, entry in enumerate(entries):
        path = _path("initiatives", index, entry)
        if not check.keys(path, entry, INITIATIVE_KEYS, ("id", "name", "cost", "effects")):
            continue
        own_id = entry.get("id")
        cost = _read_cost(check, f"{path}.cost", entry.get("cost"), period_ids)
        effects = _read_amounts(check, f"{path}.effects", entry.get("effects"), moment_ids,
                                "moment")
        if isinstance(entry.get("effects"), dict) and not entry["effects"]:
            check.add(f"{path}.effects", "must name at least one moment")
        uses = _read_amounts(check, f"{path}.uses", entry.get("uses", {}), resource_ids,
                             "resource")
        confidence = check.number(f"{path}.confidence", entry.get("confidence", 1),
                                  positive=True, maximum=1.0)
        decision = check.choice(f"{path}.decision", entry.get("decision", "auto"), DECISIONS)
        links = {}
        for key in ("requires", "excludes"):
            links[key] = _read_links(check, f"{path}.{key}", entry.get(key), ids, own_id)
        benefit = None
        if entry.get("benefit") is not None:
            benefit = check.number(f"{path}.benefit", entry["benefit"], minimum=None)
        initiatives.append(Initiative(
            id=str(own_id), name=check.text(f"{path}.name", entry.get("name"), required=True),
            cost=cost, effects=effects, uses=uses,
            confidence=1.0 if confidence is None else confidence,
            decision=decision or "auto", requires=links["requires"], excludes=links["excludes"],
            benefit=benefit, team=check.text(f"{path}.team", entry.get("team")),
            note=check.text(f"{path}.note", entry.get("note")),
            reason=check.text(f"{path}.reason", entry.get("reason"))))
    return initiatives


def _read_cost(check: _Checker, path: str, value: Any,
               period_ids: list[str]) -> tuple[tuple[str, float], ...]:
    if isinstance(value, dict):
        if not period_ids:
            check.add(path, "per-period costs need the plan's periods; give one number instead")
            return ()
        amounts = _read_amounts(check, path, value, set(period_ids), "period")
        if not math.isfinite(sum(amount for _, amount in amounts)):
            check.add(path, "the costs add up to more than any finite number")
            return ()
        return amounts
    if value is None:
        return ()
    amount = check.number(path, value)
    if amount is None:
        return ()
    if period_ids:
        # A single number in a plan with periods falls in the first period.
        return ((period_ids[0], amount),)
    return ((NO_PERIOD, amount),)


def _read_amounts(check: _Checker, path: str, value: Any, known: set[str],
                  kind: str) -> tuple[tuple[str, float], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        check.add(path, f"must be an object of {{{kind} id: number}}")
        return ()
    amounts = []
    for key, amount in value.items():
        if key not in known:
            check.add(path, f"unknown {kind} {_show(key)}")
            continue
        number = check.number(f"{path}.{key}", amount)
        if number is not None:
            amounts.append((key, number))
    return tuple(amounts)


def _read_links(check: _Checker, path: str, value: Any, ids: set[str],
                own_id: Any) -> tuple[str, ...]:
    links = []
    for position, other in enumerate(check.items(path, value)):
        if other == own_id:
            check.add(f"{path}[{position}]", "an initiative cannot name itself")
        elif other not in ids:
            check.add(f"{path}[{position}]", f"unknown initiative {_show(other)}")
        elif other not in links:
            links.append(other)
    return tuple(links)


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan file document for a Plan; plan_from_dict(plan_to_dict(p)) == p."""
    document: dict[str, Any] = {"plan": plan.name, "currency": plan.currency}
    if plan.budget is not None:
        document["budget"] = plan.budget
    document["max_focus"] = plan.max_focus
    if plan.finance is not None:
        document["finance"] = {"horizon_years": plan.finance.horizon_years,
                               "discount_rate": plan.finance.discount_rate}
    if plan.periods:
        document["periods"] = [_drop_none({"id": p.id, "budget": p.budget}) for p in plan.periods]
    if plan.resources:
        document["resources"] = [_drop_none({"id": r.id, "name": r.name or None,
                                             "capacity": r.capacity, "unit": r.unit or None})
                                 for r in plan.resources]
    if plan.stages:
        document["stages"] = [{"id": s.id, "name": s.name} for s in plan.stages]
    document["moments"] = [_drop_none({
        "id": m.id, "name": m.name, "stage": m.stage, "side": m.side, "weight": m.weight,
        "headroom": m.headroom, "category": m.category, "score": m.score}) for m in plan.moments]
    if plan.influences:
        document["influences"] = [{"from": f.source, "to": f.target, "factor": f.factor}
                                  for f in plan.influences]
    document["initiatives"] = [_initiative_to_dict(i, bool(plan.periods))
                               for i in plan.initiatives]
    return document


def _initiative_to_dict(initiative: Initiative, has_periods: bool) -> dict[str, Any]:
    cost: Any = dict(initiative.cost) if has_periods else initiative.total_cost
    entry = {
        "id": initiative.id, "name": initiative.name, "team": initiative.team or None,
        "cost": cost, "uses": dict(initiative.uses) or None, "effects": dict(initiative.effects),
        "confidence": initiative.confidence, "decision": initiative.decision,
        "requires": list(initiative.requires) or None,
        "excludes": list(initiative.excludes) or None, "benefit": initiative.benefit,
        "note": initiative.note or None, "reason": initiative.reason or None,
    }
    return _drop_none(entry)


def _drop_none(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if value is not None}


def load_plan(path: str | Path) -> Plan:
    """Read and validate a plan file; PlanError for bad JSON or a plan that breaks the rules."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise PlanError([f"{path}: cannot read the file ({error})"]) from error
    return plan_from_json(text)


def plan_from_json(text: str) -> Plan:
    """Parse plan JSON text; non-finite numbers (NaN, Infinity, 1e309) are refused."""
    try:
        document = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except ValueError as error:
        raise PlanError([f"not valid JSON: {error}"]) from error
    return plan_from_dict(document)


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a finite number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is not a finite number")
    return number


def save_plan(plan: Plan, path: str | Path) -> None:
    Path(path).write_text(json.dumps(plan_to_dict(plan), indent=2) + "\n", encoding="utf-8")
