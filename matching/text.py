"""Text folding shared by the standardisers: case, accents, punctuation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NOT_WORD = re.compile(r"[^a-z0-9 ]+")
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]+")
_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")

# Letters NFKD does not decompose into ASCII.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "þ": "th",
        "ð": "d",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
    }
)


@lru_cache(maxsize=262144)
def fold(value: str) -> str:
    """Lower-case ASCII words separated by single spaces.

    Accents are dropped (``Zoë`` -> ``zoe``), apostrophes vanish (``O'Brien`` -> ``obrien``), and every
    other punctuation mark, hyphen included, becomes a space.

    Args:
        value: any text.

    Returns:
        The folded text; empty when nothing word-like is left.
    """
    if value.isascii():
        text = value.replace("'", "").replace("`", "").lower()
    else:
        text = _APOSTROPHES.sub("", value.translate(_SPECIAL))
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    # Only letters, digits and spaces are left: split() and join() collapse the runs of spaces.
    return " ".join(_NOT_WORD.sub(" ", text).split())


def compact(value: str) -> str:
    """Upper-case letters and digits only (identifiers, postcodes)."""
    if value.isascii():
        if value.isalnum():
            return value.upper()
        return _NOT_ALNUM.sub("", value).upper()
    return fold(value).replace(" ", "").upper()
