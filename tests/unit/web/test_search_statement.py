"""What an agent's search asks the database."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql

from hub.citizens.search import SearchQuery, _filtered, parse_dob, parse_name


def test_a_whole_date_of_birth_asks_for_its_year_too() -> None:
    """A record holding a whole date holds its year, so asking for the year changes no answer; it lets the
    index of surnames and years find the Smiths born that year, where the date alone had every Smith read
    (100,000 people: 8 ms a search against 0.5)."""
    query = SearchQuery(name="Margaret Smith", date_of_birth="4/3/1952")
    statement = _filtered(query, parse_name(query.name), parse_dob("4/3/1952"), None)
    sql = str(statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    assert "source_records.birth_year BETWEEN 1952 AND 1952" in sql
    assert "source_records.birth_date IN ('1952-03-04', '1952-04-03')" in sql
