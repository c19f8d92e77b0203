"""Supervisors' decisions change citizens in one transaction with their outbound events and audit."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from hub.audit.models import AuditRecord
from hub.auth import Role
from hub.store.models import ManualDecision, OutboxMessage, ReviewTask
from tests.integration.web.conftest import Hub

pytestmark = pytest.mark.integration


def _outbox_types(hub: Hub) -> list[str]:
    with hub.seeded.db.reader() as session:
        return [json.loads(v)["type"] for v in session.scalars(select(OutboxMessage.value))]


def _task_id(hub: Hub) -> int:
    with hub.seeded.db.reader() as session:
        task = session.scalar(select(ReviewTask.id).where(ReviewTask.a == "council_tax/CT4"))
    assert task is not None
    return task


async def test_a_task_is_assigned_to_one_supervisor_at_a_time(fresh_hub: Hub) -> None:
    hub, task = fresh_hub, _task_id(fresh_hub)
    first = {"Authorization": f"Bearer {hub.seeded.token(Role.SUPERVISOR, 's.one')}"}
    response = await hub.client.post("/v1/reviews/next", headers=first)
    assert response.json() == {"task_id": task}
    response = await hub.client.post(f"/v1/reviews/{task}/claim", headers=hub.headers("supervisor"))
    assert response.status_code == 409
    assert "supervisor:s.one" in response.json()["detail"]
    response = await hub.client.post(
        f"/v1/reviews/{task}/decide", headers=hub.headers("supervisor"), json={"decision": "same"}
    )
    assert response.status_code == 409
    await hub.client.post(f"/v1/reviews/{task}/release", headers=first)
    response = await hub.client.post(f"/v1/reviews/{task}/claim", headers=hub.headers("supervisor"))
    assert response.status_code == 200


async def test_a_claim_nobody_works_on_lapses(fresh_hub: Hub) -> None:
    hub, task = fresh_hub, _task_id(fresh_hub)
    first = {"Authorization": f"Bearer {hub.seeded.token(Role.SUPERVISOR, 's.one')}"}
    assert (await hub.client.post(f"/v1/reviews/{task}/claim", headers=first)).status_code == 200
    assert (
        await hub.client.post(f"/v1/reviews/{task}/claim", headers=hub.headers("supervisor"))
    ).status_code == 409
    # s.one went home with the task: after review_claim_minutes anyone may take it.
    with hub.seeded.db.unit_of_work() as session:
        session.execute(
            update(ReviewTask)
            .where(ReviewTask.id == task)
            .values(claimed_at=datetime.now(UTC) - timedelta(hours=3))
        )
    response = await hub.client.post("/v1/reviews/next", headers=hub.headers("supervisor"))
    assert response.json() == {"task_id": task}
    assert (await hub.client.post(f"/v1/reviews/{task}/claim", headers=first)).status_code == 409


async def test_same_person_joins_the_citizens_and_sends_the_merge(fresh_hub: Hub) -> None:
    hub, task = fresh_hub, _task_id(fresh_hub)
    before = {hub.seeded.citizen_of("council_tax/CT4"), hub.seeded.citizen_of("housing/HOU4")}
    assert len(before) == 2
    response = await hub.client.post(
        f"/v1/reviews/{task}/decide",
        headers=hub.headers("supervisor"),
        json={"decision": "same", "reason": "ok"},
    )
    assert response.status_code == 200, response.text
    assert hub.seeded.citizen_of("council_tax/CT4") == hub.seeded.citizen_of("housing/HOU4")
    assert "CitizensMerged" in _outbox_types(hub)
    with hub.seeded.db.reader() as session:
        merged = [json.loads(v)["payload"] for v in session.scalars(select(OutboxMessage.value))]
    reasons = {m["reason"] for m in merged if "survivor_id" in m}
    assert reasons == {"a supervisor decided: same person"}  # downstream systems hear who decided
    with hub.seeded.db.reader() as session:
        decision = session.execute(
            select(ManualDecision.kind, ManualDecision.decided_by).where(
                ManualDecision.a == "council_tax/CT4"
            )
        ).one()
        row = session.execute(
            select(ReviewTask.status, ReviewTask.decision).where(ReviewTask.id == task)
        ).one()
        audited = session.scalar(select(func.count()).where(AuditRecord.action == "decide_review"))
    assert tuple(decision) == ("must_link", "supervisor:supervisor.test")
    assert tuple(row) == ("decided", "same")
    assert audited == 1


async def test_different_people_stay_apart_and_the_task_closes(fresh_hub: Hub) -> None:
    hub, task = fresh_hub, _task_id(fresh_hub)
    response = await hub.client.post(
        f"/v1/reviews/{task}/decide", headers=hub.headers("supervisor"), json={"decision": "different"}
    )
    assert response.status_code == 200
    assert hub.seeded.citizen_of("council_tax/CT4") != hub.seeded.citizen_of("housing/HOU4")
    listed = await hub.client.get("/v1/reviews", headers=hub.headers("supervisor"))
    assert task not in [t["id"] for t in listed.json()]


async def test_merge_then_undo_brings_the_old_id_back(fresh_hub: Hub) -> None:
    hub = fresh_hub
    smith, namesake = hub.showcase, hub.namesake
    response = await hub.client.post(
        f"/v1/citizens/{smith}/merge", headers=hub.headers("supervisor"),
        json={"other_citizen_id": namesake, "reason": "test"},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    survivor = response.json()["citizen_id"]
    assert hub.seeded.citizen_of("council_tax/CT2") == hub.seeded.citizen_of("council_tax/CT1") == survivor
    retired = namesake if survivor == smith else smith
    response = await hub.client.post(
        f"/v1/citizens/{survivor}/undo-merge", headers=hub.headers("supervisor"),
        json={"retired_citizen_id": retired},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert {hub.seeded.citizen_of("council_tax/CT1"), hub.seeded.citizen_of("council_tax/CT2")} == {
        smith,
        namesake,
    }
    assert response.json()["revived_citizen_id"] == retired
    types = _outbox_types(hub)
    assert "CitizensMerged" in types
    assert "CitizenSplit" in types


async def test_split_moves_records_out_and_an_agent_report_becomes_a_task(fresh_hub: Hub) -> None:
    hub, smith = fresh_hub, fresh_hub.showcase
    response = await hub.client.post(
        f"/v1/citizens/{smith}/wrong-match", headers=hub.headers("agent"),
        json={"source_key": "housing/HOU3", "note": "Caller says she never had a tenancy"},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    task = response.json()["task_id"]
    detail = await hub.client.get(f"/v1/reviews/{task}", headers=hub.headers("supervisor"))
    assert detail.json()["status"] == "reported"
    assert detail.json()["reports"][0]["note"] == "Caller says she never had a tenancy"
    response = await hub.client.post(
        f"/v1/reviews/{task}/decide", headers=hub.headers("supervisor"), json={"decision": "different"}
    )
    assert response.status_code == 200, response.text
    assert hub.seeded.citizen_of("housing/HOU3") != hub.seeded.citizen_of("council_tax/CT1")
    assert hub.seeded.citizen_of("benefits/BEN9") == hub.seeded.citizen_of("council_tax/CT1") == smith
    response = await hub.client.post(
        f"/v1/citizens/{smith}/split",
        headers=hub.headers("supervisor"),
        json={"source_keys": ["benefits/BEN9"]},
    )
    assert response.status_code == 200, response.text
    apart = {hub.seeded.citizen_of("benefits/BEN9"), hub.seeded.citizen_of("council_tax/CT1")}
    assert len(apart) == 2
    assert smith in apart
