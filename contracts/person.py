"""PersonRecord: one source system's view of one person, validated and standardised at the boundary."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from contracts.rules import (
    IDENTIFIER_CHECKS,
    ROUNDED_REASON,
    check_date_parts,
    check_uk_postcode,
    check_uprn,
    country_code,
    postcode_and_place,
    postcode_from_lines,
    rounded_number,
    written_date_parts,
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DataQualityIssue(_Model):
    """A value kept as given but not trusted: the field it sits in and the rule it breaks."""

    field: str
    value: str
    rule: str


_SCHEME_ALIASES = {
    "ni": "nino",
    "ni_number": "nino",
    "ni_no": "nino",
    "national_insurance": "nino",
    "national_insurance_number": "nino",
    "nhs_number": "nhs",
    "nhs_no": "nhs",
}
"""Other names extracts give the NI and NHS number schemes (``NI Number``, ``NHS No``)."""


@lru_cache(maxsize=4096)
def _scheme_name(scheme: str) -> str:
    """A scheme's standard name: lower case, words joined by underscores, ``NI Number`` read as ``nino``
    and ``NHS No`` as ``nhs`` (few schemes, many records)."""
    name = "_".join(scheme.strip().lower().replace("-", " ").replace(".", " ").split())
    return _SCHEME_ALIASES.get(name, name)


class Identifier(_Model):
    """An identifier a person holds in some scheme. Known schemes are standardised and checked."""

    scheme: str = Field(min_length=1, max_length=64, description="e.g. nino, nhs, uprn, council_tax_account")
    value: str = Field(min_length=1, max_length=128)
    invalid: str | None = Field(default=None, description="The rule the value breaks; None when valid.")

    @model_validator(mode="after")
    def _standardise(self) -> Identifier:
        # Fields are written to __dict__ directly (as object.__setattr__ would, but cheaper): a million
        # records pass through here.
        fields = self.__dict__
        scheme = fields["scheme"] = _scheme_name(self.scheme)
        if self.invalid is None:
            if rounded_number(self.value):
                fields["value"], fields["invalid"] = self.value.strip(), ROUNDED_REASON
            else:
                check = IDENTIFIER_CHECKS.get(scheme)
                if check is not None:
                    fields["value"], fields["invalid"] = check(self.value)
        return self

    @property
    def valid(self) -> bool:
        return self.invalid is None


_DATE_TEXT = re.compile(r"^(\d{4})(?:([-/.])(\d{1,2})(?:\2(\d{1,2}))?)?$")
"""YYYY, YYYY-MM or YYYY-MM-DD, the parts joined by hyphens (or all by slashes, or all by dots)."""
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
"""YYYYMMDD, as many extracts write a date."""
_WITH_TIME = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2})[ T](\d{1,2}):(\d{2})(?::\d{2}(?:[.,]\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
"""A date with a time of day, as a database's date-time column or a JSON serialiser writes a date of birth
(``1950-03-04T00:00:00``, ``1950-03-04 00:00:00.000``, ``1950-03-04T00:00:00+01:00``)."""
_SHAPE_RULE = "date.shape: YYYY-MM-DD, YYYY-MM, YYYY or DD/MM/YYYY (a year of four digits)"
_UTC = frozenset({"Z", "+00", "+0000", "+00:00", "-00", "-0000", "-00:00"})
_UK = ZoneInfo("Europe/London")


def _uk_date_of(day: str, hour: str, minute: str) -> str:
    """The UK calendar date of a moment written in UTC (``1980-06-14T23:00:00Z`` -> ``1980-06-15``): a
    system that keeps dates as moments writes a date of birth entered in British Summer Time as 23:00 UTC
    the day before. ``day`` as it is when it names no day."""
    year, month, of_month = (int(part) for part in day.split("-"))
    try:
        moment = datetime(year, month, of_month, int(hour), int(minute), tzinfo=UTC)
    except ValueError:
        return day
    return moment.astimezone(_UK).date().isoformat()


class BirthDate(_Model):
    """A date of birth, possibly partial (year, or year and month). An impossible date is kept as given."""

    text: str = Field(
        description="As given by the source: YYYY-MM-DD, YYYY-MM or YYYY (also YYYYMMDD, YYYY/MM/DD, "
        "YYYY.MM.DD, and a date with a time of day, whose time and offset are dropped, but a time in UTC "
        "(Z) is read as the UK date of that moment; a month or day of 00 is not known; DD/MM/YYYY, day "
        "first as UK systems write it, also with hyphens or dots or a time of day after it; a month by "
        "name, 4 Mar 1950, March 4, 1950 or Mar 1950; a year of two digits is not read)"
    )
    year: int | None = None
    month: int | None = None
    day: int | None = None
    invalid: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, date):
            return {"text": data.isoformat()}
        if isinstance(data, str):
            return {"text": data}
        return data

    @model_validator(mode="after")
    def _parse(self) -> BirthDate:
        if self.year is None and self.month is None and self.day is None and self.invalid is None:
            # A time of day is dropped, and so is any offset from UTC but UTC's own: a date of birth is
            # the calendar date as written, never moved into another zone (where 00:00+01:00 would be the
            # day before), but a moment in UTC is read as the UK date it was (23:00Z in summer time is
            # midnight of the next day).
            with_time = _WITH_TIME.match(self.text)
            if with_time is None:
                match = _DATE_TEXT.match(self.text)
            elif with_time.group(4) in _UTC:
                match = _DATE_TEXT.match(_uk_date_of(*with_time.group(1, 2, 3)))
            else:
                match = _DATE_TEXT.match(with_time.group(1))
            if match:
                year, month, day = (int(g) if g else None for g in match.group(1, 3, 4))
            elif compact := _COMPACT_DATE.match(self.text):
                year, month, day = (int(g) for g in compact.groups())
            elif written := written_date_parts(self.text):  # 04/03/1950, 4 Mar 1950
                year, month, day = written
            else:
                object.__setattr__(self, "invalid", _SHAPE_RULE)
                return self
            object.__setattr__(self, "year", year)
            object.__setattr__(self, "month", month)
            object.__setattr__(self, "day", day)
        # A month or day of zero is how many systems write "not known": 1950-00-00 is the year alone.
        if self.month == 0:
            object.__setattr__(self, "month", None)
            object.__setattr__(self, "day", None)
        elif self.day == 0:
            object.__setattr__(self, "day", None)
        if self.invalid is None:
            object.__setattr__(self, "invalid", check_date_parts(self.year, self.month, self.day))
        return self

    @property
    def as_date(self) -> date | None:
        """The full date when it is complete and valid."""
        if self.invalid or self.year is None or self.month is None or self.day is None:
            return None
        return date(self.year, self.month, self.day)


class PersonName(_Model):
    title: str | None = None
    given: str | None = None
    middle: str | None = None
    family: str | None = None
    kind: Literal["current", "previous", "alias", "birth"] = "current"


class Address(_Model):
    lines: list[str] = Field(default_factory=list, max_length=6)
    town: str | None = None
    postcode: str | None = None
    country: str = Field(default="GB", min_length=2, max_length=2, description="ISO 3166 alpha-2")
    uprn: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    kind: Literal["residential", "correspondence", "previous", "property"] = "residential"
    postcode_invalid: str | None = None
    uprn_invalid: str | None = None

    @field_validator("country", mode="before")
    @classmethod
    def _country_code(cls, value: Any) -> Any:
        """A country written as a name (``United Kingdom``, ``Poland``), or as ``UK``, as its code."""
        if not isinstance(value, str) or value == "GB":
            return value
        code = country_code(value)
        if len(code) != 2:
            raise ValueError(f"{value.strip()!r} is neither an ISO 3166 alpha-2 code nor a country's name")
        return code

    @field_validator("lines")
    @classmethod
    def _drop_blank_lines(cls, lines: list[str]) -> list[str]:
        return [line.strip() for line in lines if line and line.strip()]

    @model_validator(mode="after")
    def _standardise(self) -> Address:
        fields = self.__dict__  # see Identifier._standardise
        country = self.country
        if not country.isupper():
            country = fields["country"] = country.upper()
        if country == "GB" and self.postcode_invalid is None:
            if self.postcode:
                fields["postcode"], fields["postcode_invalid"] = check_uk_postcode(self.postcode)
                held = postcode_and_place(self.postcode) if fields["postcode_invalid"] else None
                if held is not None:  # "M5 4WT Salford": one field for the postcode and the town
                    fields["postcode"], fields["postcode_invalid"] = held[0], None
                    fields["town"] = self.town or held[1] or None
            else:
                # No postcode field, but the town or else the lines may end with one ("Salford M5 4WT"):
                # without it the record could not be found by postcode, nor matched on one.
                if self.town:
                    town, fields["postcode"] = postcode_from_lines([self.town])
                    fields["town"] = town[0] if town else None
                if self.lines and fields["postcode"] is None:
                    fields["lines"], fields["postcode"] = postcode_from_lines(self.lines)
        if self.uprn and self.uprn_invalid is None:
            fields["uprn"], fields["uprn_invalid"] = check_uprn(self.uprn)
        return self


class PersonRecord(_Model):
    """One source system's view of one person."""

    source_system: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_\-]+$")
    source_record_id: str = Field(min_length=1, max_length=128)
    name: PersonName
    other_names: list[PersonName] = Field(default_factory=list)
    date_of_birth: BirthDate | None = None
    identifiers: list[Identifier] = Field(default_factory=list)
    addresses: list[Address] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)
    sex: str | None = Field(
        default=None,
        max_length=32,
        description="Sex or gender as the source writes it (M, Female, ...): read as a man or a woman where"
        " it says one",
    )
    deceased: bool = False
    protected_address: bool = False
    updated_at: datetime | None = Field(default=None, description="When the source last changed the record")

    @property
    def source_key(self) -> str:
        return f"{self.source_system}/{self.source_record_id}"

    def data_quality_issues(self) -> list[DataQualityIssue]:
        """Every value kept as given that breaks a rule, with the field it sits in."""
        issues: list[DataQualityIssue] = []
        if self.date_of_birth is not None and self.date_of_birth.invalid:
            issues.append(
                DataQualityIssue(
                    field="date_of_birth", value=self.date_of_birth.text, rule=self.date_of_birth.invalid
                )
            )
        for i, ident in enumerate(self.identifiers):
            if ident.invalid:
                issues.append(
                    DataQualityIssue(
                        field=f"identifiers[{i}].{ident.scheme}", value=ident.value, rule=ident.invalid
                    )
                )
        for i, addr in enumerate(self.addresses):
            if addr.postcode_invalid and addr.postcode:
                issues.append(
                    DataQualityIssue(
                        field=f"addresses[{i}].postcode", value=addr.postcode, rule=addr.postcode_invalid
                    )
                )
            if addr.uprn_invalid and addr.uprn:
                issues.append(
                    DataQualityIssue(field=f"addresses[{i}].uprn", value=addr.uprn, rule=addr.uprn_invalid)
                )
        for i, phone in enumerate(self.phones):
            if rounded_number(phone):
                issues.append(DataQualityIssue(field=f"phones[{i}]", value=phone, rule=ROUNDED_REASON))
        return issues

    def valid_identifiers(self, scheme: str) -> list[str]:
        return [i.value for i in self.identifiers if i.scheme == scheme and i.valid]
