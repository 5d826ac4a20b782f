"""E-mail: through SMTP when ``MEJORA_SMTP_HOST`` is set, else to an outbox folder in the data directory.

Messages are sent after the answer (a FastAPI background task, run in a worker thread: ``smtplib`` blocks), so
the time an answer takes never depends on whether a message was sent (the password reset must not tell whether
an account exists) and a slow mail server never holds a request. A message that cannot be delivered is logged
(``mail_failed``, with its recipient and subject, never its body: it carries a link) and not retried; the person
asks again (a new invitation or reset link).

Without a host (the embedded default) each message is written to ``<data dir>/outbox/<time>-<id>.eml`` (mode
0600, in a 0700 folder), and a ``mail_written`` log line names the file, so ``make run`` works without a server.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from ..settings_accounts import AccountLifecycleSettings

logger = logging.getLogger("mejora.cycles.mail")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str


def build_message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="mejora-en-red")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text)
    return message


def _smtp(settings: AccountLifecycleSettings) -> smtplib.SMTP:
    timeout = settings.smtp_timeout_seconds
    if settings.smtp_security == "tls":
        return smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=ssl.create_default_context()
        )
    client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    if settings.smtp_security == "starttls":
        client.starttls(context=ssl.create_default_context())
    return client


def _write_outbox(settings: AccountLifecycleSettings, message: EmailMessage) -> Path:
    folder = settings.ensure_data_dir() / "outbox"
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(message.as_bytes())
    return path


def send(settings: AccountLifecycleSettings, mail: Mail) -> None:
    """Deliver one message (SMTP or the outbox); failures are logged, never raised (it runs after the answer)."""
    message = build_message(mail, settings.smtp_from)
    fields = {"to": mail.to, "subject": mail.subject}
    try:
        if not settings.smtp_host:
            path = _write_outbox(settings, message)
            logger.warning(
                "no SMTP server configured: e-mail written to the outbox",
                extra={"fields": {"event": "mail_written", "path": str(path), **fields}},
            )
            return
        with _smtp(settings) as client:
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password)
            client.send_message(message)
        logger.info("e-mail sent", extra={"fields": {"event": "mail_sent", **fields}})
    except (OSError, smtplib.SMTPException) as exc:
        logger.error(
            "e-mail could not be delivered",
            extra={"fields": {"event": "mail_failed", "error": type(exc).__name__, **fields}},
        )
