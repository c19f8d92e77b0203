"""The housing adaptor: processes each extract file dropped into a folder once, by checksum.

- Half-written files are waited for: ``*.part`` files are ignored (the writer renames when done) and a
  file modified less than ``settle_s`` ago is left for the next poll.
- Bad rows are reported with ``file:line`` and skipped; the rest of the file is processed.
- A full extract is compared with the previous one: only new or changed people are published, and a
  person (or a whole tenancy) missing from it becomes a ``SourceRecordDeleted``. A truncated file (no
  ``TRAILER`` row, or a row count that disagrees) is reported; its rows are published, but nothing is
  deleted on its evidence.
- One file per batch, so the checkpoint (done checksums, and a digest per person of the last extract)
  moves file by file.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adaptors.housing import mapping
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
from contracts import GoldenAddress, SourceRecordDeleted, canonical_json, make_event

_KEEP_CHECKSUMS = 500


def _digest(data: Any) -> str:
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()[:20]


class HousingAdaptor:
    """A ``SourceAdaptor`` over a drop folder of extract files."""

    system = mapping.SYSTEM

    def __init__(self, drop_dir: Path, *, settle_s: float = 2.0) -> None:
        self.drop_dir = drop_dir
        self.settle_s = settle_s

    async def fetch(self, checkpoint: Checkpoint | None) -> Batch:
        return await asyncio.to_thread(self._fetch, dict(checkpoint or {}))

    def _fetch(self, checkpoint: Checkpoint) -> Batch:
        done: list[str] = list(checkpoint.get("done", []))
        if not self.drop_dir.is_dir():
            raise SourceUnavailable("housing drop folder missing")
        now = time.time()
        for path in sorted(self.drop_dir.glob("*.csv"), key=lambda p: (p.name.split("_", 1)[-1], p.name)):
            try:
                if now - path.stat().st_mtime < self.settle_s:
                    return Batch([], checkpoint, more=False)  # still being written: wait, keep file order
                content = path.read_bytes()
            except OSError:
                continue  # moved away meanwhile
            checksum = hashlib.sha256(content).hexdigest()
            if checksum in done:
                continue
            text = content.decode("utf-8", errors="replace")
            batch = self._events(path.name, text, checkpoint) if path.name.startswith("events_") else None
            batch = batch or self._tenancies(path.name, text, checkpoint)
            batch.checkpoint["done"] = [*done, checksum][-_KEEP_CHECKSUMS:]
            batch.more = True
            return batch
        return Batch([], checkpoint, more=False)

    @staticmethod
    def _rows(
        name: str, text: str, columns: list[str], reports: list[Report]
    ) -> tuple[list[tuple[int, dict[str, str]]], bool]:
        rows: list[tuple[int, dict[str, str]]] = []
        reader = csv.reader(io.StringIO(text))
        header = next(reader, None)
        if header != columns:
            reports.append(Report(name, "header: not the expected columns", location=f"{name}:1"))
            return rows, False
        trailer: int | None = None
        for values in reader:
            line = reader.line_num
            if values and values[0] == "TRAILER":
                trailer = int(values[1]) if len(values) > 1 and values[1].isdigit() else -1
                break
            if len(values) != len(columns):
                reports.append(
                    Report(
                        f"{name}:{line}",
                        f"row: {len(values)} fields, expected {len(columns)}",
                        location=f"{name}:{line}",
                    )
                )
                continue
            rows.append((line, dict(zip(columns, values, strict=True))))
        data_rows = reader.line_num - 1 - (1 if trailer is not None else 0)
        complete = trailer is not None and trailer == data_rows
        if not complete:
            found = (
                "no TRAILER row" if trailer is None else f"TRAILER says {trailer} rows, file has {data_rows}"
            )
            reports.append(
                Report(name, f"truncated file: {found}; nothing deleted on its evidence", location=name)
            )
        return rows, complete

    def _tenancies(self, name: str, text: str, checkpoint: Checkpoint) -> Batch:
        reports: list[Report] = []
        rows, complete = self._rows(name, text, mapping.TENANCY_COLUMNS, reports)
        previous: dict[str, str] = dict(checkpoint.get("people", {}))
        current: dict[str, str] = {}
        events: list[Any] = []
        for line, row in rows:
            try:
                record, warnings = mapping.from_row(row)
            except (RecordRejected, ValueError) as error:
                reference = getattr(error, "reference", row.get("PERSON_ID", "?"))
                reason = getattr(error, "reason", f"unreadable row ({type(error).__name__})")
                reports.append(Report(reference, reason, location=f"{name}:{line}"))
                continue
            reports.extend(Report(w.reference, w.reason, "warning", f"{name}:{line}") for w in warnings)
            digest = _digest(record.model_dump(mode="json"))
            current[record.source_record_id] = digest
            if previous.get(record.source_record_id) != digest:
                assert record.updated_at is not None
                events.append(make_event(record, record.updated_at))
        stamp = datetime.fromtimestamp(0, UTC)
        if complete:
            for gone in sorted(set(previous) - set(current)):
                deleted = SourceRecordDeleted(
                    source_system=mapping.SYSTEM, source_record_id=gone, reason=f"not in {name}"
                )
                events.append(make_event(deleted, _extract_time(name) or stamp))
            people = current
        else:
            people = {**previous, **current}
        return Batch(events, {**checkpoint, "people": people}, reports)

    @staticmethod
    def _events(name: str, text: str, checkpoint: Checkpoint) -> Batch:
        reports: list[Report] = []
        rows, _complete = HousingAdaptor._rows(name, text, mapping.EVENT_COLUMNS, reports)
        events: list[Any] = []
        for line, row in rows:
            try:
                event = mapping.from_event_row(row)
            except (RecordRejected, ValueError) as error:
                reference = getattr(error, "reference", row.get("EVENT_REF", "?"))
                reports.append(
                    Report(
                        reference, getattr(error, "reason", type(error).__name__), location=f"{name}:{line}"
                    )
                )
                continue
            events.append(make_event(event, event.at))
        return Batch(events, dict(checkpoint), reports)


def _extract_time(name: str) -> datetime | None:
    try:
        return datetime.strptime(name.split("_", 1)[1].removesuffix(".csv"), "%Y%m%dT%H%M%S").replace(
            tzinfo=UTC
        )
    except (IndexError, ValueError):
        return None


RETURN_COLUMNS = [
    "PERSON_ID",
    "CORR_ADDR_1",
    "CORR_ADDR_2",
    "CORR_ADDR_3",
    "CORR_TOWN",
    "CORR_PCODE",
    "HUB_EVENT_ID",
]


class HousingWriter:
    """Tell us once for housing: a return file the housing system imports (it has no write API)."""

    system = mapping.SYSTEM

    def __init__(self, returns_dir: Path) -> None:
        self.returns_dir = returns_dir

    async def write_address(
        self, source_record_id: str, address: GoldenAddress, event_id: str
    ) -> WriteOutcome:
        return await asyncio.to_thread(self._write, source_record_id, address, event_id)

    def _write(self, person_id: str, address: GoldenAddress, event_id: str) -> WriteOutcome:
        from adaptors.housing.legacy import read_returns

        self.returns_dir.mkdir(parents=True, exist_ok=True)
        last = [r for r in read_returns(self.returns_dir) if r["PERSON_ID"] == person_id]
        if last:
            row = last[-1]
            lines = [row["CORR_ADDR_1"], row["CORR_ADDR_2"], row["CORR_ADDR_3"]]
            if address_key(lines, row["CORR_TOWN"], row["CORR_PCODE"]) == golden_key(address):
                return "unchanged"
        lines = (
            [*address.lines[:2], ", ".join(address.lines[2:])]
            if len(address.lines) > 3
            else list(address.lines)
        )
        values = [
            person_id,
            *(lines + ["", "", ""])[:3],
            address.town or "",
            address.postcode or "",
            event_id,
        ]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerows([RETURN_COLUMNS, values])
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        target = self.returns_dir / f"address_updates_{stamp}_{event_id[:8]}.csv"
        part = target.with_name(target.name + ".part")
        part.write_text(buffer.getvalue(), encoding="utf-8")
        os.replace(part, target)
        return "written"
