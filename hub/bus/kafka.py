"""The :class:`~hub.bus.base.EventBus` on Kafka (aiokafka).

Producer: keyed (one source record's changes stay in order on one partition), ``acks='all'``, batched
(``publish_raw`` hands the whole batch to the producer, then awaits every acknowledgement).

Consumer: a consumer group with ``enable_auto_commit=False``. Offsets are committed only when the worker
calls :meth:`KafkaConsumer.commit` after its database commit.

Rebalances (the hook the worker uses): when partitions are revoked, :class:`KafkaConsumer` bumps
``generation`` and sets ``revoked`` (an :class:`asyncio.Event`, cleared by the next ``poll``). A worker
checks ``consumer.revoked.is_set()`` before its database commit and, if set, rolls back and abandons the
in-flight batch: every partition it is assigned afterwards is re-read from its committed offset (aiokafka's
eager protocol revokes and re-assigns all partitions). ``commit`` itself never commits a batch polled
before a revoke, nor a partition no longer assigned; such messages are re-delivered and the
processed-event check makes the repeat harmless.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import CommitFailedError, IllegalStateError, RebalanceInProgressError

from hub.bus.base import Message
from hub.settings import Settings

log = structlog.get_logger(__name__)

_TOPIC_ALREADY_EXISTS = 36
_LINGER_MS = 5
_MAX_BATCH_BYTES = 512 * 1024


class KafkaBus:
    """Kafka-backed event bus; ``start`` before use, ``stop`` at the end."""

    def __init__(self, settings: Settings) -> None:
        if not settings.kafka_bootstrap_servers:
            raise ValueError("KafkaBus needs kafka_bootstrap_servers")
        self.settings = settings
        self.bootstrap_servers: str = settings.kafka_bootstrap_servers
        self._producer: Any = None
        self._ensured: set[str] = set()
        self._ensure_lock = asyncio.Lock()

    async def start(self) -> None:
        if self._producer is not None:
            return
        # Before any producer or consumer asks for metadata: a broker may auto-create a missing topic with
        # its own default partition count.
        await self.ensure_topics(self.hub_topics())
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap_servers,
            acks="all",
            enable_idempotence=self.settings.kafka_idempotent_producer,
            linger_ms=_LINGER_MS,
            max_batch_size=_MAX_BATCH_BYTES,
        )
        await producer.start()
        self._producer = producer
        log.info("kafka.producer.started", idempotent=self.settings.kafka_idempotent_producer)

    async def stop(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await producer.stop()
            log.info("kafka.producer.stopped")

    def hub_topics(self) -> list[str]:
        s = self.settings
        return [s.topic_source_records, s.topic_citizen_changes, s.topic_dead_letter]

    async def ensure_topics(self, topics: Sequence[str]) -> None:
        async with self._ensure_lock:
            wanted = [t for t in dict.fromkeys(topics) if t not in self._ensured]
            if not wanted:
                return
            admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap_servers)
            await admin.start()
            try:
                existing = set(await admin.list_topics())
                missing = [t for t in wanted if t not in existing]
                if missing:
                    await self._create(admin, missing)
            finally:
                await admin.close()
            self._ensured.update(wanted)

    async def _create(self, admin: Any, topics: list[str]) -> None:
        partitions = self.settings.kafka_partitions
        replication = self.settings.kafka_replication_factor
        response = await admin.create_topics([NewTopic(t, partitions, replication) for t in topics])
        for topic, code, *rest in response.topic_errors:
            # Another process may have created it between our list and our create: that is fine.
            if code not in (0, _TOPIC_ALREADY_EXISTS):
                detail = rest[0] if rest else ""
                raise RuntimeError(f"could not create topic {topic}: error {code} {detail}".strip())
        log.info("kafka.topics.created", topics=topics, partitions=partitions, replication=replication)

    async def publish_raw(self, topic: str, items: Sequence[tuple[str, bytes]]) -> None:
        if not items:
            return
        producer = self._require()
        if topic not in self._ensured:
            await self.ensure_topics([topic])
        # send() only enqueues into the producer's batches; gathering the futures waits for every ack.
        futures = [await producer.send(topic, value=value, key=key.encode()) for key, value in items]
        await asyncio.gather(*futures)
        log.debug("kafka.published", topic=topic, count=len(items))

    def consumer(self, topic: str, group: str) -> KafkaConsumer:
        return KafkaConsumer(self, topic, group)

    def _require(self) -> Any:
        if self._producer is None:
            raise RuntimeError("the Kafka bus is not started")
        return self._producer


class _Listener(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, owner: KafkaConsumer) -> None:
        self._owner = owner

    async def on_partitions_revoked(self, revoked: Iterable[TopicPartition]) -> None:
        self._owner._on_revoked(revoked)

    async def on_partitions_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        self._owner._on_assigned(assigned)


class KafkaConsumer:
    """One member of a consumer group on one topic (the :class:`~hub.bus.base.Consumer` port).

    ``generation`` increases on every revoke and ``revoked`` is set until the next ``poll``: a worker
    holding a polled batch checks ``revoked.is_set()`` before its database commit and abandons the batch
    if so (see the module docstring).
    """

    def __init__(self, bus: KafkaBus, topic: str, group: str) -> None:
        self._bus, self.topic, self.group = bus, topic, group
        self._consumer: Any = None
        self.generation = 0
        self.revoked = asyncio.Event()
        self._polled_generation = 0
        self._assigned: frozenset[int] = frozenset()

    @property
    def assigned_partitions(self) -> frozenset[int]:
        return self._assigned

    async def start(self) -> None:
        if self._consumer is not None:
            return
        await self._bus.ensure_topics([self.topic])
        settings = self._bus.settings
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bus.bootstrap_servers,
            group_id=self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=settings.kafka_session_timeout_ms,
            heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms,
        )
        consumer.subscribe([self.topic], listener=_Listener(self))
        await consumer.start()
        self._consumer = consumer
        log.info("kafka.consumer.started", topic=self.topic, group=self.group)

    async def stop(self) -> None:
        if self._consumer is not None:
            consumer, self._consumer = self._consumer, None
            await consumer.stop()
            self._assigned = frozenset()
            log.info("kafka.consumer.stopped", topic=self.topic, group=self.group)

    async def poll(self, max_records: int, timeout_ms: int) -> list[Message]:
        consumer = self._require()
        batches = await consumer.getmany(timeout_ms=timeout_ms, max_records=max_records)
        # aiokafka returns records of the current assignment only (a rebalance during the fetch drops the
        # old assignment's buffers), so the batch belongs to the generation seen now.
        self.revoked.clear()
        self._polled_generation = self.generation
        return [
            Message(r.topic, r.partition, r.offset, r.key.decode() if r.key is not None else "", r.value)
            for records in batches.values()
            for r in records
        ]

    async def commit(self, messages: Sequence[Message]) -> None:
        if not messages:
            return
        consumer = self._require()
        if self.generation != self._polled_generation:
            log.warning("kafka.commit.skipped", reason="partitions revoked since poll", group=self.group)
            return
        next_offsets: dict[TopicPartition, int] = {}
        for m in messages:
            tp = TopicPartition(m.topic, m.partition)
            next_offsets[tp] = max(next_offsets.get(tp, 0), m.offset + 1)
        assigned = consumer.assignment()
        offsets = {tp: o for tp, o in next_offsets.items() if tp in assigned}
        if len(offsets) < len(next_offsets):
            log.warning("kafka.commit.partial", reason="partitions no longer assigned", group=self.group)
        if not offsets:
            return
        try:
            await consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError, RebalanceInProgressError) as exc:
            # A rebalance overtook the batch: its messages will be re-delivered and deduplicated.
            log.warning("kafka.commit.failed", error=type(exc).__name__, group=self.group)

    def _on_revoked(self, revoked: Iterable[TopicPartition]) -> None:
        lost = [tp.partition for tp in revoked if tp.topic == self.topic]
        self._assigned = frozenset()
        if lost:
            self.generation += 1
            self.revoked.set()
            log.info("kafka.partitions.revoked", topic=self.topic, group=self.group, partitions=sorted(lost))

    def _on_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        self._assigned = frozenset(tp.partition for tp in assigned if tp.topic == self.topic)
        log.info(
            "kafka.partitions.assigned", topic=self.topic, group=self.group, partitions=sorted(self._assigned)
        )

    def _require(self) -> Any:
        if self._consumer is None:
            raise RuntimeError("the Kafka consumer is not started")
        return self._consumer
