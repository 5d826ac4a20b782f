"""Instrument definitions shipped as data (``*.json``); see ``domain/instrument.py``.

The files are loaded into the database by a migration (``0002``), never by code
constants: to ship a new instrument (or a new version of one), add or change a
JSON file and write a migration that calls :func:`shipped_documents` again.
"""

from __future__ import annotations

import json
import uuid
from importlib import resources
from typing import Any

#: Namespace of the fixed ids of shipped instruments: ``uuid5(NS, f"{code}@{version}")``.
INSTRUMENT_NAMESPACE = uuid.UUID("5b0e1c52-4c1e-5f0e-9d0a-6d656a6f7261")

SHIPPED_FILES = ("class-prek-k3.json", "class-2e-prek3.json", "peer-visit.json")


def instrument_uuid(code: str, version: int) -> uuid.UUID:
    """The fixed id of a shipped instrument version (the same in every database)."""
    return uuid.uuid5(INSTRUMENT_NAMESPACE, f"{code}@{version}")


def shipped_documents() -> list[dict[str, Any]]:
    """The JSON documents of the shipped instruments, in a stable order."""
    folder = resources.files(__name__)
    documents: list[dict[str, Any]] = []
    for name in SHIPPED_FILES:
        data: dict[str, Any] = json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
        documents.append(data)
    return documents
