"""The API's reference page, served by the app itself from its OpenAPI description (no
script, no CDN: the planner runs on company intranets): every operation by resource, its
parameters, its body and its answers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

bp = Blueprint("api_docs", __name__)


def _schema_name(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"list of {_schema_name(schema.get('items'))}"
    return schema.get("type", "object")


@bp.get("/api")
def reference():
    """Every operation of the API, grouped by resource, with its schemas."""
    spec = current_app.extensions["planner_api"].spec.to_dict()
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            body = (operation.get("requestBody") or {}).get("content", {})
            groups.setdefault((operation.get("tags") or ["other"])[0], []).append({
                "method": method.upper(), "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [*item.get("parameters", []),
                               *operation.get("parameters", [])],
                "body": _schema_name(next(iter(body.values()), {}).get("schema")),
                "answers": [(code, answer.get("description", ""), _schema_name(
                    next(iter(answer.get("content", {}).values()), {}).get("schema")))
                    for code, answer in operation.get("responses", {}).items()]})
    return render_template("api/reference.html", groups=groups, spec=spec, plan=None,
                           schemas=spec.get("components", {}).get("schemas", {}))
