"""One account per role in the demo plan, as the access tests make them."""

from tests.planner.accounts.test_access import people  # noqa: F401 (a fixture)
