"""Materialise a membership as the PersonRecord its system holds, faults and house style included."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from adaptors.population.addresses import abbreviate
from adaptors.population.coverage import Membership
from adaptors.population.names import NICKNAMES, typo
from adaptors.population.people import AS_OF, Person
from contracts import Address, BirthDate, Identifier, PersonName, PersonRecord

_SCHEME = {"council_tax": "council_tax_account", "benefits": "benefit_claim", "housing": "tenancy_ref"}
_SUFFIX = {"council_tax": "Jnr", "benefits": "Jr", "housing": "Jr"}


def _dob(p: Person, faults: tuple[str, ...]) -> BirthDate | None:
    d = p.dob
    if "dob_missing" in faults:
        return None
    if "dob_year_only" in faults:
        return BirthDate(text=str(d.year))
    if "dob_swapped" in faults:
        return BirthDate(text=f"{d.year}-{d.day:02d}-{d.month:02d}")
    if "dob_impossible" in faults:
        if d.month in (4, 6, 9, 11):
            return BirthDate(text=f"{d.year}-{d.month:02d}-31")
        return BirthDate(text=f"{d.year}-02-30")
    return BirthDate(text=d.isoformat())


def broken_nino(nino: str, salt: int) -> str:
    """A NINO as mistyped into a legacy screen so that it breaks HMRC's format."""
    way = (salt >> 16) % 3
    if way == 0:
        return f"{nino[:4]}O{nino[5:]}"  # letter O typed for a zero
    if way == 1:
        return nino[:-1]  # suffix letter left off
    return f"D{nino[1:]}"  # prefix letter D is never issued


def mistyped_nino(nino: str, salt: int) -> str:
    """A NINO with one digit wrong: still valid in form, but someone else's number."""
    pos = 2 + (salt >> 18) % 6
    digit = str((int(nino[pos]) + 1 + (salt >> 22) % 8) % 10)
    return nino[:pos] + digit + nino[pos + 1 :]


def _names(p: Person, m: Membership) -> tuple[PersonName, list[PersonName]]:
    f, salt = m.faults, m.salt
    given, family, middle = p.given, p.family, p.middle
    if "nickname" in f and given in NICKNAMES:
        options = NICKNAMES[given]
        given = options[salt % len(options)]
    if "birth_name" in f:
        family = p.birth_family
    if "typo" in f:
        if (salt >> 4) & 1:
            given = typo(given, salt)
        else:
            family = typo(family, salt)
    if "suffix" in f and p.suffix:
        family = f"{family} {_SUFFIX[m.system]}"
    if m.system == "council_tax" and middle:
        middle = middle[0] if (salt >> 5) & 1 else None
    elif m.system == "housing" and (salt >> 5) & 1:
        middle = None
    if "name_swapped" in f:
        given, family = family, given
    title: str | None = p.title
    if m.system == "housing" and (salt >> 6) & 1:
        title = None
    others: list[PersonName] = []
    if "birth_alias" in f and p.birth_family != p.family:
        others.append(PersonName(given=p.given, family=p.birth_family, kind="birth"))
    if "upper_case" in f:
        given, family = given.upper(), family.upper()
        middle = middle.upper() if middle else None
        title = title.upper() if title else None
    return PersonName(title=title, given=given, middle=middle, family=family), others


def _address(p: Person, m: Membership) -> Address:
    residence = p.address
    if "stale_address" in m.faults and p.previous_address is not None:
        residence = p.previous_address
    lines = list(residence.lines)
    town = residence.town
    postcode = residence.postcode
    if "abbreviated" in m.faults:
        lines[-1] = abbreviate(lines[-1])
    if "address_one_line" in m.faults:
        lines = [", ".join(lines)]
    if "upper_case" in m.faults:
        lines, town, postcode = [line.upper() for line in lines], town.upper(), postcode.replace(" ", "")
    uprn = residence.uprn if "uprn_present" in m.faults and "uprn_missing" not in m.faults else None
    kind = "property" if m.system == "council_tax" else "residential"
    return Address(
        lines=lines, town=town, postcode=postcode, uprn=uprn, valid_from=residence.valid_from, kind=kind
    )


def _identifiers(p: Person, m: Membership, address: Address) -> list[Identifier]:
    f = m.faults
    ids = [Identifier(scheme=_SCHEME[m.system], value=m.reference)]
    if "nino_present" in f:
        nino = p.nino
        if "nino_invalid" in f:
            nino = broken_nino(nino, m.salt)
        elif "nino_mistyped" in f:
            nino = mistyped_nino(nino, m.salt)
        if m.system == "housing" and (m.salt >> 7) & 1:
            nino = f"{nino[:2]} {nino[2:4]} {nino[4:6]} {nino[6:8]} {nino[8:]}".strip()
        ids.append(Identifier(scheme="nino", value=nino))
    if "nhs_present" in f:
        ids.append(Identifier(scheme="nhs", value=p.nhs_number))
    if address.uprn:
        ids.append(Identifier(scheme="uprn", value=address.uprn))
    return ids


def build_record(p: Person, m: Membership) -> PersonRecord:
    """The PersonRecord system ``m.system`` holds for person ``p``, with the membership's faults applied."""
    name, others = _names(p, m)
    address = _address(p, m)
    salt = m.salt
    share = {"council_tax": 3, "benefits": 8, "housing": 9}[m.system]
    phones = [p.phone] if p.phone and (salt >> 9) % 10 < share else []
    emails = [p.email] if p.email and (salt >> 13) % 10 < share - 2 else []
    updated_days = (AS_OF - m.since).days
    updated = m.since + timedelta(days=(salt >> 3) % max(1, updated_days))
    return PersonRecord(
        source_system=m.system,
        source_record_id=m.record_id,
        name=name,
        other_names=others,
        date_of_birth=_dob(p, m.faults),
        identifiers=_identifiers(p, m, address),
        addresses=[address],
        phones=phones,
        emails=emails,
        deceased=p.deceased and "deceased_unflagged" not in m.faults,
        protected_address=p.protected_address and m.system == "housing",  # housing officers hold the marker
        updated_at=datetime.combine(updated, time(9, (salt >> 20) % 60), tzinfo=UTC),
    )
