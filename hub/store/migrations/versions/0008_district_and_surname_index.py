"""The source records by postcode district and surname, in place of the index of the district alone.

An agent's search for a surname near a district ("Smith", "M5") asked two indexes for two lists and kept
the records on both: every holder of the surname and every record of the district (at 100,000 people,
2,257 Smiths and 15,137 records in M5). The two columns together find the Smiths of M5 alone. A search by
the district alone still uses it, by its first column.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_source_records_district_family", "source_records", ["postcode_district", "family_norm"]
    )
    op.drop_index("ix_source_records_district", table_name="source_records")


def downgrade() -> None:
    op.create_index("ix_source_records_district", "source_records", ["postcode_district"])
    op.drop_index("ix_source_records_district_family", table_name="source_records")
