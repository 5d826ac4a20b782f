"""Reports service settings (environment variables; see the README)."""

from __future__ import annotations

from functools import lru_cache

from mejora_common.settings import CommonSettings, env_field


class Settings(CommonSettings):
    database_url: str = env_field("MEJORA_REPORTS_DATABASE_URL", "")
    min_group_size: int = env_field(
        "MEJORA_REPORTS_MIN_GROUP",
        5,
        "Tamaño mínimo de grupo (aulas) que muestra un agregado; los grupos menores se suprimen",
    )

    pdf_warmup: bool = env_field(
        "MEJORA_REPORTS_PDF_WARMUP",
        True,
        "Cargar WeasyPrint y las fuentes al arrancar (en segundo plano) para que el primer PDF no espere",
    )

    def effective_database_url(self) -> str:
        return self.database_url or self.sqlite_url("reports")


@lru_cache
def get_settings() -> Settings:
    return Settings()
