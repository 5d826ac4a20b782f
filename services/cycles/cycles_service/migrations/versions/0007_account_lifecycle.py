"""account lifecycle

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:39:08.927069

Single-use links (invitations, password resets, login challenges) stored as digests, each account's security state
(sessions ended before a moment, awaiting its first password, TOTP second factor) and its hashed recovery codes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import mejora_common.db
from alembic import op


revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_security",
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("awaiting_password", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("sessions_valid_after", mejora_common.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("totp_secret", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("totp_pending_secret", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("totp_last_counter", sa.Integer(), nullable=True),
        sa.Column("totp_enabled_at", mejora_common.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", mejora_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("account_id"),
    )
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("used_at", mejora_common.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", mejora_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_code_account_id"), ["account_id"], unique=False)

    op.create_table(
        "account_token",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("expires_at", mejora_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", mejora_common.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", mejora_common.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", mejora_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("account_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_token_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_token_token_hash"), ["token_hash"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("account_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_token_token_hash"))
        batch_op.drop_index(batch_op.f("ix_account_token_account_id"))

    op.drop_table("account_token")
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_code_account_id"))

    op.drop_table("recovery_code")
    op.drop_table("account_security")
