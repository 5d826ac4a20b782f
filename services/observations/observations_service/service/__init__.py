"""The service layer: use cases, transactions, authorisation decisions and the SQL queries behind the routers."""

from . import stored_scores as stored_scores  # registers the listener that keeps stored scores in step
