"""docs/model.md written plainly in PuLP and solved by HiGHS: the yardstick of `planner solve`.

    python benchmarks/plain_pulp_highs.py PLAN.json

What a modeller would write by hand in an afternoon: the plan file read with `json` only
(no checks), the model built with `lpSum`, solved by PuLP's HiGHS interface to a proven
optimum (relative gap 0), then the tie rule of docs/model.md as a second solve (the least cost
with the impact held at the optimum). Prints the impact, the cost, the focus moments and
the funded initiatives as one JSON document. Not part of the app: benchmarks/bench_cli.py
times it against `planner solve`.
"""

from __future__ import annotations

import json
import sys

import pulp

TIE = 1e-9  # docs/model.md, "Ties": impacts within this (relative) are tied


def effective_uplifts(plan: dict) -> dict[str, dict[str, float]]:
    """e_im = p_i * sum_j u_ij * F_jm, following every path of the influence graph."""
    feeds: dict[str, list[tuple[str, float]]] = {m["id"]: [] for m in plan["moments"]}
    for influence in plan.get("influences", []):
        feeds[influence["from"]].append((influence["to"], influence["factor"]))
    reach: dict[str, dict[str, float]] = {}

    def reached(moment: str) -> dict[str, float]:  # F_jm for every m, from j = moment
        if moment not in reach:
            total = {moment: 1.0}
            for target, factor in feeds[moment]:
                for m, f in reached(target).items():
                    total[m] = total.get(m, 0.0) + factor * f
            reach[moment] = total
        return reach[moment]

    uplifts = {}
    for initiative in plan["initiatives"]:
        confidence = initiative.get("confidence", 1.0)
        effective: dict[str, float] = {}
        for moment, amount in initiative["effects"].items():
            for m, f in reached(moment).items():
                effective[m] = effective.get(m, 0.0) + confidence * amount * f
        uplifts[initiative["id"]] = {m: e for m, e in effective.items() if e > 0}
    return uplifts


def total_cost(initiative: dict) -> float:
    cost = initiative["cost"]
    return sum(cost.values()) if isinstance(cost, dict) else cost


def period_cost(initiative: dict, period: str, first: str) -> float:
    cost = initiative["cost"]
    if isinstance(cost, dict):
        return cost.get(period, 0.0)
    return cost if period == first else 0.0  # a single number falls in the first period


def main(path: str) -> None:
    with open(path, encoding="utf-8") as file:
        plan = json.load(file)
    moments, initiatives = plan["moments"], plan["initiatives"]
    uplifts = effective_uplifts(plan)
    movers: dict[str, list[str]] = {m["id"]: [] for m in moments}
    for initiative_id, effective in uplifts.items():
        for moment_id in effective:
            movers[moment_id].append(initiative_id)

    problem = pulp.LpProblem("portfolio", pulp.LpMaximize)
    x = {i["id"]: pulp.LpVariable(f"x{k}", cat=pulp.LpBinary) for k, i in enumerate(initiatives)}
    y = {m["id"]: pulp.LpVariable(f"y{k}", cat=pulp.LpBinary) for k, m in enumerate(moments)}
    v = {m["id"]: pulp.LpVariable(f"v{k}", lowBound=0) for k, m in enumerate(moments)}
    impact = pulp.lpSum(m.get("weight", 1.0) * v[m["id"]] for m in moments)
    problem += impact

    for m in moments:
        moment = m["id"]
        headroom = m.get("headroom")
        if headroom is None:
            headroom = sum(uplifts[i][moment] for i in movers[moment])
        problem += v[moment] <= pulp.lpSum(uplifts[i][moment] * x[i] for i in movers[moment])
        problem += v[moment] <= headroom * y[moment]
        problem += y[moment] <= pulp.lpSum(x[i] for i in movers[moment])
    problem += pulp.lpSum(y.values()) <= plan.get("max_focus", 3)

    for initiative in initiatives:
        i = initiative["id"]
        decision = initiative.get("decision", "auto")
        if decision == "fund":
            problem += x[i] == 1
        elif decision == "reject":
            problem += x[i] == 0
        else:
            problem += x[i] <= pulp.lpSum(y[m] for m in uplifts[i])
        for other in initiative.get("requires", []):
            problem += x[i] <= x[other]
        for other in initiative.get("excludes", []):
            problem += x[i] + x[other] <= 1

    cost = pulp.lpSum(total_cost(i) * x[i["id"]] for i in initiatives)
    if plan.get("budget") is not None:
        problem += cost <= plan["budget"]
    periods = plan.get("periods", [])
    for period in periods:
        if period.get("budget") is not None:
            problem += pulp.lpSum(period_cost(i, period["id"], periods[0]["id"]) * x[i["id"]]
                                  for i in initiatives) <= period["budget"]
    for resource in plan.get("resources", []):
        problem += pulp.lpSum(i.get("uses", {}).get(resource["id"], 0.0) * x[i["id"]]
                              for i in initiatives) <= resource["capacity"]

    problem.solve(pulp.HiGHS(msg=False, gapRel=0))
    if problem.sol_status != pulp.LpSolutionOptimal:
        print(json.dumps({"status": pulp.LpStatus[problem.status]}))
        sys.exit(1)
    best = pulp.value(impact)

    # The tie rule: the cheapest portfolio of the same impact.
    problem.sense = pulp.LpMinimize
    problem.setObjective(cost)
    problem += impact >= best - TIE * max(1.0, abs(best))
    problem.solve(pulp.HiGHS(msg=False, gapRel=0))

    funded = sorted(i for i, var in x.items() if (var.varValue or 0) > 0.5)
    focus = sorted(m for m, var in y.items() if (var.varValue or 0) > 0.5)
    print(json.dumps({"status": "optimal" if problem.sol_status == pulp.LpSolutionOptimal
                      else "feasible",
                      "impact": pulp.value(impact), "cost": pulp.value(cost),
                      "focus": focus, "funded": funded}))


if __name__ == "__main__":
    main(sys.argv[1])
