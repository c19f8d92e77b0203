"""The synthetic population: ground truth, each system's view of it, service events and the fault log."""

from __future__ import annotations

from collections.abc import Iterator

from adaptors.population.coverage import SYSTEMS, CoveragePlanner, Membership, logged
from adaptors.population.events import events_for
from adaptors.population.households import HouseholdBuilder
from adaptors.population.people import Household, Person
from adaptors.population.records import build_record
from adaptors.population.rng import FastRandom
from contracts import PersonRecord, ServiceEvent


class Population:
    """A synthetic council population and the views three back-office systems hold of it.

    Records and events are built on demand from a compact plan (one ``Membership`` per source record),
    so a population of a million people is cheap to hold; every call builds the same values again.

    Attributes:
        people: The ground truth, one ``Person`` per resident.
        households: Who lives together at which property.
        systems: The back-office systems, ``("council_tax", "benefits", "housing")``.
        truth: ``"system/record_id" -> person_id`` for every record of every system.
        faults: ``"system/record_id" -> fault names`` for every record that carries a fault.
        showcase: The person id of Margaret ("Peggy") Smith of Salford M5, in all three systems.
        showcase_decoy: The person id of the other Margaret Smith (empty for a population of one).
    """

    systems: tuple[str, ...] = SYSTEMS

    def __init__(
        self,
        people: list[Person],
        households: list[Household],
        views: dict[str, list[Membership]],
        showcase: str,
        showcase_decoy: str,
    ) -> None:
        self.people = people
        self.households = households
        self.showcase = showcase
        self.showcase_decoy = showcase_decoy
        self._views = views
        self._showcase_index = int(showcase[1:]) - 1
        self.truth: dict[str, str] = {
            m.source_key: people[m.person].person_id for view in views.values() for m in view
        }
        self.faults: dict[str, tuple[str, ...]] = {}
        for view in views.values():
            for m in view:
                found = logged(m.faults)
                if found:
                    self.faults[f"{m.system}/{m.record_id}"] = found

    def _view(self, system: str) -> list[Membership]:
        if system not in self._views:
            raise ValueError(f"unknown system {system!r}; expected one of {', '.join(self.systems)}")
        return self._views[system]

    def memberships(self, system: str) -> list[Membership]:
        """The plan of ``system``'s records: id, person index, role, service reference and faults."""
        return list(self._view(system))

    def record_count(self, system: str) -> int:
        """How many records ``system`` holds, without building them."""
        return len(self._view(system))

    def iter_person_records(self, system: str) -> Iterator[PersonRecord]:
        """Stream ``system``'s PersonRecords, in the system's own order (use this at 1M people)."""
        people = self.people
        for m in self._view(system):
            yield build_record(people[m.person], m)

    def person_records(self, system: str) -> list[PersonRecord]:
        """``system``'s view of the population, one PersonRecord per source record, faults included.

        Args:
            system: One of ``Population.systems``.

        Returns:
            The records, in the system's own order. Built afresh on every call (about 60 µs each).
        """
        return list(self.iter_person_records(system))

    def iter_service_events(self, system: str) -> Iterator[ServiceEvent]:
        """Stream the service events of ``system``'s records, record by record."""
        people, households = self.people, self.households
        for m in self._view(system):
            yield from events_for(m, households[m.household], people, m.person == self._showcase_index)

    def service_events(self, system: str) -> list[ServiceEvent]:
        """Service events for ``system``'s records; each names its record's ``source_record_id``.

        Args:
            system: One of ``Population.systems``.

        Returns:
            Bills, discounts and exemptions (council tax); claims, awards and payments (benefits);
            tenancies, repairs and arrears (housing). Ids are deterministic.
        """
        return list(self.iter_service_events(system))

    def person(self, person_id: str) -> Person:
        """The ground-truth person with this id."""
        return self.people[int(person_id[1:]) - 1]

    def records_of(self, person_id: str) -> list[str]:
        """The source keys of every record held about ``person_id``."""
        return [key for key, pid in self.truth.items() if pid == person_id]


def generate_population(people: int = 5000, seed: int = 1) -> Population:
    """Generate a synthetic council population and its three back-office views.

    Args:
        people: How many residents (at least 1). The showcase resident always exists; her namesake
            exists from 2 people up.
        seed: The same seed and size give identical people, records, events and truth.

    Returns:
        The population; records and events are built on demand.

    Raises:
        ValueError: ``people`` is less than 1.
    """
    if people < 1:
        raise ValueError("people must be at least 1")
    builder = HouseholdBuilder(FastRandom(f"{seed}:people"), people)
    showcase, decoy = builder.build()
    index = {p.person_id: i for i, p in enumerate(builder.people) if p.person_id in (showcase, decoy)}
    views = CoveragePlanner(seed, builder.people, builder.households).plan(
        index.get(showcase), index.get(decoy)
    )
    return Population(builder.people, builder.households, views, showcase, decoy)
