"""Finance: scenarios of the plan and their comparison, and the efficient frontier."""

from planner.finance import frontier, scenarios

blueprints = (scenarios.bp, frontier.bp)
