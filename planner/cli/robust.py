"""`planner robust`: how sure the choice is when the estimates are ranges. Samples are drawn
(PERT, seeded) or read from a file, each solved exactly; the command prints each
initiative's chosen share, the focus moments' shares and the decided portfolio in bad,
likely and good cases (docs/model.md, "Uncertainty"; the JSON document is in
docs/plan-format.md)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from optimizer import Plan
from optimizer.say_no import money
from optimizer.uncertainty import OBJECTIVES, SampleError, draw_samples, read_samples, robust
from optimizer.uncertainty import write_samples as save_samples
from planner.cli.arguments import EXIT_BAD_INPUT, plan_or_refused, refuse, whole

EXIT_OK, EXIT_NO_PORTFOLIO = 0, 1
DEFAULT_SAMPLES, DEFAULT_SEED = 1000, 0
MAX_SAMPLES = 1_000_000


def add_robust(commands: Any) -> None:
    """Add the `robust` command to the command line's subcommands."""
    command = commands.add_parser(
        "robust", help="how sure the choice is: every sample of the ranged estimates "
                       "solved exactly")
    command.add_argument("plan", help="the plan file (JSON, see docs/plan-format.md)")
    count = whole(1, MAX_SAMPLES)
    command.add_argument("--samples", type=count, default=DEFAULT_SAMPLES, metavar="N",
                         help=f"how many samples to draw (default {DEFAULT_SAMPLES})")
    command.add_argument("--seed", type=whole(0), default=DEFAULT_SEED, metavar="S",
                         help=f"the seed of the draw (default {DEFAULT_SEED}): the same "
                              "seed gives the same samples")
    command.add_argument("--samples-in", metavar="F",
                         help="read the samples from this file instead of drawing them")
    command.add_argument("--samples-out", metavar="F",
                         help="write the samples used to this file")
    command.add_argument("--objective", choices=OBJECTIVES,
                         help="also find the robust portfolio: the best mean impact over "
                              "the samples, or (cvar) the best mean of the worst 10%%")
    command.add_argument("--workers", type=count, default=os.cpu_count() or 1, metavar="N",
                         help="processes to solve on (default: every core); the answer "
                              "is the same on any number")
    command.add_argument("--json", action="store_true", help="print the document as JSON")
    command.set_defaults(run=_run)


def _progress(done: int, total: int, width: int = 30) -> None:
    """A progress bar on stderr, redrawn in place (only on a terminal)."""
    if not sys.stderr.isatty():
        return
    filled = width * done // total
    sys.stderr.write(f"\rsolving samples [{'#' * filled}{'.' * (width - filled)}] "
                     f"{done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _run(args: argparse.Namespace) -> int:
    plan = plan_or_refused(args.plan)
    if plan is None:
        return EXIT_BAD_INPUT
    seed: int | None = args.seed
    if args.samples_in:
        try:
            samples = read_samples(plan, args.samples_in)
        except SampleError as error:
            return refuse(f"the samples file {args.samples_in}", error.problems)
        seed = None
    else:
        samples = draw_samples(plan, args.samples, args.seed)
    if args.samples_out:
        try:
            save_samples(samples, args.samples_out)
        except OSError as error:
            return refuse(f"the samples file {args.samples_out}",
                           [f"cannot write it: {error.strerror or error}"])
    document = robust(plan, samples=samples, objective=args.objective,
                      workers=args.workers, progress=_progress)
    document["seed"] = seed
    if args.json:
        print(json.dumps(document, indent=2))
    else:
        print(render_robust(plan, document))
    return EXIT_OK if document["solved"] else EXIT_NO_PORTFOLIO


def _band(figures: dict[str, float | None], show, words: bool = True) -> str:
    """P10, P50, P90 and the mean; `words`: P10 is the bad case (impact, not cost)."""
    if figures.get("mean") is None:
        return "none"
    if not words:
        return (f"P10 {show(figures['p10'])}, P50 {show(figures['p50'])}, P90 "
                f"{show(figures['p90'])}; mean {show(figures['mean'])}")
    return (f"{show(figures['p10'])} in a bad case (P10), {show(figures['p50'])} likely "
            f"(P50), {show(figures['p90'])} in a good case (P90); mean {show(figures['mean'])}")


def render_robust(plan: Plan, document: dict[str, Any]) -> str:
    """The Uncertainty result in words: the decision's bands, then each initiative by how
    firmly it is chosen."""
    count, solved = document["samples"], document["solved"]
    drawn = (f"drawn with seed {document['seed']}" if document["seed"] is not None
             else "read from a file")
    lines = [plan.name, "=" * len(plan.name),
             f"{count:,} samples of the estimates ({drawn}), each solved exactly: "
             f"{solved:,} have a portfolio, {document['infeasible']:,} are infeasible."]
    decision = document["decision"]
    if decision is not None:
        cash = lambda amount: money(amount, plan.currency)  # noqa: E731
        lines += ["", f"The decision ({len(decision['funded'])} initiatives funded) held "
                      "fixed in every sample:",
                  f"  impact: {_band(decision['impact'], lambda v: f'{v:,.2f}')}",
                  f"  cost: {_band(decision['cost'], cash, words=False)}",
                  f"  over budget in {decision['over_budget_share']:.1%} of the samples"]
        if decision["regret"]["mean"] is not None:
            lines.append(f"  regret (each sample's best impact minus the decision's): mean "
                         f"{decision['regret']['mean']:,.2f}, P90 "
                         f"{decision['regret']['p90']:,.2f}")
    for kind, title in (("core", "Chosen whatever the estimates (core, 90% or more)"),
                        ("borderline", "Close calls (borderline)"),
                        ("exterior", "Rejected in nearly every case (exterior, 10% or less)")):
        entries = [e for e in document["initiatives"] if e["class"] == kind]
        if not entries:
            continue
        lines += ["", f"{title}:"]
        for entry in sorted(entries, key=lambda e: (-e["chosen_share"], e["id"])):
            low, high = entry["interval"]
            mark = " [in the decision]" if entry["in_decision"] else ""
            lines.append(f"  {entry['chosen_share']:6.1%}  ({low:.0%} to {high:.0%})  "
                         f"{plan.initiative(entry['id']).name} [{entry['id']}]{mark}")
    focus = [m for m in document["moments"] if m["focus_share"]]
    if focus:
        lines += ["", "Focus moments (share of the samples):"]
        lines += [f"  {m['focus_share']:6.1%}  {plan.moment(m['id']).name} [{m['id']}]"
                  for m in sorted(focus, key=lambda m: (-m["focus_share"], m["id"]))]
    found = document.get("robust")
    if found is not None:
        what = ("mean impact" if found["objective"] == "mean"
                else "mean impact of the worst 10% of samples")
        lines += ["", f"Robust portfolio (best {what}; {found['status']}):"]
        if found["value"] is not None:
            lines += [f"  {what}: {found['value']:,.2f}",
                      f"  funds: {', '.join(found['funded']) or 'nothing'}",
                      f"  focus: {', '.join(found['focus']) or 'none'}"]
        if found.get("bound") is not None:
            lines += [f"  not proven the best: the time limit stopped the search; no "
                      f"portfolio does better than {found['bound']:,.2f}"]
    return "\n".join(lines)
