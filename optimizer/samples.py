"""Realistic sample plans of any size, the same for a given seed: for demos, tests, benchmarks."""

from __future__ import annotations

import math
import random
from typing import Any

from optimizer.plan import Plan
from optimizer.planfile import plan_from_dict

# The journey in order: stage id, name, usual category, front moments, back-stage steps.
JOURNEY = (
    ("discover", "Discover", "revenue",
     ("Ad that speaks to my need", "Website first impression", "Store window and signage",
      "Search finds us first", "Price clear up front", "Friend recommends us"),
     ("Campaign targeting data", "Product content upkeep")),
    ("choose", "Choose", "revenue",
     ("My size or model in stock", "Advice from staff who know", "Compare plans side by side",
      "Reviews I can trust", "Honest answers in chat", "Try before I buy"),
     ("Stock replenishment", "Product training for staff")),
    ("buy", "Buy", "revenue",
     ("Checkout under 3 minutes", "Greeted within 30 seconds", "Payment just works",
      "Contract I understand", "No surprise fees", "Order confirmation"),
     ("Payment gateway uptime", "Credit check turnaround")),
    ("start", "Get started", "bond",
     ("Delivery on the promised day", "Set up in one go", "Welcome call",
      "Account ready on day one", "Parcel arrives intact"),
     ("Warehouse picking accuracy", "Carrier hand-over", "Account provisioning")),
    ("use", "Use", "bond",
     ("Works as promised", "App login first time", "Tips at the right time",
      "Loyalty points I notice", "Service without outages"),
     ("Network monitoring", "Release testing")),
    ("help", "Get help", "rescue",
     ("Reach a person quickly", "Fixed first time", "Refund without a fight",
      "Updates without chasing", "Apology that feels real", "Help in the app"),
     ("Case routing", "Refund approvals", "Knowledge base upkeep")),
    ("pay", "Pay", "retain",
     ("Bill I understand", "Right amount first time", "Easy to change how I pay",
      "Warning before a price rise"),
     ("Billing data quality", "Payment reminders process")),
    ("renew", "Renew or leave", "retain",
     ("Renewal offer that values me", "Cancel without hassle", "Personal thank-you",
      "Win-back offer"),
     ("Churn prediction", "Retention desk scheduling")),
)
CHANNELS = ("in store", "online", "in the app", "by phone")
CATEGORIES = ("revenue", "bond", "rescue", "retain")

# id, name, unit; IT delivery is in every plan.
RESOURCES = (
    ("it", "IT delivery", "FTE-months"),
    ("training", "Training", "trainer-weeks"),
    ("stores", "Store ops", "staff-weeks"),
    ("data", "Data & analytics", "FTE-months"),
    ("contact", "Contact centre", "agent-weeks"),
    ("legal", "Legal & compliance", "days"),
)
# Kind of work, the team that owns it, the resource it usually draws on.
WORK = (
    ("Automation", "IT", "it"), ("Self-service", "Digital", "it"),
    ("System upgrade", "IT", "it"), ("Staff coaching", "HR", "training"),
    ("Scripts and guidelines", "Customer service", "training"),
    ("Store process change", "Stores", "stores"), ("Staffing at peak hours", "Stores", "stores"),
    ("Data clean-up", "Data", "data"), ("Prediction model", "Data", "data"),
    ("Call routing", "Customer service", "contact"), ("Policy change", "Legal", "legal"),
    ("Campaign", "Marketing", None), ("Pilot", "Operations", None),
    ("Supplier change", "Procurement", None),
)
FUND_REASONS = ("legal obligation", "committed to the board last cycle",
                "security audit finding", "contract already signed")
REJECT_REASONS = ("the regulator has not approved it yet",
                  "the group programme already covers it",
                  "the vendor leaves the market this year",
                  "board decision: out of scope this cycle")
PERIODS = ("H1", "H2")
BUDGET_SHARE = 0.30  # default budget: this share of the total cost of all initiatives
CAPACITY_SHARE = 0.35  # of the total demand on each resource


def generate_plan(initiatives: int, moments: int, seed: int = 1, *,
                  budget_share: float = BUDGET_SHARE, ranges: bool = False) -> Plan:
    """A valid, realistic plan with this many initiatives and moments (docs/model.md).

    The budget is `budget_share` of the total cost of all initiatives, each period's budget
    a little more than that share of the period's cost. With `ranges`, the same plan with
    ranges around its estimates (add_ranges).
    """
    return plan_from_dict(generate_document(initiatives, moments, seed,
                                            budget_share=budget_share, ranges=ranges))


def generate_document(initiatives: int, moments: int, seed: int = 1, *,
                      budget_share: float = BUDGET_SHARE, ranges: bool = False
                      ) -> dict[str, Any]:
    """The plan file document (docs/plan-format.md) of generate_plan."""
    if initiatives < 1 or moments < 1:
        raise ValueError("a plan needs at least one initiative and one moment")
    if budget_share < 0:
        raise ValueError("budget_share must be 0 or more")
    rng = random.Random(seed)
    stages = _stages(rng, moments)
    moment_list, influences = _moments(rng, stages, moments)
    # 3 to 6 resources, IT delivery always among them
    resources = [RESOURCES[0], *sorted(rng.sample(RESOURCES[1:], rng.randint(2, 5)),
                                       key=RESOURCES.index)]
    work = [_initiative(rng, k, initiatives, moment_list, [r[0] for r in resources])
            for k in range(initiatives)]
    _unique_names(work)

    total = [math.fsum(w["cost"].get(p, 0.0) for w in work) for p in PERIODS]
    budget = _round_money(budget_share * sum(total))
    periods = [{"id": p, "budget": _round_money(budget_share * rng.uniform(1.05, 1.2) * t)}
               for p, t in zip(PERIODS, total, strict=True)]
    resource_list = []
    for resource_id, name, unit in resources:
        needs = [w["uses"][resource_id] for w in work if resource_id in w.get("uses", {})]
        if needs or resource_id == "it":
            # never less than the largest single need: every proposal could run on its own
            capacity = max([1, round(CAPACITY_SHARE * math.fsum(needs)), *needs])
            resource_list.append({"id": resource_id, "name": name, "unit": unit,
                                  "capacity": capacity})
    _decisions(rng, work, budget, periods, resource_list)
    _links(rng, work)
    document = {
        "plan": f"Sample plan: {initiatives} initiatives, {moments} moments (seed {seed})",
        "currency": "EUR", "budget": budget, "max_focus": 3,
        "finance": {"horizon_years": 3, "discount_rate": 0.08},
        "periods": periods, "resources": resource_list,
        "stages": [{"id": s[0], "name": s[1]} for s in stages],
        "moments": moment_list, "influences": influences, "initiatives": work,
    }
    return add_ranges(document, seed) if ranges else document


# How wrong estimates turn out, as shares of the likely value (docs/model.md, "Uncertainty"):
# costs overrun more often and further than they undershoot; uplifts miss both ways.
COST_SHARES = ((0.8, 1.0), (1.0, 1.5))  # (low share between, high share between)
UPLIFT_SHARES = ((0.5, 0.9), (1.1, 1.5))
OWN_COST_RANGE, OWN_EFFECTS_RANGE, OWN_WEIGHT_RANGE = 0.8, 0.7, 0.3  # shares that have one
DEFAULT_SHARES = {"cost": [0.9, 1.3], "effects": [0.6, 1.3]}  # for the rest


def add_ranges(document: dict[str, Any], seed: int = 1) -> dict[str, Any]:
    """The plan document with ranges around its estimates, the same for a given seed: most
    initiatives' costs (-20% to +50% at most) and uplifts (half to one and a half times),
    some front moments' weights, and plan-wide default shares for the values left without
    one. The likely values stay as they are, so the plan solves as it did."""
    rng = random.Random(f"ranges {seed}")  # its own draws: the plan itself is unchanged
    for initiative in document["initiatives"]:
        if rng.random() < OWN_COST_RANGE:
            total = sum(initiative["cost"].values())
            initiative["cost_range"] = _around(rng, total, COST_SHARES, 1_000)
        if rng.random() < OWN_EFFECTS_RANGE:
            initiative["effects_range"] = {
                moment: _around(rng, uplift, UPLIFT_SHARES, 0.5)
                for moment, uplift in initiative["effects"].items()}
    for moment in document["moments"]:
        weight = moment.get("weight", 1)
        if weight > 0 and moment.get("side") != "back" and rng.random() < OWN_WEIGHT_RANGE:
            moment["weight_range"] = [max(0, weight - rng.randint(1, 2)),
                                      weight + rng.randint(0, 2)]
    document["uncertainty"] = {kind: list(shares) for kind, shares in DEFAULT_SHARES.items()}
    return document


def _around(rng: random.Random, likely: float, shares: tuple, step: float) -> list[float]:
    """[low, high] around `likely`, each end a share drawn from `shares`, in whole steps
    (low rounded down, high up, so that the likely value stays inside)."""
    low = math.floor(likely * rng.uniform(*shares[0]) / step) * step
    high = math.ceil(likely * rng.uniform(*shares[1]) / step) * step
    return [_number(max(0, low)), _number(max(high, likely))]


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _stages(rng: random.Random, moments: int) -> list[tuple]:
    """5 to 8 journey stages in journey order (fewer when there are fewer moments)."""
    count = min(rng.randint(5, 8), max(1, moments))
    chosen = sorted(rng.sample(range(len(JOURNEY)), count))
    return [JOURNEY[k] for k in chosen]


def _moments(rng: random.Random, stages: list[tuple],
             count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """About 20% back-stage steps, each feeding 1 to 3 front moments nearby in the journey."""
    n_back = round(0.2 * count) if count >= 3 else 0
    n_front = count - n_back
    width = len(str(count))
    used: dict[str, int] = {}
    moments, stage_of = [], []
    for k in range(count):
        front = k < n_front
        s = k * len(stages) // n_front if front else rng.randrange(len(stages))
        stage_id, _, category, front_names, back_names = stages[s]
        pool = front_names if front else back_names
        turn = used.get(f"{stage_id}{front}", 0)
        used[f"{stage_id}{front}"] = turn + 1
        name = pool[turn % len(pool)]
        if turn >= len(pool):  # the stage's moments again, through another channel
            name += f" ({CHANNELS[(turn // len(pool) - 1) % len(CHANNELS)]})"
        moment: dict[str, Any] = {"id": f"m{k + 1:0{width}d}", "name": name, "stage": stage_id}
        if front:
            moment["weight"] = rng.randint(1, 10)
            moment["category"] = category if rng.random() < 0.6 else rng.choice(CATEGORIES)
            moment["score"] = rng.randint(35, 85)
        else:
            moment["side"] = "back"
            moment["weight"] = rng.choice((0, 0, 0, 1, 2))
        if rng.random() < 0.85:
            moment["headroom"] = rng.randrange(10, 41, 5)
        moments.append(moment)
        stage_of.append(s)

    influences = []
    for b in range(n_front, count):
        # nearest front moments first; random order among equally near ones
        near = sorted(range(n_front), key=lambda f: (abs(stage_of[f] - stage_of[b]), rng.random()))
        for f in near[:rng.randint(1, 3)]:
            influences.append({"from": moments[b]["id"], "to": moments[f]["id"],
                               "factor": round(rng.uniform(0.2, 0.8) * 20) / 20})
    return moments, influences


def _initiative(rng: random.Random, k: int, count: int, moments: list[dict[str, Any]],
                resource_ids: list[str]) -> dict[str, Any]:
    """One proposal: a kind of work on 1 to 3 moments, mostly of the same stage."""
    first = rng.choice(moments)
    moved = [first]
    for _ in range(rng.choices((0, 1, 2), weights=(45, 35, 20))[0]):
        same_stage = [m for m in moments if m["stage"] == first["stage"] and m not in moved]
        pool = same_stage if same_stage and rng.random() < 0.7 else moments
        candidate = rng.choice(pool)
        if candidate not in moved:
            moved.append(candidate)
    kind, team, resource = rng.choice(WORK)
    total = _round_money(min(400_000, max(5_000, rng.lognormvariate(math.log(60_000), 0.9))),
                         1_000)
    initiative: dict[str, Any] = {
        "id": f"i{k + 1:0{len(str(count))}d}",
        "name": f"{kind}: {first['name'][0].lower()}{first['name'][1:]}",
        "team": team, "cost": _split(rng, total),
        "effects": {m["id"]: min(25, max(1, round(rng.lognormvariate(math.log(6), 0.7))))
                    for m in moved},
    }
    if rng.random() < 0.5:
        own = resource if resource in resource_ids else rng.choice(resource_ids)
        needs = [own] + ([rng.choice(resource_ids)] if rng.random() < 0.3 else [])
        initiative["uses"] = {r: max(0.5, round(total / 30_000 * rng.lognormvariate(0, 0.5) * 2)
                                     / 2) for r in needs}
    if rng.random() < 0.8:
        initiative["confidence"] = round(rng.uniform(0.5, 1.0) * 20) / 20
    if rng.random() < 0.85:
        initiative["benefit"] = _round_money(total * rng.lognormvariate(math.log(0.7), 0.6), 1_000)
    return initiative


def _split(rng: random.Random, total: int) -> dict[str, int]:
    """Per-period cost: all in H1, all in H2, or most often shared."""
    draw = rng.random()
    if draw < 0.25:
        return {"H1": total}
    if draw < 0.4:
        return {"H2": total}
    first = _round_money(total * rng.uniform(0.3, 0.8), 1_000)
    return {p: c for p, c in zip(PERIODS, (first, total - first), strict=True) if c > 0}


def _unique_names(work: list[dict[str, Any]]) -> None:
    seen: dict[str, int] = {}
    for initiative in work:
        name = initiative["name"]
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            initiative["name"] = f"{name} (phase {seen[name]})"


def _decisions(rng: random.Random, work: list[dict[str, Any]], budget: float,
               periods: list[dict[str, Any]], resources: list[dict[str, Any]]) -> None:
    """About 1% forced in and 1% forced out, forced-in work well within every limit."""
    n_forced = round(0.01 * len(work))
    order = rng.sample(range(len(work)), len(work))
    for k in order[:n_forced]:
        work[k]["decision"] = "reject"
        work[k]["reason"] = rng.choice(REJECT_REASONS)
    # Forced-in work takes at most a quarter of the budget, each period and each resource.
    limits = [("", budget)] + [(p["id"], p["budget"]) for p in periods]
    limits += [(r["id"], r["capacity"]) for r in resources]
    taken = dict.fromkeys((key for key, _ in limits), 0.0)
    chosen = 0
    for k in order[n_forced:]:
        if chosen == n_forced:
            break
        need = {"": sum(work[k]["cost"].values()), **work[k]["cost"], **work[k].get("uses", {})}
        if all(taken[key] + need.get(key, 0.0) <= 0.25 * limit for key, limit in limits):
            for key in taken:
                taken[key] += need.get(key, 0.0)
            work[k]["decision"] = "fund"
            work[k]["reason"] = rng.choice(FUND_REASONS)
            chosen += 1


def _links(rng: random.Random, work: list[dict[str, Any]]) -> None:
    """About 3% requires (on earlier work: a foundation) and 2% excludes, among auto work.

    Forced work gets no links of its own, so every plan stays feasible.
    """
    auto = [k for k, w in enumerate(work) if "decision" not in w]
    for k in rng.sample(auto, min(len(auto), round(0.03 * len(work)))):
        if k > 0:
            other = work[rng.randrange(k)]["id"]
            work[k].setdefault("requires", []).append(other)
    for _ in range(round(0.02 * len(work))):
        if len(auto) < 2:
            break
        a, b = (work[k] for k in rng.sample(auto, 2))
        related = b["id"] in a.get("requires", ()) or a["id"] in b.get("requires", ())
        if not related and b["id"] not in a.get("excludes", ()) and a["id"] not in b.get(
                "excludes", ()):
            a.setdefault("excludes", []).append(b["id"])


def _round_money(amount: float, step: int = 10_000) -> int:
    """Money in whole steps, never rounded down to nothing."""
    return max(step, round(amount / step) * step) if amount > 0 else 0
