"""Quality when a source holds less: the same data sets with whole fields left out, as real extracts come
(a council tax system with no dates of birth, a register with no identifiers, a list of names and dates
of birth only), and with one system writing a placeholder date of birth or e-mail address for every
record (what legacy systems write when they do not know one). Ours twice on each, as in bench.run:
shipped parameters, and estimated from the input. With ``--peers``, Splink and recordlinkage on the same
variants of FEBRL3 and of the synthetic population (their recipes use only the columns a variant still
holds).

.venv/bin/python -m bench.missing_fields            # FEBRL3 and the synthetic population, 10,000 people
.venv/bin/python -m bench.missing_fields --peers    # and the peers on the same variants
"""

from __future__ import annotations

import argparse
from typing import Any

from bench import febrl
from bench.run import HEADER, _ours, _peers
from contracts import Identifier, PersonRecord
from contracts.person import BirthDate

VARIANTS: dict[str, dict[str, Any]] = {
    "every field": {},
    "no identifiers": {"identifiers": []},
    "no date of birth": {"date_of_birth": None},
    "no identifiers, no date of birth": {"identifiers": [], "date_of_birth": None},
    "no address": {"addresses": []},
    "names and date of birth only": {"identifiers": [], "addresses": [], "phones": [], "emails": []},
}
"""Each variant's fields, as they are left out of every record."""

FEBRL_COLUMNS: dict[str, tuple[str, ...]] = {
    "every field": (),
    "no identifiers": ("soc_sec_id",),
    "no date of birth": ("date_of_birth",),
    "no identifiers, no date of birth": ("soc_sec_id", "date_of_birth"),
    "no address": ("street_number", "address_1", "address_2", "suburb", "postcode", "state"),
    "names and date of birth only": (
        "soc_sec_id",
        "street_number",
        "address_1",
        "address_2",
        "suburb",
        "postcode",
        "state",
    ),
}
"""The same variants in FEBRL's own columns, as the peers are given them."""

PLACEHOLDERS: dict[str, tuple[str, dict[str, Any]]] = {
    "council tax dates of birth all 1900-01-01 (a placeholder the parameters ship)": (
        "council_tax",
        {"date_of_birth": BirthDate.model_validate("1900-01-01")},
    ),
    "benefits dates of birth all 1899-12-31 (found by training)": (
        "benefits",
        {"date_of_birth": BirthDate.model_validate("1899-12-31")},
    ),
    "council tax e-mail all noemail@council.gov.uk (found by training)": (
        "council_tax",
        {"emails": ["noemail@council.gov.uk"]},
    ),
    "council tax NI number all AA000000A (a placeholder the parameters ship)": (
        "council_tax",
        {"nino": "AA000000A"},
    ),
}
"""Synthetic variants: one system writing a placeholder for every record."""


def _without(records: list[PersonRecord], update: dict[str, Any]) -> list[PersonRecord]:
    return [r.model_copy(update=update) for r in records] if update else records


def _placeholder(records: list[PersonRecord], system: str, update: dict[str, Any]) -> list[PersonRecord]:
    """``records`` with ``system``'s changed by ``update`` (``nino`` adds an NI number to each)."""
    changed = dict(update)
    nino = changed.pop("nino", None)
    out = []
    for record in records:
        if record.source_system == system:
            if nino:
                changed["identifiers"] = [*record.identifiers, Identifier(scheme="nino", value=nino)]
            record = record.model_copy(update=changed)
        out.append(record)
    return out


def _febrl_peers(frame: Any, variant: str) -> list[str]:
    """The peers on FEBRL3 with ``variant``'s columns emptied."""
    flat = frame.reset_index()
    left_out = FEBRL_COLUMNS[variant]
    for column in left_out:
        flat[column] = None
    truth = {str(k): str(k).split("-")[1] for k in flat["rec_id"]}
    columns = [
        c
        for c in ("given_name", "surname", "date_of_birth", "suburb", "state", "address_1", "soc_sec_id")
        if c not in left_out
    ]
    return _peers(f"FEBRL3 ({len(flat):,} records), {variant}", flat, truth, "soc_sec_id", "%Y%m%d", columns)


SYNTHETIC_COLUMNS = (
    "given_name",
    "surname",
    "date_of_birth",
    "street_number",
    "address_1",
    "postcode",
    "nino",
)
"""The columns recordlinkage compares on the synthetic population (as in bench.run)."""


def _synthetic_peers(data: str, records: list[PersonRecord], truth: dict[str, str]) -> list[str]:
    """The peers on a synthetic variant: its records flattened, so a left-out field is an empty column."""
    from bench.peers import flat_frame

    flat = flat_frame(records)
    columns = [c for c in SYNTHETIC_COLUMNS if flat[c].notna().any()]
    return _peers(data, flat, truth, "nino", "%Y-%m-%d", columns)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10000, help="size of the synthetic population")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--peers", action="store_true", help="also Splink and recordlinkage")
    args = parser.parse_args()
    from adaptors.population import generate_population

    records, truth, frame = febrl.load("febrl3")
    pop = generate_population(people=args.people, seed=args.seed)
    synthetic = [r for system in pop.systems for r in pop.person_records(system)]
    print(HEADER, flush=True)
    for name, data, sets_truth in (
        (f"FEBRL3 ({len(records):,} records)", records, truth),
        (f"synthetic {args.people:,} people ({len(synthetic):,} records)", synthetic, pop.truth),
    ):
        for variant, update in VARIANTS.items():
            variant_records = _without(data, update)
            for row in _ours(f"{name}, {variant}", variant_records, sets_truth):
                print(row, flush=True)
            if not args.peers:
                continue
            if data is records:
                peer_rows = _febrl_peers(frame, variant)
            else:
                peer_rows = _synthetic_peers(f"{name}, {variant}", variant_records, sets_truth)
            for row in peer_rows:
                print(row, flush=True)
    name = f"synthetic {args.people:,} people ({len(synthetic):,} records)"
    for variant, (system, update) in PLACEHOLDERS.items():
        for row in _ours(f"{name}, {variant}", _placeholder(synthetic, system, update), pop.truth):
            print(row, flush=True)


if __name__ == "__main__":
    main()
