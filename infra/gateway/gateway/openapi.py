"""One OpenAPI document for the public API, merged from the services' own.

Only public paths (under ``/api/``) are kept; a service's own endpoints
(``/health``, ``/ready``) are not. A public path the route table does not give
to the service that declares it, or that two documents declare, is an error
(:class:`RouteOwnershipError`), never silently dropped: the gateway would not
route it there. Component schemas with the same name and the same content are
shared; a name that means different things in two services is prefixed with
the service name and its references rewritten.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from mejora_common.openapi import PROBLEM_SCHEMA

from .routes import resolve

PUBLIC_PREFIX = "/api/"

GATEWAY_PATHS: dict[str, Any] = {
    "/api/v1/health": {
        "get": {
            "tags": ["salud"],
            "summary": "Estado de todos los servicios",
            "operationId": "gateway_health",
            "responses": {
                "200": {
                    "description": "Todos los servicios están listos",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SystemHealth"}}},
                },
                "503": {"description": "Algún servicio no está listo (se nombran en `detail` y `services`)"},
            },
        }
    }
}

GATEWAY_SCHEMAS: dict[str, Any] = {
    "ServiceHealth": {
        "type": "object",
        "properties": {"status": {"type": "string"}, "detail": {"type": "string"}},
        "required": ["status"],
    },
    "SystemHealth": {
        "type": "object",
        "properties": {
            "status": {"type": "string"},
            "services": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/ServiceHealth"}},
        },
        "required": ["status", "services"],
    },
    "Problem": PROBLEM_SCHEMA,
}


def _rewrite_refs(node: Any, renames: Mapping[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/components/schemas/"):
                name = value.rsplit("/", 1)[1]
                out[key] = f"#/components/schemas/{renames.get(name, name)}"
            else:
                out[key] = _rewrite_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, renames) for v in node]
    return node


class RouteOwnershipError(ValueError):
    """A service declares a public path that the gateway would not route to it."""


def _check_owner(service: str, path: str, paths: Mapping[str, Any]) -> None:
    if path in paths:
        raise RouteOwnershipError(f"{path} is declared twice (again by the {service} service)")
    owner = resolve(path)
    if owner != service:
        routed = f"routes it to {owner}" if owner else "routes it nowhere"
        raise RouteOwnershipError(
            f"the {service} service declares {path} but the gateway's route table (gateway/routes.py) {routed}"
        )


def merge_openapi(docs: Mapping[str, Mapping[str, Any]], *, unavailable: list[str] | None = None) -> dict[str, Any]:
    """Merge service documents (``{service: openapi}``) into the public one.

    Raises :class:`RouteOwnershipError` when a document declares a public path
    that the route table does not give to it (or that is already declared).
    """
    schemas: dict[str, Any] = dict(copy.deepcopy(GATEWAY_SCHEMAS))
    security_schemes: dict[str, Any] = {}
    paths: dict[str, Any] = dict(copy.deepcopy(GATEWAY_PATHS))
    tags: dict[str, dict[str, Any]] = {}
    for service in sorted(docs):
        doc = docs[service]
        components = doc.get("components", {})
        service_schemas = components.get("schemas", {})
        renames: dict[str, str] = {}
        for name, schema in service_schemas.items():
            if name in schemas and json.dumps(schemas[name], sort_keys=True) != json.dumps(schema, sort_keys=True):
                renames[name] = f"{service.capitalize()}{name}"
        for name, schema in service_schemas.items():
            schemas[renames.get(name, name)] = _rewrite_refs(schema, renames)
        security_schemes.update(components.get("securitySchemes", {}))
        for path, item in doc.get("paths", {}).items():
            if path.startswith(PUBLIC_PREFIX):
                _check_owner(service, path, paths)
                paths[path] = _rewrite_refs(item, renames)
        for tag in doc.get("tags", []):
            tags.setdefault(tag["name"], tag)
    description = (
        "API pública de Mejora en Red: ciclos PHEA, diagramas conductores, medidas, observaciones de aula y "
        "reportes para redes de mejoramiento de los SLEP. Autenticación OAuth2 (contraseña) con tokens JWT. "
        "Todos los errores son `application/problem+json` (RFC 9457) con un `code` estable."
    )
    if unavailable:
        description += "\n\n**Incompleto:** sin respuesta de " + ", ".join(sorted(unavailable)) + "."
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Mejora en Red API", "version": "1.0.0", "description": description},
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": dict(sorted(schemas.items())), "securitySchemes": security_schemes},
    }
    if tags:
        merged["tags"] = list(tags.values())
    return merged
