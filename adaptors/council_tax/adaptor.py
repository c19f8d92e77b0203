"""The council tax adaptor: reads the legacy database incrementally, and writes addresses back.

High-water marks: ``(LAST_UPDATED, PARTY_REF)`` for parties and ``(LAST_UPDATED, TXN_REF)`` for
transactions (the key breaks ties, so rows sharing one second are never skipped), and ``DEL_ID`` for
deletions. Rows newer than ``now - settle_s`` are left for the next poll: a row updated later within the
same second as the mark would otherwise sort before it and be missed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from adaptors.council_tax import mapping, schema
from adaptors.runtime.ports import (
    Batch,
    Checkpoint,
    RecordRejected,
    Report,
    SourceUnavailable,
    WriteOutcome,
    address_key,
    golden_key,
)
from contracts import GoldenAddress, make_event

_EPOCH = "1900-01-01T00:00:00"


def _party_query() -> sa.Select[Any]:
    p, a, pr = schema.party, schema.account, schema.property_
    return (
        sa.select(p, a.c.PROP_REF, a.c.START_DATE, a.c.END_DATE, *[pr.c[f"ADDR{i}"] for i in range(1, 6)])
        .add_columns(pr.c.POSTCODE, pr.c.UPRN)
        .select_from(
            p.join(a, p.c.ACCOUNT_REF == a.c.ACCOUNT_REF).outerjoin(pr, a.c.PROP_REF == pr.c.PROP_REF)
        )
    )


def _after(table: sa.Table, key: str, mark: Sequence[str], horizon: datetime) -> sa.ColumnElement[bool]:
    ts, last_key = datetime.fromisoformat(mark[0]), mark[1]
    lu = table.c.LAST_UPDATED
    return sa.and_(sa.or_(lu > ts, sa.and_(lu == ts, table.c[key] > last_key)), lu <= horizon)


class CouncilTaxAdaptor:
    """A ``SourceAdaptor`` over the council tax database."""

    system = mapping.SYSTEM

    def __init__(self, engine: sa.Engine, *, page_size: int = 500, settle_s: float = 2.0) -> None:
        self.engine = engine
        self.page_size = page_size
        self.settle_s = settle_s

    async def fetch(self, checkpoint: Checkpoint | None) -> Batch:
        return await asyncio.to_thread(self._fetch, dict(checkpoint or {}))

    def _fetch(self, checkpoint: Checkpoint) -> Batch:
        party_mark = checkpoint.get("party", [_EPOCH, ""])
        txn_mark = checkpoint.get("txn", [_EPOCH, ""])
        last_deletion = int(checkpoint.get("deletion", 0))
        horizon = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=self.settle_s)
        p, t, d = schema.party, schema.transaction, schema.deletion
        try:
            with self.engine.connect() as conn:
                parties = list(
                    conn.execute(
                        _party_query()
                        .where(_after(p, "PARTY_REF", party_mark, horizon))
                        .order_by(p.c.LAST_UPDATED, p.c.PARTY_REF)
                        .limit(self.page_size)
                    ).mappings()
                )
                txns = list(
                    conn.execute(
                        sa.select(t)
                        .where(_after(t, "TXN_REF", txn_mark, horizon))
                        .order_by(t.c.LAST_UPDATED, t.c.TXN_REF)
                        .limit(self.page_size)
                    ).mappings()
                )
                deletions = list(
                    conn.execute(
                        sa.select(d)
                        .where(d.c.DEL_ID > last_deletion)
                        .order_by(d.c.DEL_ID)
                        .limit(self.page_size)
                    ).mappings()
                )
        except DBAPIError as error:
            raise SourceUnavailable(
                f"council tax database unreachable ({type(error.orig).__name__})"
            ) from error
        events: list[Any] = []
        reports: list[Report] = []
        for row in parties:
            try:
                record, warnings = mapping.from_party(row)
            except RecordRejected as error:
                reports.append(Report(error.reference, error.reason, location="CTAX_PARTY"))
                continue
            reports.extend(Report(w.reference, w.reason, w.severity, "CTAX_PARTY") for w in warnings)
            assert record.updated_at is not None
            events.append(make_event(record, record.updated_at))
        for row in txns:
            try:
                event = mapping.from_transaction(row)
            except RecordRejected as error:
                reports.append(Report(error.reference, error.reason, location="CTAX_TRANSACTION"))
                continue
            events.append(make_event(event, row["LAST_UPDATED"]))
        for row in deletions:
            events.append(make_event(mapping.from_deletion(row), row["DELETED_AT"]))
        new_checkpoint: Checkpoint = {
            "party": [parties[-1]["LAST_UPDATED"].isoformat(), parties[-1]["PARTY_REF"]]
            if parties
            else party_mark,
            "txn": [txns[-1]["LAST_UPDATED"].isoformat(), txns[-1]["TXN_REF"]] if txns else txn_mark,
            "deletion": deletions[-1]["DEL_ID"] if deletions else last_deletion,
        }
        more = any(len(rows) == self.page_size for rows in (parties, txns, deletions))
        return Batch(events=events, checkpoint=new_checkpoint, reports=reports, more=more)


class CouncilTaxWriter:
    """Tell us once for council tax: an SQL UPDATE of the party's correspondence address."""

    system = mapping.SYSTEM

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    async def write_address(
        self, source_record_id: str, address: GoldenAddress, event_id: str
    ) -> WriteOutcome:
        return await asyncio.to_thread(self._write, source_record_id, address)

    def _write(self, party_ref: str, address: GoldenAddress) -> WriteOutcome:
        try:
            with self.engine.begin() as conn:
                row = (
                    conn.execute(_party_query().where(schema.party.c.PARTY_REF == party_ref))
                    .mappings()
                    .first()
                )
                if row is None:
                    raise RecordRejected(party_ref, "no such party in council tax")
                lines, town, postcode = mapping.from_lines(row, "CORR_ADDR", "CORR_POSTCODE")
                if not lines and not town:  # no correspondence address: bills go to the property
                    lines, town, postcode = mapping.from_lines(row, "ADDR", "POSTCODE")
                if address_key(lines, town, postcode) == golden_key(address):
                    return "unchanged"
                conn.execute(
                    schema.party.update()
                    .where(schema.party.c.PARTY_REF == party_ref)
                    .values(
                        **mapping.address_rows(address, "CORR_ADDR", "CORR_POSTCODE"),
                        LAST_UPDATED=datetime.now(UTC).replace(tzinfo=None, microsecond=0),
                        UPDATED_BY=mapping.WRITEBACK_USER,
                    )
                )
        except DBAPIError as error:
            raise SourceUnavailable(
                f"council tax database unreachable ({type(error.orig).__name__})"
            ) from error
        return "written"
