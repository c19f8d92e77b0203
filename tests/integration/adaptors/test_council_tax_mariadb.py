"""Council tax on a real MariaDB (a fresh database per session): incremental reads, restart, outage,
malformed rows, write-back."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from adaptors.council_tax import legacy, schema
from adaptors.council_tax.adaptor import CouncilTaxAdaptor, CouncilTaxWriter
from adaptors.runtime import AdaptorRunner, AdaptorState, SourceUnavailable, WriteBackRunner
from adaptors.runtime.doubles import ListChangeFeed, RecordingPublisher
from contracts import (
    Address,
    CitizenChanged,
    GoldenAddress,
    Identifier,
    PersonName,
    PersonRecord,
    ServiceEvent,
    SourceRef,
    make_event,
)

pytestmark = pytest.mark.integration
T0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def party(n: int, *, dob: str = "1953-04-12", nino: str | None = None, at: datetime = T0) -> PersonRecord:
    ids = [
        Identifier(scheme="council_tax_account", value=f"CT{n // 2:05d}")
    ]  # two liable parties per account
    if nino:
        ids.append(Identifier(scheme="nino", value=nino))
    return PersonRecord(
        source_system="council_tax",
        source_record_id=f"CTP{n:05d}",
        name=PersonName(title="Mr", given="Kwame", middle="Kofi", family=f"Mensah{n}"),
        date_of_birth=dob,  # type: ignore[arg-type]
        identifiers=ids,
        addresses=[
            Address(
                lines=[f"{n // 2} Regent Road"], town="Salford", postcode="M5 3GS", uprn=str(5000 + n // 2)
            )
        ],
        updated_at=at,
    )


def bill(n: int) -> ServiceEvent:
    return ServiceEvent(
        source_system="council_tax",
        source_record_id=f"CTP{n:05d}",
        service_event_id=f"CTP{n:05d}:bill:2024",
        service="council_tax",
        kind="bill_issued",
        at=T0 - timedelta(days=20),
        summary="Council tax bill 2024/25",
        attributes={"amount": "1764.21", "band": "B"},
    )


@pytest.fixture
def engine(mariadb_url: str) -> Iterator[sa.Engine]:
    engine = legacy.create_engine(mariadb_url)
    schema.drop_schema(engine)
    # 60 parties, 20 of them sharing one LAST_UPDATED second (the tie-break has to work)
    people = [party(n, at=T0 if n < 20 else T0 + timedelta(seconds=n)) for n in range(60)]
    legacy.seed(engine, people, [bill(n) for n in range(0, 60, 3)])
    yield engine
    engine.dispose()


@pytest.fixture
def state(tmp_path: Path) -> AdaptorState:
    return AdaptorState.sqlite(tmp_path / "state.sqlite")


async def test_stop_mid_stream_and_restart_counts_exactly_once(
    engine: sa.Engine, state: AdaptorState
) -> None:
    adaptor = CouncilTaxAdaptor(engine, page_size=7, settle_s=0)
    reference = RecordingPublisher()
    await AdaptorRunner(adaptor, reference, AdaptorState("sqlite://")).run_once()
    assert len(set(reference.event_ids)) == 80  # 60 people + 20 bills
    assert reference.duplicates() == {}
    crashed = RecordingPublisher(fail_after=33)
    with pytest.raises(SourceUnavailable):
        await AdaptorRunner(adaptor, crashed, state).run_once()
    resumed = RecordingPublisher()
    await AdaptorRunner(adaptor, resumed, state).run_once()
    assert set(crashed.event_ids) | set(resumed.event_ids) == set(reference.event_ids)
    assert (
        len(set(crashed.event_ids) & set(resumed.event_ids)) == 0
    )  # the failed batch was never acknowledged
    legacy.change_correspondence_address(
        engine, "CTP00005", GoldenAddress(lines=["1 New St"], postcode="M1 1AA")
    )
    later = RecordingPublisher()
    runner = AdaptorRunner(CouncilTaxAdaptor(engine, page_size=7, settle_s=0), later, state)
    await asyncio.sleep(1.1)  # DATETIME has whole seconds: the update must be in a later second to be seen
    await runner.run_once()
    assert [e.payload.source_record_id for e in later.events] == ["CTP00005"]


async def test_malformed_rows_are_reported_and_the_rest_published(
    engine: sa.Engine, state: AdaptorState
) -> None:
    legacy.seed(engine, [party(100, dob="1988-02-30"), party(101, nino="QQ123")])
    legacy.insert_raw_party(engine, PARTY_REF="CTP-NONAME", ACCOUNT_REF="CT00001", PARTY_NAME="   ")
    legacy.insert_raw_party(
        engine, PARTY_REF="CTP-BADDOB", ACCOUNT_REF="CT00001", PARTY_NAME="LEE, ANN", DOB="19xx0101"
    )
    publisher = RecordingPublisher()
    await AdaptorRunner(CouncilTaxAdaptor(engine, settle_s=0), publisher, state).run_once()
    people = {e.payload.source_record_id for e in publisher.events if e.type == "PersonRecord"}
    assert len(people) == 63
    assert "CTP-NONAME" not in people
    reports = {(r.reference, r.severity) for r in state.list_reports("council_tax")}
    assert reports == {
        ("CTP-NONAME", "rejected"),
        ("CTP-BADDOB", "warning"),
        ("CTP00100", "warning"),
        ("CTP00101", "warning"),
    }


async def test_an_unreachable_database_is_an_outage_logged_once_then_a_recovery(
    engine: sa.Engine, state: AdaptorState
) -> None:
    adaptor = CouncilTaxAdaptor(legacy.create_engine("mysql+pymysql://root@127.0.0.1:9/none"), settle_s=0)
    publisher = RecordingPublisher()
    runner = AdaptorRunner(adaptor, publisher, state, backoff_initial_s=0.01, backoff_max_s=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    await asyncio.sleep(0.5)
    adaptor.engine = engine  # the database is back
    for _ in range(100):
        if publisher.events:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await task
    assert [r.severity for r in reversed(state.list_reports("council_tax"))] == ["outage", "recovered"]
    assert runner.outages == 1
    assert len(set(publisher.event_ids)) == 80


def change(version: int, cause: str, lines: list[str]) -> Any:
    payload = CitizenChanged(
        citizen_id="cit-9",
        version=version,
        address=GoldenAddress(lines=lines, town="Eccles", postcode="M30 0AA"),
        address_changed=True,
        source_records=[SourceRef(source_system="council_tax", source_record_id="CTP00008")],
        cause="source record update",
        cause_source_system=cause,
    )
    return make_event(payload, T0 + timedelta(hours=version))


async def test_write_back_is_an_idempotent_sql_update_that_does_not_loop(
    engine: sa.Engine, state: AdaptorState
) -> None:
    poller = AdaptorRunner(CouncilTaxAdaptor(engine, settle_s=0), RecordingPublisher(), state)
    await poller.run_once()
    feed = ListChangeFeed([change(2, "benefits", ["12 Canal Side"])])
    writer = WriteBackRunner(CouncilTaxWriter(engine), feed, state)
    assert (await writer.drain()).written == 1
    feed.committed = 0
    feed.restart()  # redelivered after a lost commit
    assert (await writer.drain()).written == 0
    row = legacy.party_row(engine, "CTP00008")
    assert row is not None
    assert (row["CORR_ADDR1"], row["CORR_ADDR2"], row["CORR_POSTCODE"], row["UPDATED_BY"]) == (
        "12 CANAL SIDE",
        "ECCLES",
        "M300AA",
        "CITHUB",
    )
    await asyncio.sleep(1.1)
    republished = RecordingPublisher()
    poller.publisher = republished
    await poller.run_once()
    assert [e.payload.source_record_id for e in republished.events] == ["CTP00008"]
    feed.append(change(3, "council_tax", ["12 Canal Side"]))
    feed.append(change(4, "housing", ["12 canal side"]))
    assert (await writer.drain()).written == 0
    await asyncio.sleep(1.1)
    quiet = RecordingPublisher()
    poller.publisher = quiet
    await poller.run_once()
    assert quiet.events == []
