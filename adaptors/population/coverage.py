"""Who each back-office system knows about, under which reference, and which faults its record carries.

A ``Membership`` is one source record before it is materialised: cheap to hold for a million people, so
the ground truth (``source_key -> person_id``) and the fault log exist without building any record.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from adaptors.population.names import NICKNAMES
from adaptors.population.people import AS_OF, Household, Person
from adaptors.population.rng import FastRandom

SYSTEMS = ("council_tax", "benefits", "housing")

# Per system: the chance a record carries each fault (conditional ones apply only where they can).
FAULT_RATES: dict[str, dict[str, float]] = {
    "council_tax": {
        "typo": 0.03,
        "nickname": 0.05,
        "name_swapped": 0.01,
        "upper_case": 0.85,
        "dob_missing": 0.55,
        "dob_year_only": 0.03,
        "dob_swapped": 0.02,
        "dob_impossible": 0.004,
        "stale_address": 0.15,
        "birth_name": 0.25,
        "birth_alias": 0.05,
        "nino_present": 0.06,
        "nino_invalid": 0.02,
        "nino_mistyped": 0.0,
        "uprn_missing": 0.03,
        "deceased_unflagged": 0.5,
        "suffix": 0.5,
        "nhs_present": 0.0,
        "uprn_present": 1.0,
        "address_one_line": 0.0,
        "abbreviated": 0.1,
    },
    "benefits": {
        "typo": 0.02,
        "nickname": 0.02,
        "name_swapped": 0.005,
        "upper_case": 0.0,
        "dob_missing": 0.01,
        "dob_year_only": 0.005,
        "dob_swapped": 0.015,
        "dob_impossible": 0.002,
        "stale_address": 0.3,
        "birth_name": 0.1,
        "birth_alias": 0.5,
        "nino_present": 0.97,
        "nino_invalid": 0.01,
        "nino_mistyped": 0.005,
        "uprn_missing": 0.0,
        "deceased_unflagged": 0.2,
        "suffix": 0.3,
        "nhs_present": 0.0,
        "uprn_present": 0.4,
        "address_one_line": 0.3,
        "abbreviated": 0.1,
    },
    "housing": {
        "typo": 0.04,
        "nickname": 0.08,
        "name_swapped": 0.01,
        "upper_case": 0.0,
        "dob_missing": 0.08,
        "dob_year_only": 0.04,
        "dob_swapped": 0.03,
        "dob_impossible": 0.005,
        "stale_address": 0.2,
        "birth_name": 0.3,
        "birth_alias": 0.1,
        "nino_present": 0.5,
        "nino_invalid": 0.02,
        "nino_mistyped": 0.0,
        "uprn_missing": 0.01,
        "deceased_unflagged": 0.4,
        "suffix": 0.6,
        "nhs_present": 0.1,
        "uprn_present": 1.0,
        "address_one_line": 0.0,
        "abbreviated": 0.3,
    },
}
_DOB_FAULTS = ("dob_missing", "dob_year_only", "dob_swapped", "dob_impossible")
# Faults that describe data held rather than a mistake; kept on the membership, left out of the fault log.
_SHAPES = frozenset(
    {"nino_present", "nhs_present", "uprn_present", "upper_case", "address_one_line", "abbreviated", "suffix"}
)


@dataclass(slots=True)
class Membership:
    """One person's record in one system: its id, role, service reference, start date and faults."""

    system: str
    record_id: str
    person: int
    household: int
    role: str
    reference: str
    since: date
    faults: tuple[str, ...]
    salt: int

    @property
    def source_key(self) -> str:
        return f"{self.system}/{self.record_id}"

    @property
    def logged_faults(self) -> tuple[str, ...]:
        """The faults that are mistakes or gaps (not the system's house style)."""
        return logged(self.faults)


def logged(faults: tuple[str, ...]) -> tuple[str, ...]:
    """``faults`` without the ones that only describe the system's house style."""
    return tuple(f for f in faults if f not in _SHAPES)


def _faults(rng: random.Random, system: str, p: Person) -> tuple[str, ...]:
    rates = FAULT_RATES[system]
    out: list[str] = []
    roll = rng.random()
    for name in _DOB_FAULTS:
        if roll < rates[name]:
            if name == "dob_swapped" and (p.dob.day > 12 or p.dob.day == p.dob.month):
                break
            out.append(name)
            break
        roll -= rates[name]
    checks = (
        ("typo", True),
        ("nickname", p.given in NICKNAMES),
        ("name_swapped", True),
        ("upper_case", True),
        ("stale_address", len(p.addresses) > 1),
        ("birth_name", p.birth_family != p.family),
        ("birth_alias", p.birth_family != p.family),
        ("uprn_missing", True),
        ("suffix", p.suffix is not None),
        ("deceased_unflagged", p.deceased),
        ("nhs_present", True),
        ("uprn_present", True),
        ("address_one_line", True),
        ("abbreviated", True),
    )
    random_ = rng.random
    for name, applies in checks:
        if applies and random_() < rates[name]:
            out.append(name)
    if random_() < rates["nino_present"]:
        out.append("nino_present")
        roll = random_()
        if roll < rates["nino_invalid"]:
            out.append("nino_invalid")
        elif roll < rates["nino_invalid"] + rates["nino_mistyped"]:
            out.append("nino_mistyped")
    elif system == "benefits":
        out.append("nino_missing")
    return tuple(out)


class CoveragePlanner:
    """Decides, household by household, which systems hold whom, with deterministic references."""

    def __init__(self, seed: int, people: list[Person], households: list[Household]) -> None:
        self.rng: random.Random = FastRandom(f"{seed}:coverage")
        self.people = people
        self.households = households
        self.views: dict[str, list[Membership]] = {s: [] for s in SYSTEMS}
        self._counters = {
            "ct_party": 10_000_000,
            "ct_account": 40_000_000,
            "claim": 1_000_000,
            "tenancy": 100_000,
            "tenant": 2_000_000,
        }

    def _next(self, counter: str) -> int:
        self._counters[counter] += 1 + self.rng.randrange(3)
        return self._counters[counter]

    def _add(
        self,
        system: str,
        record_id: str,
        person: int,
        household: int,
        role: str,
        reference: str,
        since: date,
        faults: tuple[str, ...] | None = None,
    ) -> None:
        p = self.people[person]
        chosen = faults if faults is not None else _faults(self.rng, system, p)
        salt = 0 if faults is not None else self.rng.getrandbits(32)
        self.views[system].append(
            Membership(system, record_id, person, household, role, reference, since, chosen, salt)
        )

    def plan(self, showcase: int | None, decoy: int | None) -> dict[str, list[Membership]]:
        """Every system's memberships, in the order the systems would list them."""
        rng = self.rng
        for h, hh in enumerate(self.households):
            members = [i for i in hh.members if i < len(self.people)]
            if not members:
                continue
            forced = showcase in members
            if forced or decoy in members or rng.random() < 0.98:
                self._council_tax(h, hh, forced)
            head = self.people[members[0]]
            chance = {"social": 0.55, "private": 0.3, "owner": 0.07}[hh.tenure] + (
                0.1 if head.age >= 66 else 0
            )
            if forced or (decoy not in members and rng.random() < chance):
                self._benefits(h, hh, members, forced)
            if hh.tenure == "social":
                self._housing(h, hh, members, forced)
        return self.views

    def _council_tax(self, h: int, hh: Household, forced: bool) -> None:
        account = f"{self._next('ct_account'):08d}"
        for i in hh.liable:
            faults = ("upper_case", "dob_missing", "uprn_present") if forced else None
            self._add(
                "council_tax",
                f"CT{self._next('ct_party'):08d}",
                i,
                h,
                "liable_party",
                account,
                hh.moved_in,
                faults,
            )

    def _benefits(self, h: int, hh: Household, members: list[int], forced: bool) -> None:
        rng = self.rng
        head = self.people[members[0]]
        prefix = "CTR" if hh.tenure == "owner" else "HB"
        claim = f"{prefix}{self._next('claim'):07d}"
        start = AS_OF - timedelta(days=rng.randrange(30, 8 * 365))
        since = max(start, hh.moved_in, date(head.dob.year + 18, 1, 1))
        faults = ("nino_present", "address_one_line", "uprn_present") if forced else None
        self._add("benefits", f"{claim}-01", members[0], h, "claimant", claim, since, faults)
        if hh.kind in ("couple", "family", "three_generation") and len(members) > 1:
            self._add("benefits", f"{claim}-02", members[1], h, "partner", claim, since)

    def _housing(self, h: int, hh: Household, members: list[int], forced: bool) -> None:
        tenancy = f"TEN{self._next('tenancy'):06d}"
        for n, i in enumerate(members):
            role = "lead_tenant" if n == 0 else "joint_tenant" if i in hh.liable else "household_member"
            faults = ("nickname", "nino_present", "uprn_present", "abbreviated") if forced else None
            self._add("housing", f"HT{self._next('tenant'):07d}", i, h, role, tenancy, hh.moved_in, faults)
