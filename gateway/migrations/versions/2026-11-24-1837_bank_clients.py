"""bank clients

Revision ID: 52897abbf2af
Revises: 7b48402c8672
Create Date: 2026-11-24 18:37:50.819196+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "52897abbf2af"
down_revision: str | None = "7b48402c8672"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bank_clients",
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("bank", sa.String(length=64), nullable=False),
        sa.Column("alg", sa.String(length=16), nullable=False),
        sa.Column("secret", sa.Text(), nullable=True),
        sa.Column("public_key", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(alg = 'hmac-sha256' AND secret IS NOT NULL AND public_key IS NULL) OR (alg = 'ed25519' AND public_key IS NOT NULL AND secret IS NULL)",
            name=op.f("ck_bank_clients_key_material_matches_alg"),
        ),
        sa.CheckConstraint(
            "alg IN ('hmac-sha256','ed25519')", name=op.f("ck_bank_clients_alg_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_clients")),
        sa.UniqueConstraint("key_id", name=op.f("uq_bank_clients_key_id")),
        schema="gateway",
    )
    op.create_index(
        op.f("ix_gateway_bank_clients_bank"),
        "bank_clients",
        ["bank"],
        unique=False,
        schema="gateway",
    )
    op.create_table(
        "bank_nonces",
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=128), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("key_id", "nonce", name=op.f("pk_bank_nonces")),
        schema="gateway",
    )
    op.create_index(
        "ix_bank_nonces_created_at", "bank_nonces", ["created_at"], unique=False, schema="gateway"
    )


def downgrade() -> None:
    op.drop_index("ix_bank_nonces_created_at", table_name="bank_nonces", schema="gateway")
    op.drop_table("bank_nonces", schema="gateway")
    op.drop_index(op.f("ix_gateway_bank_clients_bank"), table_name="bank_clients", schema="gateway")
    op.drop_table("bank_clients", schema="gateway")
