"""stored scores: one row per dimension and domain of each submitted observation

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 13:50:00

Issue 12, point 1: scores are computed once, when an observation is submitted or amended, and stored as rows
(``observation_score``), so results aggregate them in SQL. The upgrade backfills every submitted observation with
the same pure scoring functions the service uses (``observations_service.domain.stored_scores``).
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

from observations_service.domain.instrument import load_instrument
from observations_service.domain.scoring import ScoringError
from observations_service.domain.stored_scores import rows_from_cycles

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000


def _backfill(table: sa.Table) -> None:
    bind = op.get_bind()
    observation = sa.table(
        "observation",
        sa.column("id", sa.Uuid()),
        sa.column("instrument_id", sa.Uuid()),
        sa.column("status", sa.String()),
        sa.column("cycles", sa.JSON()),
    )
    instrument = sa.table("instrument", sa.column("id", sa.Uuid()), sa.column("definition", sa.JSON()))
    specs = {row.id: load_instrument(row.definition) for row in bind.execute(sa.select(instrument))}
    query = sa.select(observation.c.id, observation.c.instrument_id, observation.c.cycles).where(
        observation.c.status == "submitted"
    )
    values: list[dict[str, Any]] = []
    for row in bind.execute(query):
        spec = specs.get(row.instrument_id)
        if spec is None:
            continue
        try:
            values.extend(rows_from_cycles(row.id, spec, row.cycles or []))
        except ScoringError:
            continue
        if len(values) >= BATCH:
            bind.execute(sa.insert(table), values)
            values = []
    if values:
        bind.execute(sa.insert(table), values)


def upgrade() -> None:
    table = op.create_table(
        "observation_score",
        sa.Column("observation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("domain_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("mean", sa.Float(), nullable=False),
        sa.Column("adjusted", sa.Float(), nullable=False),
        sa.Column("band", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.Column("n_cycles", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["observation_id"], ["observation.id"]),
        sa.PrimaryKeyConstraint("observation_id", "kind", "code"),
    )
    assert table is not None
    _backfill(table)


def downgrade() -> None:
    op.drop_table("observation_score")
