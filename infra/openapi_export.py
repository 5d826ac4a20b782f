"""Writes the merged public OpenAPI document, built in-process from the services' apps.

The frontend's API types are generated from this file (``make api-types``) and a
test fails when the committed types differ from a fresh generation.
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


def merged_document() -> dict[str, Any]:
    os.environ.setdefault("MEJORA_JWT_SECRET", "solo-para-exportar-openapi")
    os.environ.setdefault("MEJORA_DATA_DIR", tempfile.mkdtemp(prefix="mejora-openapi-"))
    docs = {
        "cycles": cycles_app().openapi(),
        "observations": observations_app().openapi(),
        "reports": reports_app().openapi(),
    }
    return merge_openapi(docs)


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    text = json.dumps(merged_document(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    if target is None:
        sys.stdout.write(text)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
