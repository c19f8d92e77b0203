"""The default data-sharing rules, as a table: role, line, purpose -> systems seen and protected access."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hub.access.policy import load_policy
from hub.access.redact import filter_golden
from hub.auth.principal import Principal, Role
from hub.settings import Settings

ALL = None
FRONT = {"council_tax", "housing", "web_channel"}
DEFAULTS = [
    # role, line, purpose, systems seen (None = every system), sees protected addresses
    (Role.AGENT, None, None, FRONT, False),
    (Role.AGENT, "general", "vulnerability_support", FRONT | {"benefits"}, False),
    (Role.AGENT, "council_tax", None, FRONT, False),
    (Role.AGENT, "council_tax", "council_tax_reduction", FRONT | {"benefits"}, False),
    (Role.AGENT, "benefits", None, FRONT | {"benefits"}, False),
    (Role.AGENT, "housing", None, FRONT, False),
    (Role.AGENT, "housing", "rent_arrears", FRONT | {"benefits"}, False),
    (Role.AGENT, "libraries", None, set(), False),  # a line with no rules sees nothing
    (Role.SUPERVISOR, None, None, ALL, True),
    (Role.ADMIN, None, None, ALL, True),
    (Role.SYSTEM, None, None, set(), False),
    (Role.CITIZEN, None, None, set(), False),
]  # fmt: skip


@pytest.mark.parametrize(("role", "line", "purpose", "systems", "protected"), DEFAULTS)
def test_default_rules(
    role: Role, line: str | None, purpose: str | None, systems: set[str] | None, protected: bool
) -> None:
    access = load_policy(Settings()).access(Principal("x", role, line=line, purpose=purpose))
    assert access.systems == (None if systems is None else frozenset(systems))
    assert access.protected_visible is protected


def test_a_council_file_replaces_the_defaults(tmp_path: Path) -> None:
    rules = {
        "protected_address": {"viewers": ["admin"], "ask": "the duty manager"},
        "roles": {"agent": {"lines": {"*": {"systems": {"housing": {"agreement": "x"}}}}}},
    }
    path = tmp_path / "sharing.json"
    path.write_text(json.dumps(rules))
    policy = load_policy(Settings(data_sharing_file=path))
    assert policy.access(Principal("x", Role.AGENT)).systems == frozenset({"housing"})
    assert not policy.access(Principal("x", Role.SUPERVISOR)).protected_visible
    assert policy.ask == "the duty manager"


def test_a_bad_file_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "sharing.json"
    path.write_text(json.dumps({"protected_address": {"viewers": ["nobody"], "ask": "x"}, "roles": {}}))
    with pytest.raises(ValueError, match="protected_address.viewers"):
        load_policy(Settings(data_sharing_file=path))


def _field(value: object, system: str) -> dict[str, object]:
    return {"value": value, "source_system": system, "source_record_id": "1", "updated_at": None}


GOLDEN = {
    "fields": {
        "given_name": _field("Peggy", "benefits"),
        "address": _field({"lines": ["7 Refuge Lane"], "postcode": "M20 2RN"}, "housing"),
        "phone": _field("07700 900461", "housing"),
    },
    "alternatives": {"given_name": [_field("Margaret", "council_tax")]},
}


def test_golden_fields_come_from_visible_systems_and_protected_ones_are_withheld() -> None:
    policy = load_policy(Settings())
    agent = policy.access(Principal("x", Role.AGENT, line="council_tax"))
    shown = filter_golden(GOLDEN, agent, protected=True)
    assert shown["fields"]["given_name"]["value"] == "Margaret"
    assert shown["fields"]["address"] == {"withheld": True, "value": None, "ask": policy.ask}
    assert "Refuge" not in json.dumps(shown)
    supervisor = policy.access(Principal("x", Role.SUPERVISOR))
    assert (
        filter_golden(GOLDEN, supervisor, protected=True)["fields"]["address"]["value"]["postcode"]
        == "M20 2RN"
    )
