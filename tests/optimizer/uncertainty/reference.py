"""An independent reading of `planner robust`, written from docs/model.md ("Uncertainty")
on plan-file documents: each sample applied to the document itself, solved by
`engine.solve` afresh; the decision's figures in plain Python; the robust portfolio as a
plain PuLP scenario model. The test plans have no influences: e_im = p_i * u_im."""

from __future__ import annotations

import copy
import math

import pulp

from optimizer import plan_from_dict, solve


def apply(document: dict, sample: dict) -> dict:
    """The plan document with the sample's values (per-period costs scaled to the total)."""
    doc = copy.deepcopy(document)
    periods = [p["id"] for p in doc.get("periods", [])]
    for initiative in doc["initiatives"]:
        initiative.pop("cost_range", None)
        initiative.pop("effects_range", None)
        iid = initiative["id"]
        if iid in sample.get("cost", {}):
            total = sample["cost"][iid]
            cost = initiative["cost"]
            if not isinstance(cost, dict):
                cost = {periods[0]: cost} if periods else cost
            if isinstance(cost, dict):
                likely = sum(cost.values())
                cost = ({p: a * total / likely for p, a in cost.items()} if likely > 0 else
                        dict.fromkeys(periods, total / len(periods)))
            else:
                cost = total
            initiative["cost"] = cost
        for moment, uplift in sample.get("effects", {}).get(iid, {}).items():
            initiative["effects"][moment] = uplift
    for moment in doc["moments"]:
        moment.pop("weight_range", None)
        if moment["id"] in sample.get("weight", {}):
            moment["weight"] = sample["weight"][moment["id"]]
    doc.pop("uncertainty", None)
    return doc


def uplifts(doc: dict) -> dict[str, dict[str, float]]:
    return {i["id"]: {m: i.get("confidence", 1.0) * u for m, u in i["effects"].items() if u > 0}
            for i in doc["initiatives"]}


def costs(doc: dict) -> dict[str, dict[str, float]]:
    """Each initiative's cost per period ("" for a plan without periods)."""
    periods = [p["id"] for p in doc.get("periods", [])]
    found = {}
    for i in doc["initiatives"]:
        cost = i["cost"]
        found[i["id"]] = dict(cost) if isinstance(cost, dict) else {
            (periods[0] if periods else ""): cost}
    return found


def impact(doc: dict, funded: set[str], focus: set[str]) -> float:
    e = uplifts(doc)
    total = 0.0
    for m in doc["moments"]:
        if m["id"] in focus:
            gained = math.fsum(e[i].get(m["id"], 0.0) for i in funded)
            headroom = m.get("headroom")
            total += m.get("weight", 1.0) * (gained if headroom is None else min(gained, headroom))
    return total


def cost(doc: dict, funded: set[str]) -> float:
    return math.fsum(a for i in funded for a in costs(doc)[i].values())


def over_budget(doc: dict, funded: set[str]) -> bool:
    spend = costs(doc)
    if doc.get("budget") is not None and cost(doc, funded) > doc["budget"] * (1 + 1e-9):
        return True
    return any(p.get("budget") is not None and math.fsum(
        spend[i].get(p["id"], 0.0) for i in funded) > p["budget"] * (1 + 1e-9)
        for p in doc.get("periods", []))


def solve_each(document: dict, samples: list[dict]) -> list:
    """engine.solve of every sample's own plan document."""
    return [solve(plan_from_dict(apply(document, s))) for s in samples]


def scenario(document: dict, samples: list[dict], objective: str) -> tuple[set, set]:
    """The robust portfolio as a plain PuLP model: shared x, y; v per sample and moment."""
    docs = [apply(document, s) for s in samples]
    ids = [i["id"] for i in document["initiatives"]]
    moments = [m["id"] for m in document["moments"]]
    problem = pulp.LpProblem("robust", pulp.LpMaximize)
    x = {i: problem.add_variable(f"x_{i}", 0, 1, cat=pulp.LpBinary) for i in ids}
    y = {m: problem.add_variable(f"y_{m}", 0, 1, cat=pulp.LpBinary) for m in moments}
    impacts = []
    for s, doc in enumerate(docs):
        e = uplifts(doc)
        terms = []
        for m in doc["moments"]:
            v = problem.add_variable(f"v_{s}_{m['id']}", 0, None)
            problem += v <= pulp.lpSum(e[i].get(m["id"], 0.0) * x[i] for i in ids)
            if m.get("headroom") is not None:
                problem += v <= m["headroom"] * y[m["id"]]
            else:
                problem += v <= sum(e[i].get(m["id"], 0.0) for i in ids) * y[m["id"]]
            terms.append(m.get("weight", 1.0) * v)
        impacts.append(pulp.lpSum(terms))
    moves = {i: {m for doc in docs for m in uplifts(doc)[i]} for i in ids}
    for m in moments:
        problem += y[m] <= pulp.lpSum(x[i] for i in ids if m in moves[i])
    problem += pulp.lpSum(y.values()) <= document.get("max_focus", 3)
    for initiative in document["initiatives"]:
        i = initiative["id"]
        decision = initiative.get("decision", "auto")
        if decision == "fund":
            problem += x[i] == 1
        elif decision == "reject":
            problem += x[i] == 0
        else:
            problem += x[i] <= pulp.lpSum(y[m] for m in moves[i])
        for other in initiative.get("requires", []):
            problem += x[i] <= x[other]
        for other in initiative.get("excludes", []):
            problem += x[i] + x[other] <= 1
    spends = [costs(doc) for doc in docs]
    mean = {i: {p: math.fsum(sp[i].get(p, 0.0) for sp in spends) / len(docs)
                for p in {p for sp in spends for p in sp[i]}} for i in ids}
    if document.get("budget") is not None:
        problem += pulp.lpSum(sum(mean[i].values()) * x[i] for i in ids) <= document["budget"]
    for period in document.get("periods", []):
        if period.get("budget") is not None:
            problem += pulp.lpSum(mean[i].get(period["id"], 0.0) * x[i]
                                  for i in ids) <= period["budget"]
    for resource in document.get("resources", []):
        problem += pulp.lpSum(i.get("uses", {}).get(resource["id"], 0) * x[i["id"]]
                              for i in document["initiatives"]) <= resource["capacity"]
    if objective == "mean":
        problem += pulp.lpSum(impacts) * (1.0 / len(docs))
    else:
        k = math.ceil(len(docs) / 10)
        t = problem.add_variable("t", None, None)
        z = [problem.add_variable(f"z_{s}", 0, None) for s in range(len(docs))]
        for s, total in enumerate(impacts):
            problem += z[s] >= t - total
        problem += t - pulp.lpSum(z) * (1.0 / k)
    problem.solve(pulp.HiGHS(msg=False, gapRel=0))
    assert problem.sol_status == pulp.LpSolutionOptimal
    # The tie rule: the least mean cost among portfolios of (nearly) the best objective.
    best = pulp.value(problem.objective)
    goal = problem.objective
    problem += goal >= best - 1e-9 * abs(best)
    problem.sense = pulp.LpMinimize
    problem.setObjective(pulp.lpSum(sum(mean[i].values()) * x[i] for i in ids))
    problem.solve(pulp.HiGHS(msg=False, gapRel=0))
    assert problem.sol_status == pulp.LpSolutionOptimal
    return ({i for i in ids if x[i].varValue > 0.5}, {m for m in moments if y[m].varValue > 0.5})


def mean_cost(document: dict, samples: list[dict], funded: set) -> float:
    return math.fsum(cost(apply(document, s), funded) for s in samples) / len(samples)


def objective_value(document: dict, samples: list[dict], funded: set, focus: set,
                    objective: str) -> float:
    values = [impact(apply(document, s), funded, focus) for s in samples]
    if objective == "mean":
        return math.fsum(values) / len(values)
    worst = sorted(values)[:math.ceil(len(values) / 10)]
    return math.fsum(worst) / len(worst)
