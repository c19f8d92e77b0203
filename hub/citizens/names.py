"""First-name variants for search: a name, its nicknames and its full forms (Peggy <-> Margaret)."""

from __future__ import annotations

from functools import lru_cache

from nicknames import NickNamer

_NAMER = NickNamer()


@lru_cache(maxsize=4096)
def given_variants(name: str) -> frozenset[str]:
    """Every name that is ``name``, a full form of it, a nickname of it, or a nickname of its full forms."""
    canonicals = _NAMER.canonicals_of(name)
    variants = {name, *canonicals, *_NAMER.nicknames_of(name)}
    for canonical in canonicals:
        variants.update(_NAMER.nicknames_of(canonical))
    return frozenset(v.replace(" ", "").replace("-", "").replace("'", "") for v in variants)
