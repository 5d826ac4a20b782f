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

    job_lease_seconds: float = env_field(
        "MEJORA_REPORTS_JOB_LEASE_SECONDS",
        30.0,
        "Plazo del arriendo de un trabajo en segundo plano: si su proceso no da señales en ese tiempo, otro lo retoma",
    )
    job_retention_hours: float = env_field(
        "MEJORA_REPORTS_JOB_RETENTION_HOURS",
        24.0,
        "Horas que se conserva el archivo de un trabajo terminado antes de borrarlo",
    )
    worker_poll_seconds: float = env_field(
        "MEJORA_REPORTS_WORKER_POLL_SECONDS",
        0.5,
        "Cada cuánto el proceso de trabajos busca trabajos nuevos cuando no tiene ninguno",
    )
    worker_port: int = env_field(
        "MEJORA_REPORTS_WORKER_PORT",
        0,
        "Puerto de /health y /ready del proceso de trabajos (0: sin servidor de salud)",
    )
    worker_host: str = env_field(
        "MEJORA_REPORTS_WORKER_HOST",
        "127.0.0.1",
        "Interfaz de ese puerto (0.0.0.0 dentro de un contenedor, donde el puerto no se publica)",
    )

    def effective_database_url(self) -> str:
        return self.database_url or self.sqlite_url("reports")


@lru_cache
def get_settings() -> Settings:
    return Settings()
