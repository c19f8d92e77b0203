"""Another surname and first name of each source record, for agents' searches (a birth surname, the name
the person goes by), with a partial index of the records holding another surname.

The columns of records already stored are filled from their payloads, a thousand at a time.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HOLDS_OTHER: sa.ColumnClause[bool] = sa.literal_column("other_family_norm IS NOT NULL")
_BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("source_records") as batch:
        batch.add_column(sa.Column("other_family_norm", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("other_given_norm", sa.String(length=100), nullable=True))
    _fill_in()
    op.create_index(
        "ix_source_records_other_family",
        "source_records",
        ["other_family_norm"],
        postgresql_where=_HOLDS_OTHER,
        sqlite_where=_HOLDS_OTHER,
    )


def _fill_in() -> None:
    """The two columns of every live record stored before, as the worker writes them now."""
    from contracts import PersonRecord
    from hub.worker.records import search_columns

    records = sa.table(
        "source_records",
        sa.column("source_key", sa.String),
        sa.column("payload", sa.Text),
        sa.column("deleted", sa.Boolean),
        sa.column("other_family_norm", sa.String),
        sa.column("other_given_norm", sa.String),
    )
    connection = op.get_bind()
    after = ""
    while True:
        rows = connection.execute(
            sa.select(records.c.source_key, records.c.payload)
            .where(records.c.source_key > after, records.c.payload.is_not(None), records.c.deleted.is_(False))
            .order_by(records.c.source_key)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        after = rows[-1][0]
        filled = []
        for key, payload in rows:
            columns = search_columns(PersonRecord.model_validate_json(payload))
            if columns["other_family_norm"] or columns["other_given_norm"]:
                filled.append(
                    {"key": key, "family": columns["other_family_norm"], "given": columns["other_given_norm"]}
                )
        if filled:
            connection.execute(
                records.update()
                .where(records.c.source_key == sa.bindparam("key"))
                .values(other_family_norm=sa.bindparam("family"), other_given_norm=sa.bindparam("given")),
                filled,
            )


def downgrade() -> None:
    op.drop_index("ix_source_records_other_family", table_name="source_records")
    with op.batch_alter_table("source_records") as batch:
        batch.drop_column("other_given_norm")
        batch.drop_column("other_family_norm")
