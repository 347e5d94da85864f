"""The OpenAPI document turned into plain data for the server-rendered docs page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import translation

from faelles.api.v1 import api


@dataclass
class Param:
    name: str
    where: str
    type: str
    required: bool
    description: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    operation_id: str
    params: list[Param]
    responses: list[tuple[str, str]]
    example: str


@dataclass
class Model:
    name: str
    fields: list[Param]


@dataclass
class Document:
    title: str
    version: str
    description: str
    groups: list[tuple[str, list[Operation]]] = field(default_factory=list)
    models: list[Model] = field(default_factory=list)


def type_of(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(type_of(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    kind = schema.get("type", "object")
    if kind == "array":
        return f"list[{type_of(schema.get('items', {}))}]"
    extra = []
    if "minimum" in schema:
        extra.append(f"≥ {schema['minimum']}")
    if "maximum" in schema:
        extra.append(f"≤ {schema['maximum']}")
    if schema.get("format") in ("date", "date-time"):
        kind = schema["format"]
    return kind + (f" ({', '.join(extra)})" if extra else "")


def document() -> Document:
    with translation.override("en"):  # the document itself is English; the page explains
        schema = api.get_openapi_schema()
    info = schema["info"]
    doc = Document(info["title"], info["version"], info.get("description", ""))
    groups: dict[str, list[Operation]] = {}
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            params = [
                Param(p["name"], p["in"], type_of(p.get("schema", {})), p.get("required", False),
                      p.get("description", "") or p.get("schema", {}).get("description", ""))
                for p in op.get("parameters", [])
            ]
            responses = []
            for status, answer in op.get("responses", {}).items():
                body = answer.get("content", {}).get("application/json", {}).get("schema", {})
                responses.append((status, type_of(body) if body else ""))
            example = path.replace("{number}", "11").replace("{slug}", "…").replace(
                "{contribution_id}", "1"
            )
            groups.setdefault(op.get("tags", ["API"])[0], []).append(Operation(
                method.upper(), path, op.get("summary", ""), op.get("operationId", ""),
                params, responses, example,
            ))
    doc.groups = list(groups.items())
    for name, model in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(model.get("required", []))
        doc.models.append(Model(name, [
            Param(prop, "", type_of(spec), prop in required, spec.get("description", ""))
            for prop, spec in model.get("properties", {}).items()
        ]))
    return doc
