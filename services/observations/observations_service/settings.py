"""Observations service settings (environment variables; see the README)."""

from __future__ import annotations

from functools import lru_cache

from mejora_common.settings import CommonSettings, env_field


class Settings(CommonSettings):
    database_url: str = env_field("MEJORA_OBSERVATIONS_DATABASE_URL", "")
    view_log_retention_days: int = env_field(
        "MEJORA_VIEW_LOG_RETENTION_DAYS", 730, "Días que se guarda el registro de quién vio datos de cada docente"
    )

    def effective_database_url(self) -> str:
        return self.database_url or self.sqlite_url("observations")


@lru_cache
def get_settings() -> Settings:
    return Settings()
