"""Plans: the list of plans, a plan's settings, and its stages, periods and resources."""

from planner.plans import parts  # noqa: F401  (adds the stage, period and resource pages)
from planner.plans.views import bp

blueprints = (bp,)
