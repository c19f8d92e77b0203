"""The peers on the same data: recordlinkage's ECM classifier (links joined into clusters)."""

from __future__ import annotations

import time
from typing import Any

from bench.metrics import clusters_from_links


def recordlinkage_ecm(frame: Any) -> tuple[dict[str, str], float]:
    """FEBRL's usual recipe: block on given name and on surname, compare exactly, ECM, then components."""
    import recordlinkage

    start = time.perf_counter()
    indexer = recordlinkage.Index()
    indexer.block("given_name")
    indexer.block("surname")
    indexer.block("soc_sec_id")
    pairs = indexer.index(frame)
    compare = recordlinkage.Compare()
    compare.exact("given_name", "given_name", label="given_name")
    compare.exact("surname", "surname", label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.exact("address_1", "address_1", label="address_1")
    compare.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
    features = compare.compute(pairs, frame)
    ecm = recordlinkage.ECMClassifier()
    links = ecm.fit_predict(features)
    clusters = clusters_from_links([str(k) for k in frame.index], [(str(a), str(b)) for a, b in links])
    return clusters, time.perf_counter() - start
