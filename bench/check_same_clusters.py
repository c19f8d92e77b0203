"""Record, or check against a recording, everything the in-memory matching path decides.

Speed work on :mod:`matching` must not change any result. This runs the incremental path exactly as
``citizen-hub match`` does (:func:`bench.ours.run_ours`'s shape: IncrementalMatcher + MemoryStore,
batches of :data:`hub.cli.match.BATCH`) and writes, per data set: the clusters (source key -> citizen
id), every stored edge (weight, levels, field weights, summary), the review pairs and the EM-trained
parameters' run.

PYTHONPATH=. .venv/bin/python -m bench.check_same_clusters record /tmp/same.json
PYTHONPATH=. .venv/bin/python -m bench.check_same_clusters check /tmp/same.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from typing import Any

from contracts import PersonRecord
from hub.cli.match import BATCH
from matching.engine import FellegiSunterEngine
from matching.incremental import IncrementalMatcher
from matching.memory import MemoryStore
from matching.model import Prepared, RecordChange


class JsonMemoryStore(MemoryStore):
    """A MemoryStore that hands candidates back through a JSON round trip, as the hub's SQL store does."""

    def put_prepared(self, records: Sequence[Prepared]) -> None:
        super().put_prepared(
            [Prepared(p.key, p.blocking_keys, json.loads(json.dumps(p.features))) for p in records]
        )


def _digest(
    records: Sequence[PersonRecord], engine: FellegiSunterEngine, store: MemoryStore | None = None
) -> dict[str, Any]:
    store = store or MemoryStore()
    matcher = IncrementalMatcher(engine)
    for i in range(0, len(records), BATCH):
        chunk = records[i : i + BATCH]
        matcher.process(store, [RecordChange(r.source_key, r) for r in chunk])
    edges = {
        f"{e.a}|{e.b}": [e.weight, dict(e.levels), dict(e.field_weights), e.summary]
        for targets in store.edges.values()
        for e in targets.values()
    }
    citizen = store.citizen
    reviews = sorted(f"{a}|{b}" for a, b in store.reviews if citizen.get(a) != citizen.get(b))
    return {
        "clusters": dict(sorted(citizen.items())),
        "edges": dict(sorted(edges.items())),
        "reviews": reviews,
        "review_count": len(reviews),
    }


def _datasets(people: Sequence[int]) -> dict[str, list[PersonRecord]]:
    from adaptors.population import generate_population
    from bench import febrl

    found: dict[str, list[PersonRecord]] = {}
    records, _truth, _frame = febrl.load()
    found["febrl3"] = list(records)
    for n in people:
        pop = generate_population(people=n, seed=7)
        found[f"synthetic-{n}"] = [r for s in pop.systems for r in pop.person_records(s)]
    return found


def _record_all(people: Sequence[int]) -> dict[str, Any]:
    from matching.training import train

    result: dict[str, Any] = {}
    for name, records in _datasets(people).items():
        result[name] = _digest(records, FellegiSunterEngine())
        if name == "febrl3":
            result[name + "-json"] = _digest(records, FellegiSunterEngine(), JsonMemoryStore())
            base = FellegiSunterEngine()
            params, _ = train([base.prepare(r) for r in records])
            result[name + "-trained"] = _digest(records, FellegiSunterEngine(params))
        print(name, len(records), "records,", len(result[name]["edges"]), "edges", file=sys.stderr)
    return result


def _fingerprint(part: Any) -> str:
    return hashlib.sha256(json.dumps(part, sort_keys=True).encode()).hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["record", "check"])
    parser.add_argument("path")
    parser.add_argument("--people", type=int, nargs="+", default=[10000, 50000])
    args = parser.parse_args()
    found = _record_all(args.people)
    if args.mode == "record":
        with open(args.path, "w", encoding="utf-8") as out:
            json.dump(found, out, sort_keys=True)
        for name, part in found.items():
            print(name, {k: _fingerprint(v) for k, v in part.items()})
        return
    with open(args.path, encoding="utf-8") as src:
        expected = json.load(src)
    same = True
    for name, part in found.items():
        for key, value in part.items():
            want = expected[name][key]
            if json.loads(json.dumps(value)) != want:
                same = False
                print(f"DIFFERENT {name} {key}")
                if isinstance(value, dict):
                    got = json.loads(json.dumps(value))
                    diff = [k for k in set(got) | set(want) if got.get(k) != want.get(k)]
                    for k in sorted(diff)[:5]:
                        print("  ", k, want.get(k), "->", got.get(k))
        print(name, "same" if same else "checked")
    print("ALL SAME" if same else "DIFFERENCES FOUND")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
