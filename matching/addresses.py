"""Addresses in the spirit of BS 7666: secondary addressable object (flat), primary addressable object
(house number or name), street, town, postcode; plus phones and e-mails."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import phonenumbers

from contracts.rules import rounded_number, whole_number
from matching.text import compact, fold

_UK_POSTCODE = re.compile(r"^(GIR0AA|[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2})$")

STREET_WORDS = {
    "rd": "road",
    "st": "street",
    "str": "street",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "dr": "drive",
    "drv": "drive",
    "cl": "close",
    "cres": "crescent",
    "cresc": "crescent",
    "ct": "court",
    "crt": "court",
    "gdns": "gardens",
    "gdn": "garden",
    "pl": "place",
    "sq": "square",
    "terr": "terrace",
    "tce": "terrace",
    "ter": "terrace",
    "gr": "grove",
    "gro": "grove",
    "pk": "park",
    "hse": "house",
    "blvd": "boulevard",
    "hwy": "highway",
    "mt": "mount",
    "wy": "way",
    "wk": "walk",
    "pde": "parade",
    "est": "estate",
    "bldgs": "buildings",
    "ctr": "centre",
    "cir": "circle",
    "cct": "circuit",
    "pkwy": "parkway",
    "rise": "rise",
    "cottages": "cottages",
    "cotts": "cottages",
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
    "upr": "upper",
    "lwr": "lower",
    "gt": "great",
}
"""Abbreviations of street and locality words and their full form."""

_THOROUGHFARES = frozenset(
    {
        "road",
        "street",
        "avenue",
        "lane",
        "drive",
        "close",
        "crescent",
        "court",
        "gardens",
        "garden",
        "place",
        "square",
        "terrace",
        "grove",
        "park",
        "boulevard",
        "highway",
        "way",
        "walk",
        "parade",
        "circle",
        "circuit",
        "parkway",
        "rise",
        "hill",
        "row",
        "mews",
        "view",
        "green",
        "wharf",
    }
)
"""Thoroughfare types (BS 7666 street descriptors): the word before one is the street's own name."""
_FUSED = tuple(sorted((t for t in _THOROUGHFARES if len(t) >= 4), key=len, reverse=True))
"""Types long enough to recognise when typed without the space before them (``goodwinstreet``)."""

SECONDARY_WORDS = frozenset({"flat", "apartment", "apt", "unit", "room", "suite", "maisonette", "floor"})
"""Words that name a secondary addressable object (a flat) as such: ``Flat 2``, ``Apartment 5``."""
_NUMBER = re.compile(r"^(\d+)([a-z]?)$")
_FLAT_LETTER = re.compile(r"^[a-z]$|^[a-z]\d{1,3}$")
"""A flat named by a letter (``Flat A``) or a letter and a number (``Flat B2``)."""
_FLOORS = {
    "basement": "basement",
    "lower": "lower",
    "ground": "ground",
    "first": "first",
    "1st": "first",
    "second": "second",
    "2nd": "second",
    "third": "third",
    "3rd": "third",
    "top": "top",
    "upper": "upper",
    "garden": "garden",
    "attic": "attic",
}
"""Words that name a flat by its floor (``Ground Floor Flat``, ``Basement Flat``), as the flat is read."""
_FLOOR_FLAT_INITIALS = {"gff": "ground", "fff": "first", "sff": "second", "tff": "top"}
"""A floor's flat by its initials, as Bristol's and Bath's addresses write it (``GFF, 14 Cross Lane`` is
the ground floor flat; ``TFF`` the top floor flat)."""
_FLAT_WORDS = frozenset({"flat", "maisonette", "apartment"})
_SLASHED = re.compile(r"\b(\d+[A-Za-z]?)\s*/\s*(\d+[A-Za-z]?)\b")
_FLOOR_SLASH_FLAT = re.compile(r"\b(\d{1,2})\s*/\s*(\d{1,2})\b(?=\s*,?\s*\d+[A-Za-z]?\s*,?\s+[A-Za-z])")
"""A flat named by its floor and place on it, as Scottish tenements write it (``Flat 2/1, 14 High Street``:
the second floor's first flat), before the house's own number: read as Edinburgh's ``2F1``."""
_FLOOR_SLASH_FLAT_AFTER = re.compile(r"\b(flat|apartment|apt)\.?\s+(\d{1,2})\s*/\s*(\d{1,2})\b", re.I)
"""A tenement flat named after the house (``14 High Street, Flat 2/1``); see :func:`_floor_flat_after`."""
_HOUSE_BEFORE = re.compile(r"\b\d+[A-Za-z]?\s+[A-Za-z]")
_FLOOR_FLAT = re.compile(r"^(?:\d{1,2}|[pbg])f\d{1,2}$")
"""A flat named ``2F1`` (floor 2, flat 1), as Edinburgh addresses write it, or on the pavement (street),
basement or ground floor (``PF1``, ``BF2``, ``GF1``); before the house number or after it (``14 (2F1) High
Street``)."""
_RANGE = re.compile(r"\b(\d+[A-Za-z]?)\s*-\s*\d+[A-Za-z]?\b")
"""A range of house numbers (``14-16 Cross Lane``), read as its first; after a flat's word (``Flat 2-14``)
the flat and the house."""
_CARE_OF = re.compile(r"\b(?:c\s*/\s*o|care\s+of)\b", re.IGNORECASE)
"""``c/o``: whose care a letter goes in, no part of the address."""
_PO_BOX = re.compile(r"\bp\s*\.?\s*o\s*\.?\s*box\b", re.IGNORECASE)
"""``PO Box``, ``P.O. Box``, ``P O Box``: one word, whose letters are not a house number's."""


@lru_cache(maxsize=262144)
def standard_postcode(value: str) -> str:
    """UK postcodes as ``SW1A 1AA``; any other postcode as its upper-case letters and digits."""
    code = compact(value)
    if _UK_POSTCODE.match(code):
        return f"{code[:-3]} {code[-3:]}"
    return code


_OUTWARD_SHAPES = ("A9", "A99", "A9A", "AA9", "AA99", "AA9A")
"""The shapes of a UK postcode's outward code (A a letter, 9 a digit); the inward code is 9AA."""


def _fitted(text: str, shape: str) -> str:
    """``text`` read into ``shape`` with a letter O typed for a zero or a zero for an O put right; ``""``
    when it does not fit."""
    out = []
    for ch, kind in zip(text, shape, strict=True):
        if kind == "A" and not ch.isalpha():
            if ch != "0":
                return ""
            ch = "O"
        elif kind == "9" and not ch.isdigit():
            if ch != "O":
                return ""
            ch = "0"
        out.append(ch)
    return "".join(out)


def _one_reading(text: str, shapes: Sequence[str]) -> str:
    """``text`` as it is when it has one of ``shapes``, else its only reading with O and 0 put right."""
    readings = {_fitted(text, shape) for shape in shapes if len(shape) == len(text)} - {""}
    if text in readings:
        return text
    return readings.pop() if len(readings) == 1 else ""


@lru_cache(maxsize=65536)
def repaired_uk_postcode(postcode: str) -> str:
    """A UK postcode that breaks the shape because a letter O was typed for a zero or the other way round
    (``BLO 9AB`` for BL0 9AB, ``0L1 1AA`` for OL1 1AA, ``SW1A OAA``), put right where only one reading
    fits (a postcode of the shape as it is); ``""`` where none does."""
    code = compact(postcode)
    if 5 <= len(code) <= 7:
        outward = _one_reading(code[:-3], _OUTWARD_SHAPES)
        inward = _one_reading(code[-3:], ("9AA",))
        if outward and inward:
            return f"{outward} {inward}"
    return ""


def postcode_parts(postcode: str) -> tuple[str, str] | None:
    """(district, sector) of a standard UK postcode, e.g. (``SW1A``, ``SW1A 1``); None otherwise."""
    if " " not in postcode:
        return None
    outward, inward = postcode.split(" ", 1)
    return outward, f"{outward} {inward[:1]}"


@lru_cache(maxsize=262144)
def parse_address(lines: tuple[str, ...]) -> tuple[str, str, str]:
    """Split address lines into (flat, house number, street and locality words).

    ``Flat 2, 10 High St`` -> (``2``, ``10``, ``high street``); ``2/10 High Street`` and ``2, 10 High
    Street`` read the same.
    A flat may be named by a letter (``Flat B, 10 High St`` -> ``b``) or by its floor (``Ground Floor
    Flat, 10 High St`` -> ``ground``). A house number's letter may stand apart (``14 A Cross Lane`` is
    ``14a``). Abbreviations are expanded (``Rd`` -> ``road``); a house name stays among the street words.

    Args:
        lines: the address lines as given.

    Returns:
        The flat (or ``""``), the house number (or ``""``), and the remaining words.
    """
    text = " ".join(lines)
    lowered = text.lower()
    if "/" in text or "care" in lowered:
        text = _CARE_OF.sub(" ", text)
    if "box" in lowered:
        text = _PO_BOX.sub(" pobox ", text)
    if "/" in text:
        text = _FLOOR_SLASH_FLAT_AFTER.sub(_floor_flat_after, text)
        text = _SLASHED.sub(r"flat \1 \2", _FLOOR_SLASH_FLAT.sub(r"flat \1f\2", text))
    if "-" in text:
        text = _RANGE.sub(_first_of_range, text)
    words = fold(text).split()
    flat, number = "", ""
    plain, since = False, 0
    rest: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if not flat and word in _FLOORS:
            # "ground floor flat, 14 ...": the floor names the flat, and the number after is the house's.
            floor = i + 1 < len(words) and words[i + 1] == "floor"
            after = i + 2 if floor else i + 1
            if after < len(words) and words[after] in _FLAT_WORDS:
                flat = _FLOORS[word]
                i = after + 1
                continue
            if after < len(words) and not number and not rest and (floor or _NUMBER.match(words[after])):
                # "Ground Floor, 14 ...", "Basement, 14 ...": the flat named by its floor alone.
                flat = _FLOORS[word]
                i = after
                continue
        if not flat and word in _FLOOR_FLAT_INITIALS:
            flat = _FLOOR_FLAT_INITIALS[word]
            i += 1
            continue
        if word == "no" and not number and i + 1 < len(words) and _NUMBER.match(words[i + 1]):
            number = words[i + 1]  # "No 5 High Street": the house number
            plain, since = True, len(rest)
            i += 2
            continue
        if word in SECONDARY_WORDS and i + 1 < len(words) and not flat:
            following = words[i + 1]
            if (
                _NUMBER.match(following)
                or _FLAT_LETTER.match(following)
                or following in _FLOORS
                or _FLOOR_FLAT.match(following)
            ):
                flat = _FLOORS.get(following, following)
                i += 2
                continue
        if not flat and word[-1].isdigit() and _FLOOR_FLAT.match(word):
            flat = word  # "2F1, 14 High Street", "PF1 14 High Street", "14 (2F1) High Street"
            i += 1
            continue
        if not number and _NUMBER.match(word):
            number = word
            plain, since = True, len(rest)  # whether only words without digits follow the house number
        elif (
            plain
            and not flat
            and _NUMBER.match(word)
            and i + 1 < len(words)
            and words[i + 1][0].isalpha()
            and _a_building(rest[since + _joined_letter(number, rest, since) :])
        ):
            # A second number before the street (``2, 14 High Street``, ``2 Ash House, 52 Station Road``):
            # the first was the flat's, which only another system calls "Flat 2".
            flat, number = number, word
        elif word not in SECONDARY_WORDS:
            plain = plain and word.isalpha()
            rest.append(word if word in _SAINT else STREET_WORDS.get(word, word))
        i += 1
    if number.isdigit() and len(rest) > 1 and len(rest[0]) == 1 and rest[0].isalpha():
        number += rest.pop(0)  # "14 A Cross Lane": the house 14A, as "14A Cross Lane" writes it
    if not _SAINT.isdisjoint(rest):
        for j in range(len(rest) - 1, -1, -1):  # from the end: each reads the words after it as read
            if rest[j] in _SAINT:
                rest[j] = _saint_or_street(rest, j)
    return flat, number, " ".join(rest)


_BUILDINGS = frozenset(
    "house court lodge point heights mansions tower towers buildings block hall mews cottages chambers "
    "apartments flats".split()
)
"""Words that end the name of a building of flats (``Ash House``, ``Derby Point``, ``Hazel Heights``)."""


def _a_building(between: list[str]) -> bool:
    """Whether the words between two numbers leave the first a flat's: none (``2, 14 High Street``), or a
    building's name (``2 Ash House, 52 Station Road``), not a street (``74 Finniss Crescent, Sec 478``)."""
    return not between or (between[-1] in _BUILDINGS and _THOROUGHFARES.isdisjoint(between[:-1]))


def _joined_letter(number: str, rest: list[str], since: int) -> int:
    """1 when the first street word is a letter that will join the house number (``14 A``), else 0."""
    return int(since == 0 and number.isdigit() and len(rest) > 0 and len(rest[0]) == 1 and rest[0].isalpha())


def _floor_flat_after(found: re.Match[str]) -> str:
    """``Flat 2/1`` as ``flat 2f1`` when a house number and its street come before it (``14 High Street,
    Flat 2/1``): the floor and the flat on it. With none before (``Flat 2/14 High Street``) the second
    number may be the house's, and the text is left as it is."""
    if _HOUSE_BEFORE.search(found.string, 0, found.start()):
        return f"flat {found.group(2)}f{found.group(3)}"
    return found.group(0)


def _first_of_range(found: re.Match[str]) -> str:
    before = found.string[: found.start()].split()
    if before and before[-1].strip(",.").lower() in SECONDARY_WORDS:
        return found.group(0)
    return found.group(1)


_SAINT = frozenset({"st", "saint"})


def _saint_or_street(words: list[str], j: int) -> str:
    """``st`` for a saint (``St Mary's Road``, ``Saint Mary's Road``: the first street word with a name
    after it, or a name and a thoroughfare type after it, as in ``Rose Cottage, St Mary's Road``), else
    ``street`` for ``st`` (``14 High St, Salford``) and ``saint`` as it is."""
    named = j + 1 < len(words) and words[j + 1].isalpha()
    if named and (j == 0 or (j + 2 < len(words) and words[j + 2] in _THOROUGHFARES)):
        return "st"
    return STREET_WORDS.get(words[j], words[j])


@lru_cache(maxsize=65536)
def standard_phone(value: str, region: str = "GB") -> str:
    """E.164 when the number parses for the region (``07700 900123`` -> ``+447700900123``), else digits.
    A number a spreadsheet wrote as a float (``7700900123.0``, its leading zero lost) is read as the
    whole number. A UK landline written without its area code (``745 2291``) is its digits alone
    (``7452291``): the area code is not known, and only another record's whole number can say it."""
    value = whole_number(value)
    digits = "".join(ch for ch in value if ch.isdigit())
    lead = value.lstrip()[:1]
    if region == "GB":
        # The common UK shapes without the (slow) general parser: 0XXXXXXXXXX, +44XXXXXXXXXX, 0044...
        if digits.startswith("0044") and len(digits) == 14:
            return "+" + digits[2:]
        if digits.startswith("44") and len(digits) == 12 and lead == "+":
            return "+" + digits
        if digits.startswith("0") and len(digits) == 11 and lead != "+":
            return "+44" + digits[1:]
        if 6 <= len(digits) <= 8 and lead.isdigit() and lead != "0":
            # A landline written without its area code ("745 2291"), as older records keep a local number:
            # its digits alone, which the phone comparator finds at the end of the whole number.
            return digits
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in value if ch.isdigit())
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


_NO_ADDRESS = frozenset(
    {
        "nofixedabode",
        "nofixedaddress",
        "nfa",
        "noaddress",
        "addressunknown",
        "addressnotknown",
        "unknownaddress",
        "notknown",
        "unknown",
        "homeless",
        "none",
        "null",
        "na",
        "tba",
        "tbc",
    }
)
"""What systems write in the address lines of a person with no address (``No Fixed Abode``, ``NFA``,
``N/A``), its letters alone."""
PSEUDO_POSTCODE = "ZZ99"
"""The start of the NHS's pseudo-postcodes (``ZZ99 3VZ`` no fixed abode, ``ZZ99 3WZ`` address not known,
``ZZ99 3CZ`` England, not otherwise stated): they name no place."""


def says_no_address(lines: Sequence[str]) -> bool:
    """Whether address lines say the person has no address (``No Fixed Abode``, ``NFA``, ``N/A``) rather
    than give one: two homeless people of one common name would otherwise agree on their "address"."""
    return "".join(ch for ch in "".join(lines).lower() if ch.isalpha()) in _NO_ADDRESS


_PHONE_SEPARATOR = re.compile(r"\s*(?:[/,;&|]|\bor\b|\band\b)\s*", re.IGNORECASE)
"""What a field holding two numbers puts between them (``0161 745 2291 / 07700 900123``)."""


def phone_numbers(value: str, region: str = "GB") -> list[str]:
    """Every number in one phone field, each as :func:`standard_phone` gives it: a field may hold two
    (``0161 745 2291 / 07700 900123``, ``home 0161 745 2291, mob 07700 900123``). A field is split only
    where every part holds a whole number's digits (seven or more), so ``0161/745 2291`` stays one. A
    number a spreadsheet rounded (``4.47701E+11``) is none."""
    if rounded_number(value):  # 4.47701E+11: a spreadsheet kept six digits, which many numbers share
        return []
    if _PHONE_SEPARATOR.search(value):
        parts = _PHONE_SEPARATOR.split(value)
        if len(parts) > 1 and all(sum(ch.isdigit() for ch in part) >= 7 for part in parts):
            return [standard_phone(part, region) for part in parts]
    return [standard_phone(value, region)]


def standard_email(value: str) -> str:
    """Lower case without surrounding spaces; empty unless it has one ``@`` with text on both sides.

    The address alone where an export wrote a name or a link around it (``Margaret Smith
    <peggy@example.org>``, ``mailto:peggy@example.org``), and a Gmail address as Gmail reads it: the dots
    of its name and a ``+tag`` ignored, ``googlemail.com`` the same mailbox as ``gmail.com``."""
    text = value.strip().lower()
    if "<" in text and text.endswith(">"):
        text = text[text.rindex("<") + 1 : -1].strip()
    if text.startswith("mailto:"):
        text = text[7:].strip()
    text = text.strip(" .,;'\"")
    local, sep, domain = text.partition("@")
    if not sep or not local or not domain or "@" in domain or " " in text:
        return ""
    if domain in _GMAIL:
        local = local.partition("+")[0].replace(".", "")
        return f"{local}@gmail.com" if local else ""
    return text


_GMAIL = frozenset({"gmail.com", "googlemail.com"})
_AN_ADDRESS = re.compile(r"""[^\s<>;,/"'()\[\]]+@[^\s<>;,/"'()\[\]]+""")


def email_addresses(value: str) -> list[str]:
    """Every e-mail address in one field, each as :func:`standard_email` gives it: a CRM's export or a form
    may hold two (``peggy@example.org; m.smith@work.example``, ``Margaret <peggy@example.org>, ...``)."""
    if value.count("@") < 2:
        email = standard_email(value)
        return [email] if email else []
    return [email for email in (standard_email(found) for found in _AN_ADDRESS.findall(value)) if email]


@lru_cache(maxsize=262144)
def street_name(street: str) -> tuple[str, str]:
    """A street's own name and its thoroughfare type, from the street and locality words.

    The name is the word before the first thoroughfare type: ``wyncliffe mcgivern crescent`` ->
    (``mcgivern``, ``crescent``), so a locality written before the street does not hide it; a type run
    into its name is split (``goodwinstreet`` -> (``goodwin``, ``street``)); without a type, the first
    word and ``""``.
    """
    words = street.split()
    for i in range(1, len(words)):
        if words[i] in _THOROUGHFARES and words[i - 1] not in _THOROUGHFARES:
            return words[i - 1], words[i]
    for word in words:
        for kind in _FUSED:
            if word.endswith(kind) and len(word) >= len(kind) + 3:
                return word[: -len(kind)], kind
    return (words[0], "") if words else ("", "")


def postcode_district(postcode: str) -> str:
    """The district (outward code) of a standard UK postcode (``SW1A 1AA`` -> ``SW1A``); the first
    character of any other postcode, a coarse region that a one-digit typo usually keeps (Australian
    ``2148`` -> ``2``); ``""`` without a postcode."""
    if " " in postcode:
        return postcode.split(" ", 1)[0]
    return postcode[:1]
