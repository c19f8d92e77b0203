"""The reference housing system's nightly extract: writes the CSV files the way it does, atomically
(``name.csv.part`` then a rename), with a ``TRAILER`` row; and reads back its tell-us-once return files."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from adaptors.housing import mapping
from contracts import PersonRecord, ServiceEvent


def _write_atomically(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    buffer.write(f"TRAILER,{len(rows)}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(part, path)
    return path


def roles_of(events: Iterable[ServiceEvent]) -> dict[str, str]:
    return {e.source_record_id: e.attributes["role"] for e in events if e.attributes.get("role")}


def write_extract(
    drop_dir: Path,
    records: Iterable[PersonRecord],
    events: Iterable[ServiceEvent] = (),
    stamp: datetime | None = None,
) -> list[Path]:
    """Write tonight's full tenancy extract (and the day's events) into ``drop_dir``; returns the files."""
    stamp = stamp or datetime.now(UTC)
    events = list(events)
    roles = roles_of(events)
    numbers: dict[str, int] = {}
    rows: list[dict[str, str]] = []
    tenancy_of: dict[str, str] = {}
    for record in records:
        tenancy = next(
            (i.value for i in record.identifiers if i.scheme == "tenancy_ref"), record.source_record_id
        )
        numbers[tenancy] = numbers.get(tenancy, 0) + 1
        role = roles.get(record.source_record_id) or (
            "lead_tenant" if numbers[tenancy] == 1 else "household_member"
        )
        rows.append(mapping.to_row(record, role, numbers[tenancy]))
        tenancy_of[record.source_record_id] = tenancy
    name = stamp.strftime("%Y%m%dT%H%M%S")
    files = [_write_atomically(drop_dir / f"tenancies_{name}.csv", mapping.TENANCY_COLUMNS, rows)]
    event_rows = [
        mapping.to_event_row(e, tenancy_of[e.source_record_id])
        for e in events
        if e.source_record_id in tenancy_of
    ]
    if event_rows:
        files.append(_write_atomically(drop_dir / f"events_{name}.csv", mapping.EVENT_COLUMNS, event_rows))
    return files


def read_returns(returns_dir: Path) -> list[dict[str, str]]:
    """Every address update the hub returned, oldest first (what the housing system would import)."""
    rows: list[dict[str, str]] = []
    for path in sorted(returns_dir.glob("address_updates_*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows.extend(csv.DictReader(handle))
    return rows
