"""Reading a plan document (docs/plan-format.md): every part checked, then the Plan built."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from optimizer.influence import influence_cycle
from optimizer.plan import (
    CATEGORIES,
    DECISIONS,
    DEFAULT_MAX_FOCUS,
    SIDES,
    Finance,
    Influence,
    Initiative,
    Measurement,
    Moment,
    Period,
    Plan,
    Resource,
    Stage,
)
from optimizer.planfile.checker import (
    Checker,
    PlanError,
    entry_path,
    mark_valid,
    show,
    unique_ids,
)
from optimizer.planfile.estimates import read_effects_range, read_range, read_uncertainty
from optimizer.planfile.ranges import (
    BENEFIT,
    CAPACITY,
    HEADROOM,
    MONEY,
    SCORE,
    SHARE,
    UPLIFT,
    WEIGHT,
    Range,
)

NO_PERIOD = ""

TOP_KEYS = {"plan", "currency", "budget", "max_focus", "finance", "periods", "resources",
            "stages", "moments", "influences", "initiatives", "measurements", "uncertainty"}
FINANCE_KEYS = {"horizon_years", "discount_rate"}
PERIOD_KEYS = {"id", "budget"}
RESOURCE_KEYS = {"id", "name", "capacity", "unit"}
STAGE_KEYS = {"id", "name"}
MOMENT_KEYS = {"id", "name", "stage", "side", "weight", "headroom", "category", "score",
               "owner", "weight_range"}
INFLUENCE_KEYS = {"from", "to", "factor"}
MEASUREMENT_KEYS = {"moment", "date", "score", "n", "source"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
INITIATIVE_KEYS = {"id", "name", "team", "cost", "uses", "effects", "confidence", "decision",
                   "requires", "excludes", "benefit", "note", "reason", "cost_range",
                   "effects_range"}


def plan_from_dict(document: Any) -> Plan:
    """Validate a plan document and build the Plan; raise PlanError listing every problem."""
    check = Checker()
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
        budget = check.number("budget", document["budget"], within=MONEY)
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
    measurements = _read_measurements(
        check, check.items("measurements", document.get("measurements")), moments)
    uncertainty = read_uncertainty(check, document.get("uncertainty"))

    if check.problems:
        raise PlanError(check.problems)
    return mark_valid(Plan(name=name, currency=currency, budget=budget, max_focus=max_focus,
                finance=finance, periods=tuple(periods), resources=tuple(resources),
                stages=tuple(stages), moments=tuple(moments), influences=tuple(influences),
                initiatives=tuple(initiatives), measurements=tuple(measurements),
                uncertainty=uncertainty))


def _entries(check: Checker, kind: str, entries: list[Any], allowed: set[str],
             required: tuple[str, ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each entry of a list that is an object of known keys, with its path; one at a time,
    so that its own problems follow those of its keys."""
    for index, entry in enumerate(entries):
        path = entry_path(kind, index, entry)
        if check.keys(path, entry, allowed, required):
            yield path, entry


def _read_finance(check: Checker, value: Any) -> Finance | None:
    if not check.keys("finance", value, FINANCE_KEYS, ()):
        return None
    horizon = check.integer("finance.horizon_years", value.get("horizon_years", 3), 1)
    rate = check.number("finance.discount_rate", value.get("discount_rate", 0.08), below=1.0)
    return Finance(horizon_years=horizon or 3, discount_rate=0.08 if rate is None else rate)


def _read_periods(check: Checker, entries: list[Any]) -> list[Period]:
    unique_ids(check, "periods", entries)
    periods = []
    for path, entry in _entries(check, "periods", entries, PERIOD_KEYS, ("id",)):
        budget = None
        if entry.get("budget") is not None:
            budget = check.number(f"{path}.budget", entry["budget"], within=MONEY)
        periods.append(Period(id=str(entry.get("id")), budget=budget))
    return periods


def _read_resources(check: Checker, entries: list[Any]) -> list[Resource]:
    unique_ids(check, "resources", entries)
    resources = []
    for path, entry in _entries(check, "resources", entries, RESOURCE_KEYS, ("id", "capacity")):
        capacity = check.number(f"{path}.capacity", entry.get("capacity", 0), within=CAPACITY)
        resources.append(Resource(id=str(entry.get("id")), capacity=capacity or 0.0,
                                  name=check.text(f"{path}.name", entry.get("name")),
                                  unit=check.text(f"{path}.unit", entry.get("unit"))))
    return resources


def _read_stages(check: Checker, entries: list[Any]) -> list[Stage]:
    unique_ids(check, "stages", entries)
    stages = []
    for path, entry in _entries(check, "stages", entries, STAGE_KEYS, ("id",)):
        stage_id = str(entry.get("id"))
        stages.append(Stage(id=stage_id,
                            name=check.text(f"{path}.name", entry.get("name")) or stage_id))
    return stages


def _read_moments(check: Checker, entries: list[Any], stages: list[Stage]) -> list[Moment]:
    unique_ids(check, "moments", entries)
    stage_ids = {s.id for s in stages}
    moments = []
    for path, entry in _entries(check, "moments", entries, MOMENT_KEYS, ("id", "name")):
        stage = entry.get("stage")
        if stage is not None and stage not in stage_ids:
            check.add(f"{path}.stage", f"unknown stage {show(stage)}")
        side = check.choice(f"{path}.side", entry.get("side", "front"), SIDES)
        weight = check.number(f"{path}.weight", entry.get("weight", 1), within=WEIGHT)
        headroom = None
        if entry.get("headroom") is not None:
            headroom = check.number(f"{path}.headroom", entry["headroom"], within=HEADROOM)
        category = None
        if entry.get("category") is not None:
            category = check.choice(f"{path}.category", entry["category"], CATEGORIES)
        score = None
        if entry.get("score") is not None:
            score = check.number(f"{path}.score", entry["score"], within=SCORE)
        weight_range = None
        if entry.get("weight_range") is not None:
            weight_range = read_range(check, f"{path}.weight_range", entry["weight_range"],
                                      WEIGHT, weight, "weight")
        moments.append(Moment(id=str(entry.get("id")),
                              name=check.text(f"{path}.name", entry.get("name"), required=True),
                              stage=stage if isinstance(stage, str) else None,
                              side=side or "front", weight=1.0 if weight is None else weight,
                              headroom=headroom, category=category, score=score,
                              owner=check.text(f"{path}.owner", entry.get("owner")).strip(),
                              weight_range=weight_range))
    return moments


def _read_measurements(check: Checker, entries: list[Any], moments: list[Moment]
                       ) -> list[Measurement]:
    """Each measured score: of a moment of the plan, on a real day, in the score's range,
    of a sample of one or more."""
    moment_ids = {m.id for m in moments}
    measurements = []
    for index, entry in enumerate(entries):
        path = f"measurements[{index}]"
        if not check.keys(path, entry, MEASUREMENT_KEYS, ("moment", "date", "score")):
            continue
        moment, day = entry.get("moment"), entry.get("date")
        if "moment" in entry and moment not in moment_ids:
            check.add(f"{path}.moment", f"unknown moment {show(moment)}")
        if "date" in entry and not (isinstance(day, str) and ISO_DATE.fullmatch(day)
                                    and _is_date(day)):
            check.add(f"{path}.date", f"must be a date as 2026-03-31, not {show(day)}")
        score = (check.number(f"{path}.score", entry["score"], within=SCORE)
                 if "score" in entry else None)
        n = None
        if entry.get("n") is not None:
            n = check.integer(f"{path}.n", entry["n"], 1)
        source = check.text(f"{path}.source", entry.get("source")).strip()
        if isinstance(moment, str) and isinstance(day, str) and score is not None:
            measurements.append(Measurement(moment, day, score, n, source))
    return measurements


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _read_influences(check: Checker, entries: list[Any], moments: list[Moment]) -> list[Influence]:
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
                check.add(f"{path}.{key}", f"unknown moment {show(value)}")
        if source is not None and source == target:
            check.add(path, f'"from" and "to" must be different moments, both are {show(source)}')
        if (source, target) in seen:
            check.add(path, f"duplicate influence {show(source)} -> {show(target)}")
        seen.add((source, target))
        factor = None
        if "factor" in entry:
            factor = check.number(f"{path}.factor", entry["factor"], positive=True,
                                  maximum=SHARE.high)
        if isinstance(source, str) and isinstance(target, str) and factor is not None:
            influences.append(Influence(source=source, target=target, factor=factor))
    cycle = cycle_of(influences)
    if cycle:
        check.add("influences", "a cycle: " + " -> ".join(show(step) for step in cycle)
                  + "; a step cannot feed, through others, back into itself")
    return influences


def cycle_of(influences: list[Influence]) -> list[str]:
    """A cycle among these influences, as its steps (the first again at the end); []."""
    feeds: dict[str, list[tuple[str, float]]] = {}
    for influence in influences:
        feeds.setdefault(influence.source, []).append((influence.target, influence.factor))
    return influence_cycle(feeds)


def _read_initiatives(check: Checker, entries: list[Any], moments: list[Moment],
                      periods: list[Period], resources: list[Resource]) -> list[Initiative]:
    ids = set(unique_ids(check, "initiatives", entries))
    moment_ids = {m.id for m in moments}
    period_ids = [p.id for p in periods]
    resource_ids = {r.id for r in resources}
    initiatives = []
    required = ("id", "name", "cost", "effects")
    for path, entry in _entries(check, "initiatives", entries, INITIATIVE_KEYS, required):
        own_id = entry.get("id")
        before = len(check.problems)
        cost = _read_cost(check, f"{path}.cost", entry.get("cost"), period_ids)
        # A cost refused leaves only the range's own numbers to check.
        total = (sum(amount for _, amount in cost)
                 if entry.get("cost") is not None and len(check.problems) == before else None)
        effects = _read_amounts(check, f"{path}.effects", entry.get("effects"), moment_ids,
                                "moment", UPLIFT)
        if isinstance(entry.get("effects"), dict) and not entry["effects"]:
            check.add(f"{path}.effects", "must name at least one moment")
        uses = _read_amounts(check, f"{path}.uses", entry.get("uses", {}), resource_ids,
                             "resource", CAPACITY)
        confidence = check.number(f"{path}.confidence", entry.get("confidence", 1),
                                  positive=True, maximum=SHARE.high)
        decision = check.choice(f"{path}.decision", entry.get("decision", "auto"), DECISIONS)
        links = {}
        for key in ("requires", "excludes"):
            links[key] = _read_links(check, f"{path}.{key}", entry.get(key), ids, own_id)
        benefit = None
        if entry.get("benefit") is not None:
            benefit = check.number(f"{path}.benefit", entry["benefit"], within=BENEFIT)
        cost_range = None
        if entry.get("cost_range") is not None:
            cost_range = read_range(check, f"{path}.cost_range", entry["cost_range"], MONEY,
                                    total, "cost")
        effects_range = read_effects_range(check, f"{path}.effects_range",
                                           entry.get("effects_range"), entry.get("effects"),
                                           effects, moment_ids, UPLIFT)
        initiatives.append(Initiative(
            id=str(own_id), name=check.text(f"{path}.name", entry.get("name"), required=True),
            cost=cost, effects=effects, uses=uses,
            confidence=1.0 if confidence is None else confidence,
            decision=decision or "auto", requires=links["requires"], excludes=links["excludes"],
            benefit=benefit, team=check.text(f"{path}.team", entry.get("team")),
            note=check.text(f"{path}.note", entry.get("note"), lines=True),
            reason=check.text(f"{path}.reason", entry.get("reason"), lines=True),
            cost_range=cost_range, effects_range=effects_range))
    return initiatives


def _read_cost(check: Checker, path: str, value: Any,
               period_ids: list[str]) -> tuple[tuple[str, float], ...]:
    if isinstance(value, dict):
        if not period_ids:
            check.add(path, "per-period costs need the plan's periods; give one number instead")
            return ()
        amounts = _read_amounts(check, path, value, set(period_ids), "period", MONEY)
        # Summed as written too: costs each beyond the range may add up past any float.
        written = [_finite(amount) for amount in value.values()]
        if not math.isfinite(sum(written)):
            check.add(path, "the costs add up to more than any finite number")
            return ()
        return amounts
    if value is None:
        return ()
    amount = check.number(path, value, within=MONEY)
    if amount is None:
        return ()
    if period_ids:
        # A single number in a plan with periods falls in the first period.
        return ((period_ids[0], amount),)
    return ((NO_PERIOD, amount),)


def _read_amounts(check: Checker, path: str, value: Any, known: set[str],
                  kind: str, within: Range) -> tuple[tuple[str, float], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        check.add(path, f"must be an object of {{{kind} id: number}}")
        return ()
    amounts = []
    for key, amount in value.items():
        if key not in known:
            check.add(path, f"unknown {kind} {show(key)}")
            continue
        number = check.number(f"{path}.{key}", amount, within=within)
        if number is not None:
            amounts.append((key, number))
    return tuple(amounts)


def _finite(value: Any) -> float:
    """A number as written, as a float (0 for what is not a number: refused elsewhere)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    try:
        number = float(value)
    except OverflowError:  # an integer past the largest float: refused as not finite
        return 0.0
    return number if math.isfinite(number) else 0.0


def _read_links(check: Checker, path: str, value: Any, ids: set[str],
                own_id: Any) -> tuple[str, ...]:
    links = []
    for position, other in enumerate(check.items(path, value)):
        if other == own_id:
            check.add(f"{path}[{position}]", "an initiative cannot name itself")
        elif other not in ids:
            check.add(f"{path}[{position}]", f"unknown initiative {show(other)}")
        elif other not in links:
            links.append(other)
    return tuple(links)
