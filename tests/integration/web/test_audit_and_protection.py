"""Every read is audited; a protected address never reaches an agent; data sharing follows the rules."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.audit.models import AuditCitizen, AuditRecord
from hub.auth import Role
from tests.integration.web.conftest import Hub
from tests.integration.web.seed import PROTECTED_POSTCODE, PROTECTED_SECRETS, PROTECTED_UPRN, SafeText

pytestmark = pytest.mark.integration


def _bearer(hub: Hub, role: Role, subject: str, **claims: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {hub.seeded.token(role, subject, **claims)}"}


def _audit(hub: Hub, actor: str) -> list[tuple[str, list[str]]]:
    with hub.seeded.db.reader() as session:
        rows = session.execute(
            select(AuditRecord.id, AuditRecord.action).where(AuditRecord.actor == actor)
        ).all()
        found = []
        for audit_id, action in sorted(rows):
            citizens = session.scalars(
                select(AuditCitizen.citizen_id).where(AuditCitizen.audit_id == audit_id)
            )
            found.append((action, sorted(citizens)))
    return found


async def test_every_read_writes_an_audit_record(shared_hub: Hub) -> None:
    hub = shared_hub
    agent = _bearer(hub, Role.AGENT, "auditee", line="council_tax", purpose="council_tax_enquiry")
    assert (await hub.client.get(f"/v1/citizens/{hub.showcase}", headers=agent)).status_code == 200
    assert (await hub.client.get("/v1/citizens?name=Peggy+Smith", headers=agent)).status_code == 200
    assert (await hub.client.get("/v1/source-records/council_tax/CT1", headers=agent)).status_code == 200
    records = _audit(hub, "agent:auditee")
    assert [a for a, _c in records] == ["read_citizen", "search", "read_source_record"]
    assert all(hub.showcase in citizens for _a, citizens in records)
    with hub.seeded.db.reader() as session:
        purposes = set(
            session.scalars(select(AuditRecord.purpose).where(AuditRecord.actor == "agent:auditee"))
        )
    assert purposes == {"council_tax_enquiry"}
    resident = _bearer(hub, Role.CITIZEN, hub.other_resident)
    await hub.client.get("/v1/me", headers=resident)
    assert _audit(hub, f"citizen:{hub.other_resident}") == [("read_citizen", [hub.other_resident])]
    listed = await hub.client.get(
        "/v1/audit", params={"actor": "agent:auditee"}, headers=hub.headers("admin")
    )
    assert [r["action"] for r in listed.json()] == ["read_source_record", "search", "read_citizen"]


async def _agent_responses(hub: Hub, agent: dict[str, str]) -> list[str]:
    texts = []
    for path, params in [
        (f"/v1/citizens/{hub.protected}", {}),
        ("/v1/citizens", {"name": "Jane Doe"}),
        ("/v1/citizens", {"name": "Doe", "date_of_birth": "1985-11-02"}),
        ("/v1/citizens", {"postcode": PROTECTED_POSTCODE}),
        ("/v1/citizens", {"postcode": "M20"}),
        ("/v1/citizens", {"name": "Doe", "postcode": "M20"}),
        ("/v1/citizens", {"identifier": PROTECTED_UPRN}),
        ("/v1/citizens", {"identifier": "JG103759A"}),
        ("/v1/source-records/housing/HOU7", {}),
        ("/v1/source-records/council_tax/CT7", {}),
    ]:
        response = await hub.client.get(path, params=params, headers=agent)
        assert response.status_code in (200, 404), (path, response.text)
        texts.append(response.text)
    return texts


@pytest.mark.parametrize("line", ["general", "council_tax", "benefits", "housing"])
async def test_a_protected_address_never_reaches_an_agent(shared_hub: Hub, line: str) -> None:
    agent = _bearer(shared_hub, Role.AGENT, f"agent.{line}", line=line)
    texts = await _agent_responses(shared_hub, agent)
    for text in texts:
        SafeText(text).assert_free_of(PROTECTED_SECRETS)
    citizen = texts[0]
    assert "withheld" in citizen
    assert "Safeguarding Team" in citizen
    assert shared_hub.protected in texts[1]  # still matched and findable by name
    for by_location in (texts[3], texts[4], texts[5], texts[6]):
        assert shared_hub.protected not in by_location
    assert shared_hub.protected in texts[7]  # an NI number says nothing about where she lives


async def test_a_permitted_role_sees_it_and_the_view_is_audited(shared_hub: Hub) -> None:
    supervisor = _bearer(shared_hub, Role.SUPERVISOR, "s.safeguarding")
    response = await shared_hub.client.get(f"/v1/citizens/{shared_hub.protected}", headers=supervisor)
    assert PROTECTED_POSTCODE in response.text
    assert _audit(shared_hub, "supervisor:s.safeguarding") == [
        ("view_protected_address", [shared_hub.protected])
    ]


async def test_benefits_data_reaches_council_tax_only_for_council_tax_reduction(shared_hub: Hub) -> None:
    hub = shared_hub

    async def systems(**claims: str) -> set[str]:
        response = await hub.client.get(
            f"/v1/citizens/{hub.showcase}", headers=_bearer(hub, Role.AGENT, "a.sharing", **claims)
        )
        return {r["source_system"] for r in response.json()["source_records"]}

    assert await systems(line="council_tax") == {"council_tax", "housing"}
    assert await systems(line="council_tax", purpose="council_tax_reduction") == {
        "council_tax", "housing", "benefits"
    }  # fmt: skip
    assert await systems(line="benefits") == {"council_tax", "housing", "benefits"}
    response = await hub.client.get(
        "/v1/citizens",
        params={"name": "Peggy Smith"},
        headers=_bearer(hub, Role.AGENT, "a", line="council_tax"),
    )
    golden_names = {r["given_name"] for r in response.json()["results"]}
    assert "Peggy" not in golden_names  # the benefits spelling is not shown on the council tax line


async def test_a_search_result_shows_the_golden_record_as_the_caller_may_see_it(shared_hub: Hub) -> None:
    hub = shared_hub
    response = await hub.client.get(
        "/v1/citizens",
        params={"name": "Peggy Smith", "date_of_birth": "1950s", "postcode": "M5"},
        headers=_bearer(hub, Role.AGENT, "a.results", line="council_tax"),
    )
    assert response.status_code == 200
    page = response.json()
    assert (page["total"], page["page"], page["page_size"]) == (1, 1, 20)
    [hit] = page["results"]
    assert hit["citizen_id"] == hub.showcase
    assert (hit["given_name"], hit["family_name"], hit["date_of_birth"], hit["postcode"]) == (
        "Margaret", "Smith", "1952-03-04", "M5 4WT"
    )  # fmt: skip
    assert hit["matched_on"] == [
        "surname",
        "first name (a nickname, its full form or another spelling)",
        "born in the 1950s",
        "postcode district M5",
    ]
    protected = await hub.client.get(
        "/v1/citizens",
        params={"name": "Doe", "date_of_birth": "1985-11-02"},
        headers=_bearer(hub, Role.AGENT, "a.results", line="housing"),
    )
    [hit] = protected.json()["results"]
    assert (hit["citizen_id"], hit["postcode"]) == (hub.protected, "withheld")
