"""A partial index of the source records whose person has a protected address, by citizen.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PROTECTED = sa.literal_column("payload").like(sa.literal_column("""'%"protected_address":true%'"""))


def upgrade() -> None:
    op.create_index(
        "ix_source_records_protected",
        "source_records",
        ["citizen_id"],
        postgresql_where=_PROTECTED,
        sqlite_where=_PROTECTED,
    )


def downgrade() -> None:
    op.drop_index("ix_source_records_protected", table_name="source_records")
