"""corrections and withdrawals

Revision ID: d4e1c0aa1502
Revises: d2b1e8f3a412
Create Date: 2026-12-03 14:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared_kit import corrections

revision: str = "d4e1c0aa1502"
down_revision: str | None = "d2b1e8f3a412"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "enterprise"


def upgrade() -> None:
    # A withdrawn record stays stored: when and why it was withdrawn.
    op.add_column(
        "training_sessions",
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        schema=SCHEMA,
    )
    op.add_column(
        "training_sessions", sa.Column("withdrawal_reason", sa.Text(), nullable=True), schema=SCHEMA
    )
    op.add_column(
        "training_sessions",
        sa.Column("status", sa.String(length=16), server_default="held", nullable=False),
        schema=SCHEMA,
    )
    op.create_check_constraint(
        op.f("ck_training_sessions_status_known"),
        "training_sessions",
        "status IN ('held','withdrawn')",
        schema=SCHEMA,
    )
    # The history of corrections and withdrawals, and the requests the department decides.
    corrections.install(op, SCHEMA)


def downgrade() -> None:
    corrections.uninstall(op, SCHEMA)
    op.drop_column("training_sessions", "withdrawal_reason", schema=SCHEMA)
    op.drop_column("training_sessions", "withdrawn_at", schema=SCHEMA)
    op.drop_column("training_sessions", "status", schema=SCHEMA)
