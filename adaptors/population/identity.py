"""Valid, unique national identifiers and contact details for synthetic people."""

from __future__ import annotations

import random

_NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_UNISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_NINO_PREFIXES = tuple(a + b for a in _NINO_FIRST for b in _NINO_SECOND if a + b not in _UNISSUED)
_EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.co.uk")


class IdentityFactory:
    """Hands out NINOs and NHS numbers that pass HMRC's and the NHS's rules, never the same twice."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._ninos: set[str] = set()
        self._nhs: set[str] = set()

    def nino(self) -> str:
        """A National Insurance number: an issued prefix, six digits, suffix A-D."""
        rng = self._rng
        while True:
            value = (
                f"{_NINO_PREFIXES[rng.randrange(len(_NINO_PREFIXES))]}"
                f"{rng.randrange(1_000_000):06d}{'ABCD'[rng.randrange(4)]}"
            )
            if value not in self._ninos:
                self._ninos.add(value)
                return value

    def nhs_number(self) -> str:
        """A ten-digit NHS number with a correct modulus 11 check digit."""
        rng = self._rng
        while True:
            number = rng.randrange(400_000_000, 709_999_999)
            total, rest = 0, number
            for weight in range(2, 11):  # the last digit has weight 2, the first weight 10
                total += (rest % 10) * weight
                rest //= 10
            check = (11 - total % 11) % 11
            if check == 10:
                continue
            value = f"{number}{check}"
            if value not in self._nhs:
                self._nhs.add(value)
                return value

    def phone(self) -> str | None:
        """A UK mobile or landline as people give it, or None (about a third give none)."""
        rng = self._rng
        roll = rng.random()
        if roll < 0.33:
            return None
        if roll < 0.85:
            return f"07{rng.randrange(100, 999)} {rng.randrange(100_000, 999_999)}"
        return f"0161 {rng.randrange(200, 999)} {rng.randrange(1000, 9999)}"

    def email(self, given: str, family: str, birth_year: int) -> str | None:
        """An e-mail address built the way people build them, or None (fewer among the old)."""
        rng = self._rng
        if rng.random() < (0.75 if birth_year < 1950 else 0.35):
            return None
        g = given.lower()
        f = family.lower().replace("-", "").replace("'", "").replace(" ", "")
        style = rng.randrange(4)
        if style == 0:
            local = f"{g}.{f}"
        elif style == 1:
            local = f"{g[0]}{f}"
        elif style == 2:
            local = f"{g}{f}{birth_year % 100:02d}"
        else:
            local = f"{g}_{f}{rng.randrange(1, 99)}"
        return f"{local}@{_EMAIL_DOMAINS[rng.randrange(len(_EMAIL_DOMAINS))]}"

    def reserve(self, nino: str, nhs_number: str) -> None:
        """Keep these numbers out of the ones handed out (they belong to a planted person)."""
        self._ninos.add(nino)
        self._nhs.add(nhs_number)
