"""The archive: a tar of one folder, encrypted with age on the way out and decrypted on the way in.

age (the Debian package ``age``) encrypts to public recipients: the machine that makes backups needs only the
recipients file, never the private identity, so a stolen server does not open its own old archives. The stream
goes through age's pipe, never as a plain tar on disk.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tarfile
from pathlib import Path

from .databases import OpsError

AGE_MAGIC = b"age-encryption.org/v1"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _key_file(path: str, what: str, variable: str) -> Path:
    if not path:
        raise OpsError(f"Falta {variable}: la ruta del archivo de {what} de age.")
    key = Path(path)
    if not key.is_file():
        raise OpsError(f"{variable}: no existe el archivo de {what} {key}.")
    return key


def _age(arguments: list[str], *, writing: bool) -> subprocess.Popen[bytes]:
    """age with a pipe to write the tar into (``writing``) or to read it from; its few lines of errors piped too."""
    stdin, stdout = (subprocess.PIPE, subprocess.DEVNULL) if writing else (subprocess.DEVNULL, subprocess.PIPE)
    try:
        # age from PATH (the Debian package), like pg_dump: the operator's system decides where it lives.
        return subprocess.Popen(["age", *arguments], stdin=stdin, stdout=stdout, stderr=subprocess.PIPE)  # noqa: S607
    except FileNotFoundError as exc:
        raise OpsError("Falta el programa age (paquete de Debian age; make backup lo instala).") from exc


def write_encrypted(folder: Path, out: Path, recipients: str) -> None:
    """Tar ``folder``'s files into ``out`` (0600), encrypted to every key in the ``recipients`` file."""
    key = _key_file(recipients, "destinatarios", "MEJORA_BACKUP_RECIPIENTS")
    partial = out.with_name(out.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    process = _age(["--encrypt", "--recipients-file", str(key), "--output", str(partial)], writing=True)
    assert process.stdin is not None and process.stderr is not None
    try:
        with tarfile.open(fileobj=process.stdin, mode="w|") as tar:
            for path in sorted(folder.iterdir()):
                tar.add(path, arcname=path.name, recursive=False)
    finally:
        process.stdin.close()
        error = process.stderr.read()
        process.wait()
    if process.returncode != 0:
        partial.unlink(missing_ok=True)
        raise OpsError(f"age no pudo cifrar el respaldo: {error.decode(errors='replace').strip()}")
    partial.replace(out)


def read_encrypted(archive: Path, identity: str, folder: Path) -> None:
    """Decrypt ``archive`` with the ``identity`` file and unpack its files into ``folder``."""
    key = _key_file(identity, "identidad", "MEJORA_BACKUP_IDENTITY")
    if not archive.is_file():
        raise OpsError(f"No existe el respaldo {archive}.")
    with archive.open("rb") as handle:
        if not handle.read(len(AGE_MAGIC)) == AGE_MAGIC:
            raise OpsError(f"{archive} no es un respaldo cifrado con age.")
    process = _age(["--decrypt", "--identity", str(key), str(archive)], writing=False)
    assert process.stdout is not None and process.stderr is not None
    try:
        with tarfile.open(fileobj=process.stdout, mode="r|") as tar:
            for member in tar:
                if not member.isfile() or "/" in member.name or member.name in {"", ".", ".."}:
                    raise OpsError(f"El respaldo contiene una entrada inesperada: {member.name!r}.")
                tar.extract(member, folder, filter="data")
    except tarfile.TarError as exc:
        process.kill()
        error = process.stderr.read()
        process.wait()
        raise OpsError(f"No se pudo descifrar el respaldo: {error.decode(errors='replace').strip() or exc}") from exc
    process.stdout.read()
    error = process.stderr.read()
    if process.wait() != 0:
        raise OpsError(f"age no pudo descifrar el respaldo: {error.decode(errors='replace').strip()}")
