"""`planner alternatives`: other good portfolios, each within a tolerance of the best impact
and as different as can be from those listed before it (docs/model.md, "Near-optimal
alternatives"; the JSON document is in docs/plan-format.md)."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from optimizer import DEFAULT_TIME_LIMIT, Plan
from optimizer.alternatives import (
    DEFAULT_COUNT,
    DEFAULT_WITHIN,
    EXHAUSTED,
    MAX_COUNT,
    TIME_LIMIT,
    NoPortfolioError,
    alternatives,
)
from optimizer.say_no import money
from planner.cli.arguments import EXIT_BAD_INPUT, plan_or_refused, seconds, whole

EXIT_OK, EXIT_NO_PORTFOLIO = 0, 1


def add_alternatives(commands: Any) -> None:
    """Add the `alternatives` command to the command line's subcommands."""
    command = commands.add_parser(
        "alternatives", help="other good portfolios: near the best impact, each as "
                             "different as can be from those before it")
    command.add_argument("plan", help="the plan file (JSON, see docs/plan-format.md)")
    command.add_argument("--within", type=_share, default=DEFAULT_WITHIN, metavar="G",
                         help="how far below the best impact an alternative may be: a share "
                              f"such as 0.02 or 2%% (default {DEFAULT_WITHIN:g})")
    command.add_argument("--count", type=whole(1, MAX_COUNT), default=DEFAULT_COUNT, metavar="K",
                         help=f"how many alternatives, 1 to {MAX_COUNT} "
                              f"(default {DEFAULT_COUNT})")
    command.add_argument("--time-limit", type=seconds, default=DEFAULT_TIME_LIMIT,
                         metavar="S", help="seconds for the whole search")
    command.add_argument("--json", action="store_true", help="print the document as JSON")
    command.set_defaults(run=_run)


def _share(text: str) -> float:
    """A share of the best impact: `0.02` or `2%`, from 0 to 1."""
    written = text.strip()
    percent = written.endswith("%")
    try:
        value = float(written[:-1] if percent else written)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a share: {text!r}") from None
    value = value / 100 if percent else value
    if not math.isfinite(value) or not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(
            f"a share of the best impact from 0 to 1 (0% to 100%), not {text!r}")
    return value




def _run(args: argparse.Namespace) -> int:
    plan = plan_or_refused(args.plan)
    if plan is None:
        return EXIT_BAD_INPUT
    try:
        document = alternatives(plan, within=args.within, count=args.count,
                                time_limit=args.time_limit)
    except NoPortfolioError as error:
        result = error.result
        print(f"planner: no alternatives: the plan has no portfolio ({result.status})",
              file=sys.stderr)
        for conflict in result.conflicts:
            print(f"  - {conflict}", file=sys.stderr)
        return EXIT_NO_PORTFOLIO
    if args.json:
        print(json.dumps(document, indent=2))
    else:
        print(render_alternatives(plan, document))
    return EXIT_OK


def render_alternatives(plan: Plan, document: dict[str, Any]) -> str:
    """The alternatives in words: each one's impact and cost against the best, and what it
    funds and focuses on instead."""
    best, within = document["best"], document["within"]
    lines = [plan.name, "=" * len(plan.name),
             f"Other good portfolios: within {_percent(within)} of the best impact "
             f"(at least {best - within * best:,.2f}), each as different as can be from "
             "those above it.", "",
             f"Best: impact {best:,.2f}, cost {money(document['cost'], plan.currency)}, "
             f"{len(document['funded'])} initiatives funded; focus on "
             f"{_moments(plan, document['focus'])}."]
    for k, alternative in enumerate(document["alternatives"], start=1):
        share = alternative["impact"] / best if best else 1.0
        lines += ["", f"Alternative {k}: impact {alternative['impact']:,.2f} "
                      f"({share:.2%} of the best), cost "
                      f"{money(alternative['cost'], plan.currency)}; differs from every "
                      f"portfolio above in at least {_initiatives(alternative['distance'])}."]
        added = [i for i in alternative["funded"] if i not in document["funded"]]
        dropped = [i for i in document["funded"] if i not in alternative["funded"]]
        lines += [f"  + funds {_initiative(plan, i)}" for i in added]
        lines += [f"  - does not fund {_initiative(plan, i)}" for i in dropped]
        gained = [m for m in alternative["focus"] if m not in document["focus"]]
        lost = [m for m in document["focus"] if m not in alternative["focus"]]
        if gained or lost:
            lines.append(f"  focus on {_moments(plan, gained)} instead of "
                         f"{_moments(plan, lost)}")
        else:
            lines.append("  the same focus moments")
    if not document["complete"]:
        found = len(document["alternatives"])
        lines += ["", _shorter(found, within, document.get("reason"))]
    return "\n".join(lines)


def _shorter(found: int, within: float, reason: str | None) -> str:
    """Why the list holds fewer alternatives than asked for."""
    listed = "no alternative" if found == 0 else (
        f"only {found} alternative{'s' if found > 1 else ''}")
    if reason == EXHAUSTED:
        return (f"{'There are' if found > 1 else 'There is'} {listed}: no other portfolio "
                f"within {_percent(within)} of the best impact differs from those shown.")
    if reason == TIME_LIMIT:
        return f"The time limit stopped the search: {listed} found."
    return (f"The search stopped with {listed}: the solver's next portfolio broke a rule "
            "of the plan to the precision the planner checks, even with its tolerances "
            "tightened.")


def _percent(share: float) -> str:
    return f"{share * 100:g}%"


def _initiatives(count: int) -> str:
    return f"{count} initiative{'' if count == 1 else 's'}"


def _initiative(plan: Plan, initiative_id: str) -> str:
    return f"{plan.initiative(initiative_id).name} [{initiative_id}]"


def _moments(plan: Plan, moment_ids: list[str]) -> str:
    if not moment_ids:
        return "no moment"
    return ", ".join(f"{plan.moment(m).name} [{m}]" for m in moment_ids)
