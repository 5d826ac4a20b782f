"""Gateway settings (environment variables; see the README)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from mejora_common.settings import CommonSettings, env_field

from .upstreams import split_upstreams

REPO_FRONTEND_DIST = Path(__file__).resolve().parents[3] / "frontend" / "dist"


class GatewaySettings(CommonSettings):
    frontend_dir: Path = env_field("MEJORA_FRONTEND_DIR", REPO_FRONTEND_DIST)
    cors_origins: str = env_field("MEJORA_CORS_ORIGINS", "")
    connect_timeout: float = env_field("MEJORA_GATEWAY_CONNECT_TIMEOUT", 3.0)
    read_timeout: float = env_field("MEJORA_GATEWAY_READ_TIMEOUT", 60.0)
    health_timeout: float = env_field("MEJORA_GATEWAY_HEALTH_TIMEOUT", 2.0)
    # The gateway's own metrics, on an internal port (gateway/metrics.py); 0: not served.
    metrics_port: int = env_field("MEJORA_GATEWAY_METRICS_PORT", 0)
    metrics_host: str = env_field("MEJORA_GATEWAY_METRICS_HOST", "127.0.0.1")

    def upstreams(self, service: str) -> tuple[str, ...]:
        """The base URLs of a service's instances: ``MEJORA_<SERVICE>_URL`` may list several, comma-separated."""
        listed = split_upstreams(getattr(self, f"{service}_url"))
        return listed or (super().service_url(service),)

    def service_url(self, service: str) -> str:
        """The first instance (the system health check and the API document ask it; requests use them all)."""
        return self.upstreams(service)[0]

    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]


@lru_cache
def get_settings() -> GatewaySettings:
    return GatewaySettings()
