"""access, audit and wrong-match reports (issue 5)

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_records",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=150), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("line", sa.String(length=64), nullable=True),
        sa.Column("purpose", sa.String(length=100), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_records_at", "audit_records", ["at"])
    op.create_index("ix_audit_records_actor", "audit_records", ["actor"])
    op.create_index("ix_audit_records_action", "audit_records", ["action"])
    op.create_table(
        "audit_citizens",
        sa.Column("audit_id", _ID, nullable=False),
        sa.Column("citizen_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("audit_id", "citizen_id"),
    )
    op.create_index("ix_audit_citizens_citizen_id", "audit_citizens", ["citizen_id"])
    op.create_table(
        "wrong_match_reports",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("task_id", _ID, nullable=False),
        sa.Column("citizen_id", sa.String(length=32), nullable=False),
        sa.Column("source_key", sa.String(length=200), nullable=False),
        sa.Column("reported_by", sa.String(length=150), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_wrong_match_reports_task_id", "wrong_match_reports", ["task_id"])
    op.create_index("ix_wrong_match_reports_citizen_id", "wrong_match_reports", ["citizen_id"])


def downgrade() -> None:
    op.drop_table("wrong_match_reports")
    op.drop_table("audit_citizens")
    op.drop_table("audit_records")
