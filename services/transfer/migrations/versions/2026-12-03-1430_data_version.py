"""data version: the log every table's statement trigger appends to (indicator ETags)

Revision ID: d7a1e5f0c004
Revises: c1a0d7e2f304
Create Date: 2026-12-03 14:30:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op

from shared_kit import data_version

revision: str = "d7a1e5f0c004"
down_revision: str | None = "c1a0d7e2f304"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tables added by later migrations are attached after every upgrade (shared_kit.migrations).
    data_version.install(op.get_bind(), "transfer")


def downgrade() -> None:
    data_version.uninstall(op.get_bind(), "transfer")
