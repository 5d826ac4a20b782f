"""Cycles service settings (environment variables; see the README)."""

from __future__ import annotations

from functools import lru_cache

from mejora_common.settings import env_field

from .settings_accounts import AccountLifecycleSettings
from .settings_sessions import SessionSettings


class Settings(AccountLifecycleSettings, SessionSettings):
    database_url: str = env_field("MEJORA_CYCLES_DATABASE_URL", "")
    access_token_minutes: int = env_field("MEJORA_ACCESS_TOKEN_MINUTES", 15)
    refresh_token_days: int = env_field("MEJORA_REFRESH_TOKEN_DAYS", 30)
    # Brute-force protection of POST /api/v1/auth/token (0 failures: no locking).
    login_max_failures: int = env_field("MEJORA_LOGIN_MAX_FAILURES", 5)
    login_lock_minutes: int = env_field("MEJORA_LOGIN_LOCK_MINUTES", 15)

    def effective_database_url(self) -> str:
        return self.database_url or self.sqlite_url("cycles")


@lru_cache
def get_settings() -> Settings:
    return Settings()
