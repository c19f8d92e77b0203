"""The postcode blocking key of each stored record with the first two letters of the first name.

Session 23 changed the key of a postcode and a first initial (``pg:M5 4WT:j``) into one of a postcode and
the first name's first two letters (``pg:M5 4WT:jo``). A record stored before held the old key, which no
new record holds: the blocking keys of every live record holding one are computed again from its stored
features, as the worker computes them now, a thousand records at a time.

A hub of a million people on PostgreSQL takes about two minutes. Every record's rows of blocking_keys are
rewritten, so vacuum the tables once it is done (``VACUUM (FULL, ANALYZE)`` while the workers are
stopped): on the copy as migrated, unvacuumed, the workers took new records a fifth slower
(bench/README "Session 23").

Revision ID: 0009
Revises: 0008
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000


def upgrade() -> None:
    from hub.store.bulk import dumps
    from matching.blocking import blocking_keys

    records = sa.table(
        "source_records",
        sa.column("source_key", sa.String),
        sa.column("features", sa.Text),
        sa.column("blocking", sa.Text),
        sa.column("deleted", sa.Boolean),
    )
    keys = sa.table("blocking_keys", sa.column("key", sa.String), sa.column("source_key", sa.String))
    connection = op.get_bind()
    after = ""
    while True:
        rows = connection.execute(
            sa.select(records.c.source_key, records.c.features, records.c.blocking)
            .where(
                records.c.source_key > after,
                records.c.features.is_not(None),
                records.c.blocking.like('%"pg:%'),
                records.c.deleted.is_(False),
            )
            .order_by(records.c.source_key)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        after = rows[-1][0]
        dropped: list[dict[str, str]] = []
        added: list[dict[str, str]] = []
        changed: list[dict[str, str]] = []
        for source_key, features, blocking in rows:
            old = set(json.loads(blocking))
            new = set(blocking_keys(json.loads(features)))
            if new == old:
                continue
            dropped.extend({"k": k, "s": source_key} for k in sorted(old - new))
            added.extend({"key": k, "source_key": source_key} for k in sorted(new - old))
            changed.append({"s": source_key, "b": dumps(sorted(new))})
        if dropped:
            connection.execute(
                keys.delete().where(keys.c.key == sa.bindparam("k"), keys.c.source_key == sa.bindparam("s")),
                dropped,
            )
        if added:
            connection.execute(keys.insert(), added)
        if changed:
            connection.execute(
                records.update()
                .where(records.c.source_key == sa.bindparam("s"))
                .values(blocking=sa.bindparam("b")),
                changed,
            )


def downgrade() -> None:
    """Nothing to undo: the code of an older revision computes each record's keys again when it changes,
    and until then finds it by its other keys."""
