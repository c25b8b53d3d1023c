"""Writing a Plan as a plan document (docs/plan-format.md), the inverse of reading one."""

from __future__ import annotations

from typing import Any

from optimizer.plan import Initiative, Plan
from optimizer.planfile.estimates import effects_range_dict, pair_list, uncertainty_dict


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan file document for a Plan; plan_from_dict(plan_to_dict(p)) == p."""
    document: dict[str, Any] = {"plan": plan.name, "currency": plan.currency}
    if plan.budget is not None:
        document["budget"] = plan.budget
    document["max_focus"] = plan.max_focus
    if plan.finance is not None:
        document["finance"] = {"horizon_years": plan.finance.horizon_years,
                               "discount_rate": plan.finance.discount_rate}
    if plan.uncertainty is not None:
        document["uncertainty"] = uncertainty_dict(plan.uncertainty)
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
        "headroom": m.headroom, "category": m.category, "score": m.score,
        "owner": m.owner or None, "weight_range": pair_list(m.weight_range)})
        for m in plan.moments]
    if plan.influences:
        document["influences"] = [{"from": f.source, "to": f.target, "factor": f.factor}
                                  for f in plan.influences]
    document["initiatives"] = [_initiative_to_dict(i, bool(plan.periods))
                               for i in plan.initiatives]
    if plan.measurements:
        document["measurements"] = [_drop_none({
            "moment": m.moment, "date": m.date, "score": m.score, "n": m.n,
            "source": m.source or None}) for m in plan.measurements]
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
        "cost_range": pair_list(initiative.cost_range),
        "effects_range": effects_range_dict(initiative.effects_range),
    }
    return _drop_none(entry)


def _drop_none(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if value is not None}
