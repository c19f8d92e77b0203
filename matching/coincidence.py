"""Strangers among the candidate pairs: how many pairs the name-and-birth blocking rules find only by
coincidence.

In a large population many different people share a name sound and a date of birth (or both names and
a year). Those pairs are found by the same blocking rules as one person's records, and they agree on
exactly the fields the rules block on, so EM run over every candidate pair at once takes them for one
person (see :mod:`matching.training`). How many there are is measured, not assumed: the same rules are
run again after every record's date of birth has been swapped with another record's at random. That
parts one person's records, and keeps how common each name and each date is, so the pairs still found
are those that coincidence alone makes.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

from matching.blocking import RULES, BlockingRule, RecordView
from matching.model import Prepared

BIRTH_RULES = frozenset({"fd", "gd", "ny"})
"""The blocking rules that join a name with a date or year of birth."""


def coincidental_pairs(
    prepared: Sequence[Prepared], max_block_size: int, seed: int = 0, rules: tuple[BlockingRule, ...] = RULES
) -> int:
    """About how many pairs of ``prepared`` the rules of :data:`BIRTH_RULES` find by coincidence: the
    pairs they find once the dates of birth are dealt out again at random (a deterministic shuffle for
    ``seed``). A key held by more than ``max_block_size`` records gives no pairs, as in blocking.
    A pair found by two of the rules counts twice (both names and a date agreeing by chance is rare)."""
    birth_rules = [r for r in rules if r.prefix in BIRTH_RULES]
    dated = [p.features for p in prepared if p.features.get("d")]
    dates = [features["d"] for features in dated]
    random.Random(seed).shuffle(dates)
    held: Counter[str] = Counter()
    for features, date in zip(dated, dates, strict=True):
        view = RecordView({**features, "d": date})
        for rule in birth_rules:
            held.update(rule.keys(view))
    return sum(n * (n - 1) // 2 for n in held.values() if 1 < n <= max_block_size)
