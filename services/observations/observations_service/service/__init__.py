"""The service layer: use cases, transactions, authorisation decisions and the SQL queries behind the routers."""
