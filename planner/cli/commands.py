"""The `planner` command line: solve or explain a plan file, trace its frontier, or serve
the web app."""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import sys
from collections.abc import Sequence

from optimizer import (
    DEFAULT_SOLVER,
    DEFAULT_TIME_LIMIT,
    SOLVERS,
    Options,
    solve,
    with_overrides,
)
from optimizer.finance.frontier import DEFAULT_POINTS, MAX_POINTS, frontier
from planner.amounts import NotANumberError, read_number
from planner.cli import groups, plans, serve, tokens, users
from planner.cli.alternatives import add_alternatives
from planner.cli.arguments import plan_or_refused, seconds, whole
from planner.cli.report import render_explanation, render_frontier, render_report
from planner.cli.robust import add_robust
from planner.number_kinds import MONEY

EXIT_OK, EXIT_NO_PORTFOLIO, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with a one-line message (its default), never a traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, not {text!r}")
    return value


def _budget(text: str) -> float:
    """A budget as people type it (`250000`, `250k`, `EUR 250,000.00`), read as the forms
    read money (planner/amounts.py); one that could be read two ways (`250.000`) is refused
    with both readings."""
    try:
        value = read_number(text, MONEY)
    except NotANumberError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text!r}")
    return value


_positive_int = whole(1)


def _frontier_points(text: str) -> int:
    value = _positive_int(text)
    if not 2 <= value <= MAX_POINTS:
        raise argparse.ArgumentTypeError(
            f"a frontier shows 2 to {MAX_POINTS:,} points, not {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="planner", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    solve_cmd = commands.add_parser("solve", help="choose the focus moments and the portfolio")
    _solve_arguments(solve_cmd)
    solve_cmd.add_argument("--explain", action="store_true",
                           help="explain every rejected initiative (what-if figures)")
    solve_cmd.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                           help="cores to explain on (default: every core)")
    solve_cmd.set_defaults(run=_solve)

    explain_cmd = commands.add_parser("explain", help="why one initiative was not funded")
    _solve_arguments(explain_cmd)
    explain_cmd.add_argument("initiative", help="the id of the initiative")
    explain_cmd.set_defaults(run=_explain)

    frontier_cmd = commands.add_parser(
        "frontier", help="the best impact at each budget, from zero to the cost of all")
    frontier_cmd.add_argument("plan", help="the plan file (JSON, see docs/plan-format.md)")
    frontier_cmd.add_argument("--points", type=_frontier_points, default=DEFAULT_POINTS,
                              help=f"the most points to show (default {DEFAULT_POINTS}): "
                                   "every step when the plan has no more, else exact "
                                   "points spread over the range")
    frontier_cmd.add_argument("--max-focus", type=_positive_int,
                              help="how many focus moments")
    frontier_cmd.add_argument("--time-limit", type=seconds, default=DEFAULT_TIME_LIMIT,
                              metavar="S", help="seconds per solve")
    frontier_cmd.add_argument("--json", action="store_true", help="print the points as JSON")
    frontier_cmd.set_defaults(run=_frontier, budget=None)

    add_robust(commands)
    add_alternatives(commands)
    plans.add_commands(commands)
    users.add_commands(commands)
    groups.add_commands(commands)
    tokens.add_commands(commands)
    serve.add_commands(commands)
    return parser


def _solve_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("plan", help="the plan file (JSON, see docs/plan-format.md)")
    command.add_argument("--budget", type=_budget, help="total budget to use instead, such "
                         "as 250000 or 250k")
    command.add_argument("--max-focus", type=_positive_int, help="how many focus moments")
    command.add_argument("--solver", choices=SOLVERS, default=DEFAULT_SOLVER)
    command.add_argument("--time-limit", type=seconds, default=DEFAULT_TIME_LIMIT,
                         metavar="S", help="seconds before the best answer so far is given")
    command.add_argument("--json", action="store_true", help="print the result document")


def _load(args: argparse.Namespace):
    """The plan with the command's overrides, or None after saying what is wrong."""
    plan = plan_or_refused(args.plan)
    if plan is None:
        return None
    return with_overrides(plan, budget=args.budget, max_focus=args.max_focus)


def _solve(args: argparse.Namespace) -> int:
    plan = _load(args)
    if plan is None:
        return EXIT_BAD_INPUT
    result = solve(plan, Options(solver=args.solver, time_limit=args.time_limit))
    explanations = {}
    if args.explain and result.has_portfolio and result.rejected:
        from optimizer.explain import Explainer  # loads the solver: only when explaining

        explainer = Explainer(plan, result, time_limit=args.time_limit)
        explanations = {e.id: e for e in explainer.explain_all(
            progress=_progress_bar, processes=max(1, args.processes))}
    if args.json:
        document = result.to_dict()
        for entry in document["rejected"]:
            if entry["id"] in explanations:
                entry.update(explanations[entry["id"]].to_dict())
        print(json.dumps(document, indent=2))
    else:
        print(render_report(plan, result, explanations))
    return EXIT_OK if result.has_portfolio else EXIT_NO_PORTFOLIO


def _explain(args: argparse.Namespace) -> int:
    plan = _load(args)
    if plan is None:
        return EXIT_BAD_INPUT
    if args.initiative not in {i.id for i in plan.initiatives}:
        print(f"planner: the plan has no initiative {args.initiative!r}", file=sys.stderr)
        return EXIT_BAD_INPUT
    result = solve(plan, Options(solver=args.solver, time_limit=args.time_limit))
    if not result.has_portfolio:
        print(render_report(plan, result))
        return EXIT_NO_PORTFOLIO
    if args.initiative in result.funded:
        print(f"{plan.initiative(args.initiative).name} [{args.initiative}] is funded.")
        return EXIT_OK
    from optimizer.explain import Explainer

    explanation = Explainer(plan, result, time_limit=args.time_limit).explain(args.initiative)
    if args.json:
        print(json.dumps(explanation.to_dict(), indent=2))
    else:
        print(render_explanation(plan, explanation))
    return EXIT_OK


def _frontier(args: argparse.Namespace) -> int:
    plan = _load(args)
    if plan is None:
        return EXIT_BAD_INPUT
    options = Options(time_limit=args.time_limit)  # the walk is always HiGHS
    found = frontier(plan, args.points, options,
                     progress=functools.partial(_progress_bar, verb="solving"))
    if args.json:
        print(json.dumps(found.to_dict(), indent=2))
    else:
        print(render_frontier(plan, found))
    return EXIT_OK if any(point.impact is not None for point in found.points) else (
        EXIT_NO_PORTFOLIO)


def _progress_bar(done: int, total: int, width: int = 30, verb: str = "explaining") -> None:
    """A progress bar on stderr, redrawn in place."""
    filled = width * done // total
    sys.stderr.write(f"\r{verb} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
