"""Service events for each membership: council tax bills, benefit awards and payments, housing repairs.

Events are a pure function of the membership (its reference, dates and salt), so they are deterministic and
the parties to one account or claim see the same amounts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from adaptors.population.addresses import hash_text
from adaptors.population.coverage import Membership
from adaptors.population.people import AS_OF, Household, Person
from contracts import ServiceEvent

_BAND_CHARGE = {
    "A": 1512.18,
    "B": 1764.21,
    "C": 2016.24,
    "D": 2268.27,
    "E": 2772.33,
    "F": 3276.39,
    "G": 3780.45,
    "H": 4536.54,
}
_REPAIRS = (
    "Leaking kitchen tap",
    "Boiler not heating water",
    "Damp and mould in bedroom",
    "Broken window latch",
    "Front door lock sticking",
    "Blocked bathroom sink",
    "Loose stair handrail",
    "No power to sockets",
)


def _at(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(8 + minutes // 60 % 9, minutes % 60), tzinfo=UTC)


def _event(
    m: Membership, suffix: str, kind: str, day: date, summary: str, minutes: int = 0, **attributes: str
) -> ServiceEvent:
    return ServiceEvent(
        source_system=m.system,
        source_record_id=m.record_id,
        service_event_id=f"{m.record_id}:{suffix}",
        service=m.system,
        kind=kind,
        at=_at(day, minutes),
        summary=summary,
        reference=m.reference,
        attributes=attributes,
    )


def council_tax_events(m: Membership, hh: Household, people: list[Person]) -> Iterator[ServiceEvent]:
    """Annual bills since the account opened, discounts, exemptions and the odd missed payment."""
    account = hash_text(m.reference)
    charge = _BAND_CHARGE[hh.property.band]
    adults = [i for i in hh.members if i < len(people) and people[i].age >= 18 and not people[i].deceased]
    single = len(adults) == 1
    for year in range(max(AS_OF.year - 2, m.since.year), AS_OF.year + 1):
        fy = f"{year}/{(year + 1) % 100:02d}"
        amount = charge * (0.75 if single else 1.0) * (1 + 0.05 * (year - AS_OF.year))
        yield _event(
            m,
            f"bill:{year}",
            "bill_issued",
            date(year, 3, 10),
            f"Council tax bill {fy}, band {hh.property.band}",
            account % 300,
            financial_year=fy,
            band=hh.property.band,
            amount=f"{amount:.2f}",
        )
    if single:
        yield _event(
            m,
            "discount:spd",
            "discount_applied",
            max(m.since, date(AS_OF.year - 3, 4, 1)),
            "Single person discount (25%) applied",
            account % 240,
            discount="single_person",
            percent="25",
        )
    dead = [people[i] for i in hh.liable if i < len(people) and people[i].deceased]
    if dead and dead[0].date_of_death and not adults:
        yield _event(
            m,
            "exemption:F",
            "exemption_applied",
            dead[0].date_of_death + timedelta(days=21),
            "Class F exemption: liable person deceased",
            account % 200,
            exemption_class="F",
        )
    if account % 100 < 8:
        missed = date(AS_OF.year, 1 + account % 3, 1 + account % 28)
        yield _event(
            m,
            f"missed:{missed.isoformat()}",
            "payment_missed",
            missed,
            "Instalment not received; reminder issued",
            account % 180,
            instalment=str(1 + account % 10),
        )


def benefits_events(m: Membership, showcase: bool = False) -> Iterator[ServiceEvent]:
    """Claim made, award, payments (claimant only) and now and then a suspension."""
    claim = hash_text(m.reference)
    benefit = "council_tax_reduction" if m.reference.startswith("CTR") else "housing_benefit"
    label = benefit.replace("_", " ")
    yield _event(
        m,
        "claim",
        "claim_made",
        m.since,
        f"Claim for {label} made",
        claim % 300,
        benefit=benefit,
        role=m.role,
    )
    awarded = m.since + timedelta(days=14 + claim % 30)
    weekly = f"{60 + claim % 140}.{claim % 100:02d}"
    yield _event(
        m,
        "status:awarded",
        "claim_status_changed",
        awarded,
        f"{label.capitalize()} awarded",
        claim % 240,
        status="awarded",
        weekly_amount=weekly,
    )
    suspended = claim % 100 < 5 and not showcase
    if m.role != "claimant":
        return
    for n in range(3):
        paid = AS_OF - timedelta(days=14 * (n + 1) + claim % 14)
        if paid > awarded:
            yield _event(
                m,
                f"payment:{paid.isoformat()}",
                "payment_made",
                paid,
                f"{label.capitalize()} payment made",
                claim % 120,
                amount=f"{float(weekly) * 2:.2f}",
                period="fortnightly",
            )
    if suspended:
        day = AS_OF - timedelta(days=3 + claim % 10)
        yield _event(
            m,
            "status:suspended",
            "claim_status_changed",
            max(day, awarded),
            "Claim suspended pending evidence of income",
            claim % 200,
            status="suspended",
        )


def housing_events(m: Membership, showcase: bool = False) -> Iterator[ServiceEvent]:
    """Tenancy start for the tenants, repairs and arrears on the lead tenant's record."""
    tenancy = hash_text(m.reference)
    if m.role == "household_member":
        return
    yield _event(
        m,
        "tenancy",
        "tenancy_started",
        m.since,
        "Secure tenancy started",
        tenancy % 300,
        tenancy_type="secure",
        role=m.role,
    )
    if m.role != "lead_tenant":
        return
    repairs = max(0, tenancy % 10 - 6)
    for n in range(max(1, repairs) if showcase else repairs):
        day = AS_OF - timedelta(days=20 + (tenancy >> (4 + n)) % 700)
        repair = _REPAIRS[(tenancy >> n) % len(_REPAIRS)]
        yield _event(
            m,
            f"repair:{n + 1}",
            "repair_reported",
            max(day, m.since),
            f"Repair reported: {repair}",
            tenancy % 100 + n,
            priority="routine" if n else "urgent",
            job=f"R{tenancy % 900000 + n:06d}",
        )
    if tenancy % 100 < 12:
        owed = f"{100 + tenancy % 900}.{tenancy % 100:02d}"
        yield _event(
            m,
            "arrears",
            "rent_arrears",
            AS_OF - timedelta(days=5 + tenancy % 50),
            f"Rent arrears of £{owed}",
            tenancy % 60,
            amount=owed,
        )


def events_for(
    m: Membership, hh: Household, people: list[Person], showcase: bool = False
) -> list[ServiceEvent]:
    """All service events for one membership, oldest first; the showcase always has an award and a repair."""
    if m.system == "council_tax":
        events = list(council_tax_events(m, hh, people))
    elif m.system == "benefits":
        events = list(benefits_events(m, showcase))
    else:
        events = list(housing_events(m, showcase))
    events.sort(key=lambda e: (e.at, e.service_event_id))
    return events
