"""HTTP routers of the observations service (thin: validation, authorisation, calls into crud)."""
