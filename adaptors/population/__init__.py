"""A synthetic, realistic council population and the views of it held by three back-office systems.

Used by the demo, the reference legacy systems and the matching benchmarks::

    pop = generate_population(people=5000, seed=1)
    pop.person_records("council_tax")   # PersonRecords with realistic faults
    pop.truth                           # "system/record_id" -> person_id
"""

from adaptors.population.coverage import FAULT_RATES, SYSTEMS, Membership
from adaptors.population.people import AS_OF, Household, Person, Residence
from adaptors.population.population import Population, generate_population

__all__ = [
    "AS_OF",
    "FAULT_RATES",
    "SYSTEMS",
    "Household",
    "Membership",
    "Person",
    "Population",
    "Residence",
    "generate_population",
]
