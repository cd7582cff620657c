"""expert conflicts sent by another service carry their reference

Revision ID: a5c3e1f0d742
Revises: d4e1c0aa1503
Create Date: 2026-12-03 17:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a5c3e1f0d742"
down_revision: str | None = "d4e1c0aa1503"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "talent"


def upgrade() -> None:
    # A conflict an expert declares in a projects review round is recorded here too; the
    # reference makes projects' re-sends (after a lost answer) land once.
    op.add_column(
        "expert_conflicts",
        sa.Column("source_ref", sa.String(100), nullable=True),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_expert_conflicts_source",
        "expert_conflicts",
        ["expert_id", "source_ref"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("source_ref IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_expert_conflicts_source", "expert_conflicts", schema=SCHEMA)
    op.drop_column("expert_conflicts", "source_ref", schema=SCHEMA)
