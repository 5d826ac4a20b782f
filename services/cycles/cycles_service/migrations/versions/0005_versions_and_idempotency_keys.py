"""versions (ETags) of every changeable row; idempotency keys

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 11:00:00.000000

Every table whose rows can change gets ``version`` (SQLAlchemy's version counter, the ``ETag``), existing rows at
1. A driver diagram's ``version`` is its number in the network's history, so it counts its changes in ``revision``;
a cycle already had ``revision`` (kept: its ETags never go back) and only gains the server default.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import mejora_common.db
from alembic import op


revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = (
    "aim",
    "barrier",
    "diagramnode",
    "event",
    "integration_client",
    "measure",
    "measurepoint",
    "person",
    "school",
)


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
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("driverdiagram", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.alter_column("revision", existing_type=sa.Integer(), server_default="1", existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.alter_column("revision", existing_type=sa.Integer(), server_default=None, existing_nullable=False)
    with op.batch_alter_table("driverdiagram", schema=None) as batch_op:
        batch_op.drop_column("revision")
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
    op.drop_table("idempotency_keys")
