"""The API's reference page, drawn from its OpenAPI document by our own template: no
script, no CDN (the Content-Security-Policy allows neither).

Everything on it is read from the document: the allowed values of a parameter or field
(enum, bounds, lengths, pattern) from its schema, and the examples from the schema's own
`example`/`examples` where it gives them, else built from the types and those limits, so
the page says what the schemas say and nothing else."""

import json
import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from summitdesk.api.main import api

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
                            "description": parameter.get("description")
                            or parameter.get("schema", {}).get("description", ""),
                            "allowed": allowed(parameter.get("schema", {}), document),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "example_request": example_request(method, path, operation, document),
                    "example_response": example_response(operation, document),
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
            {
                "name": field,
                "type": _type(spec),
                "required": field in required,
                "description": spec.get("description", ""),
                "allowed": allowed(spec, document),
            }
            for field, spec in schema.get("properties", {}).items()
        ]
        found.append({"name": name, "description": schema.get("description", ""), "fields": fields})
    return found


def _resolve(spec: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """The schema a `$ref` points to (components only), else `spec` itself."""
    ref = str(spec.get("$ref", ""))
    if ref.startswith("#/components/schemas/"):
        found = document.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1])
        return dict(found) if isinstance(found, dict) else {}
    return spec


def _options(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives of an anyOf/oneOf/allOf, else the schema alone."""
    for key in ("anyOf", "oneOf", "allOf"):
        if key in spec:
            return [option for option in spec[key] if isinstance(option, dict)]
    return [spec]


def allowed(spec: dict[str, Any], document: dict[str, Any]) -> list[str]:
    """What the schema allows, one phrase each: values, bounds, lengths, pattern, default."""
    phrases: list[str] = []
    for option in _options(spec):
        option = _resolve(option, document)
        if option.get("type") == "null":
            phrases.append(_("may be null"))
            continue
        if option is not spec and _options(option) != [option]:
            phrases.extend(allowed(option, document))
            continue
        if "enum" in option:
            values = ", ".join(json.dumps(value) for value in option["enum"])
            phrases.append(_("one of %(values)s") % {"values": values})
        if "const" in option:
            phrases.append(_("exactly %(value)s") % {"value": json.dumps(option["const"])})
        for key, label in _LIMITS:
            if key in option:
                phrases.append(f"{label} {json.dumps(option[key])}")
        if option.get("type") == "array" and isinstance(option.get("items"), dict):
            items = allowed(option["items"], document)
            if items:
                phrases.append(_("each item: %(rules)s") % {"rules": "; ".join(items)})
    if "default" in spec:
        phrases.append(_("default %(value)s") % {"value": json.dumps(spec["default"])})
    return phrases


#: Schema keywords that bound a value, with how the page says them (the keyword itself
#: is what an integrator will find in openapi.json).
_LIMITS = (
    ("minimum", "minimum"),
    ("exclusiveMinimum", "more than"),
    ("maximum", "maximum"),
    ("exclusiveMaximum", "less than"),
    ("minLength", "minLength"),
    ("maxLength", "maxLength"),
    ("minItems", "minItems"),
    ("maxItems", "maxItems"),
    ("pattern", "pattern"),
)
#: Example values of string formats, when the schema gives none.
_FORMATS = {
    "date-time": "2026-05-04T09:00:00Z",
    "date": "2026-05-04",
    "email": "focal.point@example.org",
    "uri": "https://example.org/",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
}


def example(spec: dict[str, Any], document: dict[str, Any], depth: int = 0) -> Any:
    """A value the schema accepts: its own example if it has one, else built from its type
    and limits. Nesting stops at a depth that no real answer reaches."""
    if "example" in spec:
        return spec["example"]
    if isinstance(spec.get("examples"), list) and spec["examples"]:
        return spec["examples"][0]
    if "$ref" in spec:
        return example(_resolve(spec, document), document, depth + 1) if depth < 6 else {}
    options = [o for o in _options(spec) if _resolve(o, document).get("type") != "null"]
    if options and options != [spec]:
        return example(options[0], document, depth)
    if spec.get("enum"):
        return spec["enum"][0]
    if "const" in spec:
        return spec["const"]
    if "default" in spec and spec["default"] is not None:
        return spec["default"]
    kind = spec.get("type")
    if kind == "integer":
        floor = spec.get("exclusiveMinimum")
        if "minimum" in spec or not isinstance(floor, int) or isinstance(floor, bool):
            return int(spec.get("minimum", 1))
        return floor + 1
    if kind == "number":
        return float(spec.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "array":
        item = example(spec.get("items", {}), document, depth + 1) if depth < 6 else None
        return [] if item is None else [item] * max(1, int(spec.get("minItems", 1)))
    if kind == "object" or "properties" in spec:
        return {
            name: example(field, document, depth + 1)
            for name, field in spec.get("properties", {}).items()
        }
    if kind == "string":
        return _FORMATS.get(str(spec.get("format", "")), "string")
    return None


def _json_body(content: dict[str, Any], document: dict[str, Any]) -> str:
    media = content.get("application/json", {})
    if "example" in media:
        return json.dumps(media["example"], indent=2, ensure_ascii=False)
    schema = media.get("schema")
    if not isinstance(schema, dict):
        return ""
    return json.dumps(example(schema, document), indent=2, ensure_ascii=False)


def example_request(
    method: str, path: str, operation: dict[str, Any], document: dict[str, Any]
) -> str:
    """The operation's HTTP request with example values: path parameters filled in, the
    required query parameters, the token header and the JSON body."""
    query = []
    for parameter in operation.get("parameters", []):
        value = example(parameter.get("schema", {}), document)
        if parameter.get("in") == "path":
            path = path.replace("{" + str(parameter.get("name")) + "}", str(value))
        elif parameter.get("in") == "query" and parameter.get("required"):
            query.append(f"{parameter.get('name')}={value}")
    line = f"{method.upper()} {path}{'?' + '&'.join(query) if query else ''} HTTP/1.1"
    lines = [line, "Authorization: Bearer <token>"]
    body = _json_body(operation.get("requestBody", {}).get("content", {}), document)
    if body:
        lines += ["Content-Type: application/json", "", body]
    return "\n".join(lines)


def example_response(operation: dict[str, Any], document: dict[str, Any]) -> str:
    """The first success answer of the operation, with an example body."""
    for status, response in operation.get("responses", {}).items():
        if str(status).startswith("2"):
            body = _json_body(response.get("content", {}), document)
            reason = str(response.get("description", ""))
            head = f"HTTP/1.1 {status} {reason}".rstrip()
            return f"{head}\n\n{body}" if body else head
    return ""


def page(request: HttpRequest) -> HttpResponse:
    document = api.get_openapi_schema(path_prefix=request.path.removesuffix("docs"))
    context = {
        "title": document["info"]["title"],
        "version": document["info"]["version"],
        "intro": document["info"].get("description", ""),
        "groups": operations(document),
        "schemas": schemas(document),
    }
    return render(request, "api/docs.html", context)
