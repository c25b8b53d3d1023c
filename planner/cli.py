"""The `planner` command line: solve a plan file, or serve the web app."""

from __future__ import annotations

import argparse
import json
import math
import secrets
import sys
from collections.abc import Sequence

from optimizer import (
    DEFAULT_SOLVER,
    DEFAULT_TIME_LIMIT,
    SOLVERS,
    Options,
    PlanError,
    load_plan,
    solve,
    with_overrides,
)
from planner.text_report import render_report

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


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {text!r}")
    return value


def _time_limit(text: str) -> float:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="planner", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    solve_cmd = commands.add_parser("solve", help="choose the focus moments and the portfolio")
    solve_cmd.add_argument("plan", help="the plan file (JSON, see PLAN_FORMAT.md)")
    solve_cmd.add_argument("--budget", type=_non_negative, help="total budget to use instead")
    solve_cmd.add_argument("--max-focus", type=_positive_int, help="how many focus moments")
    solve_cmd.add_argument("--solver", choices=SOLVERS, default=DEFAULT_SOLVER)
    solve_cmd.add_argument("--time-limit", type=_time_limit, default=DEFAULT_TIME_LIMIT,
                           metavar="S", help="seconds before the best answer so far is given")
    solve_cmd.add_argument("--json", action="store_true", help="print the result document")
    solve_cmd.set_defaults(run=_solve)

    serve = commands.add_parser("serve", help="start the web app")
    serve.add_argument("--demo", action="store_true", help="load the demo plan first")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.set_defaults(run=_serve)
    return parser


def _solve(args: argparse.Namespace) -> int:
    try:
        plan = load_plan(args.plan)
    except PlanError as error:
        print(f"planner: cannot use the plan {args.plan}:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    plan = with_overrides(plan, budget=args.budget, max_focus=args.max_focus)
    result = solve(plan, Options(solver=args.solver, time_limit=args.time_limit))
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(render_report(plan, result))
    return EXIT_OK if result.has_portfolio else EXIT_NO_PORTFOLIO


def _serve(args: argparse.Namespace) -> int:
    import os

    from planner import create_app
    from planner.demo import load_demo

    # A local server gets a fresh key per start unless one is configured.
    key = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
    app = create_app({"SECRET_KEY": key})
    if args.demo:
        load_demo(app)
    print(f"Moments of Truth Planner on http://{args.host}:{args.port}/", file=sys.stderr)
    app.run(host=args.host, port=args.port, debug=False)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
