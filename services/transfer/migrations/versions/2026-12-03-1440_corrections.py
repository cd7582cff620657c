"""corrections and withdrawals

Revision ID: d4e1c0aa1504
Revises: d2b1e8f3a414
Create Date: 2026-12-03 14:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared_kit import corrections

revision: str = "d4e1c0aa1504"
down_revision: str | None = "d2b1e8f3a414"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "transfer"


def upgrade() -> None:
    # A withdrawn record stays stored, with its own status: when and why it was withdrawn.
    op.add_column(
        "tech_contracts",
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        schema=SCHEMA,
    )
    op.add_column(
        "tech_contracts", sa.Column("withdrawal_reason", sa.Text(), nullable=True), schema=SCHEMA
    )
    op.drop_constraint(op.f("ck_tech_contracts_status_known"), "tech_contracts", schema=SCHEMA)
    op.create_check_constraint(
        op.f("ck_tech_contracts_status_known"),
        "tech_contracts",
        "status IN ('registered','revoked','withdrawn')",
        schema=SCHEMA,
    )
    # Registered achievements may be withdrawn by their city bureau as well.
    for column in (
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
    ):
        op.add_column("achievements", column, schema=SCHEMA)
    op.drop_constraint(op.f("ck_achievements_status_known"), "achievements", schema=SCHEMA)
    op.create_check_constraint(
        op.f("ck_achievements_status_known"),
        "achievements",
        "status IN ('registered','revoked','withdrawn')",
        schema=SCHEMA,
    )
    # The history of corrections and withdrawals, and the requests the department decides.
    corrections.install(op, SCHEMA)


def downgrade() -> None:
    corrections.uninstall(op, SCHEMA)
    for column in ("withdrawal_reason", "withdrawn_at"):
        op.drop_column("achievements", column, schema=SCHEMA)
    op.drop_column("tech_contracts", "withdrawal_reason", schema=SCHEMA)
    op.drop_column("tech_contracts", "withdrawn_at", schema=SCHEMA)
