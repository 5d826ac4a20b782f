"""The frontend's API types are generated from the merged OpenAPI document, never edited by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "frontend" / "node_modules" / ".bin" / "openapi-typescript"
COMMITTED = ROOT / "frontend" / "src" / "api" / "schema.d.ts"


def test_generated_api_types_are_up_to_date(tmp_path: Path) -> None:
    document = tmp_path / "openapi.json"
    generated = tmp_path / "schema.d.ts"
    subprocess.run([sys.executable, str(ROOT / "infra" / "openapi_export.py"), str(document)], check=True)
    subprocess.run([str(GENERATOR), str(document), "-o", str(generated)], check=True, capture_output=True)
    assert generated.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8"), (
        "frontend/src/api/schema.d.ts está desactualizado: ejecuta `make api-types`"
    )


def test_service_openapi_snapshots_are_up_to_date() -> None:
    """Consumers' client models are checked against these files, so they must be what the services answer today."""
    sys.path.insert(0, str(ROOT / "infra"))
    try:
        import openapi_export
    finally:
        sys.path.remove(str(ROOT / "infra"))
    for service, document in openapi_export.service_documents().items():
        committed = openapi_export.snapshot_path(service).read_text(encoding="utf-8")
        assert openapi_export.as_text(document) == committed, (
            f"services/{service}/openapi.json está desactualizado: ejecuta `make api-types`"
        )
