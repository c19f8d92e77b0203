"""Properties for the synthetic population: streets in a few Salford postcode districts, flats, UPRNs.

Postcodes are real-shaped (district, sector digit, two inward letters from the 20 Royal Mail uses) and
each postcode unit covers one run of about fifteen to thirty neighbouring addresses on one street.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# district -> (town, sectors, real street names in or near it)
DISTRICTS: dict[str, tuple[str, str, str]] = {
    "M5": (
        "Salford",
        "345",
        "Eccles New Road|Trafford Road|Liverpool Street|Regent Road|Ordsall Lane|"
        "West Park Street|Stott Lane|Derby Road|Tatton Street|Robert Hall Street|Taylorson Street",
    ),
    "M6": (
        "Salford",
        "5678",
        "Langworthy Road|Eccles Old Road|Seedley Road|Weaste Lane|Claremont Road|"
        "Lower Seedley Road|Liverpool Road|Pendleton Way|Buckingham Street|Lancaster Road",
    ),
    "M7": (
        "Salford",
        "1234",
        "Bury New Road|Great Clowes Street|Camp Street|Northumberland Street|"
        "Leicester Road|Waterpark Road|Cheetham Hill Road|Bury Old Road",
    ),
    "M30": (
        "Eccles",
        "0789",
        "Church Street|Monton Road|Barton Lane|Wellington Road|Parrin Lane|"
        "Half Edge Lane|Worsley Road|Peel Green Road",
    ),
    "M27": (
        "Swinton",
        "45689",
        "Chorley Road|Station Road|Partington Lane|Worsley Road|Manchester Road|"
        "Moorside Road|Folly Lane|Swinton Hall Road",
    ),
    "M28": (
        "Walkden",
        "01237",
        "Bolton Road|Walkden Road|Memorial Road|Greenleach Lane|Hill Top|"
        "Old Clough Lane|Mosley Common Road|Ellenbrook Road",
    ),
    "M3": ("Salford", "567", "Chapel Street|Blackfriars Road|Trinity Way|Greengate|Silk Street"),
    "M50": (
        "Salford",
        "123",
        "Broadway|The Quays|Ontario Basin|Erie Basin|Huron Basin|South Langworthy Road",
    ),
    "M38": (
        "Little Hulton",
        "09",
        "Manchester Road West|Cleggs Lane|Longshaw Drive|Highfield Road|Amblecote Drive",
    ),
    "M44": ("Irlam", "56", "Liverpool Road|Fairhills Road|Princes Avenue|Astley Road|Cutnook Lane"),
}
_STEMS = (
    "Oak Elm Ash Beech Cedar Hazel Rowan Willow Chestnut Birch Holly Laurel Maple Poplar Sycamore Victoria "
    "Albert Queen King Church Park Mill Station Chapel Hall Manor Grange Orchard Meadow Brook Spring Hope "
    "Cross Moss Heath Lime Vine Primrose Clarendon Cromwell Nelson Wellington Stanley Derby Lancaster "
    "York Milton Byron Shelley Wordsworth Tennyson Regent Cobden Peel Gladstone Russell Cavendish"
).split()
_KINDS = (
    "Road Road Road Street Street Street Avenue Lane Close Grove Drive Crescent Terrace Way Place".split()
)
_BLOCKS = "Court House Heights Point Lodge Mews".split()

ABBREVIATIONS = {
    "Road": "Rd",
    "Street": "St",
    "Avenue": "Ave",
    "Lane": "Ln",
    "Close": "Cl",
    "Drive": "Dr",
    "Crescent": "Cres",
    "Terrace": "Ter",
    "Place": "Pl",
    "Grove": "Gr",
}

SHOWCASE_POSTCODE = "M5 4WT"
SHOWCASE_STREET = "Cross Lane"
UPRN_BASE = 100_012_000_000


@dataclass(slots=True)
class Property:
    """One dwelling: its address lines (flat first), town, postcode and UPRN, and council tax band."""

    uprn: str
    flat: str | None
    block: str | None
    street_line: str
    town: str
    postcode: str
    band: str
    lines: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = tuple(part for part in (self.flat, self.block, self.street_line) if part)


def abbreviate(line: str) -> str:
    """``14 Oak Road`` -> ``14 Oak Rd``: the street type shortened as clerks type it."""
    head, _, last = line.rpartition(" ")
    short = ABBREVIATIONS.get(last)
    return f"{head} {short}" if short and head else line


def _streets(rng: random.Random, lap: int) -> list[tuple[str, str, str]]:
    """(district, town, street name) for the streets of one lap of building, in a seeded order.

    The first lap has the real streets and two made-up ones per stem; later laps add more made-up ones
    (and, once the names run out, carry on higher up the same streets).
    """
    out: list[tuple[str, str, str]] = []
    for district, (town, _sectors, real) in DISTRICTS.items():
        names = set(real.split("|")) if lap == 0 else set()
        for stem in _STEMS:
            names.add(f"{stem} {_KINDS[(hash_text(stem + district) + 2 * lap) % len(_KINDS)]}")
            names.add(f"{stem} {_KINDS[(hash_text(district + stem) + 2 * lap + 1) % len(_KINDS)]}")
        names.discard(SHOWCASE_STREET)
        out.extend((district, town, name) for name in sorted(names))
    rng.shuffle(out)
    return out


def hash_text(text: str) -> int:
    """A small stable hash (Python's ``hash`` of a str changes between processes)."""
    value = 2166136261
    for ch in text:
        value = ((value ^ ord(ch)) * 16777619) & 0xFFFFFFFF
    return value


class PropertyFactory:
    """Builds properties street by street, lazily, so a million people cost only what they use."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._units: dict[str, int] = {}
        self._next_uprn = 0
        self._iter = self._generate()

    def next(self) -> Property:
        """The next property, building another street when the current one is full."""
        return next(self._iter)

    def _postcode(self, district: str, sectors: str) -> str:
        """A fresh unit in a real sector of the district, then in any sector; shared once all are used."""
        capacity = len(INWARD_LETTERS) ** 2
        key = f"{district} {sectors[0]}"
        for pool in (sectors, "0123456789"):
            first = self._rng.randrange(len(pool))
            free = [f"{district} {pool[(first + k) % len(pool)]}" for k in range(len(pool))]
            free = [k for k in free if self._units.get(k, 0) < capacity]
            if free:
                key = free[0]
                break
        while True:
            n = self._units.get(key, 0)
            self._units[key] = n + 1
            n %= capacity
            postcode = f"{key}{INWARD_LETTERS[n // 20]}{INWARD_LETTERS[n % 20]}"
            if postcode != SHOWCASE_POSTCODE:
                return postcode

    def _uprn(self) -> str:
        self._next_uprn += 1 + self._rng.randrange(3)
        return str(UPRN_BASE + self._next_uprn)

    def _generate(self) -> Iterator[Property]:
        rng = self._rng
        lap = 0
        built: dict[tuple[str, str], int] = {}
        while True:
            for district, town, street in _streets(rng, lap):
                sectors = DISTRICTS[district][1]
                start = 1 + built.get((district, street), 0)
                built[(district, street)] = start + 199
                last = start + rng.randrange(20, 160)
                postcode, in_unit, unit_size = "", 0, 0
                for number in range(start, last):
                    if in_unit >= unit_size:
                        postcode, in_unit, unit_size = (
                            self._postcode(district, sectors),
                            0,
                            rng.randrange(12, 30),
                        )
                    band = "AAAABBBCCDEFGH"[min(13, int(rng.random() ** 1.3 * 14))]
                    if rng.random() < 0.12:  # a converted house or a small block of flats
                        block = None
                        if rng.random() < 0.5:
                            block = f"{_STEMS[rng.randrange(len(_STEMS))]} {rng.choice(_BLOCKS)}"
                        line = f"{number} {street}"
                        for flat in range(1, rng.randrange(3, 13)):
                            in_unit += 1
                            yield Property(self._uprn(), f"Flat {flat}", block, line, town, postcode, "A")
                    else:
                        in_unit += 1
                        yield Property(self._uprn(), None, None, f"{number} {street}", town, postcode, band)
            lap += 1


SHOWCASE_PROPERTY = Property(
    str(UPRN_BASE - 7), "Flat 2", None, f"14 {SHOWCASE_STREET}", "Salford", SHOWCASE_POSTCODE, "A"
)
DECOY_PROPERTY = Property(str(UPRN_BASE - 11), None, None, "37 Sandringham Drive", "Walkden", "M28 3XZ", "C")
