"""Shared foundation for the Mejora en Red services.

Small on purpose: settings, problem+json errors, token verification, health,
structured logging, request ids, database and migration helpers, and the one
HTTP client services use to talk to each other. No domain code lives here.
"""
