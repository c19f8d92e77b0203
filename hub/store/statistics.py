"""Planner statistics kept fresh while tables grow fast (PostgreSQL).

During a council's first load every table grows from nothing to millions of rows in an hour or so. The
autovacuum daemon refreshes statistics after enough changes, but on a busy machine it falls behind: in
the million-people benchmark `review_tasks` had never been analysed at 49,000 rows, and a plan chosen
on its stale statistics read every open task for every key, 11 s a batch (bench/README, "Round 6").
Workers therefore analyse, now and then, the tables whose rows changed by more than a fifth since their
last analysis (by anyone) and that nobody has analysed for a few minutes. ANALYZE reads a sample and
does not block reads or writes.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from hub.store.bulk import is_postgres

STALE_SHARE = 0.2
"""Changes since the last analysis, as a share of the table's rows, that make its statistics stale."""

MIN_CHANGES = 1000
"""Fewer changes than this never make a table's statistics stale (small tables are planned alike)."""

MIN_AGE_SECONDS = 300
"""A table analysed less long ago than this is left alone."""

_STALE_PG = """
SELECT relname FROM pg_stat_user_tables
WHERE schemaname = current_schema()
AND n_mod_since_analyze >= greatest(:least, :share * n_live_tup)
AND coalesce(greatest(last_analyze, last_autoanalyze), '-infinity') < now() - make_interval(secs => :age)
ORDER BY relname
"""


def stale_tables(session: Session) -> list[str]:
    """The hub's tables whose statistics are stale (none on SQLite, whose planner needs none)."""
    if not is_postgres(session):
        return []
    rows = session.execute(
        text(_STALE_PG), {"least": MIN_CHANGES, "share": STALE_SHARE, "age": MIN_AGE_SECONDS}
    )
    return [name for (name,) in rows]


def analyse_stale_tables(session: Session) -> list[str]:
    """ANALYZE each table :func:`stale_tables` names, in the caller's transaction; returns their names."""
    names = stale_tables(session)
    quote = session.get_bind().dialect.identifier_preparer.quote
    for name in names:
        session.execute(text(f"ANALYZE {quote(name)}"))
    return names
