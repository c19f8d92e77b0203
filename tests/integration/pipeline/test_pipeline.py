"""One record travels the whole way: source -> bus -> matcher -> store -> API, on both backings."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from contracts import make_event
from hub.api.app import create_app
from hub.auth import Role, create_token
from hub.bus.base import Message
from hub.settings import Settings
from hub.store.models import DeadLetter, OutboxMessage
from tests.integration.pipeline.conftest import embedded_settings
from tests.support.people import EXPECTED, T0, deletion, events, person
from tests.support.pipeline import HubUnderTest
from tests.support.settings import kafka_settings

pytestmark = pytest.mark.integration


def supervisor(settings: Settings) -> dict[str, str]:
    """A supervisor sees every service's records (agents see what their line's data sharing allows)."""
    return {"Authorization": f"Bearer {create_token(settings, Role.SUPERVISOR, 'pipeline.test')}"}


async def test_records_become_citizens_served_by_the_api(backing: Settings) -> None:
    async with HubUnderTest(backing) as hub:
        batch = events()
        await hub.publish(batch)
        totals = await hub.run_worker(len(batch))
        assert totals.rejected == 0
        assert hub.partition() == EXPECTED

        app = create_app(backing, db=hub.db, bus=hub.bus)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://hub", headers=supervisor(backing)
        ) as client:
            owner = (await client.get("/v1/source-records/housing/T3")).json()["citizen_id"]
            citizen = (await client.get(f"/v1/citizens/{owner}")).json()
            keys = sorted(f"{r['source_system']}/{r['source_record_id']}" for r in citizen["source_records"])
            assert keys == ["benefits/HB7", "council_tax/CT1", "housing/T3"]
            assert {e["kind"] for e in citizen["service_events"]} == {"repair_reported", "bill_issued"}
            assert citizen["golden"]["fields"]["family_name"]["value"] == "Smith"
            assert all(r["link_explanation"] for r in citizen["source_records"])
            found = (await client.get("/v1/citizens", params={"identifier": "AB 12 34 56 C"})).json()
            assert [hit["citizen_id"] for hit in found["results"]] == [owner]


async def test_same_input_gives_same_citizens_on_both_backings(
    tmp_path: Path, kafka_bootstrap: str, fresh_postgres: str
) -> None:
    partitions = []
    for settings in (
        embedded_settings(tmp_path),
        kafka_settings(kafka_bootstrap, database_url=fresh_postgres, data_dir=tmp_path / "pg"),
    ):
        async with HubUnderTest(settings) as hub:
            batch = events()
            await hub.publish(batch)
            await hub.run_worker(len(batch))
            partitions.append(hub.partition())
    assert partitions[0] == partitions[1] == EXPECTED


async def test_an_event_delivered_twice_changes_nothing(backing: Settings) -> None:
    async with HubUnderTest(backing) as hub:
        batch = events()
        await hub.publish(batch)
        await hub.run_worker(len(batch))
        before = hub.snapshot()
        await hub.publish(batch)
        totals = await hub.run_worker(len(batch))
        assert totals.duplicates == len(batch)
        assert totals.applied == 0
        assert hub.snapshot() == before


async def test_worker_killed_after_db_commit_before_offset_commit(backing: Settings) -> None:
    async with HubUnderTest(backing) as hub:
        batch = events()
        await hub.publish(batch)
        # A worker applies a batch and commits the database, then dies before committing offsets.
        worker = hub.worker()
        consumer = hub.bus.consumer(backing.topic_source_records, backing.consumer_group)
        await consumer.start()
        polled: list[Message] = []
        while len(polled) < len(batch):
            polled += await consumer.poll(100, 500)
        worker.apply(polled)
        await consumer.stop()  # no commit: the offsets stay where they were
        after_crash = hub.snapshot()

        # The restarted worker is handed the same messages again: nothing lost, nothing applied twice.
        totals = await hub.run_worker(len(batch))
        assert totals.duplicates == len(batch)
        assert totals.applied == 0
        assert hub.snapshot() == after_crash
        assert hub.partition() == EXPECTED


async def test_malformed_event_is_dead_lettered_and_the_worker_carries_on(backing: Settings) -> None:
    async with HubUnderTest(backing) as hub:
        await hub.bus.publish_raw(
            backing.topic_source_records,
            [
                ("bad/1", b'{"type": "PersonRecord", "occurred_at": "2024-01-01T00:00:00Z", "payload": {}}'),
                ("bad/2", b"not json at all"),
            ],
        )
        batch = events()
        await hub.publish(batch)
        totals = await hub.run_worker(len(batch) + 2)
        assert totals.rejected == 2
        assert hub.partition() == EXPECTED
        with hub.db.reader() as session:
            reasons = {d.key: d.reason for d in session.scalars(select(DeadLetter))}
        assert "source_system" in reasons["bad/1"]
        assert "json" in reasons["bad/2"].lower()


async def test_deleted_record_leaves_its_citizen_and_takes_its_facts(backing: Settings) -> None:
    async with HubUnderTest(backing) as hub:
        batch = events()
        await hub.publish(batch)
        await hub.run_worker(len(batch))
        await hub.publish([deletion("council_tax", "CT1")])
        await hub.run_worker(1)
        assert all("council_tax/CT1" not in group for group in hub.partition())
        app = create_app(backing, db=hub.db, bus=hub.bus)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://hub", headers=supervisor(backing)
        ) as client:
            owner = (await client.get("/v1/source-records/housing/T3")).json()["citizen_id"]
            citizen = (await client.get(f"/v1/citizens/{owner}")).json()
        assert {e["kind"] for e in citizen["service_events"]} == {"repair_reported"}


async def test_updated_record_that_no_longer_matches_splits_the_citizen(backing: Settings) -> None:
    async with HubUnderTest(backing) as hub:
        batch = events()
        await hub.publish(batch)
        await hub.run_worker(len(batch))
        changed = person("benefits", "HB7", "Zoe", "Quinn", "2001-01-01", "B1 1AA", "JG103759A")
        await hub.publish([make_event(changed, T0 + timedelta(days=1))])
        await hub.run_worker(1)
        partition = hub.partition()
        assert ["benefits/HB7"] in partition
        assert ["council_tax/CT1", "housing/T3"] in partition
        with hub.db.reader() as session:
            kinds = [json.loads(v)["type"] for v in session.scalars(select(OutboxMessage.value))]
        assert "CitizenSplit" in kinds
