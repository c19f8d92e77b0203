"""Builds the matching engine the worker and the CLI use, from settings."""

from __future__ import annotations

from hub.settings import Settings
from matching.ports import MatchEngine
from matching.rules import RulesEngine


def engine_from_settings(settings: Settings) -> MatchEngine:
    return RulesEngine()
