"""The contract checker finds what a consumer reads that a producer does not guarantee."""

import uuid
from typing import Any, Literal

import jsonschema
import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from mejora_common.contracts import model_problems, validate_response
from mejora_common.pagination import Page


class Tag(BaseModel):
    name: str
    weight: float


class School(BaseModel):
    id: uuid.UUID
    name: str
    level: Literal["basica", "media"]
    rbd: str | None = None
    tags: list[Tag] = []
    note: str | None = None


def producer_document() -> dict[str, Any]:
    app = FastAPI()

    @app.get("/api/v1/schools/{school_id}")
    def get_school(school_id: uuid.UUID) -> School:
        raise NotImplementedError

    @app.get("/api/v1/schools")
    def list_schools() -> Page[School]:
        raise NotImplementedError

    return app.openapi()


class SchoolRef(BaseModel):
    id: uuid.UUID
    name: str


class TagRef(BaseModel):
    weight: float


class SchoolWithTags(BaseModel):
    id: uuid.UUID
    tags: list[TagRef]
    rbd: str | None = None
    level: str


def test_a_consumer_reading_a_subset_is_compatible() -> None:
    document = producer_document()
    assert model_problems(SchoolRef, document, "GET", "/api/v1/schools/{school_id}") == []
    assert model_problems(SchoolWithTags, document, "GET", "/api/v1/schools/{school_id}") == []
    assert model_problems(Page[SchoolRef], document, "GET", "/api/v1/schools") == []


class ReadsMissingField(BaseModel):
    id: uuid.UUID
    district: str


class WrongType(BaseModel):
    name: int


class RequiresOptional(BaseModel):
    rbd: str


class NarrowEnum(BaseModel):
    level: Literal["basica"]


class ClosesAnOpenString(BaseModel):
    name: Literal["Escuela"]


class WrongNested(BaseModel):
    tags: list[SchoolRef]


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (ReadsMissingField, "ReadsMissingField.district: el productor no envía este campo"),
        (WrongType, "WrongType.name: el productor envía ['string'], se espera ['integer']"),
        (RequiresOptional, "RequiresOptional.rbd"),
        (NarrowEnum, "NarrowEnum.level: el productor envía valores fuera de ['basica']"),
        (ClosesAnOpenString, "ClosesAnOpenString.name: el productor envía valores fuera de ['Escuela']"),
        (WrongNested, "WrongNested.tags[].id: el productor no envía este campo"),
    ],
)
def test_a_breaking_difference_is_named(model: type[BaseModel], expected: str) -> None:
    problems = model_problems(model, producer_document(), "GET", "/api/v1/schools/{school_id}")
    assert any(p.startswith(expected) for p in problems), problems


def test_an_unknown_path_or_method_fails() -> None:
    with pytest.raises(AssertionError, match="no existe"):
        model_problems(SchoolRef, producer_document(), "POST", "/api/v1/schools")


def test_fake_answers_are_validated_against_the_producer_schema() -> None:
    document = producer_document()
    good = {"id": str(uuid.uuid4()), "name": "Escuela", "level": "media", "rbd": None, "tags": [], "note": None}
    validate_response(document, "GET", "/api/v1/schools/{school_id}", good)
    validate_response(document, "GET", "/api/v1/schools", {"items": [good], "total": 1, "limit": 50, "offset": 0})
    with pytest.raises(jsonschema.ValidationError):
        validate_response(document, "GET", "/api/v1/schools/{school_id}", {**good, "level": "kinder"})
    with pytest.raises(jsonschema.ValidationError):
        validate_response(document, "GET", "/api/v1/schools", {"items": [{"name": "x"}], "total": 1})
