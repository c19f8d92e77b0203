"""Builds the matching engine the worker and the CLI use, from settings."""

from __future__ import annotations

import json
from typing import Any

from hub.settings import Settings
from matching.engine import FellegiSunterEngine
from matching.params import Params, ParamsError, default_params
from matching.ports import MatchEngine
from matching.survivorship import Survivorship


class EngineConfigError(RuntimeError):
    """The match parameter file cannot be read or is malformed (one clear line for the CLI)."""


def load_params(path: Any) -> Params:
    """Read a parameter file written by ``citizen-hub match train``."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        return Params.from_dict(data)
    except (OSError, json.JSONDecodeError, ParamsError) as error:
        raise EngineConfigError(f"cannot use match parameters {path}: {error}") from error


def params_from_settings(settings: Settings) -> Params:
    """The trained match parameters of settings, or the shipped defaults."""
    return load_params(settings.match_params_file) if settings.match_params_file else default_params()


def engine_from_settings(settings: Settings) -> MatchEngine:
    """The probabilistic engine with the trained parameters (or the shipped defaults) and any
    threshold overrides from settings."""
    return FellegiSunterEngine(
        params_from_settings(settings),
        link_threshold=settings.match_link_threshold,
        review_threshold=settings.match_review_threshold,
    )


def survivorship_from_settings(settings: Settings) -> Survivorship:
    """How golden records are chosen: the systems' trust from settings, and the placeholders of the
    match parameters in force (so a filler training found never wins a golden record either)."""
    return Survivorship(settings.survivorship_trust, params_from_settings(settings))
