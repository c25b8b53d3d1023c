"""The `planner` command line: solve, explain and trace the frontier of a plan file, move
plans in and out of the app's database, and serve the web app."""

from planner.cli.commands import main

__all__ = ["main"]
