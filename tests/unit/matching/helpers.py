"""Small builders of person records for the matching tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from contracts import PersonRecord
from matching.engine import FellegiSunterEngine
from matching.model import Comparison, Prepared


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
    title: str | None = None,
    **extra: Any,
) -> PersonRecord:
    data: dict[str, Any] = {
        "source_system": system,
        "source_record_id": rid,
        "name": {"title": title, "given": given, "family": family},
    }
    if dob:
        data["date_of_birth"] = dob
    if nino:
        data["identifiers"] = [{"scheme": "nino", "value": nino}]
    if line or postcode:
        data["addresses"] = [{"lines": [line] if line else [], "postcode": postcode}]
    data.update(extra)
    return PersonRecord.model_validate(data)


class TableEngine(FellegiSunterEngine):
    """The real thresholds and clustering; blocking keys and pair weights from tables."""

    def __init__(self, keys: dict[str, tuple[str, ...]], weights: dict[frozenset[str], float]) -> None:
        super().__init__()
        self.keys = keys
        self.weights = weights
        self.compared: list[frozenset[str]] = []

    def prepare(self, record: PersonRecord) -> Prepared:
        return Prepared(record.source_key, self.keys[record.source_key], {"g": record.name.given})

    def compare_many(self, record: Prepared, candidates: Sequence[Prepared]) -> list[Comparison]:
        pairs = [frozenset((record.key, c.key)) for c in candidates]
        self.compared.extend(pairs)
        # A weight at or below the engine's ``apart`` stands for a pair whose conflicts say two people.
        return [Comparison(self.weights[pair], apart=self.weights[pair] <= self.apart) for pair in pairs]
