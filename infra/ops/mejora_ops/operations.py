"""``backup`` and ``restore``: every database and the data directory's keys, in one encrypted archive.

An archive holds ``manifest.json`` (when, which engine and Alembic revision per service, a SHA-256 per file), one
copy per service database (``db.<service>.sqlite3`` or ``db.<service>.pgdump``) and the data directory's files
(``data.<name>``: the development JWT secret, the seed markers; not the SQLite files, which are copied as databases).
Secrets given in the environment (``MEJORA_JWT_SECRET``, database passwords) are not in it: they live wherever the
operator keeps them.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mejora_common.db import SQLITE_SIDE_FILES, current_revision, make_engine
from mejora_common.maintenance import FLAG_SUFFIX, pause_writes

from .archive import read_encrypted, sha256, write_encrypted
from .databases import OpsError, Target, dump, is_empty, load
from .settings import OpsSettings

FORMAT = 1
MANIFEST = "manifest.json"
DB_PREFIX = "db."
DATA_PREFIX = "data."


def _targets(urls: Mapping[str, str]) -> list[Target]:
    return [Target(service, url) for service, url in urls.items()]


def data_files(data_dir: Path, targets: list[Target]) -> list[Path]:
    """The data directory's own files (keys, secrets, markers): not the databases, their side files or flags."""
    if not data_dir.is_dir():
        return []
    databases = {t.sqlite_path.resolve() for t in targets if t.engine == "sqlite"}
    skipped = (".db", FLAG_SUFFIX, *SQLITE_SIDE_FILES, ".partial")
    return [
        path
        for path in sorted(data_dir.iterdir())
        if path.is_file() and path.resolve() not in databases and not path.name.endswith(skipped)
    ]


def _revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


def backup(settings: OpsSettings, urls: Mapping[str, str], *, out: Path | None = None) -> Path:
    """Write one encrypted archive of every database (writes paused meanwhile) and the data directory's keys."""
    targets = _targets(urls)
    now = datetime.now(UTC)
    if out is None:
        folder = settings.archive_dir()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        out = folder / f"mejora-{now:%Y%m%dT%H%M%SZ}.tar.age"
    with tempfile.TemporaryDirectory(prefix="mejora-backup-") as scratch:
        work = Path(scratch)
        manifest: dict[str, Any] = {"format": FORMAT, "created_at": now.isoformat(), "databases": {}, "files": {}}
        with pause_writes([t.url for t in targets]):
            for target in targets:
                copy = dump(target, work)
                name = DB_PREFIX + copy.name
                copy.rename(work / name)
                manifest["databases"][target.service] = {
                    "engine": target.engine,
                    "file": name,
                    "revision": _revision(target.url),
                    "sha256": sha256(work / name),
                }
        for path in data_files(settings.data_dir, targets):
            name = DATA_PREFIX + path.name
            (work / name).write_bytes(path.read_bytes())
            (work / name).chmod(0o600)
            manifest["files"][path.name] = {"file": name, "sha256": sha256(work / name)}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        write_encrypted(work, out, settings.backup_recipients)
    return out


def _read_manifest(work: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OpsError("El respaldo no tiene un manifest.json legible.") from exc
    if manifest.get("format") != FORMAT:
        raise OpsError(f"Formato de respaldo desconocido: {manifest.get('format')!r} (se esperaba {FORMAT}).")
    entries = [*manifest["databases"].values(), *manifest["files"].values()]
    for entry in entries:
        if sha256(work / entry["file"]) != entry["sha256"]:
            raise OpsError(f"El archivo {entry['file']} del respaldo está dañado (SHA-256 distinto).")
    return manifest


def _check_restorable(manifest: dict[str, Any], targets: list[Target], data_dir: Path, work: Path) -> None:
    """Every refusal before anything is written: a restore either runs whole or leaves everything as it was."""
    problems: list[str] = []
    for target in targets:
        entry = manifest["databases"].get(target.service)
        if entry is None:
            problems.append(f"{target.service}: el respaldo no trae su base de datos.")
        elif entry["engine"] != target.engine:
            problems.append(f"{target.service}: el respaldo es de {entry['engine']} y el destino es {target.engine}.")
        elif not is_empty(target):
            problems.append(
                f"{target.service}: la base de destino no está vacía; restaurar solo escribe en bases vacías "
                "(crea una base nueva o vacíala, con los servicios detenidos)."
            )
    for name, entry in manifest["files"].items():
        existing = data_dir / name
        if existing.exists() and existing.read_bytes() != (work / entry["file"]).read_bytes():
            problems.append(f"{existing} ya existe con otro contenido: muévelo antes de restaurar.")
    if problems:
        raise OpsError("No se restauró nada:\n- " + "\n- ".join(problems))


def restore(settings: OpsSettings, urls: Mapping[str, str], archive: Path) -> str:
    """Restore ``archive`` into empty databases and the data directory; returns a summary to print."""
    targets = _targets(urls)
    with tempfile.TemporaryDirectory(prefix="mejora-restore-") as scratch:
        work = Path(scratch)
        read_encrypted(archive, settings.backup_identity, work)
        manifest = _read_manifest(work)
        _check_restorable(manifest, targets, settings.data_dir, work)
        for target in targets:
            load(target, work / manifest["databases"][target.service]["file"])
        if manifest["files"]:
            data_dir = settings.ensure_data_dir()
            for name, entry in manifest["files"].items():
                path = data_dir / name
                path.write_bytes((work / entry["file"]).read_bytes())
                path.chmod(0o600)
    revisions = ", ".join(f"{s} {e['revision'] or '(vacía)'}" for s, e in manifest["databases"].items())
    return f"Restaurado el respaldo del {manifest['created_at']} ({revisions})."
