"""Text folding shared by the standardisers: case, accents, punctuation, other scripts."""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

_NOT_WORD = re.compile(r"[^a-z0-9 ]+")
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]+")
_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")


@lru_cache(maxsize=262144)
def fold(value: str) -> str:
    """Lower-case ASCII words separated by single spaces.

    Accents are dropped (``Zoë`` -> ``zoe``, ``Łukasz`` -> ``lukasz``), other scripts are written in Latin
    letters (``Иван Петров`` -> ``ivan petrov``, ``Γιώργος`` -> ``giorgos``, ``王小明`` -> ``wangxiaoming``),
    apostrophes vanish (``O'Brien`` -> ``obrien``), and every other punctuation mark, hyphen included,
    becomes a space. A name in Cyrillic, Greek, Arabic or Chinese is compared, blocked and searched like
    any other, and meets the same name written in Latin letters by another system.

    Args:
        value: any text.

    Returns:
        The folded text; empty when nothing word-like is left.
    """
    if value.isascii():
        text = value.replace("'", "").replace("`", "").lower()
    else:
        # anyascii writes some marks as apostrophes (a right quote, an acute accent alone, an Arabic ain).
        text = anyascii(_APOSTROPHES.sub("", value)).replace("'", "").replace("`", "").lower()
    # Only letters, digits and spaces are left: split() and join() collapse the runs of spaces.
    return " ".join(_NOT_WORD.sub(" ", text).split())


def compact(value: str) -> str:
    """Upper-case letters and digits only (identifiers, postcodes)."""
    if value.isascii():
        if value.isalnum():
            return value.upper()
        return _NOT_ALNUM.sub("", value).upper()
    return fold(value).replace(" ", "").upper()
