"""UK personal names: titles, generational suffixes, double-barrels, nicknames and phonetic keys."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import jellyfish
from nicknames import NickNamer
from rapidfuzz.distance import OSA

from matching.text import fold

TITLES = frozenset(
    "mr mrs ms miss mx master mstr madam dr doctor prof professor sir dame lady lord rev revd reverend fr "
    "father sr sister capt captain col colonel maj major lt sgt cllr councillor rt hon".split()
)
"""Words dropped from the front of a given name (``sr`` only there: at the end it means senior)."""

_COURTESY = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "rev", "revd", "cllr", "councillor"}
)
"""The titles never part of a surname (``Major``, ``Lord`` and ``Sir`` are surnames too)."""

_TITLE_SEX = {"mr": "m", "master": "m", "mstr": "m", "sir": "m", "lord": "m"} | dict.fromkeys(
    ("mrs", "miss", "ms", "madam", "dame", "lady"), "f"
)
"""Titles that say a man or a woman (``Dr``, ``Rev``, ``Mx`` say neither)."""


_RECORDED_SEX = dict.fromkeys(("m", "male", "man", "boy"), "m") | dict.fromkeys(
    ("f", "female", "woman", "girl"), "f"
)
"""What a sex or gender field holds for a man or a woman; anything else (``U``, ``Not known``, ``X``) says
neither."""


def record_sex(sex: str | None, title: str | None, given: str | None) -> str:
    """``m`` or ``f`` as the record's sex or gender field says (``M``, ``Female``), else as its title says
    (:func:`title_sex`); ``""`` when neither says."""
    if sex:
        said = _RECORDED_SEX.get(fold(sex), "")
        if said:
            return said
    return title_sex(title, given)


def title_sex(title: str | None, given: str | None) -> str:
    """``m`` or ``f`` as the title says (or, with no title field, a title written at the front of the given
    name field, ``MRS MARGARET``, or after it, ``Margaret (Mrs)``); ``""`` when it says neither. Councils'
    systems keep a title on most records, and for a name held as initials (``Mr J Smith`` and ``Mrs J
    Smith`` of one address) it is the only thing that tells two people apart."""
    given_t = _tokens(given)
    for words in (_tokens(title), given_t[:-1]):
        for word in words:
            if word in _TITLE_SEX:
                return _TITLE_SEX[word]
            if word not in TITLES:
                break
    if len(given_t) > 1 and given_t[-1] in _COURTESY and given_t[-1] in _TITLE_SEX:
        return _TITLE_SEX[given_t[-1]]  # "Margaret (Mrs)": the title after the first name
    return ""


GENERATIONS = {
    "jr": "jr",
    "jnr": "jr",
    "junior": "jr",
    "sr": "sr",
    "snr": "sr",
    "senior": "sr",
    "ii": "ii",
    "iii": "iii",
    "iv": "iv",
    "2nd": "ii",
    "3rd": "iii",
}
"""Generational suffixes and their standard form: they tell a father from his son."""

_ABBREVIATED_GENERATIONS = frozenset({"jr", "jnr", "snr", "ii", "iii", "iv"})
_HONOURS = frozenset("obe mbe cbe kbe dbe qc kc jp mp phd msc bsc ba ma esq".split())
PARTICLES = frozenset("de del della der di du la le van von st saint".split())
"""Words that begin a family name of several (``De La Cruz``, ``van der Berg``, ``St John``): a whole name
written in one field keeps them with the surname."""

_NAMER = NickNamer()

UK_DIMINUTIVES: dict[str, tuple[str, ...]] = {
    "alf": ("alfred",),
    "alfie": ("alfred",),
    "bev": ("beverley", "beverly"),
    "cath": ("catherine", "cathleen"),
    "dai": ("david",),
    "frankie": ("frances", "francesca", "francis"),
    "gill": ("gillian",),
    "izzy": ("isabel", "isabella", "isobel"),
    "jill": ("gillian",),
    "jock": ("john",),
    "kate": ("catherine", "katherine", "kathryn"),
    "kath": ("kathleen", "katherine", "kathryn"),
    "katie": ("catherine", "katherine", "kathleen", "kathryn"),
    "kitty": ("catherine", "katherine"),
    "lexie": ("alexandra",),
    "mags": ("margaret",),
    "nicky": ("nicola", "nicole", "nicholas"),
    "nikki": ("nicola", "nicole"),
    "rab": ("robert",),
    "rabbie": ("robert",),
    "stan": ("stanley",),
    "tash": ("natasha",),
    "viv": ("vivian", "vivien", "vivienne"),
    "wendy": ("gwendolen", "gwendoline"),
}
"""Diminutives common in the UK that the nicknames package (built from US records) lacks, with the names
they stand for (Kate/Catherine, Alf/Alfred, Rab/Robert, Dai/David)."""
NAME_SPELLINGS: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "muhammad mohammed mohammad mohamed muhammed mohamad mohamud muhamad mohammod mohd md muhd mhd",
        "hussain hussein husain hossain husein",
        "aisha ayesha aysha aishah ayisha",
        "yusuf yousef yusef yousuf youssef yousif",
        "mustafa mustapha mostafa",
        "maryam mariam",
        "sean shaun shawn",
        "stephen steven stephan stefan",
        "catherine katherine kathryn catharine katharine cathryn",
        "geoffrey jeffrey jeffery",
        "jacqueline jaqueline jacquelyn",
        "kirsty kirstie",
        "isabel isobel isabelle",
        "jasmine jasmin yasmin yasmine",
        "lindsay lindsey linsey",
        "leanne lianne leann",
        "zachary zachery zackary",
        "siobhan shivaun shevaun",
        "niamh neve neave nieve",
        "philip phillip filip",
        "nicholas nicolas nikolas nickolas",
        "eleanor elinor eleanore elenor",
        "megan meghan meagan",
        "rebecca rebekah rebeca",
        "jayden jaden jaiden jaydon",
        "aidan aiden ayden",
        "sophia sofia",
    )
)
"""Spellings of one first name that are further apart than a typo (Muhammad, Mohammed, Mohamed; Sean,
Shaun; Stephen, Steven; Siobhan, Shivaun): read as one name, not as two first names that differ, which
would keep one person's records apart as if they were twins. Closer spellings (Sarah, Sara; Philip,
Phillip) are already a typo apart."""
_SPELLINGS_OF = {name: group for group in NAME_SPELLINGS for name in group}

UK_LANGUAGE_FORMS: dict[str, tuple[str, ...]] = {
    # Welsh
    "dafydd": ("david",),
    "dewi": ("david",),
    "gwilym": ("william",),
    "huw": ("hugh",),
    "ieuan": ("john", "evan"),
    "ifan": ("john", "evan"),
    "sion": ("john",),
    "tomos": ("thomas",),
    "gruffydd": ("griffith",),
    "gruffudd": ("griffith",),
    "owain": ("owen",),
    "rhodri": ("roderick",),
    "emrys": ("ambrose",),
    "meurig": ("maurice",),
    "hywel": ("howell",),
    "iorwerth": ("edward",),
    "siarl": ("charles",),
    "sian": ("jane", "jean"),
    "sioned": ("janet",),
    "mair": ("mary",),
    "elen": ("helen", "ellen"),
    "catrin": ("catherine",),
    "marged": ("margaret",),
    "mererid": ("margaret",),
    # Scottish Gaelic
    "hamish": ("james",),
    "seumas": ("james",),
    "alasdair": ("alexander",),
    "alastair": ("alexander",),
    "alistair": ("alexander",),
    "ruairidh": ("roderick", "rory"),
    "ruaridh": ("roderick", "rory"),
    "coinneach": ("kenneth",),
    "domhnall": ("donald",),
    "uilleam": ("william",),
    "raghnall": ("ronald",),
    "tormod": ("norman",),
    "iain": ("john",),
    "mairi": ("mary",),
    "seonaid": ("janet",),
    "seonag": ("joan",),
    "catriona": ("catherine",),
    "peigi": ("margaret", "peggy"),
    "eilidh": ("helen",),
    "ealasaid": ("elizabeth",),
    # Irish
    "seamus": ("james",),
    "padraig": ("patrick",),
    "padraic": ("patrick",),
    "eoin": ("john",),
    "diarmuid": ("dermot",),
    "diarmaid": ("dermot",),
    "seosamh": ("joseph",),
    "peadar": ("peter",),
    "tomas": ("thomas",),
    "proinsias": ("francis",),
    "aodh": ("hugh",),
    "seoirse": ("george",),
    "risteard": ("richard",),
    "eamon": ("edmund",),
    "eamonn": ("edmund",),
    "maire": ("mary",),
    "sile": ("sheila", "cecilia"),
    "eibhlin": ("eileen", "evelyn"),
    "brid": ("bridget",),
    "caitriona": ("catherine",),
    "mairead": ("margaret",),
    "maighread": ("margaret",),
    "treasa": ("teresa",),
}
"""Welsh, Scottish Gaelic and Irish forms of first names, with the English names they are (Dafydd/David,
Hamish/James, Padraig/Patrick): one person may be registered under either, a school or a Welsh-language
form holding one and a national record the other. Names that are mostly given in their own right now
(Sean, Liam, Ewan, Caitlin) are left out: a father William and a son Liam are two people. The nicknames
package (built from US records) knows none of these."""

ABBREVIATED_FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "alexr": ("alexander",),
    "benj": ("benjamin",),
    "chas": ("charles",),
    "danl": ("daniel",),
    "edwd": ("edward",),
    "eliz": ("elizabeth",),
    "fredk": ("frederick",),
    "geo": ("george",),
    "hy": ("henry",),
    "jas": ("james",),
    "jno": ("john",),
    "jos": ("joseph",),
    "margt": ("margaret",),
    "richd": ("richard",),
    "robt": ("robert",),
    "saml": ("samuel",),
    "thos": ("thomas",),
    "wm": ("william",),
    "xtopher": ("christopher",),
}
"""Clerks' abbreviations of first names (Wm for William, Chas for Charles, Thos for Thomas), which old
registers and the records typed from them still hold. (Md for Mohammed is among :data:`NAME_SPELLINGS`.)"""

POLISH_FORMS: dict[str, tuple[str, ...]] = {
    "kasia": ("katarzyna",),
    "gosia": ("malgorzata",),
    "malgosia": ("malgorzata",),
    "basia": ("barbara",),
    "asia": ("joanna",),
    "ania": ("anna",),
    "ola": ("aleksandra",),
    "magda": ("magdalena",),
    "aga": ("agnieszka",),
    "zosia": ("zofia",),
    "marysia": ("maria",),
    "tomek": ("tomasz",),
    "kuba": ("jakub",),
    "wojtek": ("wojciech",),
    "piotrek": ("piotr",),
    "bartek": ("bartlomiej",),
    "krzysiek": ("krzysztof",),
    "staszek": ("stanislaw",),
    "jurek": ("jerzy",),
    "jozek": ("jozef",),
    "grzesiek": ("grzegorz",),
    "przemek": ("przemyslaw",),
    "jarek": ("jaroslaw",),
    "mirek": ("miroslaw",),
    "darek": ("dariusz",),
    "slawek": ("slawomir",),
    "rysiek": ("ryszard",),
    "zbyszek": ("zbigniew",),
    "heniek": ("henryk",),
    "wladek": ("wladyslaw",),
    "kazik": ("kazimierz",),
    "maciek": ("maciej",),
}
"""Polish first names' diminutives (Kasia for Katarzyna, Kuba for Jakub), as a school, a GP or a landlord
writes the name the person goes by: Polish is the UK's most spoken language after English, and the
nicknames package knows none of these. The English forms some use at work (Piotr as Peter) are left out:
a Peter and a Piotr are mostly two people, and counted as one name's two forms these strangers made a
nickname weigh less for everyone (at 100k people, Becky and Rebecca Moore came apart)."""

_UK_FORMS = UK_DIMINUTIVES | UK_LANGUAGE_FORMS | ABBREVIATED_FIRST_NAMES | POLISH_FORMS
"""Every UK form this module adds to the nicknames package, with the names each stands for."""

_UK_NICKNAMES_OF = {
    name: frozenset(short for short, names in _UK_FORMS.items() if name in names)
    for names in _UK_FORMS.values()
    for name in names
}


class StandardName(NamedTuple):
    """A name after standardisation: first given name, other given names, family name, suffix.

    A tuple of strings, so that the garbage collector stops tracking the cached ones."""

    given: str
    middle: str
    family: str
    generation: str


def _tokens(value: str | None) -> list[str]:
    return fold(value).split() if value else []


def _folded(value: str | None) -> str:
    return fold(value) if value else ""


def standard_name(
    title: str | None, given: str | None, middle: str | None, family: str | None
) -> StandardName:
    """Standardise one name.

    Titles are dropped, generational suffixes (Jr, Snr, III) kept apart, honours dropped, double-barrelled
    and hyphenated family names kept as space-separated parts (``smith jones``); a full name given in the
    given-name field alone is split into given and family names.

    Args:
        title: the title as given (ignored except to be dropped).
        given: given name(s) as given.
        middle: middle name(s) as given.
        family: family name as given.

    Returns:
        The standard name; parts that are absent are empty strings.
    """
    del title
    return StandardName(*_standard_name(given, middle, family))


@lru_cache(maxsize=262144)
def _standard_name(given: str | None, middle: str | None, family: str | None) -> tuple[str, str, str, str]:
    # Cached as a plain tuple of strings: the collector stops tracking those, not a NamedTuple.
    if given and _MARKED.search(given):
        given = known_as(given)[0]
        given, family = _first_person(given, family)
    if not given or not family:
        given, family = _surname_first(given, family)
    parts = _standardise_once(given, middle, family)
    if parts[:3] == (_folded(given), _folded(middle), _folded(family)):
        return parts  # nothing moved or dropped: standardising again reads the same words
    # Standardising the result again must change nothing. Once parts have moved (a middle name taken
    # as the given name, a word moved to the surname) a suffix or an honour can read differently: go
    # again until nothing moves, keeping the suffix found. Ordinary names stop after one look.
    # Each pass that changes something drops or moves a word (a title, an unnamed "Baby" before other
    # names): a name of many words may take as many passes.
    for _ in range(_MAX_PASSES + len(parts[1].split())):
        again = _standardise_once(parts[0] or None, parts[1] or None, parts[2] or None)
        if again[:3] == parts[:3]:
            break
        parts = (again[0], again[1], again[2], again[3] or parts[3])
    return parts


_MAX_PASSES = 4

_MARKED = re.compile(
    r"""[("'\u201c\u2018&+]|\b(?:and|aka|a\.k\.a|known|prefers|nee|n\u00e9e|formerly|previously)\b""",
    re.IGNORECASE,
)
"""A first look for :func:`known_as` and :func:`_first_person`: most given names hold none of these."""
_KNOWN_AS = re.compile(
    r"""\s*\(([^()]*)\)|\s*"([^"]*)"|\s*\u201c([^\u201d]*)\u201d|\s*\u2018([^\u2019]*)\u2019"""
    r"""|(?:^|\s)'([^']*)'(?=\s|$)|\s+((?:known\s+as|aka|a\.k\.a\.?|prefers|nee|n\u00e9e|formerly|previously)"""
    r"""\s+.*)$""",
    re.IGNORECASE,
)
_GOES_BY = frozenset({"known", "as", "aka", "prefers"})
"""Words before the name a person goes by (``known as Peggy``, ``aka Peggy``)."""
_PREVIOUSLY = frozenset({"nee", "formerly", "previously"})
"""Words before a surname the person held before (``(nee Jones)``), in a field holding the whole name."""


@lru_cache(maxsize=65536)
def known_as(given: str) -> tuple[str, str, str]:
    """A given-name field without the name the person goes by or a surname noted as held before, that
    name folded, and that surname folded (``""`` for none): ``Elizabeth (Lisa)``, ``Robert "Bob"``, ``Wei
    known as David``, ``Margaret aka Peggy``; ``Margaret Smith (nee Jones)``, the whole name in one field.
    Read as a middle name, Lisa against another system's middle name Mary kept one woman apart as two
    relatives.

    Brackets or quotes around anything but one or two names (a title, a suffix, a note: ``(Mrs)``,
    ``(Jnr)``, ``(deceased)``), or around the whole field, leave it as it is."""
    found = _KNOWN_AS.search(given)
    if found is None:
        return given, "", ""
    words = _tokens(next(group for group in found.groups() if group is not None))
    rest = f"{given[: found.start()]} {given[found.end() :]}".strip()
    if not _tokens(rest):
        return given, "", ""
    if len(words) > 1 and words[0] in _PREVIOUSLY:
        return rest, "", " ".join(words[1:])
    while words and words[0] in _GOES_BY:
        words = words[1:]
    notes = TITLES | _COURTESY | _HONOURS | _DECEASED | GENERATIONS.keys() | _MULTIPLE_BIRTH
    if not 1 <= len(words) <= 2 or not all(word.isalpha() and word not in notes for word in words):
        return given, "", ""
    return rest, words[0], ""


_JOINT = re.compile(r"\s*(?:&|\+)\s*|\s+and\s+", re.IGNORECASE)


def _first_person(given: str, family: str | None) -> tuple[str, str | None]:
    """A joint account's names read as its first-named person's, as a council tax account in two names
    writes them: ``John & Margaret`` is John; ``J & M Smith`` and ``Mr J Smith and Mrs M Smith``, the whole
    names in the given-name field, J Smith. ``Mr and Mrs John`` is left to the titles' rule."""
    joint = _JOINT.search(given)
    if joint is None:
        return given, family
    first, second = _tokens(given[: joint.start()]), _tokens(given[joint.end() :])
    named = [word for word in first if word not in TITLES]
    if not named or not second:
        return given, family
    if not family and len(named) == 1 and len([word for word in second if word not in TITLES]) > 1:
        family = given[joint.end() :].split()[-1]  # "J & M Smith": the family name both share
    return given[: joint.start()], family


def _surname_first(given: str | None, family: str | None) -> tuple[str | None, str | None]:
    """A whole name written surname first in one field, the other empty (``SMITH, John``, as many legacy
    systems keep it; the caller asks only when one is empty), as (given, family); anything else as it
    is. A comma before a suffix alone (``John Smith, Jr``) is not this."""
    whole = family or given
    if not whole or "," not in whole:
        return given, family
    surname, _, forenames = whole.partition(",")
    after = _tokens(forenames)
    if not _tokens(surname) or not after or all(t in GENERATIONS or t in _HONOURS for t in after):
        return given, family
    return forenames, surname


_NOT_A_NAME = frozenset(
    {
        "unknown",
        "not known",
        "notknown",
        "unk",
        "nk",
        "none",
        "null",
        "not given",
        "not stated",
        "unnamed",
        "tbc",
        "tba",
        "n a",
        "xx",
        "xxx",
        "xxxx",
        "occupier",
        "occupiers",
        "the occupier",
        "the occupiers",
        "the owner",
        "the owners",
        "the resident",
        "the residents",
        "the householder",
    }
)
"""What systems write in a name field when they do not know the name: read as no name. Two records of
"UNKNOWN" (or "N/A", or "XXX") agree on nothing, and a newborn's record still unnamed ("Baby", "Baby
Girl") does not differ from the named one. A
council tax account of an empty or newly let property is in the name of "The Occupier": no one's name,
which two such accounts would otherwise share."""
_UNNAMED_GIVEN = _NOT_A_NAME | {"baby", "infant", "newborn", "the", "baby boy", "baby girl"}
"""The same for a first name, with what hospitals write for a child not yet named ("Baby Smith"), and the
"The" of "The Occupier" written across the two fields."""


BIRTH_ORDER = "birth "
"""How a multiple birth's number is written in the generation part of a standard name (``birth 1``)."""
_MULTIPLE_BIRTH = frozenset({"twin", "triplet", "quad", "baby", "infant", "newborn"})
_MULTIPLE_BIRTH_STARTS = tuple(sorted(_MULTIPLE_BIRTH))
"""For a quick first look (``str.startswith``): most names start with none of these."""
_BIRTH_ORDER = {"1": "1", "2": "2", "3": "3", "4": "4", "a": "1", "b": "2", "c": "3", "d": "4"} | {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "1st": "1",
    "2nd": "2",
    "3rd": "3",
    "first": "1",
    "second": "2",
    "third": "3",
}


def _birth_order(words: list[str]) -> str:
    """The place in a multiple birth that a name such as ``Twin 1`` (``Twin B``, ``Triplet 2``, ``Baby Girl
    1``, ``Twin1``) gives a child registered before it was named, as ``birth 1``; ``""`` for a name.
    Two such children share a family name, a date of birth and an address, and differ only there."""
    if not words or len(words) > 3:
        return ""
    if len(words) == 1:  # "Twin1", "TwinA"
        head = words[0].rstrip("1234abcd")
        words = [head, words[0][len(head) :]] if head in _MULTIPLE_BIRTH else words
    if len(words) < 2 or words[0] not in _MULTIPLE_BIRTH:
        return ""
    if len(words) == 3 and words[1] not in ("boy", "girl"):
        return ""
    order = _BIRTH_ORDER.get(words[-1], "")
    return f"{BIRTH_ORDER}{order}" if order else ""


_OTHER_NAME_FOLLOWS = frozenset({"nee", "formerly", "previously", "aka"})
"""Words after which a family name field names another family name (``Smith (nee Jones)``, ``Smith formerly
Jones``, ``Smith aka Jones``): the name before is the current one."""
_DECEASED = frozenset({"deceased", "decd"})
"""What systems add to the name of someone who has died (``Smith (Deceased)``, ``Smith Dec'd``)."""


def _annotated(family_t: list[str]) -> tuple[list[str], list[str]]:
    """A family name's own words, and the other family name it names after ``nee`` (or ``formerly``,
    ``previously``, ``aka``); a note that the person has died is dropped (from every part of a name)."""
    if len(family_t) > 1 and not _DECEASED.isdisjoint(family_t):
        family_t = [t for t in family_t if t not in _DECEASED] or family_t
    for i, token in enumerate(family_t[1:-1], start=1):
        if token in _OTHER_NAME_FOLLOWS:
            return family_t[:i], family_t[i + 1 :]
    return family_t, []


@lru_cache(maxsize=65536)
def other_family_name(family: str | None) -> str:
    """The other family name a family name field names (``Smith (nee Jones)`` -> ``jones``), or ``""``."""
    return " ".join(_annotated(_tokens(family))[1]) if family else ""


def _standardise_once(given: str | None, middle: str | None, family: str | None) -> tuple[str, str, str, str]:
    given_t, middle_t, family_t = _tokens(given), _tokens(middle), _annotated(_tokens(family))[0]
    if not _DECEASED.isdisjoint(given_t) or not _DECEASED.isdisjoint(middle_t):
        given_t = [t for t in given_t if t not in _DECEASED] or given_t
        middle_t = [t for t in middle_t if t not in _DECEASED]
    if given_t and family_t and " ".join(given_t + family_t) in _NOT_A_NAME:
        given_t, family_t = [], []  # "The" and "Owner", one in each field
    if given_t and " ".join(given_t) in _UNNAMED_GIVEN:
        given_t = []
    if family_t and " ".join(family_t) in _NOT_A_NAME:
        family_t = []
    if len(family_t) > 1 and (family_t[0] in _COURTESY or family_t[-1] in _COURTESY):
        if not given_t and family_t[0] in _COURTESY and len(family_t) > 2:
            given_t, family_t = family_t, []  # "Mrs Margaret Smith", the whole name in the surname field
        else:  # "Mrs Smith", "Smith (Mrs)": the title written into the surname field
            family_t = [t for t in family_t if t not in _COURTESY] or family_t
    for part in (given_t, middle_t):  # "Margaret (Mrs)": the title written after the first name
        while len(given_t) + len(middle_t) > 1 and part and part[-1] in _COURTESY:
            part.pop()
    generation = ""
    while (
        given_t
        and len(given_t) + len(family_t) > 1
        and (given_t[0] in TITLES or (given_t[0] == "and" and len(given_t) > 1 and given_t[1] in TITLES))
    ):
        given_t.pop(0)  # "Mr and Mrs John": a joint account's titles, read as its first-named person's
    for part in (family_t, given_t, middle_t):
        while part and (part[-1] in GENERATIONS or part[-1] in _HONOURS) and len(part) > 1:
            token = part.pop()
            generation = GENERATIONS.get(token, generation)
    if family_t and family_t[-1] in _ABBREVIATED_GENERATIONS and given_t:
        generation = GENERATIONS[family_t.pop()]
    if not family_t and len(given_t) > 1:
        family_t = [given_t.pop()]
        while len(given_t) > 1 and given_t[-1] in PARTICLES:
            family_t.insert(0, given_t.pop())
    named = given_t or middle_t
    order = _birth_order(given_t + middle_t) if named and named[0].startswith(_MULTIPLE_BIRTH_STARTS) else ""
    if order:  # "Twin 1", "Baby Girl 2": a child not yet named, told from its twin by the number
        given_t, middle_t, generation = [], [], order
    if not given_t and middle_t:
        given_t = [middle_t.pop(0)]
    family_t = saint_as_st(family_t)
    first = given_t[0] if given_t else ""
    others = given_t[1:] + middle_t
    return first, " ".join(others), " ".join(family_t), generation


@lru_cache(maxsize=65536)
def _canonicals(name: str) -> frozenset[str]:
    return frozenset(_NAMER.canonicals_of(name)) | frozenset(_UK_FORMS.get(name, ()))


@lru_cache(maxsize=65536)
def _relatives(name: str) -> frozenset[str]:
    """The name's canonical forms and its nicknames (cached per name: names repeat, pairs do not)."""
    uk = _UK_NICKNAMES_OF.get(name, frozenset())
    return _canonicals(name) | frozenset(_NAMER.nicknames_of(name)) | uk


def saint_as_st(family: list[str]) -> list[str]:
    """A family name's words with ``Saint`` before another word written ``St``: Saint John is the family name
    St John (a surname Saint alone stays Saint)."""
    if len(family) > 1 and "saint" in family[:-1]:
        return ["st" if word == "saint" else word for word in family[:-1]] + family[-1:]
    return family


@lru_cache(maxsize=65536)
def gaelic_form(family: str) -> str:
    """A family name with each ``Mac`` of a Gaelic patronymic written ``Mc``, run together: MacDonald,
    McDonald and Mc Donald are one name, which clerks write either way (``mac`` is read so only before
    three letters or more: Mack and Macey are names of their own)."""
    words = family.split()
    if len(words) > 1 and words[-2] in ("mc", "mac"):  # "Mc Donald", written apart
        words[-2:] = [words[-2] + words[-1]]
    return "".join("mc" + w[3:] if w.startswith("mac") and len(w) > 5 else w for w in words)


def gaelic_spellings(family: str) -> frozenset[str]:
    """A one-word family name with its other spelling if it is a Gaelic patronymic (see
    :func:`gaelic_form`): ``mcdonald`` and ``macdonald`` both give {``macdonald``, ``mcdonald``}; any other
    name alone."""
    form = gaelic_form(family)
    if " " in family or not form.startswith("mc") or len(form) < 5:
        return frozenset({family})
    return frozenset({form, "mac" + form[2:]})


@lru_cache(maxsize=65536)
def formal_initials(name: str) -> frozenset[str]:
    """The first letters of the names ``name`` is a diminutive of: ``c`` for Lottie (Charlotte), ``m`` for
    Peggy (Margaret), ``w`` for Bill (William)."""
    return frozenset(formal[0] for formal in _canonicals(name) if formal)


def nickname_related(a: str, b: str) -> bool:
    """Whether two first names are a name and one of its diminutives (Peggy/Margaret, Bill/William),
    two diminutives of one name (Bill/Billy), or two spellings of one name (:data:`NAME_SPELLINGS`).
    Symmetric."""
    if not a or not b or a == b:
        return False
    if b in _SPELLINGS_OF.get(a, ()) or b in _relatives(a) or a in _relatives(b):
        return True
    return not _canonicals(a).isdisjoint(_canonicals(b))


@lru_cache(maxsize=1)
def _names_one_deletion_away() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """Every first name the name tables know (:class:`NickNamer`'s and the UK forms), and an index from
    each such name, and each of it with one letter left out, to the names: the names one keying slip from
    a spelling are those it, or it with one letter left out, is indexed under."""
    lookup = NickNamer.default_lookup()
    names = {*lookup, *(n for forms in lookup.values() for n in forms), *_UK_FORMS}
    names |= {n for forms in _UK_FORMS.values() for n in forms} | {
        n for group in NAME_SPELLINGS for n in group
    }
    index: dict[str, set[str]] = {}
    for name in names:
        if len(name) > 2 and name.isalpha():
            index.setdefault(name, set()).add(name)
            for i in range(len(name)):
                index.setdefault(name[:i] + name[i + 1 :], set()).add(name)
    return {k: tuple(sorted(v)) for k, v in index.items()}, frozenset(names)


def mistyped_nickname(a: str, b: str) -> bool:
    """Whether one of two first names, a spelling no name table knows, is one keying slip from a name that
    is a form of the other: ``Jmaes`` (James) and Jimmy, ``Sndy`` (Sandy) and Sandra, ``Rebcca`` (Rebecca)
    and Becky. A name the tables know is its own name (Kim is not Jim mistyped), and the slip is not taken
    to fall on the first letter (``Ammy`` is Amy mistyped, not Emmy, a form of Emma)."""
    index, known = _names_one_deletion_away()
    for x, y in ((a, b), (b, a)):
        if len(x) < 4 or x in known or not x.isalpha():
            continue
        near = set(index.get(x, ()))
        for i in range(len(x)):
            near.update(index.get(x[:i] + x[i + 1 :], ()))
        for name in sorted(near):
            # A slip rarely falls on the first letter: Ammy is Amy mistyped, not Emmy (a form of Emma).
            if name[0] != x[0] or name == y or OSA.distance(name, x, processor=None) > 1:
                continue
            if nickname_related(name, y):
                return True
    return False


@lru_cache(maxsize=262144)
def phonetic(value: str) -> str:
    """A phonetic key (Double Metaphone's primary code via jellyfish's Metaphone) of a folded word."""
    if not value:
        return ""
    word = value.replace(" ", "")
    if not word.isalpha():
        return word
    return jellyfish.metaphone(word)[:6] or word[:4]


def joined(family: str) -> str:
    """A family name with its parts run together: ``smith jones`` -> ``smithjones``."""
    return family.replace(" ", "")


_EMAIL_WORDS = re.compile(r"[a-z]+")
_NOT_SURNAMES_IN_EMAILS = frozenset(
    "home work mail email info office personal private family contact the uk online jobs admin".split()
)


def email_surnames(
    emails: tuple[str, ...] | list[str], given: str, middle: str, family: str
) -> tuple[str, ...]:
    """Surnames that a record's e-mail addresses name beside its first name, other than the record's own:
    ``karen.cook@`` or ``karencook63@`` on Karen Mitchell's record names Cook, most often the surname she
    held when she chose the address (people keep an address when they marry).

    Read from the shapes people give their addresses: first name and surname (``karen.cook``,
    ``karen_cook12``, ``karencook63``; a nickname of the first name too, ``vicky.radden`` for Victoria),
    initial and surname (``k.cook``, ``kcook``), surname and first name (``cook.karen``). A word that may
    be anything else (``karen.home``, a one-letter word) names nobody.

    Args:
        emails: standardised e-mail addresses (lower case).
        given, middle, family: the record's standard name (:func:`standard_name`).
    """
    words_of_given = given.split()
    if not words_of_given or not emails:
        return ()
    first = words_of_given[0]
    own = {joined(family), *family.split(), *given.split(), *middle.split()}
    found: list[str] = []
    for email in emails:
        words = _EMAIL_WORDS.findall(email.partition("@")[0])
        named = ""
        if len(words) == 1:
            word = words[0]
            if word in own:
                continue
            if len(first) > 2 and word.startswith(first) and len(word) - len(first) > 2:
                named = word[len(first) :]
            elif word[0] == first[0] and len(word) > 4:
                named = word[1:]
        elif len(words) > 1:
            head = words[0]
            if head == first or head == first[0] or nickname_related(head, first):
                rest = [w for w in words[1:] if len(w) > 1]
                named = rest[0] if len(rest) == 1 else ""
            elif len(words) == 2 and words[1] == first:
                named = head
        if (
            len(named) > 1
            and named not in own
            and named not in _NOT_SURNAMES_IN_EMAILS
            and named not in found
        ):
            found.append(named)
    return tuple(found)
