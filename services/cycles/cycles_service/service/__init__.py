"""The service layer: use cases, transactions, authorization decisions and the SQL queries behind the routers.

One module per topic (directory, planning, work, measures, calendar, accounts, integrations, networks);
HTTP stays in ``api/``, pure rules in ``domain/``.
"""
