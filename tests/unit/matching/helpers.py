"""Small builders of person records for the matching tests."""

from __future__ import annotations

from typing import Any

from contracts import PersonRecord


def person(
    rid: str,
    given: str | None,
    family: str | None,
    dob: str | None = None,
    *,
    system: str = "ct",
    nino: str | None = None,
    line: str | None = "10 High Street",
    postcode: str | None = "M5 4WT",
    **extra: Any,
) -> PersonRecord:
    data: dict[str, Any] = {
        "source_system": system,
        "source_record_id": rid,
        "name": {"given": given, "family": family},
    }
    if dob:
        data["date_of_birth"] = dob
    if nino:
        data["identifiers"] = [{"scheme": "nino", "value": nino}]
    if line or postcode:
        data["addresses"] = [{"lines": [line] if line else [], "postcode": postcode}]
    data.update(extra)
    return PersonRecord.model_validate(data)
