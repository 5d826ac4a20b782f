"""Report builders: read the siblings through :mod:`reports_service.sources`, apply the rules, build models."""
