"""versions (ETags) of observations and instruments; idempotency keys

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00.000000

An observation's ``revision`` becomes its ``version`` (the ETag, SQLAlchemy's version counter): the count each
row already had is kept, so an ETag never goes back. Instruments get a ``revision`` counter starting at 1.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import mejora_common.db
from alembic import op


revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("request_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("running", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("etag", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", mejora_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key"),
    )
    with op.batch_alter_table("instrument", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.execute("UPDATE observation SET version = revision")
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_column("revision")


def downgrade() -> None:
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
    op.execute("UPDATE observation SET revision = version")
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_column("version")
    with op.batch_alter_table("instrument", schema=None) as batch_op:
        batch_op.drop_column("revision")
    op.drop_table("idempotency_keys")
