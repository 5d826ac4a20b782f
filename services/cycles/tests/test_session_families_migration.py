"""Migration 0006: refresh tokens issued before it each get a family, so nobody is logged out by the upgrade."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from cycles_service.db import MIGRATIONS_DIR
from mejora_common.db import make_engine, upgrade


def test_existing_refresh_tokens_get_a_family_each(database_url: str) -> None:
    upgrade(MIGRATIONS_DIR, database_url, "0005")
    engine = make_engine(database_url)
    account_id, live_id, revoked_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO account (id, email, name, password_hash, is_active, failed_logins, created_at) "
                    "VALUES (:id, 'a@demo.cl', 'A', 'x', true, 0, :now)"
                ),
                {"id": account_id.hex if engine.dialect.name == "sqlite" else account_id, "now": now},
            )
            for token_id, revoked in ((live_id, None), (revoked_id, now)):
                conn.execute(
                    sa.text(
                        "INSERT INTO refreshtoken (id, account_id, token_hash, expires_at, revoked_at, created_at) "
                        "VALUES (:id, :account, :hash, :expires, :revoked, :now)"
                    ),
                    {
                        "id": token_id.hex if engine.dialect.name == "sqlite" else token_id,
                        "account": account_id.hex if engine.dialect.name == "sqlite" else account_id,
                        "hash": token_id.hex,
                        "expires": now + timedelta(days=30),
                        "revoked": revoked,
                        "now": now,
                    },
                )
        upgrade(MIGRATIONS_DIR, database_url)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT t.token_hash, f.revoked_at IS NULL, f.revoked_reason, length(f.successor_key) "
                    "FROM refreshtoken t JOIN refresh_token_family f ON f.id = t.family_id ORDER BY t.token_hash"
                )
            ).all()
        expected = sorted(
            [(live_id.hex, True, None, 64), (revoked_id.hex, False, "migrated", 64)], key=lambda row: row[0]
        )
        assert [tuple(row) for row in rows] == expected
    finally:
        engine.dispose()
