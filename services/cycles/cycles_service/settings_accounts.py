"""Settings of the account lifecycle: e-mail through SMTP, link lifetimes, the second-factor rule (see the README).

Without ``MEJORA_SMTP_HOST`` (the embedded default) no e-mail leaves the machine: each message is written as an
``.eml`` file, readable only by its owner, to ``<data dir>/outbox/`` and its recipient and subject are logged, so
``make run`` works without a mail server and the links can be opened from there.
"""

from __future__ import annotations

from pydantic import field_validator

from mejora_common.settings import CommonSettings, env_field

SMTP_SECURITY = ("starttls", "tls", "none")


class AccountLifecycleSettings(CommonSettings):
    smtp_host: str = env_field("MEJORA_SMTP_HOST", "")
    smtp_port: int = env_field("MEJORA_SMTP_PORT", 587)
    smtp_security: str = env_field("MEJORA_SMTP_SECURITY", "starttls")
    """``starttls`` (port 587), ``tls`` (implicit TLS, port 465) or ``none`` (a relay on loopback only)."""
    smtp_user: str = env_field("MEJORA_SMTP_USER", "")
    smtp_password: str = env_field("MEJORA_SMTP_PASSWORD", "")
    smtp_from: str = env_field("MEJORA_SMTP_FROM", "Mejora en Red <no-responder@mejora-en-red.local>")
    smtp_timeout_seconds: float = env_field("MEJORA_SMTP_TIMEOUT", 10.0)
    public_url: str = env_field("MEJORA_PUBLIC_URL", "")
    """The web app's address in the links of e-mails; by default ``http://127.0.0.1:<MEJORA_PORT>``."""
    invitation_days: int = env_field("MEJORA_INVITATION_DAYS", 7)
    password_reset_minutes: int = env_field("MEJORA_PASSWORD_RESET_MINUTES", 60)
    mfa_challenge_minutes: int = env_field("MEJORA_MFA_CHALLENGE_MINUTES", 5)
    require_mfa_for: str = env_field("MEJORA_REQUIRE_MFA_FOR", "")
    """Comma-separated roles whose accounts must use a second factor, e.g. ``coordinator``."""

    @field_validator("smtp_security")
    @classmethod
    def _known_security(cls, value: str) -> str:
        if value not in SMTP_SECURITY:
            raise ValueError(f"MEJORA_SMTP_SECURITY debe ser uno de {', '.join(SMTP_SECURITY)}")
        return value

    def web_url(self) -> str:
        return (self.public_url or f"http://127.0.0.1:{self.port}").rstrip("/")

    def mfa_roles(self) -> frozenset[str]:
        return frozenset(role.strip() for role in self.require_mfa_for.split(",") if role.strip())
