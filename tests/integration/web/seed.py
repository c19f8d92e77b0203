"""A small seeded council for the web and access tests: the showcase resident in three systems, her
namesake, a resident with a protected address, a third resident, and one open review task."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from contracts import PersonRecord, ServiceEvent, make_event
from hub.auth import Role, create_token
from hub.bus.base import Message
from hub.engine import engine_from_settings
from hub.settings import Settings
from hub.store.db import Database
from hub.store.match_store import edge_detail
from hub.store.migrate import upgrade
from hub.store.models import ReviewTask, SourceRecord
from hub.worker.batch import apply_batch
from matching.engine import FellegiSunterEngine
from matching.incremental import IncrementalMatcher
from matching.model import Edge

T = datetime(2024, 1, 1, tzinfo=UTC)
SECRET = "test-secret-for-the-web-tests-0123456789abcdefghijklmnopqrstuvwxyz"
SYSTEM_KEY = "chk_test-council-tax-system-key-0123456789"

# The protected resident's address and contact details: none of these may reach an agent.
PROTECTED_LINES = ("7 Refuge Lane", "Didsbury")
PROTECTED_POSTCODE = "M20 2RN"
PROTECTED_PHONE = "07700 900461"
PROTECTED_EMAIL = "jane.doe@example.org"
PROTECTED_UPRN = "100012345678"
PROTECTED_SECRETS = (*PROTECTED_LINES, PROTECTED_POSTCODE, "M202RN", PROTECTED_PHONE, PROTECTED_EMAIL,
                     PROTECTED_UPRN)  # fmt: skip


def person(
    system: str,
    record_id: str,
    given: str,
    family: str,
    dob: str,
    postcode: str,
    lines: Sequence[str],
    *,
    nino: str | None = None,
    protected: bool = False,
    uprn: str | None = None,
    phones: Sequence[str] = (),
    emails: Sequence[str] = (),
) -> PersonRecord:
    identifiers: list[dict[str, str]] = [
        {"scheme": f"{system}_ref", "value": f"{system.upper()}-{record_id}"}
    ]
    if nino:
        identifiers.append({"scheme": "nino", "value": nino})
    if uprn:
        identifiers.append({"scheme": "uprn", "value": uprn})
    return PersonRecord.model_validate(
        {
            "source_system": system,
            "source_record_id": record_id,
            "name": {"given": given, "family": family},
            "date_of_birth": dob,
            "identifiers": identifiers,
            "addresses": [{"lines": list(lines), "town": "Salford", "postcode": postcode, "uprn": uprn}],
            "phones": list(phones),
            "emails": list(emails),
            "protected_address": protected,
            "updated_at": T.isoformat(),
        }
    )


def records() -> list[PersonRecord]:
    refuge: dict[str, Any] = {
        "uprn": PROTECTED_UPRN,
        "phones": [PROTECTED_PHONE],
        "emails": [PROTECTED_EMAIL],
    }
    return [
        person("council_tax", "CT1", "Margaret", "Smith", "1952-03-04", "M5 4WT", ["1 Eccles New Road"],
               nino="AB123456C", uprn="100011999993"),
        person("benefits", "BEN9", "Peggy", "Smith", "1952-03-04", "M5 4WT", ["1 Eccles New Road"],
               nino="AB123456C"),
        person("housing", "HOU3", "Margaret", "Smith", "1952-03-04", "M5 4WT", ["1 Eccles New Road"],
               nino="AB123456C"),
        person("council_tax", "CT2", "Margaret", "Smith", "1961-07-20", "M6 5FX", ["22 Langworthy Road"]),
        person("council_tax", "CT7", "Jane", "Doe", "1985-11-02", PROTECTED_POSTCODE, PROTECTED_LINES,
               nino="JG103759A", **refuge),
        person("housing", "HOU7", "Jane", "Doe", "1985-11-02", PROTECTED_POSTCODE, PROTECTED_LINES,
               nino="JG103759A", protected=True, **refuge),
        person("council_tax", "CT9", "Bob", "Brown", "1970-01-15", "M3 4EN", ["9 Chapel Street"],
               nino="CE654321B"),
        person("council_tax", "CT4", "Robert", "Jones", "1970-05-05", "M4 1AA", ["4 Ancoats Street"]),
        person("housing", "HOU4", "Robert", "Jones", "1992-09-13", "M4 1AA", ["4 Ancoats Street"]),
    ]  # fmt: skip


def service_events() -> list[ServiceEvent]:
    def event(system: str, record_id: str, ref: str, service: str, kind: str, summary: str) -> ServiceEvent:
        return ServiceEvent(
            source_system=system, source_record_id=record_id, service_event_id=ref, service=service,
            kind=kind, at=T, summary=summary, reference=f"{system.upper()}-{record_id}",
        )  # fmt: skip

    return [
        event("council_tax", "CT1", "b1", "council_tax", "bill_issued", "Annual bill issued: Band B"),
        event("benefits", "BEN9", "c1", "benefits", "claim_status_changed", "Pension credit claim awarded"),
        event("housing", "HOU3", "r1", "housing", "repair_reported", "Boiler repair reported"),
        event("housing", "HOU7", "r7", "housing", "repair_reported",
              f"Window repair at {PROTECTED_LINES[0]}, {PROTECTED_POSTCODE}"),
    ]  # fmt: skip


def settings_for(data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "jwt_secret": SECRET,
        "api_keys": [f"council_tax:system:{__import__('hashlib').sha256(SYSTEM_KEY.encode()).hexdigest()}"],
    }
    values.update(overrides)
    return Settings(**values)


def apply(settings: Settings, db: Database, items: Sequence[Any]) -> None:
    """Apply PersonRecords and ServiceEvents as the worker would, in one batch."""
    messages = []
    for offset, item in enumerate(items):
        event = make_event(item, T)
        messages.append(
            Message(
                settings.topic_source_records, 0, offset, event.event_id, event.model_dump_json().encode()
            )
        )
    matcher = IncrementalMatcher(engine_from_settings(settings))
    with db.unit_of_work() as session:
        apply_batch(session, matcher, messages, settings.topic_citizen_changes, settings.topic_dead_letter)


@dataclass
class Seeded:
    settings: Settings
    db: Database

    def citizen_of(self, key: str) -> str:
        with self.db.reader() as session:
            found = session.scalar(select(SourceRecord.citizen_id).where(SourceRecord.source_key == key))
        assert found, key
        return found

    def token(self, role: Role, subject: str, **claims: Any) -> str:
        return create_token(self.settings, role, subject, **claims)


def open_review(settings: Settings, db: Database, a: str, b: str) -> int:
    """An open review task for two records, with the engine's own evidence for the pair."""
    engine = engine_from_settings(settings)
    with db.unit_of_work() as session:
        payloads = dict(
            session.execute(
                select(SourceRecord.source_key, SourceRecord.payload).where(
                    SourceRecord.source_key.in_([a, b])
                )
            ).all()
        )
        left, right = (engine.prepare(PersonRecord.model_validate_json(payloads[k])) for k in (a, b))
        assert isinstance(engine, FellegiSunterEngine)
        comparison = engine.compare(left, right)  # the full evidence, even below the review band
        edge = Edge.of(a, b, comparison)
        existing = session.scalar(select(ReviewTask).where(ReviewTask.a == edge.a, ReviewTask.b == edge.b))
        if existing is not None:
            return existing.id
        task = ReviewTask(
            a=edge.a,
            b=edge.b,
            weight=comparison.weight,
            detail=edge_detail(edge),
            status="open",
            created_at=T,
        )
        session.add(task)
        session.flush()
        return task.id


def seed(data_dir: Path, **overrides: Any) -> Seeded:
    settings = settings_for(data_dir, **overrides)
    upgrade(settings.effective_database_url)
    db = Database(settings.effective_database_url)
    apply(settings, db, records())
    apply(settings, db, service_events())
    open_review(settings, db, "council_tax/CT4", "housing/HOU4")
    return Seeded(settings, db)


class SafeText:
    """Checks a response or page for any of a protected person's location details."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = " ".join(text.split()).lower()

    def assert_free_of(self, secrets: Sequence[str]) -> None:
        for secret in secrets:
            assert secret.lower() not in self.folded, f"{secret!r} leaked"
            assert secret.replace(" ", "").lower() not in self.folded.replace(" ", ""), f"{secret!r} leaked"
