"""Samples of a plan's uncertain values: drawn from PERT with a seed, or read from a file
(docs/model.md, "Uncertainty"; the samples file of docs/plan-format.md).

A sample holds the drawn values only, `{"cost": {id: total}, "effects": {id: {moment:
uplift}}, "weight": {moment: weight}}`; a value it does not list is the plan's own.
`sample_plan` turns a sample into a plan of its own, certain, which the engine solves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from optimizer.plan import Initiative, Moment, Plan

SAMPLE_KEYS = ("cost", "effects", "weight")


class SampleError(ValueError):
    """A samples file that cannot be used; `problems` lists each, naming sample and field."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Ranged:
    """One uncertain value: where it goes in a sample, and its three PERT points."""

    kind: str  # "cost", "effects" or "weight"
    owner: str  # initiative id (cost, effects) or moment id (weight)
    moment: str | None  # the moment of an uplift
    low: float
    likely: float
    high: float


def _range(own: tuple[float, float] | None, likely: float,
           shares: tuple[float, float] | None) -> tuple[float, float] | None:
    """A value's own range, else the plan's default shares of its likely value."""
    if own is not None:
        return own
    if shares is not None:
        return (shares[0] * likely, shares[1] * likely)
    return None


def ranged_values(plan: Plan) -> list[Ranged]:
    """Every value of the plan that may turn out otherwise, in a fixed order (initiatives
    by id: cost, then uplifts by moment id; then moments by id); a range of no width is
    certain and left out."""
    defaults = plan.uncertainty
    cost_shares = defaults.cost if defaults else None
    effect_shares = defaults.effects if defaults else None
    weight_shares = defaults.weight if defaults else None
    found = []
    for initiative in sorted(plan.initiatives, key=lambda i: i.id):
        likely = initiative.total_cost
        bounds = _range(initiative.cost_range, likely, cost_shares)
        if bounds is not None:
            found.append(Ranged("cost", initiative.id, None, bounds[0], likely, bounds[1]))
        own = dict(initiative.effects_range)
        for moment_id, uplift in sorted(initiative.effects):
            bounds = _range(own.get(moment_id), uplift, effect_shares)
            if bounds is not None:
                found.append(Ranged("effects", initiative.id, moment_id, bounds[0], uplift,
                                    bounds[1]))
    for moment in sorted(plan.moments, key=lambda m: m.id):
        bounds = _range(moment.weight_range, moment.weight, weight_shares)
        if bounds is not None:
            found.append(Ranged("weight", moment.id, None, bounds[0], moment.weight,
                                bounds[1]))
    return [value for value in found if value.high > value.low]


def pert_parameters(low: float, likely: float, high: float) -> tuple[float, float]:
    """alpha and beta of the PERT distribution of (low, likely, high), high > low."""
    width = high - low
    return 1 + 4 * (likely - low) / width, 1 + 4 * (high - likely) / width


def draw_samples(plan: Plan, count: int = 1000, seed: int = 0) -> list[dict]:
    """`count` samples, each value drawn independently from its PERT distribution with
    numpy's Generator(PCG64(seed)): the same plan, count and seed give the same samples."""
    import numpy as np

    if count < 0:
        raise ValueError("count must be 0 or more")
    rng = np.random.Generator(np.random.PCG64(seed))
    samples: list[dict] = [{"cost": {}, "effects": {}, "weight": {}} for _ in range(count)]
    for value in ranged_values(plan):
        alpha, beta = pert_parameters(value.low, value.likely, value.high)
        drawn = value.low + (value.high - value.low) * rng.beta(alpha, beta, size=count)
        drawn = np.clip(drawn, value.low, value.high).tolist()
        for sample, amount in zip(samples, drawn, strict=True):
            if value.kind == "effects":
                sample["effects"].setdefault(value.owner, {})[value.moment] = amount
            else:
                sample[value.kind][value.owner] = amount
    return samples


def check_samples(plan: Plan, samples: Any) -> list[dict]:
    """The samples, if each names only the plan's initiatives, their uplifts and its
    moments, with finite values >= 0; else SampleError listing every problem."""
    if not isinstance(samples, list):
        raise SampleError(["samples: must be a list of objects, one per sample"])
    initiatives = {i.id: {m for m, _ in i.effects} for i in plan.initiatives}
    moments = {m.id for m in plan.moments}
    problems: list[str] = []
    for k, sample in enumerate(samples):
        where = f"sample {k}"
        if not isinstance(sample, dict):
            problems.append(f"{where}: must be an object")
            continue
        problems += [f"{where}: unknown field {key!r}" for key in sample
                     if key not in SAMPLE_KEYS]
        for key in SAMPLE_KEYS:
            if not isinstance(sample.get(key, {}), dict):
                problems.append(f"{where}: {key}: must be an object")
        if problems:
            continue
        for owner, amount in sample.get("cost", {}).items():
            if owner not in initiatives:
                problems.append(f"{where}: cost.{owner}: unknown initiative")
            problems += _number(f"{where}: cost.{owner}", amount)
        for owner, uplifts in sample.get("effects", {}).items():
            if owner not in initiatives:
                problems.append(f"{where}: effects.{owner}: unknown initiative")
                continue
            if not isinstance(uplifts, dict):
                problems.append(f"{where}: effects.{owner}: must be an object")
                continue
            for moment_id, amount in uplifts.items():
                if moment_id not in initiatives[owner]:
                    problems.append(f"{where}: effects.{owner}.{moment_id}: not an effect "
                                    f"of {owner} in the plan")
                problems += _number(f"{where}: effects.{owner}.{moment_id}", amount)
        for owner, amount in sample.get("weight", {}).items():
            if owner not in moments:
                problems.append(f"{where}: weight.{owner}: unknown moment")
            problems += _number(f"{where}: weight.{owner}", amount)
    if problems:
        raise SampleError(problems)
    return samples


def _number(path: str, amount: Any) -> list[str]:
    if isinstance(amount, bool) or not isinstance(amount, (int, float)):
        return [f"{path}: must be a number, not {amount!r}"]
    if not math.isfinite(amount) or amount < 0:
        return [f"{path}: must be a finite number >= 0, not {amount!r}"]
    return []


def read_samples(plan: Plan, path: str) -> list[dict]:
    """A samples file (JSON), checked against the plan; SampleError if it cannot be used."""
    import json

    try:
        with open(path, encoding="utf-8") as file:
            samples = json.load(file)
    except OSError as error:
        raise SampleError([f"{path}: cannot read it: {error.strerror or error}"]) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise SampleError([f"{path}: not JSON: {error}"]) from None
    return check_samples(plan, samples)


def write_samples(samples: list[dict], path: str) -> None:
    """Write samples as a samples file: JSON keeps every float exactly."""
    import json

    with open(path, "w", encoding="utf-8") as file:
        json.dump(samples, file)
        file.write("\n")


def scaled_cost(initiative: Initiative, total: float, plan: Plan) -> tuple:
    """Per-period costs scaled to a drawn total: each by total / likely total; a likely
    total of 0 spread evenly over the plan's periods (the single cost without periods)."""
    likely = initiative.total_cost
    if likely > 0:
        return tuple((period, amount * total / likely) for period, amount in initiative.cost)
    periods = [p.id for p in plan.periods] or [""]
    return tuple((period, total / len(periods)) for period in periods)


def _changed(value: Any, changes: dict[str, Any]) -> Any:
    """A copy of a frozen Initiative or Moment with some fields changed: what
    dataclasses.replace gives, without its field-by-field __init__ (a sample makes a few
    hundred; the values are the plan's own, already checked)."""
    new = object.__new__(type(value))
    new.__dict__.update(value.__dict__)
    new.__dict__.update(changes)
    return new


def sample_plan(plan: Plan, sample: dict) -> Plan:
    """The plan with the sample's values: a plan of its own, with no ranges left. What the
    sample does not change is the plan's own object (a sample is solved in milliseconds,
    and copying 200 unchanged initiatives would take a good share of them)."""
    costs, effects = sample.get("cost", {}), sample.get("effects", {})
    weights = sample.get("weight", {})
    initiatives = []
    for initiative in plan.initiatives:
        changes: dict[str, Any] = {}
        if initiative.cost_range is not None or initiative.effects_range:
            changes = {"cost_range": None, "effects_range": ()}
        if initiative.id in costs:
            changes["cost"] = scaled_cost(initiative, float(costs[initiative.id]), plan)
        drawn = effects.get(initiative.id)
        if drawn:
            changes["effects"] = tuple((m, float(drawn.get(m, uplift)))
                                       for m, uplift in initiative.effects)
        initiatives.append(_changed(initiative, changes) if changes else initiative)
    moments: list[Moment] = [
        _changed(m, {"weight": float(weights.get(m.id, m.weight)), "weight_range": None})
        if m.id in weights or m.weight_range is not None else m for m in plan.moments]
    return replace(plan, initiatives=tuple(initiatives), moments=tuple(moments),
                   uncertainty=None)
