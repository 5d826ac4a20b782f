"""Use cases: read the siblings through :mod:`reports_service.clients`, apply the rules, build the reports."""
