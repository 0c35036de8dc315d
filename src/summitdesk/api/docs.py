"""The API's reference page, drawn from its OpenAPI document by our own template: no
script, no CDN (the Content-Security-Policy allows neither)."""

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

SCOPE_LINE = re.compile(r"Required scope: `([^`]+)`")
METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(content: dict[str, Any]) -> str:
    schema = content.get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    if ref:
        return str(ref).rsplit("/", 1)[-1]
    return str(schema.get("type", ""))


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's operations grouped by tag, in the document's order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if not operation:
                continue
            description = operation.get("description", "")
            found = SCOPE_LINE.search(description)
            body = operation.get("requestBody", {}).get("content", {})
            groups.setdefault((operation.get("tags") or ["other"])[0], []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": SCOPE_LINE.sub("", description).strip(),
                    "scope": found.group(1) if found else "",
                    "parameters": [
                        {
                            "name": parameter.get("name", ""),
                            "where": parameter.get("in", ""),
                            "required": parameter.get("required", False),
                            "type": _type(parameter.get("schema", {})),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "request": _schema_name(body) if body else "",
                    "responses": [
                        {"status": status, "schema": _schema_name(response.get("content", {}))}
                        for status, response in operation.get("responses", {}).items()
                    ],
                }
            )
    return [{"tag": tag, "operations": ops} for tag, ops in groups.items()]


def _type(spec: dict[str, Any]) -> str:
    if "$ref" in spec:
        return str(spec["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in spec:
        return " | ".join(_type(option) for option in spec["anyOf"])
    if spec.get("type") == "array":
        return f"list[{_type(spec.get('items', {}))}]"
    return str(spec.get("format") or spec.get("type") or "")


def schemas(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Each component schema with its fields (name, type, required)."""
    found = []
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        fields = [
            {"name": field, "type": _type(spec), "required": field in required}
            for field, spec in schema.get("properties", {}).items()
        ]
        found.append({"name": name, "description": schema.get("description", ""), "fields": fields})
    return found


def page(request: HttpRequest) -> HttpResponse:
    from summitdesk.api.main import api

    document = api.get_openapi_schema(path_prefix=request.path.removesuffix("docs"))
    context = {
        "title": document["info"]["title"],
        "version": document["info"]["version"],
        "intro": document["info"].get("description", ""),
        "groups": operations(document),
        "schemas": schemas(document),
    }
    return render(request, "api/docs.html", context)
