"""The journey: stages, moments of truth, and the back-stage steps that influence them."""

from planner.journey import moments  # noqa: F401  (adds the moment and influence pages)
from planner.journey.views import bp

blueprints = (bp,)
