"""A seeded random source tuned for generating millions of values."""

from __future__ import annotations

import random


class FastRandom(random.Random):
    """``random.Random`` whose ``randrange`` scales one float instead of rejection-sampling bits.

    About three times faster; the tiny bias is irrelevant for synthetic data, and the sequence stays fully
    determined by the seed.
    """

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            return int(self.random() * start)
        return start + int(self.random() * (stop - start))
