"""``citizen-hub match``: match a file of person records in memory, or train match parameters.

    citizen-hub match INPUT.jsonl --out clusters.csv        # or INPUT.csv
    citizen-hub match train INPUT.jsonl --out params.json

Without ``--params``, matching first estimates the m and u probabilities and name frequencies from the
input itself by EM (as ``match train`` does), so that a file from any system or country is weighed by its
own evidence; with fewer than :data:`MIN_TRAINING_RECORDS` records it uses the shipped parameters.

JSONL: one PersonRecord envelope (or bare PersonRecord) a line, in order; SourceRecordDeleted envelopes
delete. CSV (chosen by the ``.csv`` suffix): a header row of any of source_system, source_record_id,
title, given_name, middle_names, family_name, date_of_birth, address_line_1..4, town, postcode, country,
uprn, phone, email and ``id:SCHEME`` columns. A row that cannot be read is reported with its line number
and the reason; the rest are still matched.
"""

from __future__ import annotations

import codecs
import csv
import gc
import itertools
import json
import re
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console

from contracts import INBOUND_ADAPTER, PersonRecord, PersonRecordEvent, SourceRecordDeletedEvent
from contracts.rules import WRITTEN_DAY_FIRST, WRITTEN_NAMED_MONTH, rounded_number, written_date
from hub.engine import EngineConfigError, load_params
from matching.addresses import SECONDARY_WORDS
from matching.engine import FellegiSunterEngine
from matching.incremental import IncrementalMatcher
from matching.memory import MemoryStore
from matching.model import RecordChange
from matching.params import default_params
from matching.training import MIN_EM_PAIRS, TrainingReport, train

MIN_TRAINING_RECORDS = 1000
"""Fewer records than this are matched with the shipped parameters: too few pairs to estimate from."""

_TERMINAL = Console(stderr=True)
"""Where progress is shown: the terminal's error stream, as every other message of the command."""

_NAME_COLUMNS = {"title": "title", "given_name": "given", "middle_names": "middle", "family_name": "family"}
_OTHER_NAME_COLUMNS = ("known_as", "previous_family_name")
"""The first name a person goes by (another first name of the record) and a surname held before (a
maiden name): read as the record's other names, by which it meets other systems' records."""
_ADDRESS_LINES = ("address_line_1", "address_line_2", "address_line_3", "address_line_4")
_ADDRESS_PARTS = ("flat", "house_name", "house_number", "street", "locality")
"""An address held in its BS 7666 parts, as a gazetteer (LLPG) or a property system exports it: the
secondary addressable object (a flat), the primary (a house's name, its number), the street and the
locality. Read as the address's lines, after any ``address_line`` columns."""
_KEY_COLUMNS = ("source_system", "source_record_id")
_PERSON_COLUMNS = (
    *_NAME_COLUMNS,
    *_OTHER_NAME_COLUMNS,
    "sex",
    "date_of_birth",
    *_ADDRESS_LINES,
    *_ADDRESS_PARTS,
    "town",
    "postcode",
    "country",
    "uprn",
    "phone",
    "email",
)
"""The CSV columns read, besides ``id:SCHEME`` columns and the keys."""


_NO_VALUE = frozenset({"null", "(null)", "<null>", "#n/a", "#value!", "#ref!", "#name?", "#div/0!"})
"""What a database export writes in a cell with no value (``NULL``), and a spreadsheet's error values
(``#N/A`` from a look-up that found nothing): an empty cell, not a name, an address or a date."""
_NOT_A_NUMBER = frozenset({"nan", "NaN"})
"""What a data frame writes for a missing value: only as it writes it (``Nan`` and ``NAN`` are names)."""

_Line = TypeVar("_Line", str, bytes)


class InputError(ValueError):
    """The input as a whole cannot be matched (a CSV header with nothing to match on)."""


_WHOLE_NAMES = ("name", "full_name", "fullname", "first_and_surname", "display_name")
_WHOLE_ADDRESSES = (
    "address",
    "full_address",
    "postal_address",
    "home_address",
    "street_address",
    "address_lines",
)
_PARTS_OF = {
    "given_name": (_WHOLE_NAMES, ("given_name",)),
    "address_line_1": (_WHOLE_ADDRESSES, ("address_line_1", *_ADDRESS_PARTS)),
}
"""A whole name's or a whole address's headers, and the columns that hold the same in parts: a report often
gives both (``Full Name`` beside ``Forename`` and ``Surname``; ``Address`` beside ``Address Line 1``), and
the parts are read, not the whole. (A whole name beside a surname alone is read: ``Name`` may be the first
name there; ``Address`` beside ``Address 2`` is the first line.)"""

_HEADER_NAMES = {
    **dict.fromkeys(
        ("id", "record_id", "reference", "ref", "unique_id", "uid", "rec_id"), "source_record_id"
    ),
    **dict.fromkeys(("system", "source"), "source_system"),
    **dict.fromkeys(
        ("forename", "forenames", "first_name", "firstname", "first_names", "given_names", "christian_name"),
        "given_name",
    ),
    # A whole name in one column is read as given_name is: its last word is the surname.
    **dict.fromkeys(_WHOLE_NAMES, "given_name"),
    "salutation": "title",
    **dict.fromkeys(("middle_name", "middlename", "other_forenames"), "middle_names"),
    **dict.fromkeys(("surname", "last_name", "lastname"), "family_name"),
    **dict.fromkeys(("dob", "d_o_b", "birth_date", "birthdate"), "date_of_birth"),
    **{
        alias: f"address_line_{n}"
        for n in range(1, 5)
        for alias in (f"address_{n}", f"address{n}", f"address_line{n}", f"addr_{n}", f"addr{n}")
    },
    # A whole address in one cell (``14 High Street, Salford, M5 4WT``, or on lines of its own within the
    # cell) is its lines: the postcode at its end is read as the postcode.
    **dict.fromkeys(_WHOLE_ADDRESSES, "address_line_1"),
    **dict.fromkeys(("flat_number", "flat_no", "saon", "sub_building", "sub_building_name", "unit"), "flat"),
    **dict.fromkeys(("building_name", "building", "pao_text", "paon_text"), "house_name"),
    **dict.fromkeys(
        ("house_no", "building_number", "street_number", "paon", "pao_start_number"), "house_number"
    ),
    **dict.fromkeys(("street_name", "road", "thoroughfare", "street_description"), "street"),
    **dict.fromkeys(("area", "district", "village", "dependent_locality"), "locality"),
    **dict.fromkeys(
        ("preferred_name", "preferred_first_name", "preferred_forename", "alias", "nickname", "aka"),
        "known_as",
    ),
    **dict.fromkeys(
        ("previous_surname", "maiden_name", "former_surname", "birth_surname", "previous_last_name"),
        "previous_family_name",
    ),
    **dict.fromkeys(("gender", "sex_code", "gender_code"), "sex"),
    **dict.fromkeys(("post_code", "postal_code"), "postcode"),
    **dict.fromkeys(("city", "post_town"), "town"),
    **dict.fromkeys(
        (
            *("telephone", "tel", "phone_number", "telephone_number", "phone_no", "tel_no", "phone_1"),
            "telephone_no",
            *("phone_2", "mobile", "mobile_number", "mobile_phone", "mobile_no", "mob", "home_phone"),
            *("home_telephone", "work_phone", "work_telephone", "daytime_phone", "evening_phone"),
            "other_phone",
        ),
        "phone",
    ),
    **dict.fromkeys(
        ("email_address", "e_mail", "email_1", "email_2", "work_email", "personal_email", "other_email"),
        "email",
    ),
    **dict.fromkeys(("ni_number", "ni_no", "nino", "national_insurance_number", "n_i_number"), "id:nino"),
    **dict.fromkeys(("nhs_number", "nhs_no"), "id:nhs"),
}
"""What spreadsheets call the columns (``Forename``, ``Surname``, ``D.O.B.``, ``Address 1``, ``NI Number``):
read as the columns they are, and said so on the terminal."""
_SEVERAL = frozenset({"phone", "email"})
"""Columns a header may hold more than once (``Home Phone``, ``Mobile``): a record holds each of them."""


_RECORD_IDS = frozenset(
    ("person_id", "person_ref", "client_id", "client_ref", "customer_id", "customer_ref", "customer_ref_no")
)
"""Headers read as ``source_record_id`` where no column is that already (``Person ID``, ``Client Ref``): a
file may hold both an ``ID`` of its rows and a person's reference."""


def _plain(header: str) -> str:
    """A CSV header with case, spaces, dots, hyphens and a plural's ``(s)`` aside (``Given Name`` is
    ``given_name``, ``Forename(s)`` ``forename``; ``ID:NINO`` is ``id:nino``)."""
    name = header.strip().lower()
    if name.startswith("id:"):
        return "id:" + name[3:].strip()
    return "_".join(name.replace("(s)", "").replace("-", " ").replace(".", " ").split())


def _column(header: str) -> str:
    """The column a CSV header names: its plain form (:func:`_plain`), or the column a spreadsheet's usual
    name for it stands for (``Surname`` is ``family_name``: see :data:`_HEADER_NAMES`); two names of one
    column (``Town/City``, ``Surname/Family Name``) name it."""
    plain = _plain(header)
    column = _HEADER_NAMES.get(plain, plain)
    if "/" in header and not _known(column) and not plain.startswith("id:"):
        named = {_column(part) for part in header.split("/") if part.strip()}
        if len(named) == 1 and _known(next(iter(named))):
            return named.pop()
    return column


def _columns(headers: list[str]) -> list[str]:
    """The column each CSV header names (``""`` for a blank one), a person's or client's reference
    (:data:`_RECORD_IDS`) as the ``source_record_id`` where no header names that, and a whole name or
    address beside its parts as :data:`_SET_ASIDE` (see :data:`_PARTS_OF`)."""
    columns = [_column(h) if h else "" for h in headers]
    plain = [_plain(h) for h in headers]
    for column, (wholes, parts) in _PARTS_OF.items():
        if any(c in parts and p not in wholes for c, p in zip(columns, plain, strict=True)):
            columns = [
                _SET_ASIDE if c == column and p in wholes else c for c, p in zip(columns, plain, strict=True)
            ]
    if "source_record_id" not in columns:
        for i, column in enumerate(columns):
            if column in _RECORD_IDS:
                columns[i] = "source_record_id"
                break
    return columns


_SET_ASIDE = "(set aside)"
"""The column of a header not read because other columns hold the same in parts."""


def _numbered(columns: list[str]) -> list[str]:
    """``columns`` with a second and later phone or e-mail column told apart (``phone#2``), so that a row
    keeps each of their cells."""
    seen: Counter[str] = Counter()
    out = []
    for column in columns:
        seen[column] += 1
        out.append(f"{column}#{seen[column]}" if column in _SEVERAL and seen[column] > 1 else column)
    return out


def _known(column: str) -> bool:
    is_identifier = column.startswith("id:") and len(column) > 3
    return is_identifier or column in _KEY_COLUMNS or column in _PERSON_COLUMNS


@dataclass
class BadRow:
    """A line of input that could not be read, and why."""

    line: int
    reason: str


def _reason(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        byte = error.object[error.start]
        return f"not UTF-8 text (byte {byte:#04x} at column {error.start + 1}): save the file as UTF-8"
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg", "invalid"))
    return str(error) or type(error).__name__


def _counted(lines: Iterable[_Line], advance: Callable[[int], object] | None) -> Iterable[_Line]:
    """``lines``, telling ``advance`` how long each was (for a progress bar)."""
    if advance is None:
        return lines
    return _counting(lines, advance)


def _counting(lines: Iterable[_Line], advance: Callable[[int], object]) -> Iterator[_Line]:
    for line in lines:
        advance(len(line))
        yield line


def _jsonl_changes(
    path: Path, advance: Callable[[int], object] | None = None
) -> Iterator[tuple[int, RecordChange | BadRow]]:
    # Read as bytes: JSON is UTF-8, which the parser checks line by line, so a line that is not (a stray
    # byte of another encoding) is one bad line, not the end of the run.
    with path.open("rb") as handle:
        for number, line in enumerate(_counted(handle, advance), start=1):
            if not line.strip():
                continue
            try:
                if b'"payload"' not in line:  # a bare record: parsed and validated in one pass
                    record = PersonRecord.model_validate_json(line)
                    yield number, RecordChange(record.source_key, record)
                    continue
                try:  # most likely an envelope: parsed and validated in one pass too
                    event = INBOUND_ADAPTER.validate_json(line)
                except ValidationError:
                    # Not a valid envelope: read it again, to tell a bare record from a bad line.
                    data = json.loads(line)
                    if not (isinstance(data, dict) and "payload" in data):
                        record = PersonRecord.model_validate(data)
                        yield number, RecordChange(record.source_key, record)
                        continue
                    event = INBOUND_ADAPTER.validate_python(data)
                if isinstance(event, PersonRecordEvent):
                    yield number, RecordChange(event.payload.source_key, event.payload)
                elif isinstance(event, SourceRecordDeletedEvent):
                    key = f"{event.payload.source_system}/{event.payload.source_record_id}"
                    yield number, RecordChange(key, None)
            except (ValueError, ValidationError) as error:
                yield number, BadRow(number, _reason(error))


_DAY_NUMBER = re.compile(r"^(\d{5})(?:\.0*)?$")
"""A spreadsheet's day number (days since 30 December 1899): a date cell saved as a number, ``28215``.
Five digits only, 1927 to 2173: four would be a year."""
_SPREADSHEET_EPOCH = date(1899, 12, 30)
DAY_FIRST = "written day first (DD/MM/YYYY)"
TWO_DIGIT_YEAR = "written day first with a two-digit year (DD/MM/YY: the latest such year not after this one)"
DAY_NUMBER = "a spreadsheet's day numbers (18326 is 1950-03-04)"
MONTH_TWO_DIGIT_YEAR = (
    "written with a month's name and a two-digit year (04-MAR-50: the latest such year not after this one)"
)


def _full_year(year: str) -> int:
    """A year of four digits as it is; one of two the latest such year not after this one (``19`` is 2019,
    ``30`` 1930): a date of birth is never in the future."""
    if len(year) == 4:
        return int(year)
    this_year = date.today().year
    return this_year - (this_year - int(year)) % 100


def _iso_date(text: str) -> tuple[str, str]:
    """A spreadsheet's date as ISO 8601, and how it was read when that is worth telling (``""`` else).

    ``04/03/1950`` (a UK spreadsheet's order) is 4 March 1950, and so is ``04/03/50`` (a two-digit year is
    the latest not after this year's: ``04/03/19`` is 2019, ``04/03/30`` 1930); ``4 Mar 1950`` and
    ``04-Mar-1950`` (a date cell exported as displayed) are 1950-03-04 too, and so are ``04-MAR-50``
    (Oracle's default format), ``March 4, 1950`` and ``18326`` (a date cell saved as its day number);
    ``Mar 1950`` is 1950-03. Anything else is returned as it is, for the contracts to judge (they
    read ``1950-03-04 00:00:00``, a date cell exported with its time, as 1950-03-04)."""
    written = written_date(text)
    if written:
        year, month, day, shape = written
        iso = f"{_full_year(year):04d}-{month:02d}" + (f"-{day:02d}" if day is not None else "")
        if shape == WRITTEN_DAY_FIRST:
            return iso, DAY_FIRST if len(year) == 4 else TWO_DIGIT_YEAR
        return iso, MONTH_TWO_DIGIT_YEAR if shape == WRITTEN_NAMED_MONTH and len(year) == 2 else ""
    number = _DAY_NUMBER.match(text)
    if number:
        return (_SPREADSHEET_EPOCH + timedelta(days=int(number.group(1)))).isoformat(), DAY_NUMBER
    return text, ""


def _csv_record(cell: dict[str, str]) -> tuple[PersonRecord, str]:
    """A CSV row (its non-empty cells by column) as a record, and how its date of birth was read when
    that is worth telling (see :func:`_iso_date`)."""
    record_id = cell.get("source_record_id")
    if not record_id:
        raise ValueError("source_record_id: no source record id")
    get = cell.get
    data: dict[str, Any] = {
        "source_system": (get("source_system") or "csv").lower(),
        "source_record_id": record_id,
        "name": {field: cell[column] for column, field in _NAME_COLUMNS.items() if column in cell},
    }
    other_names = []
    if "known_as" in cell:
        other_names.append({"given": cell["known_as"], "family": get("family_name"), "kind": "alias"})
    if "previous_family_name" in cell:
        previous = {"given": get("given_name"), "family": cell["previous_family_name"], "kind": "previous"}
        other_names.append(previous)
    if other_names:
        data["other_names"] = other_names
    if "sex" in cell:
        data["sex"] = cell["sex"]
    reading = ""
    if "date_of_birth" in cell:
        data["date_of_birth"], reading = _iso_date(cell["date_of_birth"])
    # (A cell may hold several lines of its own: an address block copied into one cell.)
    lines = [line for c in _ADDRESS_LINES if c in cell for line in cell[c].splitlines() if line.strip()]
    if any(part in cell for part in _ADDRESS_PARTS):
        lines += _address_from_parts(cell)
    if lines or "town" in cell or "postcode" in cell or "uprn" in cell:
        address: dict[str, Any] = {"lines": lines, "country": get("country") or "GB"}
        for column in ("town", "postcode", "uprn"):
            if column in cell:
                address[column] = cell[column]
        data["addresses"] = [address]
    for column, field in (("phone", "phones"), ("email", "emails")):
        held = [v for c, v in cell.items() if c.partition("#")[0] == column]
        if held:
            data[field] = held
    data["identifiers"] = [
        {"scheme": column[3:], "value": value}
        for column, value in cell.items()
        if column.startswith("id:") and len(column) > 3
    ]
    return PersonRecord.model_validate(data), reading


def _address_from_parts(cell: dict[str, str]) -> list[str]:
    """An address's lines from its BS 7666 parts (:data:`_ADDRESS_PARTS`): ``Flat 2``, ``Ash House``, ``52
    Station Road``, ``Pendleton``. A flat given as its number or letter alone is written ``Flat 2``, as
    the lines of other systems write it (``2`` before a house's number reads so too, ``A`` would not)."""
    flat = cell.get("flat", "")
    if flat and flat.split()[0].lower().strip(".") not in SECONDARY_WORDS:
        flat = f"Flat {flat}"
    street = " ".join(cell[part] for part in ("house_number", "street") if part in cell)
    return [line for line in (flat, cell.get("house_name", ""), street, cell.get("locality", "")) if line]


def _csv_changes(
    path: Path, advance: Callable[[int], object] | None = None
) -> Iterator[tuple[int, RecordChange | BadRow]]:
    encoding = _csv_encoding(path)
    if encoding != "utf-8-sig":
        typer.echo(
            f"{path.name} is not UTF-8 text: read as Windows-1252, the encoding of Excel's "
            '"CSV (Comma delimited)" (save it as "CSV UTF-8" to be sure of every letter)',
            err=True,
        )
    delimiter = _delimiter(path, encoding)
    if delimiter != ",":
        typer.echo(f"{path.name} separates its columns with {_DELIMITERS[delimiter]}: read so", err=True)
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(_counted(handle, advance), delimiter=delimiter)
        headers, before = _header(reader)
        if before:
            typer.echo(
                f"{path.name}'s header is on line {reader.line_num}: the {before} lines above it (a report's "
                "title) are not read",
                err=True,
            )
        _check_header(headers)
        # Each header's column once (a blank header's cells are not read); a row keeps its non-empty cells.
        # A short row (spreadsheets drop trailing empty cells) lacks the rest; cells past the header are
        # not read.
        columns = _numbered(_columns(headers))
        readings: Counter[str] = Counter()
        empties: Counter[str] = Counter()
        rounded: Counter[str] = Counter()
        for row in reader:
            number = reader.line_num
            if not row:
                continue
            cell = {c: v.strip() for c, v in zip(columns, row, strict=False) if c and v and not v.isspace()}
            for column in [c for c, v in cell.items() if v.lower() in _NO_VALUE or v in _NOT_A_NUMBER]:
                empties[cell.pop(column)] += 1
            try:
                record, reading = _csv_record(cell)
            except (ValueError, ValidationError) as error:
                yield number, BadRow(number, _reason(error))
                continue
            readings[reading] += 1
            for column, value in cell.items():
                if "+" in value and rounded_number(value):  # (a cheap first look: most cells hold no +)
                    rounded[column.partition("#")[0]] += 1
            yield number, RecordChange(record.source_key, record)
    for reading, count in readings.items():
        if reading:
            typer.echo(f"{count} dates of birth were {reading} and read so", err=True)
    if empties:
        held = ", ".join(f"{value} ({count:,})" for value, count in empties.most_common())
        typer.echo(f"cells read as empty, as a database or a spreadsheet writes no value: {held}", err=True)
    if rounded:
        held = ", ".join(f"{column} ({count:,})" for column, count in rounded.most_common())
        typer.echo(
            f"numbers a spreadsheet rounded into scientific notation (1.00012E+11), their last digits lost, "
            f"not matched on: {held}; format those columns as text and save the file again",
            err=True,
        )


_DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}
"""What exports separate columns with: Excel in many European locales a semicolon, databases a tab or a
bar."""


def _delimiter(path: Path, encoding: str) -> str:
    """The separator of a CSV's columns: the one its header line holds most of, a comma when it holds
    none of them (a header of one column)."""
    with path.open(encoding=encoding, newline="") as handle:
        header = handle.readline()
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _csv_encoding(path: Path) -> str:
    """``utf-8-sig`` when the file is UTF-8 (with a byte order mark or without), else ``cp1252``: a
    spreadsheet saved by Excel as "CSV (Comma delimited)" is Windows-1252, and read as UTF-8 its first
    accented letter would stop the run."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


_TITLE_ROWS = 10
"""How far down a CSV its header is looked for, below a report's title and run date."""


def _header(reader: Iterator[list[str]]) -> tuple[list[str], int]:
    """The CSV's header row, and how many rows above it were passed over: a report tool writes its title,
    the date it ran and a blank line before the header. The header is the first row naming a
    ``source_record_id`` column (or ``Ref``, ``ID``) within :data:`_TITLE_ROWS` rows; where none does, the
    first row is the header (and :func:`_check_header` says what it lacks)."""
    first = next(reader, [])
    if "source_record_id" in _columns(first):
        return first, 0
    passed = 1
    for row in itertools.islice(reader, _TITLE_ROWS - 1):
        if "source_record_id" in _columns(row):
            return row, passed
        passed += 1
    return first, 0  # for :func:`_check_header` to say what it lacks (no row after it is read)


def _check_header(headers: list[str]) -> None:
    """Say which columns of a CSV header are not read; fail when none holds anything to match on."""
    columns = _columns(headers)
    renamed = [
        f"{h.strip()} as {c}" for h, c in zip(headers, columns, strict=True) if _known(c) and _plain(h) != c
    ]
    if renamed:
        typer.echo(f"columns read by their usual names: {', '.join(renamed)}", err=True)
    taken = [c for c, n in Counter(c for c in columns if _known(c)).items() if n > 1 and c not in _SEVERAL]
    if taken:
        raise InputError(f"two columns of the CSV header are each read as {', '.join(taken)}: keep one")
    aside = [h.strip() for h, c in zip(headers, columns, strict=True) if c == _SET_ASIDE]
    if aside:
        typer.echo(
            f"columns not read: {', '.join(aside)} (other columns hold the same in parts, which are read)",
            err=True,
        )
    unread = [h for h, c in zip(headers, columns, strict=True) if c and c != _SET_ASIDE and not _known(c)]
    if unread:
        typer.echo(
            f"columns not read: {', '.join(unread)} (the columns read are {', '.join(_KEY_COLUMNS)}, "
            f"{', '.join(_PERSON_COLUMNS)} and id:SCHEME)",
            err=True,
        )
    if "source_record_id" not in columns:
        raise InputError(
            "the CSV header has no source_record_id column: every row needs an id of its own, by which "
            "clusters.csv names it"
        )
    if not any(_known(c) and c not in _KEY_COLUMNS for c in columns):
        raise InputError(
            "the CSV header names no column to match on: it needs at least one of "
            f"{', '.join(_PERSON_COLUMNS)} or an id:SCHEME column"
        )


def read_changes(
    path: Path, engine: FellegiSunterEngine, show_progress: bool = False
) -> tuple[list[RecordChange], list[BadRow]]:
    """Every readable change in ``path`` (in order), each record prepared by ``engine`` as it is read,
    and the lines that could not be read; with ``show_progress``, a bar of the file read so far.

    Only the prepared features are kept: a parsed record is several times their size, and a million of
    them would hold gigabytes until matched. In a CSV a repeated source record id is an error; in JSONL a
    later event replaces an earlier one.
    """
    if not show_progress:
        return _read_changes(path, engine, None)
    from rich.progress import Progress

    with Progress(console=_TERMINAL, transient=False) as progress:
        task = progress.add_task("reading", total=path.stat().st_size)
        found = _read_changes(path, engine, lambda n: progress.advance(task, n))
        progress.update(task, completed=path.stat().st_size)
    return found


def _read_changes(
    path: Path, engine: FellegiSunterEngine, advance: Callable[[int], object] | None
) -> tuple[list[RecordChange], list[BadRow]]:
    reader = _csv_changes if path.suffix.lower() == ".csv" else _jsonl_changes
    prepare = engine.prepare
    changes: list[RecordChange] = []
    bad: list[BadRow] = []
    seen: set[str] = set()
    with _collector_paused():
        for number, item in reader(path, advance):
            if isinstance(item, BadRow):
                bad.append(item)
            elif reader is _csv_changes and item.key in seen:
                bad.append(BadRow(number, f"source_record_id: duplicate id {item.key}"))
            else:
                seen.add(item.key)
                record = item.record
                changes.append(item if record is None else RecordChange(item.key, None, prepare(record)))
    return changes, bad


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the garbage collector while records (or their features) are made, then freeze them.

    They make no reference cycles and live to the end: the collector, run every few hundred
    allocations, would find nothing (it took a third of the reading time)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
    gc.freeze()  # keep the collector from rescanning them later


def _working(what: str, showing: bool) -> AbstractContextManager[object]:
    """A spinner saying what the command is doing, on a terminal."""
    return _TERMINAL.status(what, spinner="dots") if showing else nullcontext()


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


def _report(bad: list[BadRow]) -> None:
    for row in bad:
        typer.echo(f"line {row.line}: {row.reason}", err=True)


def _not_estimated(report: TrainingReport) -> str:
    """Why training kept the base match weights, for a person reading the terminal."""
    if report.too_few_pairs:
        return (
            f"only {report.blocked_pairs} pairs of records share an identifier, an e-mail address, names "
            f"with a date of birth or another personal key (fewer than {MIN_EM_PAIRS}), too few to estimate "
            "match weights from: kept the shipped parameters"
        )
    return (
        "EM could not tell one person's records from different people's, over all candidate pairs or "
        "rule by rule (it found one person's names and date of birth usually disagreeing): kept the "
        "shipped parameters"
    )


def _placeholders(report: TrainingReport) -> str:
    """Which values were read as placeholders, for a person reading the terminal."""
    held = ", ".join(f"{value} ({count:,} records)" for value, count in report.placeholders.items())
    return f"values held by implausibly many records or families, read as unknown: {held}"


BATCH = 250
"""Records per incremental batch of ``citizen-hub match``. The citizens do not depend on it; the time
does, a little: at 100k people batches of 100-250 matched in 4.1 CPU seconds and batches of 1,000 in 4.5,
a batch's working set being smaller (bench/README, "Session 12")."""


def run_match(
    changes: list[RecordChange], engine: FellegiSunterEngine, batch: int, show_progress: bool
) -> MemoryStore:
    """Apply ``changes`` in order, ``batch`` at a time, through the incremental matcher.

    The list is emptied as it goes: once a batch is matched its records are never needed again (only
    their features, which the store keeps), so a million-record input does not hold every parsed
    record to the end.
    """
    store = MemoryStore()
    matcher = IncrementalMatcher(engine)
    total = len(changes)
    pending = deque(changes)
    changes.clear()
    # Everything a batch leaves behind lives to the end of the run, and the matcher makes no reference
    # cycles: the collector would walk millions of records and find nothing.

    def batches() -> Iterator[list[RecordChange]]:
        while pending:
            yield [pending.popleft() for _ in range(min(batch, len(pending)))]

    with _collector_paused():
        if not show_progress:
            for chunk in batches():
                matcher.process(store, chunk)
            return store
        from rich.progress import Progress

        with Progress(console=_TERMINAL, transient=False) as progress:
            task = progress.add_task("matching", total=total)
            for chunk in batches():
                matcher.process(store, chunk)
                progress.advance(task, len(chunk))
    return store


def _estimated_engine(
    changes: list[RecordChange], link: float | None, review: float | None, showing: bool = False
) -> FellegiSunterEngine:
    """An engine whose parameters are estimated from ``changes`` (or the shipped ones for a small input).

    ``changes`` were prepared under the shipped parameters; a record holding a value that training found
    to be a placeholder is prepared again under the estimated ones (in place)."""
    base = FellegiSunterEngine(link_threshold=link, review_threshold=review)
    prepared = [c.prepared for c in changes if c.prepared is not None]
    if len(prepared) < MIN_TRAINING_RECORDS:
        typer.echo(
            f"{_count(len(prepared), 'record')} {'is' if len(prepared) == 1 else 'are'} too few to estimate "
            "match parameters from "
            f"(fewer than {MIN_TRAINING_RECORDS}): using the shipped parameters",
            err=True,
        )
        return base
    with _working("estimating match parameters from the input", showing), _collector_paused():
        params, report = train(prepared, max_block_size=base.max_block_size)
    del prepared
    engine = FellegiSunterEngine(params, link_threshold=link, review_threshold=review)
    if report.placeholders:
        typer.echo(_placeholders(report), err=True)
        _prepare_again(changes, engine)
    if not report.separated:
        typer.echo(f"{report.records} records: {_not_estimated(report)}", err=True)
        return engine
    typer.echo(
        f"estimated match parameters from the input by EM: {_records(report)}, "
        f"{report.blocked_pairs} candidate pairs, {_how(report)} (--params FILE uses a saved set instead)",
        err=True,
    )
    return engine


def _how(report: TrainingReport) -> str:
    """How EM ran: over every candidate pair at once, or rule by rule, and why."""
    if report.by_rule:
        return (
            f"rule by rule (about {report.coincidental_pairs:,} of the candidate pairs are strangers who "
            "share a name and a date or year of birth by coincidence, whom EM over all pairs at once takes "
            "for one person)"
        )
    return f"{report.iterations} iterations"


def _records(report: TrainingReport) -> str:
    """How many records training read, and the sample it estimated from when that was fewer."""
    if 0 < report.sampled < report.records:
        return f"{report.records} records (m and u from a sample of {report.sampled})"
    return f"{report.records} records"


def _prepare_again(changes: list[RecordChange], engine: FellegiSunterEngine) -> None:
    """Prepare again, without them, the records holding a placeholder ``engine`` knows of."""
    clean = engine.params.without_placeholders
    with _collector_paused():
        for index, change in enumerate(changes):
            found = change.prepared
            if found is not None and clean(found.features) is not found.features:
                again = engine.prepare_features(found.key, found.features)
                changes[index] = RecordChange(change.key, None, again)


def match_command(
    args: Annotated[list[str], typer.Argument(help="INPUT (.jsonl or .csv), or: train INPUT")],
    out: Annotated[Path, typer.Option("--out", help="clusters.csv (match) or params.json (train)")],
    params: Annotated[
        Path | None,
        typer.Option(help="Saved match parameters (default: estimated from the input by EM)"),
    ] = None,
    link_threshold: Annotated[float | None, typer.Option(help="Override the link threshold")] = None,
    review_threshold: Annotated[float | None, typer.Option(help="Override the review threshold")] = None,
    batch: Annotated[int, typer.Option(min=1, help="Records per incremental batch")] = BATCH,
) -> None:
    """Match person records in memory (``match INPUT --out clusters.csv``), or estimate match
    parameters by EM (``match train INPUT --out params.json``)."""
    training = len(args) == 2 and args[0] == "train"
    if len(args) != 1 and not training:
        raise _fail("expected INPUT or 'train INPUT'")
    source = Path(args[-1])
    if not source.is_file():
        raise _fail(f"no such input file: {source}")
    try:
        base = load_params(params) if params else default_params()
        engine = FellegiSunterEngine(base, link_threshold=link_threshold, review_threshold=review_threshold)
    except (EngineConfigError, ValueError) as error:
        raise _fail(str(error)) from error
    showing = sys.stderr.isatty()
    try:
        changes, bad = read_changes(source, engine, show_progress=showing)
    except InputError as error:
        raise _fail(str(error)) from error
    _report(bad)
    if training:
        prepared = [c.prepared for c in changes if c.prepared is not None]
        with _working("estimating match parameters", showing), _collector_paused():
            trained, report = train(prepared, base=base, max_block_size=engine.max_block_size)
        if report.placeholders:
            typer.echo(_placeholders(report), err=True)
        out.write_text(json.dumps(trained.to_dict(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
        typer.echo(
            f"trained on {_records(report)}, {report.blocked_pairs} candidate pairs, EM {_how(report)}: "
            f"wrote {out}" + ("" if report.separated else f" ({_not_estimated(report)})"),
            err=True,
        )
        return
    if params is None:
        engine = _estimated_engine(changes, link_threshold, review_threshold, showing)
    keys = list(dict.fromkeys(change.key for change in changes))
    store = run_match(changes, engine, batch, show_progress=showing)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_system", "source_record_id", "citizen_id"])
        written: set[str] = set()
        for key in keys:
            if key not in store.citizen:
                continue
            written.add(key)
            system, _, record_id = key.partition("/")
            writer.writerow([system, record_id, store.citizen[key]])
    citizens = len(set(store.citizen.values()))
    typer.echo(
        f"matched {_count(len(written), 'record')} into {_count(citizens, 'citizen')}"
        f" ({_count(len(bad), 'line')} not read): wrote {out}",
        err=True,
    )


def _count(n: int, noun: str) -> str:
    """``1 record``, ``2 records``, ``1,234 records``."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


match_app = match_command
"""Wired into the hub's CLI as ``app.command("match")(match_app)``."""
