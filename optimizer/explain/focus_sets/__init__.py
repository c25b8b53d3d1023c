"""Focus sets: the best portfolio under a what-if, found one set of focus moments at a time
(search.py), the sets ruled out by a bound shared by every question (lagrange.py)."""

from optimizer.explain.focus_sets.search import FocusSets

__all__ = ["FocusSets"]
