"""Council tax on embedded SQLite: native format, incremental reads, restart, reports, write-back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from adaptors.council_tax import legacy, mapping, schema
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

T0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def person(ref: str, family: str, given: str, dob: str, account: str, **extra: object) -> PersonRecord:
    return PersonRecord.model_validate(
        {
            "source_system": "council_tax",
            "source_record_id": ref,
            "name": PersonName(title="Mrs", given=given, family=family),
            "date_of_birth": dob,
            "identifiers": [Identifier(scheme="council_tax_account", value=account)],
            "addresses": [
                Address(
                    lines=["Flat 2", "14 Cobden Street"], town="Salford", postcode="M5 4WT", uprn="100012345"
                )
            ],
            "updated_at": T0,
            **extra,
        }
    )


def people() -> list[PersonRecord]:
    return [
        person("CTP-1", "Smith", "Margaret", "1953-04-12", "CT1001"),
        person("CTP-2", "Smith", "John", "1951-11-02", "CT1001"),  # a second liable party, same account
        person("CTP-3", "O'Brien-Jones", "Aoife", "1988-02-30", "CT1002"),  # impossible date
        person(
            "CTP-4",
            "Khan",
            "Imran",
            "1979",
            "CT1003",
            identifiers=[
                Identifier(scheme="council_tax_account", value="CT1003"),
                Identifier(scheme="nino", value="QQ12"),
            ],
        ),  # fmt: skip
    ]


def bill(ref: str, party: str, kind: str = "bill_issued") -> ServiceEvent:
    return ServiceEvent(
        source_system="council_tax",
        source_record_id=party,
        service_event_id=ref,
        service="council_tax",
        kind=kind,
        at=T0,
        summary="Annual bill 2024/25",
        attributes={"amount": "1523.40"},
    )


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    engine = legacy.create_engine(f"sqlite:///{tmp_path / 'ctax.sqlite'}")
    legacy.seed(engine, people(), [bill("TXN-1", "CTP-1"), bill("TXN-2", "CTP-3", "payment_missed")])
    return engine


@pytest.fixture
def state(tmp_path: Path) -> AdaptorState:
    return AdaptorState.sqlite(tmp_path / "state.sqlite")


def test_the_seed_writes_the_legacy_native_format(engine: sa.Engine) -> None:
    row = legacy.party_row(engine, "CTP-1")
    assert row is not None
    assert row["PARTY_NAME"] == "SMITH, MARGARET"
    assert row["DOB"] == "19530412"
    assert row["PARTY_SEQ"] == 1
    assert legacy.party_row(engine, "CTP-2")["PARTY_SEQ"] == 2  # type: ignore[index]
    with engine.connect() as conn:
        prop = conn.execute(sa.select(schema.property_)).mappings().first()
    assert prop is not None
    assert (prop["ADDR1"], prop["ADDR2"], prop["ADDR3"], prop["POSTCODE"]) == (
        "FLAT 2",
        "14 COBDEN STREET",
        "SALFORD",
        "M54WT",
    )


@pytest.mark.parametrize(
    ("raw", "text", "invalid"),
    [
        ("19530412", "1953-04-12", False),
        ("19530400", "1953-04", False),
        ("19530000", "1953", False),
        ("19880230", "1988-02-30", True),
        ("1953041", "1953041", True),
        ("00000000", None, False),
    ],
)
def test_char8_dates(raw: str, text: str | None, invalid: bool) -> None:
    dob = mapping.from_char8_dob(raw)
    assert (dob.text if dob else None) == text
    assert bool(dob and dob.invalid) == invalid


async def test_one_pass_publishes_people_bills_and_reports(engine: sa.Engine, state: AdaptorState) -> None:
    publisher = RecordingPublisher()
    runner = AdaptorRunner(CouncilTaxAdaptor(engine, page_size=2, settle_s=0), publisher, state)
    result = await runner.run_once()
    kinds = [e.type for e in publisher.events]
    assert kinds.count("PersonRecord") == 4
    assert kinds.count("ServiceEvent") == 2
    peggy = next(
        e.payload
        for e in publisher.events
        if e.type == "PersonRecord" and e.payload.source_record_id == "CTP-1"
    )
    assert (peggy.name.family, peggy.name.given, peggy.name.title) == ("Smith", "Margaret", "Mrs")
    assert peggy.date_of_birth.text == "1953-04-12"
    assert {(i.scheme, i.value) for i in peggy.identifiers} == {
        ("council_tax_account", "CT1001"),
        ("uprn", "100012345"),
    }
    assert peggy.addresses[0].lines == ["Flat 2", "14 Cobden Street"]
    assert (peggy.addresses[0].town, peggy.addresses[0].postcode) == ("Salford", "M5 4WT")
    missed = next(
        e.payload for e in publisher.events if e.type == "ServiceEvent" and e.payload.kind == "payment_missed"
    )
    assert missed.attributes == {"amount": "1523.40"}
    assert missed.reference == "CT1002"
    reports = {(r.reference, r.severity) for r in state.list_reports("council_tax")}
    assert ("CTP-3", "warning") in reports  # impossible date, still published (flagged invalid)
    assert ("CTP-4", "warning") in reports  # bad NINO
    assert result.events == 6
    again = await runner.run_once()
    assert again.events == 0


async def test_equal_timestamps_are_not_skipped_with_a_page_of_one(
    engine: sa.Engine, state: AdaptorState
) -> None:
    publisher = RecordingPublisher()
    await AdaptorRunner(CouncilTaxAdaptor(engine, page_size=1, settle_s=0), publisher, state).run_once()
    people_refs = sorted(e.payload.source_record_id for e in publisher.events if e.type == "PersonRecord")
    assert people_refs == ["CTP-1", "CTP-2", "CTP-3", "CTP-4"]


async def test_a_crash_mid_stream_resumes_with_nothing_lost(engine: sa.Engine, state: AdaptorState) -> None:
    adaptor = CouncilTaxAdaptor(engine, page_size=1, settle_s=0)
    first = RecordingPublisher(fail_after=3)
    with pytest.raises(SourceUnavailable):
        await AdaptorRunner(adaptor, first, state).run_once()
    second = RecordingPublisher()
    await AdaptorRunner(adaptor, second, state).run_once()
    everything = first.event_ids + second.event_ids
    assert len(set(everything)) == 6
    reference = RecordingPublisher()
    await AdaptorRunner(adaptor, reference, AdaptorState("sqlite://")).run_once()
    assert set(everything) == set(reference.event_ids)


async def test_rejected_rows_are_reported_and_the_rest_carries_on(
    engine: sa.Engine, state: AdaptorState
) -> None:
    legacy.insert_raw_party(engine, PARTY_REF="CTP-BAD", ACCOUNT_REF="CT1001", PARTY_NAME="NO COMMA HERE")
    publisher = RecordingPublisher()
    await AdaptorRunner(CouncilTaxAdaptor(engine, settle_s=0), publisher, state).run_once()
    assert sum(e.type == "PersonRecord" for e in publisher.events) == 4
    rejected = [r for r in state.list_reports("council_tax") if r.severity == "rejected"]
    assert [(r.reference, r.location) for r in rejected] == [("CTP-BAD", "CTAX_PARTY")]
    assert "SURNAME, FORENAMES" in rejected[0].reason


async def test_deletions_become_source_record_deleted(engine: sa.Engine, state: AdaptorState) -> None:
    runner = AdaptorRunner(CouncilTaxAdaptor(engine, settle_s=0), RecordingPublisher(), state)
    await runner.run_once()
    legacy.delete_party(engine, "CTP-2")
    publisher = RecordingPublisher()
    runner.publisher = publisher
    await runner.run_once()
    assert [(e.type, e.payload.source_record_id) for e in publisher.events] == [
        ("SourceRecordDeleted", "CTP-2")
    ]


def changed(version: int, cause: str | None, refs: list[str], lines: list[str]) -> object:
    payload = CitizenChanged(
        citizen_id="cit-1",
        version=version,
        address=GoldenAddress(lines=lines, town="Manchester", postcode="M1 2AB"),
        address_changed=True,
        source_records=[SourceRef(source_system="council_tax", source_record_id=r) for r in refs]
        + [SourceRef(source_system="benefits", source_record_id="B-1")],
        cause="source record update",
        cause_source_system=cause,
    )
    return make_event(payload, T0.replace(minute=version))


async def test_write_back_is_idempotent_and_does_not_loop(engine: sa.Engine, state: AdaptorState) -> None:
    poller = AdaptorRunner(CouncilTaxAdaptor(engine, settle_s=0), RecordingPublisher(), state)
    await poller.run_once()
    event = changed(2, "benefits", ["CTP-1"], ["3 New Road"])
    feed = ListChangeFeed([event, event])  # delivered twice
    feed.append(changed(1, "benefits", ["CTP-1"], ["Old stale address"]))  # an older version, late
    feed.append(changed(3, "council_tax", ["CTP-1"], ["Own change"]))  # caused by council tax itself
    feed.append_undecodable("not JSON")
    writer = WriteBackRunner(CouncilTaxWriter(engine), feed, state)
    result = await writer.drain()
    assert (result.written, result.failed) == (1, 1)
    row = legacy.party_row(engine, "CTP-1")
    assert row is not None
    assert (row["CORR_ADDR1"], row["CORR_ADDR2"], row["CORR_POSTCODE"], row["UPDATED_BY"]) == (
        "3 NEW ROAD",
        "MANCHESTER",
        "M12AB",
        "CITHUB",
    )
    statuses = sorted(w.status for w in state.list_writebacks("council_tax"))
    assert statuses == ["skipped", "skipped", "written"]
    # the next poll republishes CTP-1 once, with the address the hub already holds (no new change)
    publisher = RecordingPublisher()
    poller.publisher = publisher
    await poller.run_once()
    assert [e.payload.source_record_id for e in publisher.events] == ["CTP-1"]
    assert publisher.events[0].payload.addresses[0].lines == ["3 New Road"]
    # the same address again (the hub's echo of that republication) touches nothing
    feed.append(changed(4, "council_tax", ["CTP-1"], ["3 NEW ROAD"]))
    feed.append(changed(5, "housing", ["CTP-1"], ["3  new road"]))
    more = await writer.drain()
    assert (more.written, more.unchanged) == (0, 1)
    quiet = RecordingPublisher()
    poller.publisher = quiet
    await poller.run_once()
    assert quiet.events == []


async def test_write_back_to_an_unknown_party_is_reported(engine: sa.Engine, state: AdaptorState) -> None:
    feed = ListChangeFeed([changed(2, "benefits", ["CTP-GONE"], ["1 A Street"])])
    result = await WriteBackRunner(CouncilTaxWriter(engine), feed, state).drain()
    assert result.failed == 1
    assert [r.reference for r in state.list_reports("council_tax")] == ["CTP-GONE"]
