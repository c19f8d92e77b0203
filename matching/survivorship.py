"""Golden record by survivorship: field by field, each value with its provenance and the alternatives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from contracts import PersonRecord
from contracts.rules import rounded_number
from matching.addresses import standard_email, standard_phone
from matching.params import Params, date_text, default_params
from matching.standardise import nino_stem
from matching.text import compact

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LAST = -(10**9)


@dataclass(frozen=True, slots=True)
class Provenance:
    source_system: str
    source_record_id: str
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class FieldValue:
    value: Any
    provenance: Provenance


@dataclass(slots=True)
class GoldenRecord:
    """The chosen value of each field, where it came from, and every other value seen."""

    fields: dict[str, FieldValue] = field(default_factory=dict)
    alternatives: dict[str, list[FieldValue]] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        chosen = self.fields.get(name)
        return chosen.value if chosen else None


_ADDRESS_PREFERENCE = {"correspondence": 0, "residential": 1, "property": 2}

GOLDEN_FIELDS = (
    "title",
    "given_name",
    "middle_names",
    "family_name",
    "date_of_birth",
    "phone",
    "email",
    "address",
    "nino",
    "nhs",
)
"""The fields of a golden record, each chosen on its own."""


def _field_values(record: PersonRecord) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": record.name.title,
        "given_name": record.name.given,
        "middle_names": record.name.middle,
        "family_name": record.name.family,
        "date_of_birth": (
            record.date_of_birth.text if record.date_of_birth and not record.date_of_birth.invalid else None
        ),
        # (Not a number a spreadsheet rounded, 4.47701E+11: no one can ring it.)
        "phone": next((phone for phone in record.phones if not rounded_number(phone)), None),
        "email": record.emails[0] if record.emails else None,
    }
    # Where to write to the person: a current correspondence address first (what tell-us-once updates),
    # then where they live, then the property a service knows them at; never an address that has ended.
    current = [a for a in record.addresses if a.valid_to is None and a.kind != "previous"]
    chosen = sorted(current, key=lambda a: _ADDRESS_PREFERENCE.get(a.kind, 9)) or record.addresses
    if chosen:
        address = chosen[0]
        values["address"] = {
            "lines": list(address.lines),
            "town": address.town,
            "postcode": address.postcode,
            "country": address.country,
            "uprn": address.uprn,
        }
    for ident in record.identifiers:
        if ident.valid and ident.scheme in ("nino", "nhs"):
            values.setdefault(ident.scheme, ident.value)
    return values


def field_values(record: PersonRecord) -> dict[str, Any]:
    """The values one record offers for the golden record (empty values left out)."""
    return {name: value for name, value in _field_values(record).items() if value not in (None, "", [], {})}


_FEATURES = {"email": "e", "phone": "p", "nino": "n", "nhs": "h"}
"""Golden fields whose values training may find to be placeholders, and the feature each is matched as."""


def _standard(name: str, value: Any, record: PersonRecord) -> str:
    """A golden field's value standardised as the matching features hold it."""
    if name == "email":
        return standard_email(value)
    if name == "phone":
        return standard_phone(value, record.addresses[0].country if record.addresses else "GB")
    if name == "nino":
        return nino_stem(value)
    return compact(value)


class Survivorship:
    """How a citizen's golden record is chosen, field by field.

    Args:
        trust: ``{source_system: {field: rank}}``; a higher rank wins before recency. The key ``"*"``
            gives a system's rank for every field (the fields: :data:`GOLDEN_FIELDS`).
        params: the match parameters in force (default: the shipped set): a value they read as a
            placeholder (a date of birth of 1900-01-01, an NI number AA000000A, noemail@council.gov.uk,
            and whatever training found) is chosen only when no record holds a real one, whatever its
            system's trust.
    """

    def __init__(
        self, trust: Mapping[str, Mapping[str, int]] | None = None, params: Params | None = None
    ) -> None:
        params = params or default_params()
        self.trust = trust or {}
        self._dates = frozenset(date_text(date) for date in params.placeholder_dates)
        self._days = frozenset(f"-{month:02d}-{day:02d}" for month, day in params.placeholder_days)
        self._values = {
            name: params.placeholder_values[feature]
            for name, feature in _FEATURES.items()
            if params.placeholder_values.get(feature)
        }

    def _placeholder(self, name: str, value: Any, record: PersonRecord) -> bool:
        if name == "date_of_birth":  # a placeholder, or a year alone written as its 1 January
            return value in self._dates or (len(value) == 10 and value[4:] in self._days)
        held = self._values.get(name)
        return held is not None and _standard(name, value, record) in held

    def golden(self, records: Sequence[PersonRecord]) -> GoldenRecord:
        """Choose each field from the most trusted source, then the most recently updated record; a
        placeholder only when nothing else is known. Every other value is kept as an alternative.

        Args:
            records: the member source records of one citizen.
        """
        golden = GoldenRecord()
        candidates: dict[str, list[tuple[tuple[int, datetime, str], FieldValue]]] = {}
        for record in records:
            prov = Provenance(record.source_system, record.source_record_id, record.updated_at)
            ranks = self.trust.get(record.source_system, {})
            when = record.updated_at or _EPOCH
            for name, value in field_values(record).items():
                rank = ranks.get(name, ranks.get("*", 0))
                if self._placeholder(name, value, record):
                    rank = _LAST  # kept as an alternative, chosen only when no system knows better
                key = (rank, when, record.source_key)
                candidates.setdefault(name, []).append((key, FieldValue(value, prov)))
        for name, options in candidates.items():
            options.sort(key=lambda o: o[0], reverse=True)
            golden.fields[name] = options[0][1]
            seen = [options[0][1].value]
            others = []
            for _, fv in options[1:]:
                if fv.value not in seen:
                    seen.append(fv.value)
                    others.append(fv)
            if others:
                golden.alternatives[name] = others
        return golden
