"""The ground truth: people in households at properties, with the hard cases planted at realistic rates."""

from __future__ import annotations

import bisect
import random
import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from adaptors.population.addresses import Property, PropertyFactory
from adaptors.population.identity import IdentityFactory
from adaptors.population.names import FORENAMES, HERITAGES, SURNAMES, decade_of

AS_OF = date(2025, 6, 1)
"""The population's 'today': ages, tenancies, bills and claims are as of this date, not the clock."""

_Table = tuple[tuple[str, ...], tuple[float, ...]]
# Relative numbers of UK adults by age (ONS mid-year estimates, smoothed), ages 16 to 100.
_AGE_WEIGHTS = (
    [1.1] * 9 + [1.35] * 20 + [1.3] * 20 + [1.1] * 10 + [0.7] * 10 + [0.3] * 5 + [0.12] * 5 + [0.03] * 6
)
_AGE_CUM = [sum(_AGE_WEIGHTS[: i + 1]) for i in range(len(_AGE_WEIGHTS))]
_KINDS = ("single", "couple", "family", "lone_parent", "sharers", "three_generation")
_KIND_CUM = (0.30, 0.63, 0.78, 0.86, 0.94, 1.0)
TWIN_RATE = 0.12
"""Share of households with two or more adult children at home whose first two are twins."""
NAMESAKE_RATE = 0.12
"""Share of fathers living with an adult son who named the son after himself."""


class Residence(NamedTuple):
    """One address a person lived at, and when. The current one has ``valid_to`` None."""

    lines: tuple[str, ...]
    town: str
    postcode: str
    uprn: str
    valid_from: date
    valid_to: date | None


@dataclass(slots=True)
class Person:
    """One real (synthetic) resident: the truth the three systems' records are views of.

    ``addresses`` is oldest first; the last is where the person lives now. ``birth_family`` differs from
    ``family`` for a married name. ``tags`` names the hard cases the person takes part in (``twin``,
    ``namesake_father``, ``namesake_son``, ``married_name``, ``moved``, ``deceased``, ``showcase``,
    ``showcase_decoy``); ``related_id`` is the twin or the namesake.
    """

    person_id: str
    title: str
    given: str
    middle: str | None
    family: str
    birth_family: str
    dob: date
    sex: str
    nino: str
    nhs_number: str
    household_id: str
    addresses: list[Residence]
    phone: str | None = None
    email: str | None = None
    deceased: bool = False
    date_of_death: date | None = None
    protected_address: bool = False
    suffix: str | None = None
    tags: tuple[str, ...] = ()
    related_id: str | None = None

    @property
    def address(self) -> Residence:
        """Where the person lives now."""
        return self.addresses[-1]

    @property
    def previous_address(self) -> Residence | None:
        """Where the person lived before the last move, if we know."""
        return self.addresses[-2] if len(self.addresses) > 1 else None

    @property
    def age(self) -> int:
        """Age in whole years on ``AS_OF``."""
        return AS_OF.year - self.dob.year - ((AS_OF.month, AS_OF.day) < (self.dob.month, self.dob.day))


@dataclass(slots=True)
class Household:
    """The people living at one property, who of them is liable for council tax, and how they hold it."""

    household_id: str
    property: Property
    tenure: str
    kind: str
    moved_in: date
    members: list[int] = field(default_factory=list)
    liable: list[int] = field(default_factory=list)


def _pick(rng: random.Random, table: _Table) -> str:
    names, cum = table
    return names[bisect.bisect(cum, rng.random() * cum[-1])]


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() or "resident"


def _residence(prop: Property, since: date, until: date | None) -> Residence:
    return Residence(prop.lines, prop.town, prop.postcode, prop.uprn, since, until)


class PeopleBuilder:
    """Fills properties with households until the population has the number of people asked for."""

    def __init__(self, rng: random.Random, target: int) -> None:
        self.rng = rng
        self.target = target
        self.ids = IdentityFactory(rng)
        self.props = PropertyFactory(rng)
        self.people: list[Person] = []
        self.households: list[Household] = []

    # --- sampling helpers -------------------------------------------------------------------------
    def age(self, lo: int, hi: int) -> int:
        rng = self.rng
        lo, hi = max(lo, 16), min(hi, 100)
        for _ in range(20):
            a = 16 + bisect.bisect(_AGE_CUM, rng.random() * _AGE_CUM[-1])
            if lo <= a <= hi:
                return a
        return rng.randint(lo, hi)

    def dob(self, age: int) -> date:
        born = date(AS_OF.year - age, AS_OF.month, 1) - timedelta(days=self.rng.randrange(1, 365))
        return born

    def heritage(self) -> int | None:
        roll = self.rng.random()
        for i, heritage in enumerate(HERITAGES):
            if roll < heritage.share:
                return i
            roll -= heritage.share
        return None

    def surname(self, heritage: int | None) -> str:
        if heritage is not None:
            return _pick(self.rng, HERITAGES[heritage].family)
        name = _pick(self.rng, SURNAMES)
        if self.rng.random() < 0.015:
            other = _pick(self.rng, SURNAMES)
            if other != name:
                name = f"{name}-{other}"
        return name

    def forename(self, sex: str, year: int, heritage: int | None, avoid: str | None = None) -> str:
        for _ in range(10):
            if heritage is not None:
                name = _pick(self.rng, HERITAGES[heritage].male if sex == "M" else HERITAGES[heritage].female)
            else:
                name = _pick(self.rng, FORENAMES[(sex, decade_of(year))])
            if name != avoid:
                return name
        return "Alex" if avoid != "Alex" else "Sam"

    # --- people -----------------------------------------------------------------------------------
    def person(
        self,
        hh: Household,
        sex: str,
        age: int,
        family: str,
        heritage: int | None,
        birth_family: str | None = None,
        married: bool = False,
        given: str | None = None,
        dob: date | None = None,
        avoid: str | None = None,
    ) -> Person:
        rng = self.rng
        born = dob or self.dob(age)
        if heritage is not None and sex == "F":
            family = HERITAGES[heritage].feminine.get(family, family)
        given = given or self.forename(sex, born.year, heritage, avoid)
        middle = self.forename(sex, born.year, heritage, given) if rng.random() < 0.6 else None
        if sex == "M":
            title = "Dr" if rng.random() < 0.01 else "Mr"
        elif married:
            title = "Mrs"
        else:
            title = (
                "Miss"
                if age < 30 and rng.random() < 0.6
                else ("Mrs" if age > 60 and rng.random() < 0.5 else "Ms")
            )
        ascii_given = given if given.isascii() else _ascii(given)
        ascii_family = family if family.isascii() else _ascii(family)
        p = Person(
            person_id=f"P{len(self.people) + 1:08d}",
            title=title,
            given=given,
            middle=middle,
            family=family,
            birth_family=birth_family or family,
            dob=born,
            sex=sex,
            nino=self.ids.nino(),
            nhs_number=self.ids.nhs_number(),
            household_id=hh.household_id,
            addresses=[],
            phone=self.ids.phone(),
            email=self.ids.email(ascii_given, ascii_family, born.year),
        )
        tags: list[str] = []
        if p.birth_family != p.family:
            tags.append("married_name")
        death_risk = 0.03 if age > 80 else 0.008 if age > 65 else 0.001
        if rng.random() < death_risk:
            p.deceased = True
            p.date_of_death = AS_OF - timedelta(days=rng.randrange(10, 540))
            tags.append("deceased")
        # About one resident in 100 is at risk (e.g. fleeing domestic abuse): their address is protected.
        # A hash of the id, not the random stream, so every other resident stays as they were.
        if zlib.crc32(p.person_id.encode()) % 100 == 7 and p.person_id != "P00000001":
            p.protected_address = True
            tags.append("protected_address")
        p.tags = tuple(tags)
        hh.members.append(len(self.people))
        self.people.append(p)
        return p

    def couple(self, hh: Household, head_lo: int, head_hi: int) -> tuple[Person, Person, str, int | None]:
        rng = self.rng
        heritage = self.heritage()
        head_age = self.age(head_lo, head_hi)
        partner_age = min(100, max(18, head_age + int(rng.gauss(-1.5, 4))))
        same_sex = rng.random() < 0.05
        head_sex = "M" if same_sex or rng.random() < 0.9 else "F"
        partner_sex = head_sex if same_sex else ("F" if head_sex == "M" else "M")
        family = self.surname(heritage)
        married = not same_sex and head_age > 24 and rng.random() < 0.65
        head = self.person(hh, head_sex, head_age, family, heritage, married=married and head_sex == "F")
        if married and rng.random() < 0.85:
            wife_birth = self.surname(heritage)
            if head_sex == "M":
                partner = self.person(hh, "F", partner_age, family, heritage, wife_birth, married=True)
            else:  # the head is the wife: she took his name
                partner = self.person(hh, "M", partner_age, family, heritage)
                head.birth_family, head.tags = wife_birth, (*head.tags, "married_name")
        else:
            partner = self.person(hh, partner_sex, partner_age, self.surname(heritage), heritage)
        return head, partner, family, heritage

    def children(
        self,
        hh: Household,
        father: Person | None,
        mother: Person | None,
        family: str,
        heritage: int | None,
        count: int,
    ) -> None:
        rng = self.rng
        parents = [p for p in (father, mother) if p is not None]
        oldest_parent_gap = min(p.age for p in parents) - 18
        hi = min(35, oldest_parent_gap)
        if hi < 16:
            return
        kids: list[Person] = []
        for i in range(count):
            sex = "M" if rng.random() < 0.5 else "F"
            if i == 1 and kids[0].related_id is None and rng.random() < TWIN_RATE:
                twin = kids[0]
                p = self.person(hh, sex, twin.age, family, heritage, dob=twin.dob, avoid=twin.given)
                p.tags, p.related_id = (*p.tags, "twin"), twin.person_id
                twin.tags, twin.related_id = (*twin.tags, "twin"), p.person_id
                kids.append(p)
                continue
            given = None
            namesake = (
                father is not None
                and father.family == family
                and sex == "M"
                and all("namesake_son" not in k.tags for k in kids)
                and rng.random() < NAMESAKE_RATE
            )
            if namesake and father is not None:
                given = father.given
            p = self.person(hh, sex, self.age(16, hi), family, heritage, given=given)
            if namesake and father is not None:
                p.middle = father.middle if rng.random() < 0.5 else p.middle
                p.suffix = "Jr" if rng.random() < 0.4 else None
                p.tags, p.related_id = (*p.tags, "namesake_son"), father.person_id
                father.tags, father.related_id = (*father.tags, "namesake_father"), p.person_id
            kids.append(p)
