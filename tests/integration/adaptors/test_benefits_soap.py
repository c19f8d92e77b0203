"""Benefits over real SOAP: the spyne service on a loopback port, consumed by zeep from its served WSDL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adaptors.benefits.adaptor import BenefitsAdaptor, BenefitsWriter
from adaptors.benefits.client import BenefitsClient, HostileResponse
from adaptors.benefits.service import serve, wsgi_app
from adaptors.benefits.store import BenefitsStore
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
T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def claimant(n: int, *, nino: str = "AB123456C", dob: str = "1953-04-12", at: datetime = T0) -> PersonRecord:
    return PersonRecord(
        source_system="benefits",
        source_record_id=f"HB{n:05d}-01",
        name=PersonName(title="Mrs", given="Margaret", middle="Ann", family=f"Smith{n}"),
        date_of_birth=dob,  # type: ignore[arg-type]
        identifiers=[
            Identifier(scheme="benefit_claim", value=f"HB{n:05d}"),
            Identifier(scheme="nino", value=nino),
        ],
        addresses=[Address(lines=[f"{n} Cobden Street"], town="Salford", postcode="M5 4WT")],
        updated_at=at,
    )


def claim_made(n: int) -> ServiceEvent:
    return ServiceEvent(
        source_system="benefits",
        source_record_id=f"HB{n:05d}-01",
        service_event_id=f"HB{n:05d}-01:claim",
        service="benefits",
        kind="claim_made",
        at=T0 - timedelta(days=30),
        summary="Claim for housing benefit made",
        attributes={"benefit": "housing_benefit", "role": "claimant"},
    )


def seeded(count: int, **kwargs: Any) -> BenefitsStore:
    store = BenefitsStore()
    store.seed(
        [claimant(n, at=T0 + timedelta(minutes=n), **kwargs) for n in range(count)],
        [claim_made(n) for n in range(count)],
    )
    return store


@pytest.fixture
def state(tmp_path: Path) -> AdaptorState:
    return AdaptorState.sqlite(tmp_path / "state.sqlite")


@pytest.fixture
def store() -> BenefitsStore:
    return seeded(120)


@pytest.fixture
def wsdl(store: BenefitsStore) -> Iterator[str]:
    with serve(store) as url:
        yield url


async def run(wsdl_url: str, state: AdaptorState, publisher: RecordingPublisher, **client: Any) -> None:
    soap = BenefitsClient(wsdl_url, **client)
    try:
        await AdaptorRunner(BenefitsAdaptor(soap), publisher, state).run_once()
    finally:
        await soap.aclose()


async def test_pages_through_every_claim_in_native_format(wsdl: str, state: AdaptorState) -> None:
    publisher = RecordingPublisher()
    await run(wsdl, state, publisher)
    people = [e.payload for e in publisher.events if e.type == "PersonRecord"]
    assert len(people) == 120
    assert sum(e.type == "ServiceEvent" for e in publisher.events) == 120
    first = next(p for p in people if p.source_record_id == "HB00000-01")
    assert (first.name.given, first.name.middle, first.date_of_birth.text) == (
        "Margaret",
        "Ann",
        "1953-04-12",
    )
    assert {(i.scheme, i.value) for i in first.identifiers} == {
        ("benefit_claim", "HB00000"),
        ("nino", "AB123456C"),
    }
    assert publisher.duplicates() == {}
    again = RecordingPublisher()
    await run(wsdl, state, again)
    assert again.events == []


async def test_stop_mid_stream_and_restart_counts_exactly_once(wsdl: str, state: AdaptorState) -> None:
    reference = RecordingPublisher()
    await run(wsdl, AdaptorState("sqlite://"), reference)
    crashed = RecordingPublisher(fail_after=130)  # dies inside the third page
    with pytest.raises(SourceUnavailable):
        await run(wsdl, state, crashed)
    resumed = RecordingPublisher()
    await run(wsdl, state, resumed)
    assert set(crashed.event_ids) | set(resumed.event_ids) == set(reference.event_ids)
    assert len(set(reference.event_ids)) == 240
    replayed = set(crashed.event_ids) & set(resumed.event_ids)
    assert len(replayed) < 100  # at most the unacknowledged page is published again, with identical ids


async def test_claims_changed_in_one_instant_are_not_skipped(state: AdaptorState) -> None:
    store = BenefitsStore(page_size=10)
    store.seed([claimant(n, at=T0) for n in range(25)])
    with serve(store) as url:
        publisher = RecordingPublisher()
        await run(url, state, publisher)
        assert len({e.payload.source_record_id for e in publisher.events}) == 25
        store.change_address(
            "HB00003-01", GoldenAddress(lines=["9 Moved Road"], town="Bolton", postcode="BL1 1AA")
        )
        later = RecordingPublisher()
        await run(url, state, later)
        assert [e.payload.source_record_id for e in later.events] == ["HB00003-01"]


async def test_malformed_claims_are_reported_and_the_rest_carry_on(state: AdaptorState) -> None:
    store = seeded(5)
    store.seed([claimant(90, nino="QQ12345"), claimant(91, dob="1988-02-30")])
    bad = claimant(92)
    store.seed([bad])
    store.claims["HB00092"]["People"][0]["Surname"] = None
    with serve(store) as url:
        publisher = RecordingPublisher()
        await run(url, state, publisher)
    ids = {e.payload.source_record_id for e in publisher.events if e.type == "PersonRecord"}
    assert len(ids) == 7
    assert "HB00092-01" not in ids
    reports = {(r.reference, r.severity, r.reason.split(":")[0]) for r in state.list_reports("benefits")}
    assert ("HB00092/HB00092-01", "rejected", "name.family") in reports
    assert ("HB00090/HB00090-01", "warning", "identifiers[1].nino") in reports
    assert ("HB00091/HB00091-01", "warning", "date_of_birth") in reports


async def test_soap_faults_back_off_and_report_the_outage_once(
    store: BenefitsStore, wsdl: str, state: AdaptorState
) -> None:
    store.fault = "claims database offline"
    soap = BenefitsClient(wsdl, backoff_s=0.01)
    runner = AdaptorRunner(
        BenefitsAdaptor(soap), RecordingPublisher(), state, backoff_initial_s=0.01, backoff_max_s=0.05
    )
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    for _ in range(200):  # a loaded machine may take a while to make the first call
        if any(r.severity == "outage" for r in state.list_reports("benefits")):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # several failing retries while the outage lasts: still reported once
    store.fault = None
    for _ in range(100):
        if any(r.severity == "recovered" for r in state.list_reports("benefits")):
            break
        await asyncio.sleep(0.05)
    stop.set()
    await task
    await soap.aclose()
    severities = [r.severity for r in reversed(state.list_reports("benefits"))]
    assert severities == ["outage", "recovered"]
    assert "SOAP fault" in state.list_reports("benefits")[-1].reason
    assert len(runner.publisher.events) == 240  # type: ignore[attr-defined]


async def test_timeouts_and_a_service_that_is_down_are_source_unavailable(
    store: BenefitsStore, wsdl: str, state: AdaptorState
) -> None:
    soap = BenefitsClient(wsdl, timeout_s=0.3, attempts=2, backoff_s=0.01)
    for _ in range(20):  # the WSDL is loaded before the service slows (retried: a loaded machine is slow)
        try:
            await soap.call("GetChangedClaims", datetime.now(UTC), 1)
            break
        except SourceUnavailable:
            await asyncio.sleep(0.2)
    store.delay_s = 1.5
    with pytest.raises(SourceUnavailable, match="timed out"):
        await AdaptorRunner(BenefitsAdaptor(soap), RecordingPublisher(), state).run_once()
    await soap.aclose()
    store.delay_s = 0
    with pytest.raises(SourceUnavailable, match="not reachable"):
        await run("http://127.0.0.1:9/?wsdl", state, RecordingPublisher(), timeout_s=0.5)
    assert state.load_checkpoint("benefits") is None


XXE = """<?xml version="1.0"?>
<!DOCTYPE e [<!ENTITY secret SYSTEM "file://{path}">]>
<soap11env:Envelope xmlns:soap11env="http://schemas.xmlsoap.org/soap/envelope/"
 xmlns:tns="urn:council:benefits:v1"><soap11env:Body><tns:GetChangedClaimsResponse><tns:GetChangedClaimsResult><tns:Claims><tns:Claim>
<tns:ClaimRef>&secret;</tns:ClaimRef></tns:Claim></tns:Claims></tns:GetChangedClaimsResult>
</tns:GetChangedClaimsResponse></soap11env:Body></soap11env:Envelope>"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">]>
<soap11env:Envelope xmlns:soap11env="http://schemas.xmlsoap.org/soap/envelope/">
<soap11env:Body><x>&lol6;</x></soap11env:Body></soap11env:Envelope>"""


@pytest.mark.parametrize("payload", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
async def test_a_hostile_response_is_refused_and_reported_never_parsed(
    payload: str, store: BenefitsStore, state: AdaptorState, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    real = wsgi_app(store)

    def hostile(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if environ["REQUEST_METHOD"] == "GET":  # the WSDL is genuine; the reply is not
            return list(real(environ, start_response))
        start_response("200 OK", [("Content-Type", "text/xml; charset=utf-8")])
        return [payload.replace("{path}", str(secret)).encode()]

    publisher = RecordingPublisher()
    with serve(store, app=hostile) as url:
        soap = BenefitsClient(url)
        runner = AdaptorRunner(BenefitsAdaptor(soap), publisher, state, backoff_initial_s=0.01)
        stop = asyncio.Event()
        task = asyncio.create_task(runner.run(stop))
        for _ in range(200):
            if state.list_reports("benefits"):
                break
            await asyncio.sleep(0.05)
        stop.set()
        await task
        with pytest.raises(HostileResponse, match="refused"):
            await soap.call("GetChangedClaims", None, 1)
        await soap.aclose()
    assert publisher.events == []
    reports = state.list_reports("benefits")
    assert [r.severity for r in reports] == ["outage"]
    assert "refused" in reports[0].reason
    assert "TOP-SECRET" not in reports[0].reason


def change(version: int, cause: str | None, lines: list[str]) -> Any:
    payload = CitizenChanged(
        citizen_id="cit-7",
        version=version,
        address=GoldenAddress(lines=lines, town="Eccles", postcode="M30 0AA"),
        address_changed=True,
        source_records=[SourceRef(source_system="benefits", source_record_id="HB00007-01")],
        cause="source record update",
        cause_source_system=cause,
    )
    return make_event(payload, T0 + timedelta(hours=version))


async def test_write_back_over_soap_is_idempotent_and_does_not_loop(
    store: BenefitsStore, wsdl: str, state: AdaptorState
) -> None:
    await run(wsdl, state, RecordingPublisher())
    soap = BenefitsClient(wsdl)
    feed = ListChangeFeed([change(2, "council_tax", ["12 Canal Side"])])
    writer = WriteBackRunner(BenefitsWriter(soap), feed, state)
    assert (await writer.drain()).written == 1
    feed.restart()  # the commit is lost: the same event is delivered again
    feed.committed = 0
    feed.restart()
    assert (await writer.drain()).written == 0
    person = store.person("HB00007-01")
    assert person is not None
    assert person["CorrespondenceAddress"]["Line1"] == "12 Canal Side"
    assert person["UpdatedBy"] == "CITHUB"
    republished = RecordingPublisher()
    await AdaptorRunner(BenefitsAdaptor(soap), republished, state).run_once()
    assert [e.payload.source_record_id for e in republished.events if e.type == "PersonRecord"] == [
        "HB00007-01"
    ]
    feed.append(change(3, "benefits", ["12 Canal Side"]))  # the hub's echo of our own republication
    feed.append(change(4, "housing", ["12 CANAL SIDE"]))  # same address in another system's spelling
    result = await writer.drain()
    assert (result.written, result.unchanged) == (0, 1)
    quiet = RecordingPublisher()
    await AdaptorRunner(BenefitsAdaptor(soap), quiet, state).run_once()
    assert quiet.events == []
    await soap.aclose()
    assert [w.status for w in state.list_writebacks("benefits")].count("written") == 1
