"""The adaptor runtime: ports, the state store (checkpoints, reports, write-back log) and the runners."""

from adaptors.runtime.ports import (
    AddressWriter,
    Batch,
    ChangeFeed,
    FeedItem,
    Publisher,
    RecordRejected,
    Report,
    SourceAdaptor,
    SourceUnavailable,
    WriteOutcome,
)
from adaptors.runtime.runner import AdaptorRunner, PassResult
from adaptors.runtime.state import AdaptorState
from adaptors.runtime.writeback import WriteBackRunner

__all__ = [
    "AdaptorRunner",
    "AdaptorState",
    "AddressWriter",
    "Batch",
    "ChangeFeed",
    "FeedItem",
    "PassResult",
    "Publisher",
    "RecordRejected",
    "Report",
    "SourceAdaptor",
    "SourceUnavailable",
    "WriteBackRunner",
    "WriteOutcome",
]
