"""HTTP routers of the observations service (thin: validation, authorisation, calls into the service layer)."""
