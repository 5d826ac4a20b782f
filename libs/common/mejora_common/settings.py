"""The one settings pattern: environment variables read by pydantic-settings.

Every service subclasses :class:`CommonSettings`; names are documented in the
README's configuration table.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TypeVar

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_PORT = 8000

T = TypeVar("T")


def env_field(name: str, default: T, description: str = "") -> T:
    """A settings field read from exactly one environment variable.

    Typed as its default so ``port: int = env_field("MEJORA_PORT", 8000)`` checks under mypy.
    """
    field: T = Field(default=default, validation_alias=AliasChoices(name), description=description)
    return field


class CommonSettings(BaseSettings):
    """Settings every process reads."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    data_dir: Path = env_field("MEJORA_DATA_DIR", Path("var"), "Directorio de datos")
    jwt_secret: str = env_field("MEJORA_JWT_SECRET", "")
    log_level: str = env_field("MEJORA_LOG_LEVEL", "INFO")
    port: int = env_field("MEJORA_PORT", DEFAULT_PORT)
    cycles_url: str = env_field("MEJORA_CYCLES_URL", "")
    observations_url: str = env_field("MEJORA_OBSERVATIONS_URL", "")
    reports_url: str = env_field("MEJORA_REPORTS_URL", "")
    service_timeout_seconds: float = env_field("MEJORA_SERVICE_TIMEOUT", 10.0)

    def service_url(self, service: str) -> str:
        """Base URL of a sibling service; by default the gateway port + 1, 2, 3."""
        explicit: str = getattr(self, f"{service}_url")
        if explicit:
            return explicit.rstrip("/")
        offset = {"cycles": 1, "observations": 2, "reports": 3}[service]
        return f"http://127.0.0.1:{self.port + offset}"

    def ensure_data_dir(self) -> Path:
        """The data directory, created private (0700) when missing: it holds the databases and the secret."""
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self.data_dir

    def sqlite_url(self, name: str) -> str:
        return f"sqlite:///{(self.data_dir / f'{name}.db').resolve()}"

    def resolved_jwt_secret(self) -> str:
        """The signing secret: from the environment, else a file in the data directory.

        The file is created once (development default) so that every process
        started by ``make run`` shares it; production sets MEJORA_JWT_SECRET.
        """
        if self.jwt_secret:
            return self.jwt_secret
        path = self.data_dir / "jwt-secret"
        if not path.exists():
            self.ensure_data_dir()
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_urlsafe(48))
        return path.read_text().strip()
