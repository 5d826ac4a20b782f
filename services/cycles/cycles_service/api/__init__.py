"""HTTP routers of the cycles service (thin: validation, authorisation, calls into services)."""
