"""service log visits unique

Revision ID: 9176ade0f778
Revises: 8aaec6d2f17b
Create Date: 2026-11-24 18:47:42.877120+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9176ade0f778"
down_revision: str | None = "8aaec6d2f17b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Hand-written: autogenerate cannot see this schema's existing tables (see report).
    op.create_unique_constraint(
        "uq_commissioner_service_logs_visit",
        "commissioner_service_logs",
        ["dispatch_id", "village_code", "served_on"],
        schema="talent",
    )


def downgrade() -> None:
    op.drop_constraint(
        "uq_commissioner_service_logs_visit",
        "commissioner_service_logs",
        type_="unique",
        schema="talent",
    )
