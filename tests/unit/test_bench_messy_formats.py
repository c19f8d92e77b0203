"""bench.messy_formats: each variant rewrites only its system's records, and they still validate."""

from __future__ import annotations

import copy

from adaptors.population import generate_population
from bench.messy_formats import VARIANTS, rewritten


def test_each_variant_rewrites_its_system_only() -> None:
    population = generate_population(people=1500, seed=7)
    records = [r for system in population.systems for r in population.person_records(system)]
    for variant, (system, rewrite) in VARIANTS.items():
        out = rewritten(records, system, rewrite)
        assert [r.source_key for r in out] == [r.source_key for r in records], variant
        changed = {r.source_system for r, o in zip(records, out, strict=True) if r != o}
        assert changed <= {system}, variant
        if system:
            # The raw form changes (the contracts may read it back as it was: a postcode in the town).
            raw = [r.model_dump(mode="json", exclude_none=True) for r in records if r.source_system == system]
            assert any(rewrite(copy.deepcopy(data)) != data for data in raw), variant
