"""The web channel: a resident sees only their own record, in resident's terms, and can report a move."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from hub.auth import Role
from hub.engine import engine_from_settings
from hub.store.models import OutboxMessage
from hub.worker.batch import apply_batch
from matching.incremental import IncrementalMatcher
from tests.integration.web.conftest import Hub

pytestmark = pytest.mark.integration


def _resident(hub: Hub, citizen_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {hub.seeded.token(Role.CITIZEN, citizen_id)}"}


async def test_a_resident_sees_their_own_record_without_scores_or_notes(shared_hub: Hub) -> None:
    response = await shared_hub.client.get("/v1/me", headers=_resident(shared_hub, shared_hub.showcase))
    assert response.status_code == 200
    body = response.json()
    assert body["citizen_id"] == shared_hub.showcase
    assert body["name"] in ("Margaret Smith", "Peggy Smith")
    assert {s["service"] for s in body["services"]} == {"Council Tax", "Benefits", "Housing"}
    assert body["recent_events"]
    text = response.text.lower()
    for internal in ("weight", "score", "explanation", "link_", "review", "decided_by", "jones", "doe"):
        assert internal not in text, internal


async def test_a_resident_cannot_reach_anyone_else_by_any_path(shared_hub: Hub) -> None:
    me = _resident(shared_hub, shared_hub.showcase)
    other = shared_hub.other_resident
    for method, path in [
        ("GET", f"/v1/citizens/{other}"),
        ("GET", "/v1/citizens?name=Brown"),
        ("GET", "/v1/source-records/council_tax/CT9"),
        ("GET", f"/v1/citizens/{other}/subject-access"),
        ("GET", "/v1/audit"),
        ("GET", "/v1/reviews"),
        ("GET", f"/v1/me?citizen_id={other}"),
        ("GET", f"/v1/me/subject-access?citizen_id={other}"),
    ]:
        response = await shared_hub.client.request(method, path, headers=me)
        for their_data in ("Brown", "1970-01-15", "Chapel Street", "CE654321B", "M3 4EN"):
            assert their_data not in response.text, (path, their_data)
        if not path.startswith("/v1/me"):
            assert response.status_code == 403, path


async def test_a_resident_with_an_unknown_id_finds_nothing(shared_hub: Hub) -> None:
    response = await shared_hub.client.get("/v1/me", headers=_resident(shared_hub, "c-000000000000"))
    assert response.status_code == 404


async def test_the_subject_access_report_lists_who_looked_without_staff_names(shared_hub: Hub) -> None:
    await shared_hub.client.get(f"/v1/citizens/{shared_hub.showcase}", headers=shared_hub.headers("agent"))
    response = await shared_hub.client.get(
        "/v1/me/subject-access", headers=_resident(shared_hub, shared_hub.showcase)
    )
    assert response.status_code == 200
    report = response.json()
    assert len(report["source_records"]) == 3
    looked = report["who_has_looked"]
    assert any(entry["role"] == "agent" and entry["what"] == "looked at your record" for entry in looked)
    assert "agent.test" not in response.text
    admin = await shared_hub.client.get(
        f"/v1/citizens/{shared_hub.showcase}/subject-access", headers=shared_hub.headers("admin")
    )
    assert "agent:agent.test" in admin.text


async def test_a_change_of_address_enters_as_an_event_and_joins_that_resident(fresh_hub: Hub) -> None:
    hub = fresh_hub
    response = await hub.client.post(
        "/v1/me/change-of-address", headers=_resident(hub, hub.showcase),
        json={"lines": ["14 Cathedral Approach"], "town": "Salford", "postcode": "m3 7bw"},
    )  # fmt: skip
    assert response.status_code == 202, response.text
    consumer = hub.bus.consumer(hub.seeded.settings.topic_source_records, "test-web")
    await consumer.start()
    messages = await consumer.poll(100, 1000)
    await consumer.stop()
    assert [json.loads(m.value)["source_system"] for m in messages] == ["web_channel"]
    matcher = IncrementalMatcher(engine_from_settings(hub.seeded.settings))
    settings = hub.seeded.settings
    with hub.seeded.db.unit_of_work() as session:
        apply_batch(session, matcher, messages, settings.topic_citizen_changes, settings.topic_dead_letter)
    assert hub.seeded.citizen_of(f"web_channel/{hub.showcase}") == hub.showcase
    account = (await hub.client.get("/v1/me", headers=_resident(hub, hub.showcase))).json()
    assert account["address"]["postcode"] == "M3 7BW"
    with hub.seeded.db.reader() as session:
        changes = [json.loads(v) for v in session.scalars(select(OutboxMessage.value))]
    assert any(
        c["type"] == "CitizenChanged" and c["payload"]["address_changed"]
        and c["payload"]["cause_source_system"] == "web_channel"
        for c in changes
    )  # fmt: skip


async def test_a_bad_postcode_is_refused(shared_hub: Hub) -> None:
    response = await shared_hub.client.post(
        "/v1/me/change-of-address", headers=_resident(shared_hub, shared_hub.showcase),
        json={"lines": ["1 Road"], "postcode": "NOT A PC"},
    )  # fmt: skip
    assert response.status_code == 422
