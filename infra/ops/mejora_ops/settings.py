"""Settings of the operator commands (environment variables; the README's configuration table)."""

from __future__ import annotations

from pathlib import Path

from cycles_service.settings import Settings as CyclesSettings
from mejora_common.settings import CommonSettings, env_field
from observations_service.settings import Settings as ObservationsSettings
from reports_service.settings import Settings as ReportsSettings

SERVICES = ("cycles", "observations", "reports")


class OpsSettings(CommonSettings):
    backup_recipients: str = env_field("MEJORA_BACKUP_RECIPIENTS", "")
    """An age recipients file (public keys, one a line): who can open the archives. Needed to back up."""
    backup_identity: str = env_field("MEJORA_BACKUP_IDENTITY", "")
    """An age identity file (a private key): needed to restore, better kept off the server that makes backups."""
    backup_dir: str = env_field("MEJORA_BACKUP_DIR", "")
    """Where ``backup`` writes its archives; by default ``<data dir>/backups``."""

    def archive_dir(self) -> Path:
        return Path(self.backup_dir) if self.backup_dir else self.data_dir / "backups"


def database_urls() -> dict[str, str]:
    """Each service's database, read from the same variables the service reads (``MEJORA_<SERVICE>_DATABASE_URL``)."""
    return {
        "cycles": CyclesSettings().effective_database_url(),
        "observations": ObservationsSettings().effective_database_url(),
        "reports": ReportsSettings().effective_database_url(),
    }
