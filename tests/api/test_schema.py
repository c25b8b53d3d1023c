"""The API against its own description, by Schemathesis on a live server: every
operation with data that fits its description and data that does not, as a CX lead and
as an admin, and then chains of operations along the description's links (a POST's new
id read, changed and deleted). Every answer must match the description: no server error,
a declared status, content type, headers and body (a problem document for each error).
The examples are derandomized and few, so that the run is repeatable and short."""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from models.db import open_session
from tests.api.conftest import demo_ids

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = 4  # per operation, mode and person; a chain of links: 4 too
SETTINGS = hypothesis.settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
                               database=None, phases=[hypothesis.Phase.generate],
                               suppress_health_check=list(HealthCheck))
WHO = ("lead", "admin")


@pytest.fixture(scope="module")
def api_schema(live_api):
    """The live server's description; its jobs (runs, robust portfolios) only queued, as
    with no worker running: each would take its solve's time, and their answers are the
    202 and the job, not the solve."""
    live_api.app.extensions["planner_queue"].immediate = False
    return schemathesis.openapi.from_url(f"{live_api.url}/api/openapi.json")


def real_ids(live_api) -> dict[str, int]:
    """The demo's rows, for the path ids of data that fits: a made-up id finds nothing
    (404) and reaches no further."""
    with open_session(live_api.app.extensions["planner_engine"]) as session:
        return demo_ids(session, live_api.plan_id, live_api.run_id)


def with_real_ids(case: Any, ids: dict[str, int]) -> None:
    for name in case.path_parameters or {}:
        if name in ids:
            case.path_parameters[name] = ids[name]


def failure_of(operation: Any, mode: GenerationMode, token: str, ids: dict[str, int]) -> str:
    """"" when every example of this operation in this mode is answered as described,
    else what Schemathesis found."""
    @SETTINGS
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        if mode is GenerationMode.POSITIVE:
            with_real_ids(case, ids)
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS,
                               timeout=30)

    try:
        check()
    except Exception as error:  # noqa: BLE001 - every failure, reported together below
        return f"{operation.label} ({mode.value}): {error}"
    return ""


@pytest.mark.parametrize("who", WHO)
def test_every_operation_answers_as_described(live_api, api_schema, who):
    token, ids = live_api.tokens[who]["write"], real_ids(live_api)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 2
    failures = [failure for operation in operations
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
                if (failure := failure_of(operation, mode, token, ids))]
    assert failures == [], "\n\n".join(failures)


@pytest.mark.parametrize("who", WHO)
def test_the_links_between_operations_hold(live_api, api_schema, who):
    token, ids = live_api.tokens[who]["write"], real_ids(live_api)

    class Chains(api_schema.as_state_machine()):
        def before_call(self, case: Any) -> None:
            with_real_ids(case, {"plan_id": ids["plan_id"]})  # the row made, by its link

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {"Authorization": f"Bearer {token}"}, "timeout": 30}

        def validate_response(self, response: Any, case: Any, additional_checks=None,
                              **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Chains.run(settings=hypothesis.settings(
        max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
        stateful_step_count=4, suppress_health_check=list(HealthCheck)))
