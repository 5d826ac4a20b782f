"""refresh-token families

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 12:45:00.000000

Each login starts a family of refresh tokens (``refresh_token_family``); a token records when it was rotated and
its successor. Tokens issued before this revision each get a family of their own, so nobody is logged out by the
upgrade.
"""

import secrets
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import mejora_common.db
from alembic import op


revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "refresh_token_family",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("successor_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", mejora_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", mejora_common.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("refresh_token_family", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refresh_token_family_account_id"), ["account_id"], unique=False)

    with op.batch_alter_table("refreshtoken", schema=None) as batch_op:
        batch_op.add_column(sa.Column("family_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("rotated_at", mejora_common.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("successor_id", sa.Uuid(), nullable=True))

    # Existing tokens: one family each (same id as the token), revoked if the token was.
    bind = op.get_bind()
    token = sa.table(
        "refreshtoken",
        sa.column("id", sa.Uuid()),
        sa.column("account_id", sa.Uuid()),
        sa.column("family_id", sa.Uuid()),
        sa.column("created_at", mejora_common.db.UTCDateTime(timezone=True)),
        sa.column("revoked_at", mejora_common.db.UTCDateTime(timezone=True)),
    )
    family = sa.table(
        "refresh_token_family",
        sa.column("id", sa.Uuid()),
        sa.column("account_id", sa.Uuid()),
        sa.column("successor_key", sa.String()),
        sa.column("created_at", mejora_common.db.UTCDateTime(timezone=True)),
        sa.column("revoked_at", mejora_common.db.UTCDateTime(timezone=True)),
        sa.column("revoked_reason", sa.String()),
    )
    rows = bind.execute(sa.select(token.c.id, token.c.account_id, token.c.created_at, token.c.revoked_at)).all()
    for token_id, account_id, created_at, revoked_at in rows:
        family_id: uuid.UUID = token_id
        bind.execute(
            family.insert().values(
                id=family_id,
                account_id=account_id,
                successor_key=secrets.token_hex(32),
                created_at=created_at,
                revoked_at=revoked_at,
                revoked_reason="migrated" if revoked_at is not None else None,
            )
        )
        bind.execute(token.update().where(token.c.id == token_id).values(family_id=family_id))

    with op.batch_alter_table("refreshtoken", schema=None) as batch_op:
        batch_op.alter_column("family_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.create_index(batch_op.f("ix_refreshtoken_family_id"), ["family_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_refreshtoken_family_id_refresh_token_family", "refresh_token_family", ["family_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("refreshtoken", schema=None) as batch_op:
        batch_op.drop_constraint("fk_refreshtoken_family_id_refresh_token_family", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_refreshtoken_family_id"))
        batch_op.drop_column("successor_id")
        batch_op.drop_column("rotated_at")
        batch_op.drop_column("family_id")

    with op.batch_alter_table("refresh_token_family", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refresh_token_family_account_id"))
    op.drop_table("refresh_token_family")
