"""approval intents: a decision whose locks are being pushed to the services

Revision ID: e3c2f9a4b521
Revises: d7a1c0e9b201
Create Date: 2026-12-03 15:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e3c2f9a4b521"
down_revision: str | None = "d7a1c0e9b201"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Committed before the lock calls, deleted with the state change: a row left behind
    # means the services may hold locks the state does not claim (healed on read).
    op.create_table(
        "approval_intents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("city", sa.String(length=6), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_intents")),
        schema="reporting",
    )
    op.create_index(
        "ix_approval_intents_period_city",
        "approval_intents",
        ["period", "city"],
        schema="reporting",
    )


def downgrade() -> None:
    op.drop_table("approval_intents", schema="reporting")
