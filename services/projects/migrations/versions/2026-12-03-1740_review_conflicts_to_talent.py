"""a conflict declared in a review round remembers when talent recorded it

Revision ID: b6d4f2a1e853
Revises: d4e1c0aa1501
Create Date: 2026-12-03 17:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b6d4f2a1e853"
down_revision: str | None = "d4e1c0aa1501"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "projects"


def upgrade() -> None:
    # Null while talent's expert database does not have the conflict yet: the next draw
    # sends it first (conflicts declared before this revision included).
    op.add_column(
        "review_assignments",
        sa.Column("talent_recorded_at", sa.DateTime(timezone=True), nullable=True),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_column("review_assignments", "talent_recorded_at", schema=SCHEMA)
