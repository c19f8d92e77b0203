"""How the database answers an agent's search: by the index that finds the rows asked for, not by lists of
rows the search then throws away."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, text

from hub.citizens.search import SearchQuery, _filtered, parse_name
from hub.store.db import Database
from hub.store.models import SourceRecord

T = datetime(2024, 1, 1, tzinfo=UTC)
SURNAMES = ["smith", "jones", "taylor", "brown", "williams", "wilson", "johnson", "davies"]
DISTRICTS = [f"M{n}" for n in range(1, 21)]


def _rows() -> list[dict[str, object]]:
    """4,000 records: eight surnames spread over twenty districts, so that each district holds 200 records
    and each surname 500, but one surname in one district only 25."""
    rows = []
    for n in range(4000):
        rows.append(
            {
                "source_key": f"benefits:{n}",
                "source_system": "benefits",
                "source_record_id": str(n),
                "occurred_at": T,
                "event_id": f"e{n}",
                "received_at": T,
                "deleted": False,
                "citizen_id": f"c{n}",
                "family_norm": SURNAMES[n % len(SURNAMES)],
                "given_norm": "ann",
                "birth_year": 1940 + n % 60,
                "postcode_district": DISTRICTS[n // 8 % len(DISTRICTS)],
            }
        )
    return rows


def test_a_surname_near_a_district_is_found_by_the_index_of_both(hub_database: Database) -> None:
    """A search for "Smith" near "M5" reads the index of districts and surnames for the Smiths of M5
    alone. With an index of each, the database read every Smith and every record of M5 (at 100,000 people
    2,257 and 15,137 rows) to keep those on both lists."""
    with hub_database.unit_of_work() as session:
        session.execute(insert(SourceRecord), _rows())
        session.execute(text("ANALYZE"))
    query = SearchQuery(name="Smith", postcode="M5")
    statement = _filtered(query, parse_name(query.name), None, None)
    engine = hub_database.engine
    sql = str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    explain = "EXPLAIN " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    with engine.connect() as connection:
        plan = "\n".join(str(row[-1]) for row in connection.execute(text(explain + sql)))
    assert "ix_source_records_district_family" in plan, plan
    with hub_database.unit_of_work() as session:
        found = session.execute(statement).all()
    assert len(found) == 25
