"""Initiatives: the candidate work, what each costs, uses and moves, and its forms."""

from planner.initiatives.views import bp

blueprints = (bp,)
