"""The one settings pattern: environment variables read by pydantic-settings.

Every service subclasses :class:`CommonSettings`; names are documented in the
README's configuration table.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .keys import JWKS_PATH, TokenKeys, load_signing_key, public_keys_from_pem, trusted_keys

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
    signing_key: str = env_field("MEJORA_SIGNING_KEY", "", "Clave privada Ed25519 (PEM) de este servicio")
    signing_key_file: str = env_field("MEJORA_SIGNING_KEY_FILE", "", "Archivo con esa clave (secreto montado)")
    previous_public_keys: str = env_field("MEJORA_PREVIOUS_PUBLIC_KEYS", "", "Claves públicas anteriores (PEM)")
    trusted_keys: str = env_field("MEJORA_TRUSTED_KEYS", "", "Claves públicas fijadas por servicio (JSON)")
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

    def token_keys(self, service: str, *, signs: bool = True) -> TokenKeys:
        """This process's keys (``mejora_common.keys``): its own signing key (unless ``signs`` is False, as in the
        gateway), its earlier public keys, the pinned keys of others, and where to fetch the rest (each sibling's
        :data:`~mejora_common.keys.JWKS_PATH`)."""
        return TokenKeys(
            service=service,
            signing_key=load_signing_key(self.signing_key, self.signing_key_file, self.data_dir, service)
            if signs
            else None,
            previous=tuple(public_keys_from_pem(self.previous_public_keys)),
            trusted=trusted_keys(self.trusted_keys),
            jwks_url=lambda signer: self.service_url(signer) + JWKS_PATH,
        )
