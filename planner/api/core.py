"""What every operation of the JSON API shares: flask-smorest's Api (the OpenAPI 3.1
description is made from the operations' marshmallow schemas, served at
/api/openapi.json), the blueprint every resource's operations are on, and the rule that
each operation follows the access table's entry of the page that does the same
(planner/accounts/access.py): one table for the pages and the API.

flask-smorest, because it adds the description to an app that exists (our Flask app, its
blueprints and error pages as they are), with marshmallow schemas that read a request and
describe it at once; APIFlask would replace the app's class, and flask-openapi3 wants
Pydantic beside SQLModel's own.
"""

from __future__ import annotations

import http
from collections.abc import Callable
from copy import deepcopy
from dataclasses import replace
from typing import Any

from flask import Flask, abort, g, request
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint
from marshmallow import INCLUDE, Schema, fields

from models import (
    Appeal,
    Influence,
    Initiative,
    Job,
    Measurement,
    Moment,
    Period,
    Resource,
    Run,
    Scenario,
    Stage,
)
from planner.database import get_session
from planner.views import current_plan, row_or_404
from planner.web import LARGEST_ID

# The rows an operation's path may name, by its argument: each must be of the path's plan.
ROWS = {"initiative_id": Initiative, "moment_id": Moment, "appeal_id": Appeal, "run_id": Run,
        "scenario_id": Scenario, "influence_id": Influence, "job_id": Job,
        "stage_id": Stage, "period_id": Period, "resource_id": Resource}
PREFIX = "/api/v1"
VERSION = "1.0.0"
# The web page each operation follows in the access table, by the operation's endpoint
# ("api_plans.plan" -> "plans.show"); filled as the operations are declared.
FOLLOWS: dict[str, str] = {}
PROBLEM = "application/problem+json"
# The problems every operation can answer, declared for each one when it is registered:
# no token or a bad one, a role (or a read token) that may not, a plan or row that is not
# there (or not the team member's), a refused field, too many requests. A write can also
# send a body that is not JSON, or find the database busy. An operation declares its own
# others with `problems(...)`.
EVERY_OPERATION = (401, 403, 404, 422, 429)
EVERY_WRITE = (400, 503)
MEANINGS = {
    400: "The body is not JSON. Nothing was changed.",
    401: "No token, or one that is unknown, revoked or expired.",
    403: "The token's person may not do this here (the access table), or the token only "
         "reads.",
    404: "No such plan or row that the token's person may open.",
    409: "The request conflicts with the row's state now.",
    412: "The row was changed since the version sent as If-Match; current_version says "
         "which it is at now. Nothing was changed.",
    415: "The body is not of a type this operation reads.",
    422: "A field was refused: errors names each, with what to do. Nothing was changed.",
    428: "A change must name the version it changes as If-Match; current_version says "
         "which it is at now. Nothing was changed.",
    429: "Too many requests with this token: wait for Retry-After seconds.",
    503: "The database was busy with another change: nothing was saved; send it again "
         "after Retry-After seconds.",
}
SECONDS = {"schema": {"type": "string"}, "description": "Seconds to wait before trying again."}
HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "required": True,
                               "description": "The scheme to use: Bearer."}},
    429: {"Retry-After": SECONDS},
    503: {"Retry-After": {**SECONDS, "required": True}},
}


class FieldErrorSchema(Schema):
    field = fields.String(required=True, metadata={
        "description": "The refused field (its name in the body or the query, a header's "
                       "name, or (body) for the whole)."})
    detail = fields.String(required=True, metadata={"description": "Why, and what to do."})


class ProblemSchema(Schema):
    """An error, as application/problem+json (RFC 9457); other members may follow."""

    class Meta:
        unknown = INCLUDE  # a problem may carry members of its own (RFC 9457, 3.2)

    type = fields.String(required=True, metadata={"description": "about:blank"})
    title = fields.String(required=True, metadata={"description": "The status in words."})
    status = fields.Integer(required=True)
    detail = fields.String(required=True, metadata={
        "description": "What happened and what to do, in words."})
    instance = fields.String(required=True, metadata={"description": "The request's path."})
    errors = fields.List(fields.Nested(FieldErrorSchema), metadata={
        "description": "Each refused field with its own words (422)."})
    current_version = fields.Integer(metadata={
        "description": "The row's version now (412, 428): read it again, then send that."})


def _problem_name(code: int) -> str:
    return http.HTTPStatus(code).name


class Api(SmorestApi):
    """flask-smorest's Api without its own error handler: the app's (planner/api/
    problems.py for /api/, the pages' otherwise) answers every error; and with each
    error's description a problem document (so is the 422 flask-smorest declares for an
    operation's arguments)."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None  # each operation names the problems it can answer

    def _register_error_handlers(self) -> None:
        """None here: problems.py's handler answers the API's errors."""

    def _init_spec(self, **kwargs: Any) -> None:
        super()._init_spec(**kwargs)
        self.ma_plugin.converter.add_attribute_function(_types_once)

    def _register_responses(self) -> None:
        """A problem response for each error status, declared once (components/responses,
        by the status's name: NOT_FOUND), listed in the description when used."""
        for status in http.HTTPStatus:
            if status < 400:
                continue
            response = {"description": MEANINGS.get(status, status.phrase),
                        "content": {PROBLEM: {"schema": ProblemSchema}}}
            if status in HEADERS:
                response["headers"] = HEADERS[status]
            self.spec.components.response(status.name, response, lazy=True)


def _types_once(_converter: Any, _field: Any, ret: dict[str, Any], **_kwargs: Any) -> dict:
    """A field's list of types with each type once: a field that takes null and declares
    its types (fields.Raw(allow_none=True, metadata={"type": ["number", "string",
    "null"]})) is given "null" again by apispec, which JSON Schema refuses."""
    types = ret.get("type")
    return {"type": list(dict.fromkeys(types))} if isinstance(types, list) else {}


def problems(*codes: int) -> Callable[[Callable], Callable]:
    """Declare the problems this operation answers beyond those every operation does
    (EVERY_OPERATION): problems(409, 412, 428). Anywhere among the schemas' decorators."""
    def mark(view: Callable) -> Callable:
        doc = deepcopy(getattr(view, "_apidoc", {}))
        responses = doc.setdefault("response", {}).setdefault("responses", {})
        for code in codes:
            responses.setdefault(code, []).append(_problem_name(code))
        view._apidoc = doc
        return view
    return mark


class ApiBlueprint(Blueprint):
    """A blueprint whose every operation declares the problems every operation can
    answer (EVERY_OPERATION, and EVERY_WRITE for a change)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._prepare_problems_doc)

    @staticmethod
    def _prepare_problems_doc(doc: dict[str, Any], _info: dict[str, Any], *, method: str,
                              **_kwargs: Any) -> dict[str, Any]:
        responses = doc.setdefault("responses", {})
        declared = {str(code) for code in responses}
        for code in (*EVERY_OPERATION, *(EVERY_WRITE if method != "get" else ())):
            if str(code) not in declared:
                responses[code] = _problem_name(code)
        return doc


def spec_settings() -> dict[str, Any]:
    """The app's config for flask-smorest: OpenAPI 3.1, the description at
    /api/openapi.json, no page of its own (the reference page is the app's, with no CDN:
    planner/api/reference.py)."""
    return {
        "API_TITLE": "Moments of Truth Planner",
        "API_VERSION": VERSION,
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": {
            "info": {"description": "The planner's JSON API: every list that grows is read "
                                    "page by page with a cursor; every change names the "
                                    "version it changes (If-Match); errors are "
                                    "application/problem+json (RFC 9457)."},
            "servers": [{"url": "/"}],
            "components": {"securitySchemes": {"token": {
                "type": "http", "scheme": "bearer",
                "description": "A personal access token, made on one's account page or "
                               "with `planner tokens add EMAIL`."}}},
            "security": [{"token": []}],
        },
    }


def blueprint(name: str, description: str) -> Blueprint:
    """The blueprint of one resource's operations, under /api/v1."""
    return ApiBlueprint(f"api_{name}", __name__, url_prefix=PREFIX, description=description)


def follows(web_endpoint: str) -> Callable[[Callable], Callable]:
    """Declare that the decorated operation follows the access table's rule of this web
    page (its reading for GET, its form for the others): put it under the route's
    decorator, above the schemas'."""
    def mark(view: Callable) -> Callable:
        view._follows = web_endpoint  # read when the blueprint is registered
        return view
    return mark


def rows_first() -> None:
    """Before an API operation reads its body: 404 for each row its path names that the
    plan does not have (another plan's row is as missing as one that does not exist), so
    that a refused body never hides that the row does not exist. After the access check,
    which has already answered 404 to whoever may not know the plan."""
    values = request.view_args or {}
    if not (request.endpoint or "").startswith("api_") or g.get("plan_id") is None:
        return
    plan_id = current_plan().id
    for name, model in ROWS.items():
        if name in values:
            row_or_404(model, plan_id, values[name])
    if "measurement_id" in values:  # a moment's: found through its moment
        moment = row_or_404(Moment, plan_id, values["moment_id"])
        number = values["measurement_id"]
        taken = get_session().get(Measurement, number) if 1 <= number <= LARGEST_ID else None
        if taken is None or taken.moment_id != moment.id:
            abort(404, "There is no such record in this plan.")


def register(api: Api, app: Flask, blueprints: list[Blueprint]) -> None:
    """Register the blueprints, and give each operation its page's rule in the access
    table (an operation that follows none is an error at start)."""
    from planner.accounts.access import ACCESS

    for blp in blueprints:
        api.register_blueprint(blp)
    for endpoint, view in app.view_functions.items():
        if not endpoint.startswith("api_") or endpoint.startswith("api_docs"):
            continue
        web = getattr(view, "_follows", None) or getattr(
            getattr(view, "view_class", None), "_follows", None)
        if web is None or web not in ACCESS:
            raise RuntimeError(f"The API operation {endpoint} names no page of the access "
                               f"table to follow (follows(...)): {web!r}")
        FOLLOWS[endpoint] = web
        # refused, never sent on to a page that reads the row instead (a page, not JSON)
        ACCESS[endpoint] = replace(ACCESS[web], read_instead="")
    link_operations(api.spec)


def link_operations(spec: Any) -> None:
    """OpenAPI links from each made row to what can be done with it: a POST whose answer
    has an `id` links to the operations of the path one `{..._id}` below its own (POST
    /plans/{plan_id}/initiatives -> GET, PATCH, DELETE
    /plans/{plan_id}/initiatives/{initiative_id}), the new id from the answer's body and
    the path's other ids from the request's. A client (and Schemathesis' stateful tests)
    follow them; an operation may declare links of its own (@blp.doc)."""
    paths = spec.to_dict().get("paths", {})
    schemas = spec.to_dict().get("components", {}).get("schemas", {})
    for path, operations in paths.items():
        made = operations.get("post", {}).get("responses", {})
        for code, answer in made.items():
            schema = next(iter(answer.get("content", {}).values()), {}).get("schema", {})
            name = schema.get("$ref", "").rsplit("/", 1)[-1]
            if not str(code).startswith("2") or "id" not in schemas.get(name, schema).get(
                    "properties", {}):
                continue
            links = _links_below(paths, path)
            if links:
                kept = spec._paths[path]["post"]["responses"]  # apispec's own, as declared
                key = next(key for key in kept if str(key) == str(code))
                kept[key].setdefault("links", {}).update(links)


def _links_below(paths: dict[str, Any], path: str) -> dict[str, Any]:
    """The links to the operations on `path/{..._id}`, by the id of a made row."""
    found = {}
    for below, operations in paths.items():
        head, _, last = below.rpartition("/")
        if head != path or not (last.startswith("{") and last.endswith("_id}")):
            continue
        given = {name.strip("{}"): f"$request.path.{name.strip('{}')}"
                 for name in path.split("/") if name.startswith("{")}
        thing = path.rsplit("/", 1)[-1]
        for method in operations:
            if method in ("get", "put", "patch", "delete"):
                found[f"{method}_{thing}"] = {
                    "operationRef": "#/paths/" + below.replace("~", "~0").replace("/", "~1")
                                    + f"/{method}",
                    "parameters": {**given, last.strip("{}"): "$response.body#/id"}}
    return found
