"""``python -m mejora_ops backup [--output FILE]`` and ``python -m mejora_ops restore ARCHIVE`` (``make backup``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .databases import OpsError
from .operations import backup, restore
from .settings import OpsSettings, database_urls


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mejora_ops", description="Respaldo y restauración")
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("backup", help="un archivo cifrado con las tres bases y las claves del directorio de datos")
    make.add_argument("--output", type=Path, help="archivo a escribir (por omisión, en MEJORA_BACKUP_DIR)")
    back = sub.add_parser("restore", help="restaura un respaldo en bases vacías")
    back.add_argument("archive", type=Path)
    args = parser.parse_args(argv)
    settings = OpsSettings()
    try:
        if args.command == "backup":
            print(backup(settings, database_urls(), out=args.output))
        else:
            print(restore(settings, database_urls(), args.archive))
    except OpsError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
