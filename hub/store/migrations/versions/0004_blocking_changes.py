"""A log of the blocking keys each transaction changed, so a locked batch re-reads only those.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blocking_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("xid", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("keys", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_blocking_changes_xid", "blocking_changes", ["xid"])
    op.create_index("ix_blocking_changes_at", "blocking_changes", ["at"])
    pruned = op.create_table(
        "blocking_changes_pruned",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("through", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(pruned, [{"id": 1, "through": 0}])


def downgrade() -> None:
    op.drop_table("blocking_changes_pruned")
    op.drop_index("ix_blocking_changes_at", table_name="blocking_changes")
    op.drop_index("ix_blocking_changes_xid", table_name="blocking_changes")
    op.drop_table("blocking_changes")
