"""UK identifier rules: pure functions that standardise a value and name the rule it breaks.

Each ``check_*`` returns ``(standardised_value, broken_rule)``; ``broken_rule`` is ``None`` when the value
is valid. An invalid value is returned as given (trimmed) so that nothing a legacy system holds is lost.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache

# HMRC: first letter never D F I Q U V; second letter never D F I Q U V or O.
_NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
NINO_UNISSUED_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
"""Prefixes never issued: ``TN`` starts the DWP's temporary references (TN, the date of birth as DDMMYY, M or
F), which every man or woman born that day shares; ``ZZ`` fills the field when the number is not known."""
_NINO_SHAPE = re.compile(r"^([A-Z]{2})(\d{6})([A-Z]?)$")

# UK postcode shapes: A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA, AA9A 9AA, and GIR 0AA.
_POSTCODE_SHAPE = re.compile(r"^(GIR0AA|[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2})$")
_UPRN_SHAPE = re.compile(r"^\d{1,12}$")


def _compact(value: str) -> str:
    return re.sub(r"[\s\-]+", "", value).upper()


_FLOAT_WRITTEN = re.compile(r"^\s*(\d+)\.0+\s*$")


_SCIENTIFIC = re.compile(r"^\s*(\d)(?:\.(\d+))?E\+(\d{1,2})\s*$", re.IGNORECASE)
"""A whole number in scientific notation, as a spreadsheet's General format shows one of 12 digits or more
(``1.00012E+11``), and writes it to CSV so."""

ROUNDED_RULE = "number.rounded"
"""The rule broken by a number that a spreadsheet wrote in scientific notation with its last digits lost
(``1.00012E+11`` for the UPRN 100011999993): every number of those first digits reads the same."""
ROUNDED_REASON = (
    f"{ROUNDED_RULE}: written in scientific notation by a spreadsheet (1.00012E+11), its last digits lost;"
    " format the column as text before saving"
)


def whole_number(value: str) -> str:
    """``100011999993.0`` -> ``100011999993``: a number that a spreadsheet or a data frame wrote as a
    float (a column of numbers with a blank cell becomes one), or in scientific notation with every digit
    (``1.00011999993E+11``). Any other value, a rounded one included (:func:`rounded_number`), is returned
    as given."""
    if "." not in value and "e" not in value and "E" not in value:
        return value
    written = _FLOAT_WRITTEN.match(value)
    if written:
        return written.group(1)
    scientific = _SCIENTIFIC.match(value)
    if scientific:
        first, fraction, exponent = scientific.group(1), scientific.group(2) or "", int(scientific.group(3))
        if len(fraction.rstrip("0")) <= exponent and len(fraction) >= exponent:
            return (first + fraction)[: exponent + 1]
    return value


def rounded_number(value: str) -> bool:
    """Whether ``value`` is a whole number that a spreadsheet rounded into scientific notation
    (``1.00012E+11``, ``4.47701E+11``): fewer digits written than the number has. Such a value names
    no one: a borough's UPRNs, or a city's phone numbers, share their first six digits."""
    scientific = _SCIENTIFIC.match(value) if ("E" in value or "e" in value) else None
    return scientific is not None and len(scientific.group(2) or "") < int(scientific.group(3))


def check_nino(value: str) -> tuple[str, str | None]:
    """National Insurance number: two prefix letters, six digits, suffix A-D (spaces and case ignored)."""
    compact = _compact(value)
    match = _NINO_SHAPE.match(compact)
    if not match:
        return value.strip(), "nino.shape: two letters, six digits and a suffix letter A-D"
    prefix, _digits, suffix = match.groups()
    if prefix[0] not in _NINO_FIRST:
        return value.strip(), "nino.prefix: first letter is never D, F, I, Q, U or V"
    if prefix[1] not in _NINO_SECOND:
        return value.strip(), "nino.prefix: second letter is never D, F, I, Q, U, V or O"
    if prefix in NINO_UNISSUED_PREFIXES:
        return value.strip(), f"nino.prefix: prefix {prefix} is not issued"
    if suffix and suffix not in "ABCD":
        return value.strip(), "nino.suffix: suffix letter is A, B, C or D"
    if not suffix:
        return value.strip(), "nino.suffix: suffix letter A-D is missing"
    return compact, None


def nhs_check_digit(nine_digits: str) -> int | None:
    """Modulus 11 check digit of the first nine digits; ``None`` when no valid check digit exists."""
    total = sum(int(d) * w for d, w in zip(nine_digits, range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def check_nhs_number(value: str) -> tuple[str, str | None]:
    """NHS number: ten digits whose last is the modulus 11 check digit of the first nine."""
    compact = re.sub(r"[\s\-]+", "", whole_number(value))
    if not re.fullmatch(r"\d{10}", compact):
        return value.strip(), "nhs.shape: ten digits"
    expected = nhs_check_digit(compact[:9])
    if expected is None or expected != int(compact[9]):
        return value.strip(), "nhs.check_digit: modulus 11 check digit does not match"
    return compact, None


_COUNTRY_NAMES = {
    **dict.fromkeys(
        (
            "uk",
            "united kingdom",
            "united kingdom of great britain and northern ireland",
            "great britain",
            "britain",
            "england",
            "scotland",
            "wales",
            "cymru",
            "northern ireland",
        ),
        "GB",
    ),
    "republic of ireland": "IE",
    "eire": "IE",
    "holland": "NL",
    "russia": "RU",
    "turkey": "TR",
}
"""Country names ISO does not list as written here: the United Kingdom's, which systems write in full or
by its own countries (``UK`` is the code ISO reserves for it, ``GB`` the one it assigns), and a few usual
English names of others."""


@lru_cache(maxsize=1024)
def country_code(value: str) -> str:
    """The ISO 3166 alpha-2 code of a country written as a code or a name: ``UK``, ``United Kingdom``,
    ``England`` and ``Wales`` are ``GB``; ``Poland`` and ``POL`` are ``PL``. Anything not known is
    returned as written (the field's own rule then says what is wrong with it)."""
    text = " ".join(value.replace(".", "").split())
    known = _COUNTRY_NAMES.get(text.lower())
    if known is not None:
        return known
    if len(text) == 2:
        return text.upper()
    import pycountry  # its tables are read on first use, and most records hold a code

    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        return value


@lru_cache(maxsize=65536)
def check_uk_postcode(value: str) -> tuple[str, str | None]:
    """UK postcode: a known shape, returned upper case with one space before the inward code (cached:
    a household's records share one)."""
    compact = _compact(value)
    if not _POSTCODE_SHAPE.match(compact):
        return value.strip(), "postcode.shape: not a UK postcode shape (e.g. M5 4WT)"
    return f"{compact[:-3]} {compact[-3:]}", None


_POSTCODE = r"GIR\s*0AA|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}"
_POSTCODE_AT_END = re.compile(rf"^(.*?)[\s,]*\b({_POSTCODE})[\s.,]*$", re.IGNORECASE)
_POSTCODE_WITHIN = re.compile(rf"(?<![A-Z0-9])({_POSTCODE})(?![A-Z0-9])", re.IGNORECASE)
_COUNTRY_AT_END = re.compile(
    r"(?:^|[\s,]+)(?:UK|U\.K|United\s+Kingdom|GB|G\.B|Great\s+Britain|England|Wales|Scotland|"
    r"Northern\s+Ireland)[\s.,]*$",
    re.IGNORECASE,
)
"""The United Kingdom or one of its countries at the end of a line, as a CRM's or a web form's address
block ends (``Salford M5 4WT, United Kingdom``; ``UK`` on a line of its own)."""


def postcode_from_lines(lines: Sequence[str]) -> tuple[list[str], str | None]:
    """A UK postcode written at the end of the last address line, taken out of it: ``["14 Cross Lane",
    "Salford M5 4WT"]`` -> (``["14 Cross Lane", "Salford"]``, ``"M5 4WT"``). Extracts often hold the
    whole address in its lines, with no postcode field. A country written after the postcode (``M5 4WT,
    UK``; ``United Kingdom`` on a line of its own) goes with it. ``(lines, None)`` when the last line
    does not end with a postcode."""
    found = _ending_postcode(lines)
    if found is None:
        country = _COUNTRY_AT_END.search(lines[-1]) if lines else None
        if country is not None:
            rest = lines[-1][: country.start()].strip(" ,")
            found = _ending_postcode([*lines[:-1], rest] if rest else lines[:-1])
    return found if found is not None else (list(lines), None)


def _ending_postcode(lines: Sequence[str]) -> tuple[list[str], str] | None:
    """The lines without the UK postcode that ends the last of them, and the postcode; None when none
    does."""
    found = _POSTCODE_AT_END.match(lines[-1]) if lines else None
    if found is None:
        return None
    postcode, invalid = check_uk_postcode(found.group(2))
    if invalid is not None:
        return None
    rest = found.group(1).strip(" ,")
    return [*lines[:-1], rest] if rest else list(lines[:-1]), postcode


def postcode_and_place(value: str) -> tuple[str, str] | None:
    """A postcode field holding a place as well as a UK postcode (``M5 4WT Salford``, ``Salford, M5 4WT``,
    ``M5 4WT (Salford)``), as (the postcode, the rest); None unless it holds exactly one postcode."""
    found = _POSTCODE_WITHIN.findall(value)
    if len(found) != 1:
        return None
    postcode, invalid = check_uk_postcode(found[0])
    if invalid is not None:
        return None
    rest = _POSTCODE_WITHIN.sub(" ", value)
    return postcode, " ".join(re.sub(r"[(),.;:/\[\]-]", " ", rest).split())


@lru_cache(maxsize=65536)
def check_uprn(value: str) -> tuple[str, str | None]:
    """Unique Property Reference Number: 1 to 12 digits, leading zeros dropped, also when written as a
    float (``100011999993.0``) (cached: a property's records share one)."""
    compact = whole_number(value).strip()
    if rounded_number(compact):
        return compact, ROUNDED_REASON
    if not _UPRN_SHAPE.match(compact):
        return compact, "uprn.shape: 1 to 12 digits"
    return str(int(compact)), None


NO_SUCH_DAY = "date.exists"
"""The rule broken by a date whose day does not exist in its month (30 February, 31 June)."""
YEAR_RULE = "date.year"
"""The rule broken by a date with no year, or a year out of range (0000-00-00)."""


_DAY_FIRST_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")
"""A date written day first, as UK systems, forms and spreadsheets write it (``04/03/1950``, ``4-3-1950``,
``04.03.1950``), the year of four digits or two."""
_NAMED_MONTH_DATE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ /.-]+([A-Za-z]{3,9})\.?[ /.,-]+(\d{4}|\d{2})$")
"""A day, a month's name and a year (``4 Mar 1950``, ``04-Mar-1950``), the year also of two digits as
Oracle's default format (``04-MAR-50``) and Excel's ``d-mmm-yy`` (``4-Mar-50``) write it."""
_MONTH_FIRST_DATE = re.compile(r"^([A-Za-z]{3,9})\.?[ /.-]+(?:(\d{1,2})(?:st|nd|rd|th)?,?[ /.-]+)?(\d{4})$")
"""A month's name first: ``March 4, 1950`` (as American forms write it), or a month and a year alone
(``Mar 1950``)."""
_TIME_OF_DAY = re.compile(r"[ T]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?: ?[AaPp]\.?[Mm]\.?)?$")
"""A time of day after a written date (``04/03/1950 00:00:00``, ``04/03/1950 00:00``, ``4/3/1950 12:00:00
AM``), as a UK spreadsheet or a SQL Server export writes a date-time cell: dropped, as from an ISO date."""
_MONTH_NUMBERS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
} | {"sept": 9}
"""English month names and their abbreviations (the C locale's, as nothing here sets another)."""

WRITTEN_DAY_FIRST = "day first"
WRITTEN_NAMED_MONTH = "named month"
WRITTEN_MONTH_FIRST = "month first"
"""The shapes :func:`written_date` reads."""


def written_date(text: str) -> tuple[str, int, int | None, str] | None:
    """A date written day first (``04/03/1950``: the UK's order, so ``04/03`` is 4 March) or with its month's
    name (``4 Mar 1950``, ``04-MAR-50``, ``March 4, 1950``; ``Mar 1950`` is a month alone), as its year as
    written (four digits or two), month, day (or ``None``) and shape (:data:`WRITTEN_DAY_FIRST`,
    :data:`WRITTEN_NAMED_MONTH` or :data:`WRITTEN_MONTH_FIRST`); ``None`` for any other text. Reading a
    year of two digits is the caller's. A time of day after the date is dropped (``04/03/1950 00:00:00``)."""
    text = _TIME_OF_DAY.sub("", text)
    day_first = _DAY_FIRST_DATE.match(text)
    if day_first:
        day, month, year = day_first.groups()
        return year, int(month), int(day), WRITTEN_DAY_FIRST
    named = _NAMED_MONTH_DATE.match(text)
    if named:
        day, name, year = named.groups()
        number = _MONTH_NUMBERS.get(name.lower())
        return (year, number, int(day), WRITTEN_NAMED_MONTH) if number else None
    month_first = _MONTH_FIRST_DATE.match(text)
    if month_first:
        name, day, year = month_first.groups()
        number = _MONTH_NUMBERS.get(name.lower())
        return (year, number, int(day) if day else None, WRITTEN_MONTH_FIRST) if number else None
    return None


def written_date_parts(text: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of a date :func:`written_date` reads, its year of four digits; ``None`` for any
    other text. A year of two digits is not read: which century it meant depends on when it was written,
    which the text does not say."""
    written = written_date(text)
    if written is None or len(written[0]) != 4:
        return None
    return int(written[0]), written[1], written[2]


def check_date_parts(year: int | None, month: int | None, day: int | None) -> str | None:
    """The rule a (possibly partial) calendar date breaks, or ``None``."""
    if year is None:
        return f"{YEAR_RULE}: a year is required" if (month or day) else None
    if not 1800 <= year <= 2200:
        return f"{YEAR_RULE}: year out of range 1800-2200"
    if month is None:
        return "date.partial: a day without a month" if day else None
    if not 1 <= month <= 12:
        return "date.month: month is 1-12"
    if day is None:
        return None
    try:
        date(year, month, day)
    except ValueError:
        return f"{NO_SUCH_DAY}: no such day in that month"
    return None


IDENTIFIER_CHECKS: dict[str, Callable[[str], tuple[str, str | None]]] = {
    "nino": check_nino,
    "nhs": check_nhs_number,
    "uprn": check_uprn,
}
"""Schemes with a known rule. Any other scheme is valid and kept as given (trimmed), unless a spreadsheet
rounded it (:data:`ROUNDED_RULE`), which holds for every scheme."""

STRONG_SCHEMES = frozenset({"nino", "nhs"})
"""Schemes that identify one person nationally: a valid value is strong evidence."""


def address_key(lines: Sequence[str | None], town: str | None, postcode: str | None) -> str:
    """One place however it is written: case, punctuation, spacing and line breaks do not count.

    Used wherever two systems' addresses are compared (the hub deciding whether a move was reported,
    an adaptor deciding whether a write-back would change anything)."""
    text = " ".join(str(p) for p in [*lines, town] if p)
    words = re.sub(r"[^A-Z0-9]+", " ", text.upper()).strip()
    return f"{words}|{''.join((postcode or '').split()).upper()}"
