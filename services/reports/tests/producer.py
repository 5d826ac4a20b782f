"""The siblings' OpenAPI snapshots shaping and validating the fake siblings' answers (see ``conftest``).

Every fake answer is shaped by the producer's committed snapshot (only the fields it declares; the required ones a
test leaves out given a neutral value of their type, within the declared minimum) and validated against it, so a
fake answer the real service could not give fails the test that reads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from mejora_common.contracts import JSONSchema, load_openapi, response_schema, validate_response

SERVICES = Path(__file__).resolve().parents[2]

#: Neutral values for required fields a test leaves out, by JSON schema ``format`` (else by ``type``).
_NEUTRAL_FORMATS = {
    "uuid": "00000000-0000-4000-8000-000000000000",
    "date": "2024-01-01",
    "date-time": "2024-01-01T00:00:00Z",
}
_NEUTRAL_TYPES: dict[str, Any] = {"string": "", "integer": 0, "number": 0.0, "boolean": False, "array": []}


class Producer:
    """A sibling's OpenAPI snapshot, shaping and validating the fake's answers."""

    def __init__(self, service: str) -> None:
        self.document = load_openapi(SERVICES / service / "openapi.json")

    def _resolve(self, schema: JSONSchema) -> JSONSchema:
        while "$ref" in schema:
            node: Any = self.document
            for part in str(schema["$ref"]).removeprefix("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def _neutral(self, schema: JSONSchema) -> Any:
        schema = self._resolve(schema)
        if "default" in schema:
            return schema["default"]
        if "anyOf" in schema:
            return None if {"type": "null"} in schema["anyOf"] else self._neutral(schema["anyOf"][0])
        if "enum" in schema:
            return schema["enum"][0]
        if "format" in schema and schema["format"] in _NEUTRAL_FORMATS:
            return _NEUTRAL_FORMATS[schema["format"]]
        if schema.get("type") == "object":
            return self.shape(schema, {})
        neutral = _NEUTRAL_TYPES.get(str(schema.get("type")))
        if isinstance(neutral, int | float) and not isinstance(neutral, bool) and "minimum" in schema:
            neutral = max(neutral, type(neutral)(schema["minimum"]))  # within the producer's own bounds
        return neutral

    def shape(self, schema: JSONSchema, value: Any) -> Any:
        """``value`` as the producer sends it: undeclared fields dropped, missing required ones neutral."""
        schema = self._resolve(schema)
        if "anyOf" in schema:
            if value is None:
                return None
            wanted = "object" if isinstance(value, dict) else "array" if isinstance(value, list) else None
            variant = next((v for v in schema["anyOf"] if self._resolve(v).get("type") == wanted), None)
            return value if variant is None else self.shape(variant, value)
        if isinstance(value, list) and "items" in schema:
            return [self.shape(schema["items"], item) for item in value]
        if not isinstance(value, dict) or "properties" not in schema:
            return value
        properties: dict[str, JSONSchema] = schema["properties"]
        shaped = {name: self.shape(properties[name], v) for name, v in value.items() if name in properties}
        for name in schema.get("required", []):
            if name not in shaped:
                shaped[name] = self._neutral(properties[name])
        return shaped

    def answer(self, path: str, payload: Any) -> JSONResponse:
        """The 200 answer to ``GET path`` (a producer path template), validated against the snapshot."""
        shaped = self.shape(response_schema(self.document, "GET", path), payload)
        validate_response(self.document, "GET", path, shaped)
        return JSONResponse(shaped)

    def page(self, path: str, items: list[Any], request: Request) -> JSONResponse:
        limit = int(request.query_params.get("limit", 50))
        offset = int(request.query_params.get("offset", 0))
        page = {"items": items[offset : offset + limit], "total": len(items), "limit": limit, "offset": offset}
        return self.answer(path, page)


CYCLES = Producer("cycles")
OBSERVATIONS = Producer("observations")
