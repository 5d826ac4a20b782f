"""Settings of browser and app sessions: refresh-token reuse grace, cookies (see docs/security.md)."""

from __future__ import annotations

from mejora_common.settings import CommonSettings, env_field


class SessionSettings(CommonSettings):
    refresh_grace_seconds: int = env_field(
        "MEJORA_REFRESH_GRACE_SECONDS",
        10,
        "Segundos en que un token de renovación ya rotado devuelve el mismo sucesor (pestañas simultáneas)",
    )
    cookie_secure: bool = env_field(
        "MEJORA_COOKIE_SECURE",
        False,
        "Cookies de sesión siempre con Secure (sin esto, solo cuando la solicitud llega por HTTPS)",
    )
