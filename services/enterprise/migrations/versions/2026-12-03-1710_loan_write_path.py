"""loans: drop what the batch upsert paid for and no read uses

The foreign key from loans.last_batch_id to loan_batches ran one row trigger per
upserted loan; the batch row is written by the same statement's transaction just
before, and batches are never deleted. ix_loans_bank_disbursed served only the bank's
reconciliation (one bank, one day), which ix_loans_disbursed_on serves as well.

Revision ID: e5b3c1d9a017
Revises: d4e1c0aa1502
Create Date: 2026-12-03 17:10:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "e5b3c1d9a017"
down_revision: str | None = "d4e1c0aa1502"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint(
        "fk_loans_last_batch_id_loan_batches", "loans", schema="enterprise", type_="foreignkey"
    )
    op.drop_index("ix_loans_bank_disbursed", table_name="loans", schema="enterprise")


def downgrade() -> None:
    op.create_index(
        "ix_loans_bank_disbursed", "loans", ["bank_code", "disbursed_on"], schema="enterprise"
    )
    op.create_foreign_key(
        "fk_loans_last_batch_id_loan_batches",
        "loans",
        "loan_batches",
        ["last_batch_id"],
        ["id"],
        source_schema="enterprise",
        referent_schema="enterprise",
    )
