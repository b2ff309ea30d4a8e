"""OpenAPI 3.1 document generated from the API's routes and their pydantic schemas.

Each API view declares its contract with ``@operation(...)``; ``build_document`` walks the URL
map, so the document always matches the code that serves it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Flask
from pydantic import BaseModel

F = TypeVar("F", bound=Callable[..., Any])
_RULE_ARGUMENT = re.compile(r"<(?:[a-z_]+:)?([a-zA-Z_][a-zA-Z0-9_]*)>")


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    request: type[BaseModel] | None = None
    request_description: str = ""
    responses: dict[int, tuple[str, type[BaseModel] | None]] = field(default_factory=dict)
    public: bool = False
    free_form_request: bool = False
    # Query parameters: name → (description, required); or as a header when named like X-….
    query: dict[str, tuple[str, bool]] = field(default_factory=dict)
    multipart_files: str = ""  # the form field carrying files in a multipart/form-data request
    raw_body: tuple[str, ...] = ()  # media types of a body sent as it is (e.g. an XML document)
    # A free-form body that may also come as multipart/form-data: text parts and files, each named
    # after a field (a task form with file fields).
    free_form_multipart: bool = False


def operation(**kwargs: Any) -> Callable[[F], F]:
    """Attach an OpenAPI operation description to a view function."""

    def decorator(view: F) -> F:
        view.__openapi__ = Operation(**kwargs)  # type: ignore[attr-defined]
        return view

    return decorator


def _schema_ref(model: type[BaseModel], components: dict[str, Any]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def build_document(app: Flask, *, title: str, version: str, prefix: str) -> dict[str, Any]:
    components: dict[str, Any] = {}
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(prefix):
            continue
        view = app.view_functions[rule.endpoint]
        meta: Operation | None = getattr(view, "__openapi__", None)
        if meta is None:
            continue
        path = _RULE_ARGUMENT.sub(r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            spec: dict[str, Any] = {
                "summary": meta.summary,
                "tags": [meta.tag],
                "operationId": f"{rule.endpoint.split('.')[-1]}_{method.lower()}",
                "responses": {},
            }
            parameters = [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in _RULE_ARGUMENT.findall(rule.rule)
            ]
            parameters += [
                {
                    "name": name,
                    "in": "header" if name.startswith("X-") else "query",
                    "required": required,
                    "description": description,
                    "schema": {"type": "string"},
                }
                for name, (description, required) in meta.query.items()
            ]
            if parameters:
                spec["parameters"] = parameters
            if meta.request is not None:
                spec["requestBody"] = {
                    "required": True,
                    "description": meta.request_description,
                    "content": {"application/json": {"schema": _schema_ref(meta.request, components)}},
                }
            elif meta.multipart_files:
                files = {"type": "array", "items": {"type": "string", "format": "binary"}}
                spec["requestBody"] = {
                    "required": True,
                    "description": meta.request_description,
                    "content": {
                        "multipart/form-data": {
                            "schema": {"type": "object", "properties": {meta.multipart_files: files}}
                        }
                    },
                }
            elif meta.raw_body:
                spec["requestBody"] = {
                    "required": True,
                    "description": meta.request_description,
                    "content": {media: {"schema": {"type": "string"}} for media in meta.raw_body},
                }
            elif meta.free_form_request:
                content: dict[str, Any] = {
                    "application/json": {"schema": {"type": "object", "additionalProperties": True}}
                }
                if meta.free_form_multipart:
                    part = {
                        "oneOf": [
                            {"type": "string"},
                            {"type": "array", "items": {"type": "string", "format": "binary"}},
                        ]
                    }
                    content["multipart/form-data"] = {"schema": {"type": "object", "additionalProperties": part}}
                spec["requestBody"] = {"required": True, "description": meta.request_description, "content": content}
            for status, (description, model) in sorted(meta.responses.items()):
                response: dict[str, Any] = {"description": description}
                if model is not None:
                    response["content"] = {"application/json": {"schema": _schema_ref(model, components)}}
                spec["responses"][str(status)] = response
            if not meta.public:
                spec["security"] = [{"bearerAuth": []}]
            paths.setdefault(path, {})[method.lower()] = spec
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
