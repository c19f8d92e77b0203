"""JSON Schema for every message type (pure: returns dicts; the CLI writes the files)."""

from __future__ import annotations

from typing import Any

from contracts.events import _ENVELOPE_CLASSES


def json_schemas() -> dict[str, dict[str, Any]]:
    """One JSON Schema per message type, keyed by the type name."""
    return {name: cls.model_json_schema() for name, cls in _ENVELOPE_CLASSES.items()}
