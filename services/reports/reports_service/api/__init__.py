"""HTTP routers of the reports service (thin: validation, authorisation, calls into crud)."""
