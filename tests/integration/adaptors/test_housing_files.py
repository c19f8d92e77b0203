"""Housing over real files on disk: extracts dropped into a folder, processed once, deletions by absence."""

from __future__ import annotations

import os
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adaptors.housing import legacy
from adaptors.housing.adaptor import HousingAdaptor, HousingWriter
from adaptors.runtime import AdaptorRunner, AdaptorState, SourceUnavailable, WriteBackRunner
from adaptors.runtime.doubles import ListChangeFeed, RecordingPublisher
from contracts import (
    Address,
    CitizenChanged,
    GoldenAddress,
    Identifier,
    PersonName,
    PersonRecord,
    SourceRef,
    make_event,
)

pytestmark = pytest.mark.integration
T0 = datetime(2024, 6, 1, 2, 0, tzinfo=UTC)


def tenant(tenancy: int, n: int, family: str = "Okafor", dob: str = "1961-07-19") -> PersonRecord:
    return PersonRecord(
        source_system="housing",
        source_record_id=f"H{tenancy:05d}-{n}",
        name=PersonName(given=f"Chidi{n}", family=family),
        date_of_birth=dob,  # type: ignore[arg-type]
        identifiers=[Identifier(scheme="tenancy_ref", value=f"TEN{tenancy:05d}")],
        addresses=[
            Address(
                lines=[f"{tenancy} Peel Court"], town="Salford", postcode="M6 5AB", uprn=str(10000 + tenancy)
            )
        ],
        updated_at=T0 - timedelta(days=tenancy),
    )


def estate(tenancies: int = 20) -> list[PersonRecord]:
    return [tenant(t, n) for t in range(tenancies) for n in (1, 2)]


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    return tmp_path / "drop"


@pytest.fixture
def state(tmp_path: Path) -> AdaptorState:
    return AdaptorState.sqlite(tmp_path / "state.sqlite")


def age(paths: list[Path], seconds: float = 60) -> None:
    for path in paths:
        past = time.time() - seconds
        os.utime(path, (past, past))


async def poll(
    drop: Path, state: AdaptorState, publisher: RecordingPublisher | None = None
) -> RecordingPublisher:
    publisher = publisher or RecordingPublisher()
    await AdaptorRunner(HousingAdaptor(drop, settle_s=1.0), publisher, state).run_once()
    return publisher


async def test_each_file_is_processed_once_by_checksum(drop: Path, state: AdaptorState) -> None:
    files = legacy.write_extract(drop, estate(), stamp=T0)
    age(files)
    first = await poll(drop, state)
    assert sum(e.type == "PersonRecord" for e in first.events) == 40
    row = next(iter((drop / files[0].name).read_text().splitlines()[1:2]))
    assert row.startswith("TEN00000,10000,0 Peel Court,,,Salford,M6 5AB,")
    assert "19-JUL-1961" in row
    shutil.copy(files[0], drop / "tenancies_copy.csv")  # the same bytes again, under another name
    age([drop / "tenancies_copy.csv"])
    assert (await poll(drop, state)).events == []


async def test_stop_mid_stream_and_restart_counts_exactly_once(drop: Path, state: AdaptorState) -> None:
    age(legacy.write_extract(drop, estate(10), stamp=T0))
    age(legacy.write_extract(drop, estate(20), stamp=T0 + timedelta(days=1)))
    crashed = RecordingPublisher(fail_after=25)
    with pytest.raises(SourceUnavailable):
        await poll(drop, state, crashed)
    resumed = await poll(drop, state)
    reference = await poll(drop, AdaptorState("sqlite://"))
    assert set(crashed.event_ids) | set(resumed.event_ids) == set(reference.event_ids)
    assert len(set(reference.event_ids)) == 40  # 20 people, then only the 20 new ones


async def test_half_written_files_are_waited_for(drop: Path, state: AdaptorState) -> None:
    legacy.write_extract(drop, [], stamp=T0 - timedelta(days=9))[0].unlink()
    (drop / "tenancies_20240601T020000.csv.part").write_text("TENANCY_REF,PROP")
    files = legacy.write_extract(drop, estate(2), stamp=T0)
    assert (await poll(drop, state)).events == []  # too fresh: maybe still being copied in
    age(files)
    assert len((await poll(drop, state)).events) == 4


async def test_bad_rows_are_reported_with_line_numbers(drop: Path, state: AdaptorState) -> None:
    records = estate(3)
    records[1] = tenant(0, 2, dob="1961-02-30")
    records[2] = tenant(1, 1, family="")
    files = legacy.write_extract(drop, [*records, tenant(9, 1)], stamp=T0)
    lines = files[0].read_text().splitlines()
    lines.insert(3, "TEN99999,broken row")
    lines[-1] = f"TRAILER,{len(lines) - 2}"
    files[0].write_text("\n".join(lines) + "\n")
    age(files)
    publisher = await poll(drop, state)
    assert len(publisher.events) == 6  # 7 rows: one short row and one without a surname rejected
    reports = {(r.location, r.severity, r.reason.split(":")[0]) for r in state.list_reports("housing")}
    name = files[0].name
    assert (f"{name}:4", "rejected", "row") in reports
    assert (f"{name}:5", "rejected", "name.family") in reports
    assert (f"{name}:3", "warning", "date_of_birth") in reports


async def test_missing_tenancies_become_deletions_but_not_from_a_truncated_file(
    drop: Path, state: AdaptorState
) -> None:
    age(legacy.write_extract(drop, estate(5), stamp=T0))
    await poll(drop, state)
    tonight = [r for r in estate(5) if not r.source_record_id.startswith("H00002")]
    truncated = legacy.write_extract(drop, tonight, stamp=T0 + timedelta(days=1))[0]
    truncated.write_text(
        "\n".join(truncated.read_text().splitlines()[:-2]) + "\n"
    )  # last row and trailer lost
    age([truncated])
    assert (await poll(drop, state)).events == []
    assert "truncated file" in state.list_reports("housing")[0].reason
    moved = [*tonight[:-1], tenant(4, 2, family="Okafor-Bell")]
    age(legacy.write_extract(drop, moved, stamp=T0 + timedelta(days=2)))
    publisher = await poll(drop, state)
    assert sorted((e.type, e.payload.source_record_id) for e in publisher.events) == [
        ("PersonRecord", "H00004-2"),
        ("SourceRecordDeleted", "H00002-1"),
        ("SourceRecordDeleted", "H00002-2"),
    ]


def change(version: int, cause: str | None) -> Any:
    payload = CitizenChanged(
        citizen_id="cit-3",
        version=version,
        address=GoldenAddress(lines=["12 Canal Side"], town="Eccles", postcode="M30 0AA"),
        address_changed=True,
        source_records=[SourceRef(source_system="housing", source_record_id="H00003-1")],
        cause="source record update",
        cause_source_system=cause,
    )
    return make_event(payload, T0 + timedelta(hours=version))


async def test_write_back_is_a_return_file_written_once(tmp_path: Path, state: AdaptorState) -> None:
    feed = ListChangeFeed([change(2, "council_tax"), change(2, "council_tax"), change(3, "benefits")])
    runner = WriteBackRunner(HousingWriter(tmp_path / "returns"), feed, state)
    result = await runner.drain()
    assert (result.written, result.unchanged, result.skipped) == (1, 1, 1)
    returns = legacy.read_returns(tmp_path / "returns")
    assert [(r["PERSON_ID"], r["CORR_ADDR_1"], r["CORR_PCODE"]) for r in returns] == [
        ("H00003-1", "12 Canal Side", "M30 0AA")
    ]
