"""view log of teacher-level data

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 12:40:44.802336

One append-only row per answer that showed a teacher's observation data to someone other than the teacher
(docs/privacy.md, "The view log of teacher-level data").
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import mejora_common.db
from alembic import op


revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "view_log",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("viewed_at", mejora_common.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.Column("teacher_id", sa.Uuid(), nullable=False),
        sa.Column("viewer_account_id", sa.Uuid(), nullable=False),
        sa.Column("viewer_person_id", sa.Uuid(), nullable=True),
        sa.Column("viewer_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("viewer_role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("observation_ids", sa.JSON(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("request_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("view_log", schema=None) as batch_op:
        batch_op.create_index("ix_view_log_network_viewed_at", ["network_id", "viewed_at"], unique=False)
        batch_op.create_index("ix_view_log_teacher_viewed_at", ["teacher_id", "viewed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_view_log_viewed_at"), ["viewed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("view_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_view_log_viewed_at"))
        batch_op.drop_index("ix_view_log_teacher_viewed_at")
        batch_op.drop_index("ix_view_log_network_viewed_at")

    op.drop_table("view_log")
