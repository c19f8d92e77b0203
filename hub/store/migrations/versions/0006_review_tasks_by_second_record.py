"""An index of the review tasks by their second record.

A record matched again settles the open tasks it is in, on either side; by its first record the
(a, b) unique index finds them, by its second this one.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_review_tasks_b", "review_tasks", ["b"])


def downgrade() -> None:
    op.drop_index("ix_review_tasks_b", table_name="review_tasks")
