"""Write the synthetic population as ``citizen-hub match`` input (JSONL) and its ground truth.

.venv/bin/python -m bench.export_population --people 100000 --seed 11 --out /tmp/people
/usr/bin/time -v .venv/bin/citizen-hub match /tmp/people.jsonl --out /tmp/clusters.csv
.venv/bin/python -m bench.score_clusters /tmp/clusters.csv /tmp/people.truth.json
"""

from __future__ import annotations

import argparse
import json

from adaptors.population import generate_population


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", required=True, help="path stem: writes STEM.jsonl and STEM.truth.json")
    args = parser.parse_args()
    population = generate_population(people=args.people, seed=args.seed)
    with open(f"{args.out}.jsonl", "w", encoding="utf-8") as out:
        for system in population.systems:
            for record in population.person_records(system):
                out.write(record.model_dump_json(exclude_none=True) + "\n")
    with open(f"{args.out}.truth.json", "w", encoding="utf-8") as out:
        json.dump(population.truth, out)


if __name__ == "__main__":
    main()
