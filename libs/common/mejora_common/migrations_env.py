"""The body of every service's Alembic ``env.py``: one implementation, three callers."""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData

from .db import make_engine


def run_migrations(target_metadata: MetaData, default_url: str) -> None:
    config = context.config
    url = config.get_main_option("sqlalchemy.url") or default_url
    render_as_batch = url.startswith("sqlite")  # SQLite needs batch mode to alter tables
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=render_as_batch)
        with context.begin_transaction():
            context.run_migrations()
        return
    connectable = make_engine(url)
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=render_as_batch,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    connectable.dispose()
