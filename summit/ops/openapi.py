"""Assemble one OpenAPI 3.0 document from every feature's api_spec.py (PATHS, SCHEMAS).

Pure: plain dicts in, a plain dict out. Operations get the error responses every route
can give (the JSON body of summit.core.errors.render_error) unless they declare their own.
"""
from __future__ import annotations

import copy
from typing import Iterable

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "status"],
    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
}
# Every request may be refused with these before a view runs (bad form/CSRF, login or
# token missing, role missing, unknown id, rate limit).
COMMON_ERRORS = {
    "400": "Bad request (missing or invalid CSRF token, unreadable input, a NUL byte or a lone "
           "surrogate in any text)",
    "401": "No valid bearer token",
    "403": "The account or token lacks the role",
    "404": "Not found",
    "405": "Method not allowed",
    "409": "Conflicts with a change made at the same moment",
    "413": "The request body is too large",
    "422": "The input is not valid",
    "429": "Too many requests",
}
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


class SpecConflict(ValueError):
    pass


# Every text the API takes is free of NUL bytes: the request guard refuses them with a 400
# before any view runs (summit.core.security), so the description says so for every string.
NO_NUL = "^[^\\u0000]*$"


def _strings_without_nul(node):
    if isinstance(node, dict):
        if node.get("type") == "string" and "enum" not in node and "pattern" not in node:
            node["pattern"] = NO_NUL
        for value in node.values():
            _strings_without_nul(value)
    elif isinstance(node, list):
        for value in node:
            _strings_without_nul(value)
    return node


def _with_errors(operation: dict) -> dict:
    operation = copy.deepcopy(operation)
    responses = operation.setdefault("responses", {})
    for code, description in COMMON_ERRORS.items():
        responses.setdefault(code, {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        })
    return operation


def assemble(parts: Iterable[tuple[str, dict, dict]], *, title: str, version: str,
             server_url: str = "/") -> dict:
    """parts: (feature, PATHS, SCHEMAS). A path or schema named twice is a SpecConflict."""
    paths: dict = {}
    schemas: dict = {"Error": ERROR_SCHEMA}
    owners: dict[str, str] = {"Error": "core"}
    for feature, part_paths, part_schemas in parts:
        for path, item in (part_paths or {}).items():
            if path in paths:
                raise SpecConflict(f"path {path} is described twice ({feature})")
            paths[path] = {key: (_with_errors(value) if key in METHODS else copy.deepcopy(value))
                           for key, value in item.items()}
        for name, schema in (part_schemas or {}).items():
            if name in schemas:
                raise SpecConflict(f"schema {name} is defined by {owners[name]} and {feature}")
            schemas[name] = copy.deepcopy(schema)
            owners[name] = feature
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": version,
                 "description": "JSON API of Qianshan Summit. Device calls send "
                                "`Authorization: Bearer <token>` (tokens from `summit create-token`)."},
        "servers": [{"url": server_url}],
        "paths": _strings_without_nul(dict(sorted(paths.items()))),
        "components": {
            "schemas": _strings_without_nul(dict(sorted(schemas.items()))),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
