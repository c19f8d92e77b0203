"""The reference council tax system's own operations: seed it, and change it the way its users would.

Every change bumps the party's ``LAST_UPDATED`` (as the real system's screens do), which is what the
adaptor's high-water mark follows. Deleting a party writes a ``CTAX_DELETIONS`` row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa

from adaptors.council_tax import mapping, schema
from contracts import GoldenAddress, PersonRecord, ServiceEvent


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def create_engine(url: str) -> sa.Engine:
    """An engine on the legacy database with short network timeouts (MariaDB) so an outage is noticed."""
    connect_args: dict[str, object] = {}
    if url.startswith("mysql"):
        connect_args = {"connect_timeout": 5, "read_timeout": 30, "write_timeout": 30}
    return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def seed(engine: sa.Engine, records: Iterable[PersonRecord], events: Iterable[ServiceEvent] = ()) -> int:
    """Create the schema and load council tax records and their service events. Returns parties written."""
    schema.create_schema(engine)
    props: dict[str, dict[str, object]] = {}
    accounts: dict[str, dict[str, object]] = {}
    parties: list[dict[str, object]] = []
    seq: dict[str, int] = {}
    for record in records:
        prop, acct, party = mapping.to_native(record)
        props.setdefault(str(prop["PROP_REF"]), prop)
        accounts.setdefault(str(acct["ACCOUNT_REF"]), acct)
        seq[str(acct["ACCOUNT_REF"])] = seq.get(str(acct["ACCOUNT_REF"]), 0) + 1
        parties.append({**party, "PARTY_SEQ": seq[str(acct["ACCOUNT_REF"])]})
    account_of = {str(p["PARTY_REF"]): str(p["ACCOUNT_REF"]) for p in parties}
    txns = [
        mapping.to_transaction(e, account_of[e.source_record_id])
        for e in events
        if e.source_record_id in account_of
    ]
    with engine.begin() as conn:
        for table, rows in (
            (schema.property_, list(props.values())),
            (schema.account, list(accounts.values())),
            (schema.party, parties),
            (schema.transaction, txns),
        ):
            if rows:
                conn.execute(table.insert(), rows)
    return len(parties)


def change_correspondence_address(
    engine: sa.Engine, party_ref: str, address: GoldenAddress, updated_by: str = "CTCLERK"
) -> None:
    """What a council tax clerk does when a resident reports a new address."""
    values = {
        **mapping.address_rows(address, "CORR_ADDR", "CORR_POSTCODE"),
        "LAST_UPDATED": _now(),
        "UPDATED_BY": updated_by,
    }
    with engine.begin() as conn:
        result = conn.execute(
            schema.party.update().where(schema.party.c.PARTY_REF == party_ref).values(**values)
        )
        if result.rowcount != 1:
            raise KeyError(party_ref)


def delete_party(engine: sa.Engine, party_ref: str) -> None:
    with engine.begin() as conn:
        account_ref = conn.scalar(
            sa.select(schema.party.c.ACCOUNT_REF).where(schema.party.c.PARTY_REF == party_ref)
        )
        conn.execute(schema.transaction.delete().where(schema.transaction.c.PARTY_REF == party_ref))
        conn.execute(schema.party.delete().where(schema.party.c.PARTY_REF == party_ref))
        conn.execute(
            schema.deletion.insert().values(PARTY_REF=party_ref, ACCOUNT_REF=account_ref, DELETED_AT=_now())
        )


def insert_raw_party(engine: sa.Engine, **columns: object) -> None:
    """Write a party row exactly as given (tests and demos of malformed legacy data)."""
    row = {"PARTY_SEQ": 9, "LAST_UPDATED": _now(), "DECEASED": "N", **columns}
    with engine.begin() as conn:
        conn.execute(schema.party.insert().values(**row))


def party_row(engine: sa.Engine, party_ref: str) -> dict[str, object] | None:
    with engine.connect() as conn:
        row = (
            conn.execute(sa.select(schema.party).where(schema.party.c.PARTY_REF == party_ref))
            .mappings()
            .first()
        )
    return dict(row) if row else None
