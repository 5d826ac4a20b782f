"""Moved to :mod:`cycles_service.service.security`; kept while ``seed.py`` imports it from here."""

from __future__ import annotations

from .service.security import digest, hash_password, new_refresh_token, verify_password

__all__ = ["digest", "hash_password", "new_refresh_token", "verify_password"]
