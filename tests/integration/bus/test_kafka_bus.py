"""The bus port on both backings: keyed order, acknowledged publishes, manual commits, restarts, groups."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from hub.bus.base import Consumer, EventBus, Message
from hub.bus.embedded import EmbeddedBus
from hub.bus.factory import bus_from_settings
from hub.bus.kafka import KafkaBus, KafkaConsumer
from hub.settings import Settings
from tests.support import kafka_settings

pytestmark = pytest.mark.integration

Position = tuple[int, int]


def items(keys: int, per_key: int, tag: str = "") -> list[tuple[str, bytes]]:
    """Interleaved keys, each with a sequence number in its value."""
    return [(f"sys/{k}", f"{tag}{k}:{seq}".encode()) for seq in range(per_key) for k in range(keys)]


async def drain(consumer: Consumer, expected: int, within: float = 20.0) -> list[Message]:
    """Poll until ``expected`` messages arrived, then once more briefly to catch any extra ones."""
    received: list[Message] = []
    deadline = asyncio.get_running_loop().time() + within
    while len(received) < expected and asyncio.get_running_loop().time() < deadline:
        received += await consumer.poll(max_records=500, timeout_ms=200)
    received += await consumer.poll(max_records=500, timeout_ms=300)
    return received


def positions(messages: Sequence[Message]) -> list[Position]:
    return [(m.partition, m.offset) for m in messages]


def first_half_per_partition(messages: Sequence[Message]) -> list[Message]:
    by_partition: dict[int, list[Message]] = {}
    for m in sorted(messages, key=lambda m: (m.partition, m.offset)):
        by_partition.setdefault(m.partition, []).append(m)
    return [m for batch in by_partition.values() for m in batch[: len(batch) // 2]]


@pytest.fixture(params=["kafka", "embedded"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    bootstrap = request.getfixturevalue("kafka_bootstrap") if request.param == "kafka" else None
    return kafka_settings(bootstrap, data_dir=tmp_path)


@pytest.fixture
async def bus(settings: Settings) -> AsyncIterator[EventBus]:
    bus = bus_from_settings(settings)
    await bus.start()
    yield bus
    await bus.stop()


@pytest.fixture
def kafka_only(kafka_bootstrap: str, tmp_path: Path) -> Settings:
    return kafka_settings(kafka_bootstrap, data_dir=tmp_path)


@pytest.fixture
async def kafka_bus(kafka_only: Settings) -> AsyncIterator[KafkaBus]:
    bus = KafkaBus(kafka_only)
    await bus.start()
    yield bus
    await bus.stop()


def test_factory_chooses_the_backing(settings: Settings) -> None:
    expected = KafkaBus if settings.kafka_bootstrap_servers else EmbeddedBus
    assert isinstance(bus_from_settings(settings), expected)


async def test_published_messages_are_acknowledged_and_keep_order_per_key(
    bus: EventBus, settings: Settings
) -> None:
    topic = settings.topic_source_records
    sent = items(keys=10, per_key=50)
    for start in range(0, len(sent), 100):
        await bus.publish_raw(topic, sent[start : start + 100])

    # publish_raw returned: every message is already readable, by a group that never saw the topic.
    consumer = bus.consumer(topic, settings.consumer_group)
    await consumer.start()
    try:
        received = await drain(consumer, len(sent))
    finally:
        await consumer.stop()

    assert sorted(m.value for m in received) == sorted(v for _, v in sent)
    by_key: dict[str, list[int]] = {}
    partitions_of_key: dict[str, set[int]] = {}
    for m in received:
        by_key.setdefault(m.key, []).append(int(m.value.split(b":")[1]))
        partitions_of_key.setdefault(m.key, set()).add(m.partition)
    assert all(seqs == list(range(50)) for seqs in by_key.values())
    assert all(len(p) == 1 for p in partitions_of_key.values())


async def test_uncommitted_messages_are_read_again_and_a_commit_resumes_exactly(
    bus: EventBus, settings: Settings
) -> None:
    topic, group = settings.topic_source_records, settings.consumer_group
    sent = items(keys=12, per_key=5)
    await bus.publish_raw(topic, sent)

    first = bus.consumer(topic, group)
    await first.start()
    read_once = await drain(first, len(sent))
    await first.stop()  # stopped without committing

    second = bus.consumer(topic, group)
    await second.start()
    read_again = await drain(second, len(sent))
    committed = first_half_per_partition(read_again)
    await second.commit(committed)
    await second.stop()

    third = bus.consumer(topic, group)
    await third.start()
    rest = await drain(third, len(sent) - len(committed))
    await third.stop()

    assert len(read_once) == len(read_again) == len(sent)
    assert set(positions(read_once)) == set(positions(read_again))
    assert 0 < len(committed) < len(sent)
    assert sorted(positions(rest)) == sorted(set(positions(read_again)) - set(positions(committed)))


async def test_a_restarted_bus_loses_nothing_and_redelivers_nothing_committed(settings: Settings) -> None:
    topic, group = settings.topic_source_records, settings.consumer_group
    before, after = items(keys=5, per_key=20, tag="a"), items(keys=5, per_key=4, tag="b")

    bus = bus_from_settings(settings)
    await bus.start()
    await bus.publish_raw(topic, before)
    consumer = bus.consumer(topic, group)
    await consumer.start()
    committed = first_half_per_partition(await drain(consumer, len(before)))
    await consumer.commit(committed)
    await consumer.stop()
    await bus.stop()

    reopened = bus_from_settings(settings)
    await reopened.start()
    try:
        await reopened.publish_raw(topic, after)
        consumer = reopened.consumer(topic, group)
        await consumer.start()
        expected = len(before) + len(after) - len(committed)
        resumed = await drain(consumer, expected)
        await consumer.stop()
        if isinstance(reopened, EmbeddedBus):
            assert reopened.log is not None
            assert reopened.log.size(topic) == len(before) + len(after)
    finally:
        await reopened.stop()

    values = [m.value for m in resumed]
    assert len(values) == len(set(values)) == expected
    assert not {m.value for m in committed} & set(values)
    assert {m.value for m in committed} | set(values) == {v for _, v in before + after}


async def test_topics_are_created_with_the_configured_partitions(kafka_bus: KafkaBus) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bus.bootstrap_servers)
    await admin.start()
    try:
        described = await admin.describe_topics(kafka_bus.hub_topics())
    finally:
        await admin.close()
    counts = {t["topic"]: len(t["partitions"]) for t in described}
    assert counts == dict.fromkeys(kafka_bus.hub_topics(), kafka_bus.settings.kafka_partitions)


async def wait_for_split(members: Sequence[KafkaConsumer], partitions: int, within: float = 20.0) -> None:
    """Poll every member until their assignments cover every partition once, each member holding some."""
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        polled = await asyncio.gather(*(m.poll(max_records=1, timeout_ms=200) for m in members))
        assert not any(polled), "the topic should still be empty"
        held = [m.assigned_partitions for m in members]
        covered = frozenset[int]().union(*held)
        if all(held) and sum(len(h) for h in held) == partitions == len(covered):
            return
    raise AssertionError(f"no stable split: {[sorted(m.assigned_partitions) for m in members]}")


async def test_two_members_of_one_group_split_the_partitions(kafka_bus: KafkaBus) -> None:
    settings = kafka_bus.settings
    topic, group = settings.topic_source_records, settings.consumer_group
    members = [kafka_bus.consumer(topic, group), kafka_bus.consumer(topic, group)]
    for member in members:
        await member.start()
    try:
        await wait_for_split(members, settings.kafka_partitions)
        sent = items(keys=30, per_key=10)
        await kafka_bus.publish_raw(topic, sent)

        got: list[list[Message]] = [[], []]
        deadline = asyncio.get_running_loop().time() + 20
        while sum(map(len, got)) < len(sent) and asyncio.get_running_loop().time() < deadline:
            batches = await asyncio.gather(*(m.poll(max_records=500, timeout_ms=200) for m in members))
            for mine, batch in zip(got, batches, strict=True):
                mine += batch
    finally:
        for member in members:
            await member.stop()

    assert all(got), "each member should receive a share"
    assert sorted(m.value for m in got[0] + got[1]) == sorted(v for _, v in sent)
    assert not {m.partition for m in got[0]} & {m.partition for m in got[1]}


async def test_a_revoke_abandons_the_in_flight_batch_without_committing(kafka_bus: KafkaBus) -> None:
    settings = kafka_bus.settings
    topic, group = settings.topic_source_records, settings.consumer_group
    sent = items(keys=12, per_key=5)
    await kafka_bus.publish_raw(topic, sent)
    first, second = kafka_bus.consumer(topic, group), kafka_bus.consumer(topic, group)
    await first.start()
    try:
        in_flight = await drain(first, len(sent))
        generation = first.generation
        assert not first.revoked.is_set()

        await second.start()  # joining makes the group take every partition back from the first member
        joined = asyncio.ensure_future(drain(second, len(sent), within=5))
        await asyncio.wait_for(first.revoked.wait(), timeout=15)
        assert first.generation == generation + 1

        await first.commit(in_flight)  # too late: refused, so nothing of the batch is marked done
        reread = await joined
        reread += await drain(first, len(sent) - len(reread), within=5)
    finally:
        await first.stop()
        await second.stop()

    assert sorted(m.value for m in reread) == sorted(v for _, v in sent)
