"""period lock guards: triggers refusing writes into a locked city's period

Revision ID: d2b1e8f3a412
Revises: d7a1e5f0c002
Create Date: 2026-12-03 15:00:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op

from enterprise_service.period_locks import GUARDS, MOVES
from shared_kit.period_lock import drop_guards_ddl, guard_ddl, move_ddl

revision: str = "d2b1e8f3a412"
down_revision: str | None = "d7a1e5f0c002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Generated from the service's GUARDS; a change of GUARDS needs a migration that runs
    # guard_ddl again (tests/platform/test_period_lock_coverage.py compares the installed ones).
    for statement in guard_ddl(GUARDS, "enterprise"):
        op.execute(statement)
    for move in MOVES:
        for statement in move_ddl(move, "enterprise"):
            op.execute(statement)


def downgrade() -> None:
    for statement in drop_guards_ddl([*GUARDS, *MOVES], "enterprise"):
        op.execute(statement)
