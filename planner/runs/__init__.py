"""Runs: solving the plan, the portfolio it funds, the say-no list with its explanations,
the team view and the run's exports."""

from planner.runs import exports, say_no, teams, views

# exports adds the run's downloads to the run pages' blueprint
blueprints = (views.bp, say_no.bp, teams.bp)
__all__ = ["blueprints", "exports"]
