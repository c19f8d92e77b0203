"""Households: who lives together where, how they hold the property, and when they moved in.

The showcase resident and her namesake are planted first, so they exist for every seed and size.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from adaptors.population.addresses import DECOY_PROPERTY, SHOWCASE_PROPERTY, UPRN_BASE, Property
from adaptors.population.people import AS_OF, Household, PeopleBuilder, Person, _residence

SHOWCASE_NINO = "JT528143C"
SHOWCASE_NHS = "4857773457"
_KIND_CUM = (
    ("single", 0.30),
    ("couple", 0.63),
    ("family", 0.78),
    ("lone_parent", 0.86),
    ("sharers", 0.94),
    ("three_generation", 1.0),
)


def _kind(rng: random.Random) -> str:
    roll = rng.random()
    for kind, upper in _KIND_CUM:
        if roll < upper:
            return kind
    return "single"


def _tenure(rng: random.Random, kind: str) -> str:
    roll = rng.random()
    if kind == "sharers":
        return "private" if roll < 0.85 else "social"
    if kind in ("single", "lone_parent"):
        return "social" if roll < 0.30 else "private" if roll < 0.55 else "owner"
    return "social" if roll < 0.14 else "private" if roll < 0.30 else "owner"


def _liable(people: list[Person], members: list[int], kind: str, rng: random.Random) -> list[int]:
    adults = [i for i in members if people[i].age >= 18]
    if kind in ("couple", "family", "three_generation"):
        return adults[:2]
    if kind == "sharers":
        return adults if rng.random() < 0.7 else adults[:1]
    return adults[:1]


class HouseholdBuilder(PeopleBuilder):
    """Adds household shapes, moves and the showcase to the person factory."""

    def household(
        self,
        prop: Property | None = None,
        kind: str | None = None,
        tenure: str | None = None,
        moved_in: date | None = None,
    ) -> Household:
        rng = self.rng
        kind = kind or _kind(rng)
        if moved_in is None:
            moved_in = AS_OF - timedelta(days=int(min(40.0, rng.expovariate(1 / 11)) * 365.25) + 1)
        hh = Household(
            household_id=f"H{len(self.households) + 1:08d}",
            property=prop or self.props.next(),
            tenure=tenure or _tenure(rng, kind),
            kind=kind,
            moved_in=moved_in,
        )
        self.households.append(hh)
        return hh

    def fill(self, hh: Household) -> None:
        rng = self.rng
        if hh.kind == "single":
            heritage = self.heritage()
            sex = "F" if rng.random() < 0.55 else "M"
            age = self.age(18, 100)
            widowed = sex == "F" and age > 55 and rng.random() < 0.6
            birth = self.surname(heritage) if widowed else None
            self.person(hh, sex, age, self.surname(heritage), heritage, birth, married=widowed)
        elif hh.kind == "couple":
            self.couple(hh, 20, 95)
        elif hh.kind == "family":
            head, partner, family, heritage = self.couple(hh, 38, 70)
            father = next((p for p in (head, partner) if p.sex == "M"), None)
            mother = next((p for p in (head, partner) if p.sex == "F"), None)
            self.children(
                hh, father, mother, family, heritage, 1 + (rng.random() > 0.55) + (rng.random() > 0.8)
            )
        elif hh.kind == "lone_parent":
            heritage = self.heritage()
            sex = "F" if rng.random() < 0.8 else "M"
            family = self.surname(heritage)
            parent = self.person(hh, sex, self.age(36, 75), family, heritage)
            count = 1 + (rng.random() > 0.6)
            self.children(
                hh, parent if sex == "M" else None, parent if sex == "F" else None, family, heritage, count
            )
        elif hh.kind == "sharers":
            for _ in range(2 + rng.randrange(3)):
                heritage = self.heritage()
                self.person(
                    hh, "F" if rng.random() < 0.5 else "M", self.age(19, 40), self.surname(heritage), heritage
                )
        else:
            head, partner, family, heritage = self.couple(hh, 40, 62)
            elder_of = head if rng.random() < 0.5 else partner
            sex = "F" if rng.random() < 0.7 else "M"
            widowed = sex == "F"
            elder_family = elder_of.birth_family
            birth = self.surname(heritage) if widowed else None
            self.person(
                hh,
                sex,
                min(100, elder_of.age + rng.randint(22, 36)),
                elder_family,
                heritage,
                birth,
                married=widowed,
            )
        self.settle(hh)

    def settle(self, hh: Household) -> None:
        """Give every member the household's address history (and a previous home after a recent move)."""
        previous = None
        if (AS_OF - hh.moved_in).days < 3 * 365:
            previous = self.props.next()
        for i in hh.members:
            p = self.people[i]
            since = max(hh.moved_in, p.dob)
            if previous is not None:
                before = since - timedelta(days=365 * 3 + self.rng.randrange(2000))
                p.addresses.append(_residence(previous, max(before, p.dob), since - timedelta(days=1)))
                p.tags = (*p.tags, "moved")
            p.addresses.append(_residence(hh.property, since, None))
        hh.liable = _liable(self.people, hh.members, hh.kind, self.rng)

    def showcase(self) -> tuple[str, str]:
        """Plant Margaret ('Peggy') Smith of Salford M5 and, if there is room, another Margaret Smith."""
        hh = self.household(SHOWCASE_PROPERTY, "single", "social", date(2016, 9, 12))
        self.ids.reserve(SHOWCASE_NINO, SHOWCASE_NHS)
        peggy = self.person(
            hh, "F", 73, "Smith", None, "Hughes", married=True, given="Margaret", dob=date(1952, 3, 14)
        )
        peggy.title, peggy.middle, peggy.deceased, peggy.date_of_death = "Mrs", "Anne", False, None
        peggy.phone, peggy.email = "0161 745 2291", None
        peggy.nino, peggy.nhs_number = SHOWCASE_NINO, SHOWCASE_NHS
        peggy.tags = ("married_name", "showcase")
        peggy.addresses.append(
            _residence(
                Property(str(UPRN_BASE - 5), None, None, "23 Derby Road", "Salford", "M5 3LT", "B"),
                date(1979, 5, 1),
                date(2016, 9, 11),
            )
        )
        self.settle(hh)
        peggy.tags = ("married_name", "showcase")
        decoy_id = ""
        if self.target > 1:
            hh2 = self.household(DECOY_PROPERTY, "single", "owner", date(1994, 4, 22))
            decoy = self.person(hh2, "F", 67, "Smith", None, "Smith", given="Margaret", dob=date(1957, 8, 2))
            decoy.title, decoy.middle, decoy.deceased, decoy.date_of_death = "Ms", "Louise", False, None
            decoy.tags = ("showcase_decoy",)
            self.settle(hh2)
            decoy_id = decoy.person_id
        return peggy.person_id, decoy_id

    def build(self) -> tuple[str, str]:
        """Plant the showcase, then fill households until ``target`` people; returns the showcase ids."""
        showcase_ids = self.showcase()
        while len(self.people) < self.target:
            self.fill(self.household())
        self.trim()
        return showcase_ids

    def trim(self) -> None:
        """Drop the last household's surplus members so the population is exactly the size asked for."""
        extra = len(self.people) - self.target
        if extra <= 0:
            return
        del self.people[self.target :]
        hh = self.households[-1]
        hh.members = [i for i in hh.members if i < self.target]
        if not hh.members:
            self.households.pop()
            hh = self.households[-1]
        alive = {p.person_id for p in self.people}
        for p in self.people:
            if p.related_id is not None and p.related_id not in alive:
                p.related_id = None
                p.tags = tuple(t for t in p.tags if t not in ("twin", "namesake_father", "namesake_son"))
        hh.liable = [i for i in hh.liable if i < self.target] or hh.members[:1]
