"""The ports an adaptor plugs into. The hub implements ``Publisher`` and ``ChangeFeed``; each legacy
system implements ``SourceAdaptor`` and, if it takes part in tell-us-once, ``AddressWriter``.

Nothing here imports the hub: the hub's ``EventPublisher`` already satisfies ``Publisher``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from contracts import GoldenAddress
from contracts.rules import address_key as address_key  # the adaptors compare addresses with it

Checkpoint = dict[str, Any]
"""JSON-serialisable position in a source (a high-water mark, a page, the files already seen)."""

Severity = Literal["rejected", "warning", "outage", "recovered"]


class SourceUnavailable(Exception):
    """The legacy system cannot be reached (down, timing out, refusing). The runner backs off and retries.

    The message must not contain personal data: it is logged.
    """


class RecordRejected(Exception):
    """One legacy record cannot be used. It is reported with its reference; the other records carry on."""

    def __init__(self, reference: str, reason: str) -> None:
        super().__init__(reason)
        self.reference = reference
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Report:
    """A problem with one legacy record (or the source as a whole), for a person to read.

    Attributes:
        reference: the legacy system's own reference for the record (account, claim, tenancy, file).
        reason: what is wrong, naming the rule broken; never a person's name or date of birth.
        severity: ``rejected`` (not published), ``warning`` (published, value flagged as invalid),
            ``outage`` / ``recovered`` (the source as a whole).
        location: where in the source, e.g. ``extract-2024-05-01.csv:17``.
    """

    reference: str
    reason: str
    severity: Severity = "rejected"
    location: str | None = None


@dataclass(slots=True)
class Batch:
    """What one ``fetch`` found after a checkpoint.

    Attributes:
        events: contract envelopes (``make_event`` of PersonRecord, ServiceEvent, SourceRecordDeleted).
        checkpoint: the position to resume from once ``events`` are acknowledged by the broker.
        reports: problems found while reading; stored together with the checkpoint.
        more: True when the source has more changes waiting right now (fetch again without sleeping).
    """

    events: list[Any]
    checkpoint: Checkpoint
    reports: list[Report] = field(default_factory=list)
    more: bool = False


class Publisher(Protocol):
    """Publishes contract envelopes on the hub's inbound topic."""

    async def publish(self, events: Sequence[Any]) -> None:
        """Publish ``events`` in order.

        Args:
            events: contract envelopes.

        Returns only after the broker acknowledged every event; raises if it did not.
        """
        ...


class SourceAdaptor(Protocol):
    """Reads one legacy system incrementally and maps its records to contract events."""

    system: str
    """The ``source_system`` it publishes as, e.g. ``council_tax``."""

    async def fetch(self, checkpoint: Checkpoint | None) -> Batch:
        """Read the changes after ``checkpoint`` (None: from the beginning).

        Args:
            checkpoint: the checkpoint of the last batch the broker acknowledged.

        Returns:
            The next batch. It must be deterministic for an unchanged source: the same checkpoint gives
            the same events with the same event ids, so a replay after a crash is harmless.

        Raises:
            SourceUnavailable: the source cannot be reached; nothing was consumed.
        """
        ...


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One outbound hub message: the decoded envelope, or why it could not be decoded."""

    event: Any | None
    handle: Any
    error: str | None = None


class ChangeFeed(Protocol):
    """The hub's outbound citizen changes, consumed at least once."""

    async def poll(self, max_items: int, timeout_s: float) -> list[FeedItem]:
        """Up to ``max_items`` outbound messages; an empty list when none arrived within ``timeout_s``."""
        ...

    async def commit(self, items: Sequence[FeedItem]) -> None:
        """Acknowledge ``items`` (and everything before them); call only after their effects are stored."""
        ...


WriteOutcome = Literal["written", "unchanged"]


class AddressWriter(Protocol):
    """Writes a citizen's changed correspondence address into one legacy system (tell us once)."""

    system: str

    async def write_address(
        self, source_record_id: str, address: GoldenAddress, event_id: str
    ) -> WriteOutcome:
        """Write ``address`` onto the legacy record ``source_record_id``.

        Args:
            source_record_id: the record's id as this system's adaptor publishes it.
            address: the hub's golden address.
            event_id: the CitizenChanged event id, for the legacy system's own audit trail.

        Returns:
            ``unchanged`` when the legacy record already holds that address (nothing is touched, so the
            next poll sees no change), else ``written``.

        Raises:
            SourceUnavailable: try again later.
            RecordRejected: this record cannot take the write (unknown, closed); reported, not retried.
        """
        ...


def golden_key(address: GoldenAddress) -> str:
    return address_key(address.lines, address.town, address.postcode)
