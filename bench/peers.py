"""The peers on the same data: recordlinkage's ECM classifier and Splink (DuckDB, EM), links joined into
clusters. Each peer gets a flat table: FEBRL3's own columns, or the synthetic records flattened
(:func:`flat_frame`)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from bench.metrics import clusters_from_links
from contracts import PersonRecord


def flat_frame(records: Sequence[PersonRecord]) -> Any:
    """PersonRecords as one flat, lower-cased row each (what a peer is given; no standardisation of ours)."""
    import pandas as pd

    rows = []
    for r in records:
        address = r.addresses[0] if r.addresses else None
        line = address.lines[0] if address and address.lines else ""
        number, _, street = line.partition(" ")
        if not number[:1].isdigit():
            number, street = "", line
        dob = r.date_of_birth
        rows.append(
            {
                "rec_id": r.source_key,
                "given_name": (r.name.given or "").lower() or None,
                "surname": (r.name.family or "").lower() or None,
                "date_of_birth": dob.as_date.isoformat() if dob is not None and dob.as_date else None,
                "street_number": number.lower() or None,
                "address_1": street.lower() or None,
                "postcode": (address.postcode or "").replace(" ", "").upper() or None if address else None,
                "suburb": (address.town or "").lower() or None if address else None,
                "nino": next(iter(r.valid_identifiers("nino")), None),
                "email": r.emails[0].lower() if r.emails else None,
            }
        )
    return pd.DataFrame(rows)


MAX_RECORDLINKAGE_PAIRS = 20_000_000
"""Beyond this many pairs from one-field blocks, recordlinkage blocks on pairs of fields instead."""


def _block_pairs(frame: Any, columns: Sequence[str]) -> int:
    """How many pairs blocking on ``columns`` together makes (records missing one of them make none)."""
    sizes = frame.groupby(list(columns), dropna=True).size()
    return int((sizes * (sizes - 1) // 2).sum())


def recordlinkage_blocks(frame: Any) -> list[tuple[str, ...]]:
    """FEBRL's usual recipe (given name; surname; the identifier), while it makes at most
    :data:`MAX_RECORDLINKAGE_PAIRS` pairs. On a large population a common first name alone makes tens of
    millions of pairs (more memory than the machine has, for recordlinkage's exact comparisons), so then
    it blocks on pairs of fields, the ones Splink predicts with, plus the identifier."""
    ident = "soc_sec_id" if "soc_sec_id" in frame.columns else "nino"
    usual: list[tuple[str, ...]] = [("given_name",), ("surname",), (ident,)]
    if sum(_block_pairs(frame, block) for block in usual) <= MAX_RECORDLINKAGE_PAIRS:
        return usual
    pairs: list[tuple[str, ...]] = [
        (ident,),
        ("given_name", "date_of_birth"),
        ("surname", "date_of_birth"),
        ("given_name", "surname"),
        ("postcode", "surname"),
    ]
    return [block for block in pairs if all(c in frame.columns for c in block)]


def recordlinkage_ecm(frame: Any, columns: Sequence[str] | None = None) -> tuple[dict[str, str], float]:
    """FEBRL's usual recipe: block on given name and on surname (and an identifier; on pairs of fields
    for a large population, :func:`recordlinkage_blocks`), compare exactly, ECM, then connected
    components."""
    import recordlinkage

    frame = frame.set_index("rec_id") if "rec_id" in frame.columns else frame
    start = time.perf_counter()
    fields = list(
        columns or ("given_name", "surname", "date_of_birth", "suburb", "state", "address_1", "soc_sec_id")
    )
    indexer = recordlinkage.Index()
    for block in recordlinkage_blocks(frame):
        indexer.block(list(block))
    pairs = indexer.index(frame)
    compare = recordlinkage.Compare()
    for name in fields:
        compare.exact(name, name, label=name)
    features = compare.compute(pairs, frame)
    ecm = recordlinkage.ECMClassifier()
    links = ecm.fit_predict(features)
    clusters = clusters_from_links([str(k) for k in frame.index], [(str(a), str(b)) for a, b in links])
    return clusters, time.perf_counter() - start


def splink_dedupe(
    frame: Any, *, identifier: str, dob_format: str
) -> tuple[dict[str, str], list[tuple[str, str]], float]:
    """Splink 4/5's documented Fellegi-Sunter recipe on DuckDB: comparisons from its library with term
    frequencies, the prior from deterministic rules, u by random sampling, m by EM over two blocking
    passes, predictions at match probability 0.5, clusters at 0.5. A column with no value at all gets no
    comparison and no blocking rule, and a pass on the surname stands in for an EM pass on a missing field.

    Returns:
        (clusters of the predictions at 0.5, the pairwise links at 0.5, seconds).
    """
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    frame = frame.copy()
    for column in frame.columns:
        frame[column] = frame[column].astype("string")
    # A column with no value at all (a data set with fields left out) gets no comparison and no rule.
    held = {str(c) for c in frame.columns if frame[c].notna().any()}
    start = time.perf_counter()
    db_api = DuckDBAPI()
    comparisons = [
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format=dob_format),
        cl.DamerauLevenshteinAtThresholds(identifier, [1, 2]),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.LevenshteinAtThresholds("address_1", [2]),
        cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        cl.ExactMatch("suburb").configure(term_frequency_adjustments=True),
        cl.EmailComparison("email"),
    ]
    columns = ["given_name", "surname", "date_of_birth", identifier, "street_number", "address_1"]
    columns += ["postcode", "suburb", "email"]
    comparisons = [c for c, column in zip(comparisons, columns, strict=True) if column in held]

    def rules(*blocks: tuple[str, ...]) -> list[Any]:
        return [block_on(*block) for block in blocks if all(column in held for column in block)]

    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=rules(
            (identifier,),
            ("given_name", "date_of_birth"),
            ("surname", "date_of_birth"),
            ("given_name", "surname"),
            ("postcode", "street_number"),
            ("postcode", "surname"),
        ),
        comparisons=comparisons,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(db_api.register(frame), settings)
    linker.training.estimate_probability_two_random_records_match(
        rules(("given_name", "surname", "date_of_birth"), (identifier,)) or rules(("given_name", "surname")),
        recall=0.7,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    # The recipe's two EM passes (each trains the fields it does not block on); where a data set lacks
    # one of their fields, a pass on the surname takes its place.
    passes = rules(("date_of_birth",), ("postcode",))
    if len(passes) < 2:
        passes += rules(("surname",))
    for block in passes:
        linker.training.estimate_parameters_using_expectation_maximisation(block)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.5)
    cluster_frame = clustered.as_pandas_dataframe()
    links = predictions.as_pandas_dataframe()[["rec_id_l", "rec_id_r"]]
    seconds = time.perf_counter() - start
    clusters = {
        str(k): str(c) for k, c in zip(cluster_frame["rec_id"], cluster_frame["cluster_id"], strict=True)
    }
    return clusters, [(str(a), str(b)) for a, b in links.itertuples(index=False)], seconds
