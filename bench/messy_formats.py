"""Quality when one system writes the same people in another shape: the synthetic population with one
system's records rewritten as real extracts often hold them, each record validated again from its raw
form (as an adaptor or ``citizen-hub match`` would read it). Ours twice on each, as in bench.run:
shipped parameters, and estimated from the input.

- the whole address in its lines, the postcode and town at the end of the last line, no postcode field;
- the postcode written in the town field (one field for both);
- the town written in the postcode field, after the postcode (one field for both, the other way round);
- the whole address block in the lines, town and postcode each on a line and the country on the last
  (``United Kingdom``), as a CRM or a web form exports it;
- no postcodes at all (an older system that never kept them);
- the whole name in the surname field, surname first (``SMITH, Margaret``), the given name field empty;
- the title written into the given name field (``Mrs Margaret``);
- a previous surname noted in the surname field (``Bradley (nee Stanworth)``), not kept as another name;
- the names written in Cyrillic letters (a system of a service whose residents' documents are in
  Cyrillic: the other systems hold the same names in Latin letters);
- the given names as initials (``M A SMITH``);
- the day and month of birth the other way round (a system that stored dates month first);
- dates of birth with a time of day (a date-time column, as a JSON serialiser writes it);
- some first names spelt another way (Mohamed for Muhammad, Muhammad for Mohammed, Steven for Stephen,
  Shaun for Sean);
- UPRNs, account numbers and phone numbers saved as floats by a spreadsheet or a data frame
  (``100011999993.0``; a phone number loses its leading zero: ``1617452291.0``);
- numbers as a spreadsheet's General format writes them to CSV: leading zeros lost, and from 12 digits
  (every UPRN) in scientific notation with six significant digits (``1.00012E+11``), the rest lost;
- first names in a Welsh, Scottish Gaelic or Irish form (Dafydd for David, Hamish for James, Pádraig for
  Patrick: a Welsh-language school or service registers a person under the form they use);
- the name a person goes by in brackets after the first name (``Elizabeth (Lisa)``, ``Robert (Bob)``), as
  a housing or social care system notes it;
- the NI number of a joint claim's lead claimant keyed on the partner's claim too (the first claimant at an
  address whose first name is another's);
- flats written without the word "Flat" (``2, 14 Cross Lane``; ``4 Ash House, 52 Station Road``), as
  another system writes ``Flat 2``;
- postcodes typed with a letter O for a zero and a zero for an O (``BLO 9AB``, ``0L1 1AA``);
- dates of birth kept by the year alone, each written as 1 January of its year (as registers that know
  the year alone, and the Home Office for many asylum seekers, write them);
- dates of birth kept as moments in UTC, as a CRM or a JavaScript form keeps a date entered in the UK
  (``1980-06-14T23:00:00.000Z`` for 15 June 1980, entered in British Summer Time);
- dates of birth written day first, as UK systems and forms write a date (``04/03/1950``), and with a time
  of day after it, as a UK spreadsheet or a SQL Server export writes a date-time (``04/03/1950 00:00:00``);
- landlines kept without their area code (``745 2291`` for ``0161 745 2291``), as older records hold a
  local number;
- a second e-mail address, a work one, written into the one e-mail field (``peggy@example.org;
  m.smith@work.example``), as a CRM's export or a form writes it.

.venv/bin/python -m bench.messy_formats             # 10,000 people
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bench.run import HEADER, _ours
from contracts import PersonRecord

_LATIN_TO_CYRILLIC = str.maketrans(
    {
        "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и",
        "j": "й", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р",
        "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "кс", "y": "ы", "z": "з",
    }
)  # fmt: skip
"""One Cyrillic letter (or two) for each Latin one: a transliteration back to Latin letters gives the name
spelt as it sounds, not always as the other systems spell it (``w`` and ``v`` both come back ``v``)."""


def _address_in_lines(data: dict[str, Any]) -> dict[str, Any]:
    for address in data.get("addresses", []):
        tail = " ".join(p for p in (address.pop("town", None), address.pop("postcode", None)) if p)
        if tail:
            address["lines"] = [*address.get("lines", []), tail]
    return data


def _postcode_in_town(data: dict[str, Any]) -> dict[str, Any]:
    for address in data.get("addresses", []):
        postcode = address.pop("postcode", None)
        if postcode:
            address["town"] = f"{address['town']} {postcode}" if address.get("town") else postcode
    return data


def _town_in_postcode(data: dict[str, Any]) -> dict[str, Any]:
    for address in data.get("addresses", []):
        town = address.pop("town", None)
        if address.get("postcode") and town:
            address["postcode"] = f"{address['postcode']} {town}"
    return data


def _country_after_postcode(data: dict[str, Any]) -> dict[str, Any]:
    for address in data.get("addresses", []):
        tail = [p for p in (address.pop("town", None), address.pop("postcode", None)) if p]
        address["lines"] = [*address.get("lines", []), *tail, "United Kingdom"]
    return data


def _no_postcode(data: dict[str, Any]) -> dict[str, Any]:
    for address in data.get("addresses", []):
        address.pop("postcode", None)
    return data


def _surname_first(data: dict[str, Any]) -> dict[str, Any]:
    name = data["name"]
    given = " ".join(p for p in (name.pop("given", None), name.pop("middle", None)) if p)
    if given and name.get("family"):
        name["family"] = f"{name['family'].upper()}, {given}"
    return data


def _title_in_given(data: dict[str, Any]) -> dict[str, Any]:
    name = data["name"]
    title = name.pop("title", None)
    if title and name.get("given"):
        name["given"] = f"{title} {name['given']}"
    return data


def _initials(data: dict[str, Any]) -> dict[str, Any]:
    name = data["name"]
    for part in ("given", "middle"):
        if name.get(part):
            name[part] = " ".join(word[0] for word in name[part].split())
    return data


def _full_dates_written(form: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A rewrite writing each full date of birth by ``form`` (of ``{year}``, ``{month}`` and ``{day}``)."""

    def rewrite(data: dict[str, Any]) -> dict[str, Any]:
        dob = data.get("date_of_birth")
        if dob and dob.get("day") and dob.get("month"):
            data["date_of_birth"] = form.format(year=dob["year"], month=dob["month"], day=dob["day"])
        return data

    return rewrite


_OTHER_SPELLINGS = {"muhammad": "Mohamed", "mohammed": "Muhammad", "stephen": "Steven", "sean": "Shaun",
                    "catherine": "Kathryn", "aisha": "Ayesha", "yusuf": "Yousef"}  # fmt: skip


def _year_as_new_year(data: dict[str, Any]) -> dict[str, Any]:
    born = data.get("date_of_birth")
    if isinstance(born, dict) and born.get("year"):
        data["date_of_birth"] = f"{born['year']:04d}-01-01"
    return data


def _as_utc_moments(data: dict[str, Any]) -> dict[str, Any]:
    dob = data.get("date_of_birth")
    if dob and dob.get("day") and dob.get("month") and not dob.get("invalid"):
        midnight = datetime(dob["year"], dob["month"], dob["day"], tzinfo=ZoneInfo("Europe/London"))
        data["date_of_birth"] = midnight.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return data


def _local_landlines(data: dict[str, Any]) -> dict[str, Any]:
    data["phones"] = [
        phone.split(" ", 1)[1] if phone.startswith(("01", "02")) and " " in phone else phone
        for phone in data.get("phones", [])
    ]
    return data


def _two_emails_in_one_field(data: dict[str, Any]) -> dict[str, Any]:
    emails = data.get("emails", [])
    if emails:
        given = (data.get("name", {}).get("given") or "x").split()[0].lower()
        data["emails"] = [f"{emails[0]}; {given}.{data['source_record_id'].lower()}@work.example"]
    return data


def _first_names_from(table: dict[str, str]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A rewrite giving each first name that ``table`` lists (lower case) as the table writes it."""

    def rewrite(data: dict[str, Any]) -> dict[str, Any]:
        name = data["name"]
        given = name.get("given")
        if given and given.lower() in table:
            name["given"] = table[given.lower()]
        return data

    return rewrite


_GOES_BY = {"margaret": "Peggy", "elizabeth": "Lisa", "robert": "Bob", "william": "Bill", "james": "Jim",
            "susan": "Sue", "catherine": "Kate", "christopher": "Chris", "jennifer": "Jenny",
            "michael": "Mike", "richard": "Dick", "patricia": "Pat", "thomas": "Tom", "joseph": "Joe",
            "anthony": "Tony", "mohammed": "Mo", "muhammad": "Mo", "alexander": "Sandy", "edward": "Ted",
            "deborah": "Debbie"}  # fmt: skip
"""The name some people go by, which a system writes after the first name in brackets."""


def _goes_by_in_brackets(data: dict[str, Any]) -> dict[str, Any]:
    name = data["name"]
    given = name.get("given")
    if given and given.split()[0].lower() in _GOES_BY:
        first, *rest = given.split()
        name["given"] = " ".join([first, f"({_GOES_BY[first.lower()]})", *rest])
    return data


_LANGUAGE_FORMS = {"david": "Dafydd", "william": "Gwilym", "hugh": "Huw", "thomas": "Tomos", "owen": "Owain",
                   "james": "Hamish", "kenneth": "Coinneach", "donald": "Domhnall", "alexander": "Alasdair",
                   "patrick": "Pádraig", "peter": "Peadar", "joseph": "Seosamh", "john": "Eoin",
                   "richard": "Risteárd", "george": "Seoirse", "mary": "Màiri", "margaret": "Mairéad",
                   "catherine": "Catrin", "helen": "Eilidh", "janet": "Seonaid", "jane": "Siân",
                   "elizabeth": "Ealasaid", "bridget": "Bríd", "sheila": "Síle"}  # fmt: skip
"""One Welsh, Scottish Gaelic or Irish form of each of these English first names, accents as written."""


def _as_floats(data: dict[str, Any]) -> dict[str, Any]:
    for ident in data.get("identifiers", []):
        if ident["value"].isdigit():
            ident["value"] += ".0"
    for address in data.get("addresses", []):
        if address.get("uprn"):
            address["uprn"] += ".0"
    data["phones"] = [
        "".join(ch for ch in phone if ch.isdigit()).lstrip("0") + ".0" for phone in data.get("phones", [])
    ]
    return data


def _excel_general(digits: str) -> str:
    """A number as a spreadsheet's General format shows it, and so writes it to CSV: its leading zeros
    lost, and from 12 digits in scientific notation with six significant digits (``1.00012E+11``)."""
    number = int(digits)
    return f"{number:.5E}".replace("E+0", "E+") if number >= 10**11 else str(number)


def _in_scientific_notation(data: dict[str, Any]) -> dict[str, Any]:
    for ident in data.get("identifiers", []):
        if ident["value"].isdigit():
            ident["value"] = _excel_general(ident["value"])
    for address in data.get("addresses", []):
        if address.get("uprn"):
            address["uprn"] = _excel_general(address["uprn"])
    data["phones"] = [
        _excel_general("".join(ch for ch in phone if ch.isdigit())) for phone in data.get("phones", [])
    ]
    return data


def _partners_ni_number() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A rewrite keying on each claim the NI number of the first claimant at its address whose first name is
    another (a joint claim's lead claimant's number on the partner's record). The first holder at each
    address is found in record order, so the same records give the same rewrite."""
    first: dict[tuple[Any, ...], tuple[str, str]] = {}

    def rewrite(data: dict[str, Any]) -> dict[str, Any]:
        addresses, given = data.get("addresses"), data["name"].get("given")
        ninos = [i for i in data.get("identifiers", []) if i["scheme"] == "nino"]
        if not addresses or not given or not ninos:
            return data
        home = (tuple(addresses[0].get("lines", [])), addresses[0].get("postcode"))
        holder, nino = first.setdefault(home, (given, ninos[0]["value"]))
        if holder != given:
            ninos[0]["value"] = nino
        return data

    return rewrite


def _flat_without_word(data: dict[str, Any]) -> dict[str, Any]:
    for address in data.get("addresses", []):
        lines = address.get("lines", [])
        if len(lines) >= 2 and lines[0].lower().startswith("flat "):
            flat = lines[0][5:].strip()
            joined = f"{flat}, {lines[1]}" if len(lines) == 2 else f"{flat} {lines[1]}"
            address["lines"] = [joined, *lines[2:]]
    return data


def _edinburgh_flat(data: dict[str, Any]) -> dict[str, Any]:
    """``Flat 2``, ``14 Cross Lane`` as Edinburgh writes it: ``14/2 Cross Lane`` (house, then flat)."""
    for address in data.get("addresses", []):
        lines = address.get("lines", [])
        if len(lines) == 2 and lines[0].lower().startswith("flat "):
            number, _, street = lines[1].partition(" ")
            if number.isdigit() and street:
                address["lines"] = [f"{number}/{lines[0][5:].strip()} {street}"]
    return data


def _o_for_zero(data: dict[str, Any]) -> dict[str, Any]:
    for address in data.get("addresses", []):
        if address.get("postcode"):
            address["postcode"] = address["postcode"].translate(_O_AND_ZERO)
    return data


_O_AND_ZERO = str.maketrans({"0": "O", "O": "0"})


def _maiden_name_noted(data: dict[str, Any]) -> dict[str, Any]:
    name = data["name"]
    others = data.pop("other_names", [])
    previous = next(
        (o["family"] for o in others if o.get("family") and o["family"] != name.get("family")), None
    )
    if previous and name.get("family"):
        name["family"] = f"{name['family']} (nee {previous})"
    return data


def _cyrillic(data: dict[str, Any]) -> dict[str, Any]:
    name = data["name"]
    for part in ("given", "middle", "family"):
        if name.get(part):
            name[part] = name[part].lower().translate(_LATIN_TO_CYRILLIC).title()
    return data


VARIANTS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "as generated": ("", lambda data: data),
    "benefits: whole address in the lines, no postcode field": ("benefits", _address_in_lines),
    "benefits: postcode in the town field (Salford M5 4WT)": ("benefits", _postcode_in_town),
    "housing: the town in the postcode field after the postcode (M5 4WT Salford)": (
        "housing",
        _town_in_postcode,
    ),
    "council tax: an address block in the lines ending with the country (Salford, M5 4WT, United Kingdom)": (
        "council_tax",
        _country_after_postcode,
    ),
    "benefits: no postcodes at all (lines and town)": ("benefits", _no_postcode),
    "housing: name surname first in the surname field": ("housing", _surname_first),
    "council tax: title in the given name field": ("council_tax", _title_in_given),
    "housing: names in Cyrillic letters": ("housing", _cyrillic),
    "benefits: a previous surname noted in the surname field (Bradley (nee Stanworth))": (
        "benefits",
        _maiden_name_noted,
    ),
    "council tax: given names as initials": ("council_tax", _initials),
    "benefits: day and month of birth the other way round": (
        "benefits",
        _full_dates_written("{year:04d}-{day:02d}-{month:02d}"),
    ),
    "housing: dates of birth with a time of day (1950-03-04T00:00:00)": (
        "housing",
        _full_dates_written("{year:04d}-{month:02d}-{day:02d}T00:00:00"),
    ),
    "benefits: first names spelt another way (Mohamed, Muhammad, Steven, Shaun)": (
        "benefits",
        _first_names_from(_OTHER_SPELLINGS),
    ),
    "council tax: numbers saved as floats by a spreadsheet (UPRN 100011999993.0, phone 1617452291.0)": (
        "council_tax",
        _as_floats,
    ),
    "council tax: long numbers in a spreadsheet's scientific notation (UPRN 1.00012E+11)": (
        "council_tax",
        _in_scientific_notation,
    ),
    "housing: first names in a Welsh, Gaelic or Irish form (Dafydd, Hamish, Pádraig)": (
        "housing",
        _first_names_from(_LANGUAGE_FORMS),
    ),
    "housing: the name the person goes by in brackets after the first name (Elizabeth (Lisa))": (
        "housing",
        _goes_by_in_brackets,
    ),
    "benefits: a joint claim's lead claimant's NI number keyed on the partner's record": (
        "benefits",
        _partners_ni_number(),
    ),
    "housing: flats without the word Flat (2, 14 Cross Lane; 4 Ash House, 52 Station Road)": (
        "housing",
        _flat_without_word,
    ),
    "housing: flats written as Edinburgh writes them, the house number first (14/2 Cross Lane)": (
        "housing",
        _edinburgh_flat,
    ),
    "benefits: postcodes typed with an O for a zero and a zero for an O (BLO 9AB)": ("benefits", _o_for_zero),
    "council tax: dates of birth kept by the year alone, written as 1 January (1950-01-01)": (
        "council_tax",
        _year_as_new_year,
    ),
    "housing: dates of birth kept as moments in UTC (1980-06-14T23:00:00.000Z for 15 June, summer time)": (
        "housing",
        _as_utc_moments,
    ),
    "housing: dates of birth written day first (04/03/1950)": (
        "housing",
        _full_dates_written("{day:02d}/{month:02d}/{year:04d}"),
    ),
    "benefits: dates of birth written day first with a time of day (04/03/1950 00:00:00)": (
        "benefits",
        _full_dates_written("{day:02d}/{month:02d}/{year:04d} 00:00:00"),
    ),
    "council tax: landlines without their area code (745 2291)": ("council_tax", _local_landlines),
    "housing: a work e-mail address beside the home one, in one field (a@x.org; b@work.example)": (
        "housing",
        _two_emails_in_one_field,
    ),
}
"""Each variant: the system whose records are rewritten, and how."""


def rewritten(
    records: list[PersonRecord], system: str, rewrite: Callable[[dict[str, Any]], dict[str, Any]]
) -> list[PersonRecord]:
    """``records`` with ``system``'s rewritten from their raw form and validated again."""
    out = []
    for record in records:
        if record.source_system == system:
            raw = record.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
            for address in raw.get("addresses", []):
                address.pop("postcode_invalid", None)
            record = PersonRecord.model_validate(rewrite(raw))
        out.append(record)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10000, help="size of the synthetic population")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", help="run only the variants whose label holds this text")
    args = parser.parse_args()
    from adaptors.population import generate_population

    pop = generate_population(people=args.people, seed=args.seed)
    synthetic = [r for system in pop.systems for r in pop.person_records(system)]
    print(HEADER, flush=True)
    for variant, (system, rewrite) in VARIANTS.items():
        if args.only and args.only.lower() not in variant.lower():
            continue
        data = f"synthetic {args.people:,} people ({len(synthetic):,} records), {variant}"
        for row in _ours(data, rewritten(synthetic, system, rewrite), pop.truth):
            print(row, flush=True)


if __name__ == "__main__":
    main()
