"""period locks

Revision ID: c1a0d7e2f303
Revises: 9176ade0f778
Create Date: 2026-12-03 10:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c1a0d7e2f303"
down_revision: str | None = "9176ade0f778"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The periods reporting has locked for a city (shared_kit.period_lock).
    op.create_table(
        "period_locks",
        sa.Column("city", sa.String(length=6), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column(
            "locked_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("end_on >= start_on", name=op.f("ck_period_locks_range_ordered")),
        sa.PrimaryKeyConstraint("city", "period", name=op.f("pk_period_locks")),
        schema="talent",
    )


def downgrade() -> None:
    op.drop_table("period_locks", schema="talent")
