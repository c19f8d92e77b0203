"""The envelope: deterministic event ids, structural rejection naming the field, JSON Schema export."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from contracts import INBOUND_ADAPTER, PersonName, PersonRecord, make_event, partition_key
from contracts.schemas import json_schemas

T = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def record(given: str = "Ann") -> PersonRecord:
    return PersonRecord(
        source_system="housing", source_record_id="T1", name=PersonName(given=given, family="Lee")
    )


def test_same_source_change_gives_the_same_event_id() -> None:
    assert make_event(record(), T).event_id == make_event(record(), T).event_id


def test_a_different_change_gives_a_different_id() -> None:
    ids = {make_event(record(), T).event_id, make_event(record("Anne"), T).event_id}
    ids.add(make_event(record(), datetime(2024, 5, 2, tzinfo=UTC)).event_id)
    assert len(ids) == 3


def test_round_trip_and_key() -> None:
    event = make_event(record(), T)
    again = INBOUND_ADAPTER.validate_json(event.model_dump_json())
    assert again == event
    assert partition_key(event) == "housing/T1"


def test_event_id_is_computed_when_a_pusher_leaves_it_out() -> None:
    body = {
        "type": "PersonRecord",
        "occurred_at": "2024-05-01T12:00:00Z",
        "payload": record().model_dump(mode="json"),
    }
    assert INBOUND_ADAPTER.validate_python(body).event_id == make_event(record(), T).event_id


@pytest.mark.parametrize(
    ("payload_change", "field"),
    [
        ({"source_record_id": None}, "PersonRecord.payload.source_record_id"),
        ({"source_system": ""}, "PersonRecord.payload.source_system"),
        ({"name": "Ann Lee"}, "PersonRecord.payload.name"),
        ({"deceased": "perhaps"}, "PersonRecord.payload.deceased"),
    ],
)
def test_structurally_wrong_message_names_the_field(payload_change: dict[str, object], field: str) -> None:
    payload = record().model_dump(mode="json") | payload_change
    with pytest.raises(ValidationError) as caught:
        INBOUND_ADAPTER.validate_python(
            {"type": "PersonRecord", "occurred_at": "2024-05-01T12:00:00Z", "payload": payload}
        )
    locations = [".".join(str(p) for p in e["loc"]) for e in caught.value.errors()]
    assert any(loc.startswith(field) for loc in locations), locations


def test_unknown_type_is_rejected() -> None:
    with pytest.raises(ValidationError, match="type"):
        INBOUND_ADAPTER.validate_python(
            {"type": "Nonsense", "occurred_at": "2024-05-01T12:00:00Z", "payload": {}}
        )


def test_outbound_types_are_not_accepted_inbound() -> None:
    with pytest.raises(ValidationError):
        INBOUND_ADAPTER.validate_python(
            {
                "type": "CitizenChanged",
                "occurred_at": "2024-05-01T12:00:00Z",
                "payload": {"citizen_id": "c", "version": 1, "cause": "x"},
            }
        )


def test_json_schema_per_message_type() -> None:
    schemas = json_schemas()
    assert set(schemas) == {
        "PersonRecord",
        "SourceRecordDeleted",
        "ServiceEvent",
        "CitizenChanged",
        "CitizensMerged",
        "CitizenSplit",
    }
    assert "payload" in schemas["PersonRecord"]["properties"]
