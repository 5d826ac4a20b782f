"""Writes the merged public OpenAPI document, built in-process from the services' apps.

The frontend's API types are generated from this file (``make api-types``) and a
test fails when the committed types differ from a fresh generation. With
``--snapshots`` it also writes each service's own document to
``services/<name>/openapi.json``: the contract its consumers' ``clients/`` models
are checked against (``mejora_common.contracts``).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from cycles_service.main import create_app as cycles_app
from gateway.openapi import merge_openapi
from observations_service.main import create_app as observations_app
from reports_service.main import create_app as reports_app

ROOT = Path(__file__).resolve().parents[1]


def service_documents() -> dict[str, dict[str, Any]]:
    """Each service's own OpenAPI document, keyed by service name."""
    os.environ.setdefault("MEJORA_DATA_DIR", tempfile.mkdtemp(prefix="mejora-openapi-"))
    return {
        "cycles": cycles_app().openapi(),
        "observations": observations_app().openapi(),
        "reports": reports_app().openapi(),
    }


def merged_document() -> dict[str, Any]:
    return merge_openapi(service_documents())


def as_text(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def snapshot_path(service: str, root: Path = ROOT) -> Path:
    return root / "services" / service / "openapi.json"


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--snapshots"]
    if "--snapshots" in sys.argv[1:]:
        for service, document in service_documents().items():
            snapshot_path(service).write_text(as_text(document), encoding="utf-8")
    target = Path(args[0]) if args else None
    text = as_text(merged_document())
    if target is None:
        sys.stdout.write(text)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
