"""Comparators: small declarative objects, one per field, each grading a pair into ordered levels.

Every comparator lists its levels from the strongest agreement to ``different``; ``missing`` (either side
has no value) always exists and weighs nothing. Levels named in ``conflicts`` say "these are two people"
(different first names, different dates of birth, Jr against Sr): the engine caps the total below the link
threshold unless a level named in ``overrides`` (the same NI or NHS number) says otherwise. A household
comparator's ``overrides`` count only where a parameter set finds the field personal (FEBRL's social
security id is one person's; a council tax account is a household's).
Fuzzy similarity is rapidfuzz's, with ``processor=None`` passed explicitly: the features are already
standardised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler

from matching.addresses import postcode_parts
from matching.names import BIRTH_ORDER, formal_initials, gaelic_form, mistyped_nickname, nickname_related

Features = Mapping[str, Any]
MISSING = "missing"


@lru_cache(maxsize=524288)
def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity in [0, 1] (cached: names repeat)."""
    return float(JaroWinkler.normalized_similarity(a, b, processor=None))


@lru_cache(maxsize=262144)
def _one_edit(a: str, b: str) -> bool:
    return int(OSA.distance(a, b, processor=None, score_cutoff=1)) <= 1


def _shared(x: Sequence[str], y: Sequence[str]) -> bool:
    """Whether two short lists of values have one in common (what ``set(x) & set(y)`` says, without
    building the sets: these lists hold one or two values)."""
    return any(value in y for value in x)


@dataclass(frozen=True, slots=True)
class Comparator:
    """A field comparator: its name in explanations, its levels, and what its levels mean for decisions."""

    name: str
    label: str
    levels: tuple[str, ...]
    conflicts: frozenset[str] = frozenset()
    overrides: frozenset[str] = frozenset()
    """Levels that say "one person" whatever conflicts: agreement on an identifier issued to one person.
    Ignored while the field counts as household evidence."""
    term_frequency: str = ""
    """The feature whose value frequency adjusts the ``exact`` level ("" for none)."""
    feature: str = ""
    """The feature compared, for comparators that serve several fields."""
    usually_missing: bool = False
    """Absent from most records (a Jr/Sr suffix): a missing level is not worth listing, and a link
    between records without it still counts as informed (see :meth:`FellegiSunterEngine.cluster`)."""
    agreement_weighs: bool = True
    """Whether agreeing adds weight. Not for a field the names already imply (the sex a title says: two
    records of one first name are nearly always of one sex), where only a disagreement is evidence."""
    conflict_apart: bool = False
    """Whether a conflict on this field alone says two people, however little else agrees: dates of birth
    far apart, Jr against Sr. (First names conflict through nicknames and slips, titles through defaults.)
    See :class:`~matching.scoring.Scorer`."""
    household: bool = False
    """Evidence that members of one household share (address, landline, an account or tenancy reference).
    Such fields are not independent of each other, so the engine counts only the strongest agreement
    among them: living together is one fact, not three. This is the shipped default; a parameter set
    may say otherwise (training decides from the data whether a reference is shared)."""

    def level(self, a: Features, b: Features) -> str:
        """The level of agreement of ``a`` and ``b`` on this field (symmetric)."""
        raise NotImplementedError


class GivenName(Comparator):
    def level(self, a: Features, b: Features) -> str:
        ga, gb = a.get("g"), b.get("g")
        if not ga or not gb:
            return MISSING
        if ga == gb:
            # Two initials alike are no more than initials agreeing: as an "exact" name, a letter
            # missing from the frequency tables weighed as the rarest of names.
            return "exact" if len(ga) > 1 else "initial"
        if len(ga) == 1 or len(gb) == 1:
            if ga[0] == gb[0]:
                return "initial"
            # Known by the middle name, the first written as an initial: "J David" and "David". (An initial
            # against the other's middle name is not taken: "M A Smith" and her daughter Anne.)
            full, other, initial = (gb, a, ga) if len(ga) == 1 else (ga, b, gb)
            if len(full) > 1 and _in_words(full, other.get("m")):
                return "nickname"
            # The initial of the name a diminutive stands for: "C Parker" and "Lottie Parker" (Charlotte).
            return "initial" if len(full) > 1 and initial in formal_initials(full) else "different"
        similar = _given_similarity(ga, gb)
        if similar == "nickname":
            return similar
        if (
            ga in b.get("go", ())
            or gb in a.get("go", ())
            or _in_words(ga, b.get("m"))
            or _in_words(gb, a.get("m"))
        ):
            return "nickname"
        if _run_together(ga, gb, a.get("m")) or _run_together(gb, ga, b.get("m")):
            return "exact"
        return similar


def middles_differ(ma: str, mb: str) -> bool:
    """Whether two records' middle names have nothing in common: no word, no initial of the other's word,
    no form or spelling of it (see :class:`~matching.scoring.Scorer`, which decides what that says)."""
    return middle_level(ma, mb) == "different"


@lru_cache(maxsize=65536)
def middle_level(ma: str, mb: str) -> str:
    """How two records' middle names (both held) agree: a name both hold (``Karen Louise`` and ``Karen``),
    a form or spelling of one (``Kate`` and ``Katherine``), an initial agreeing (``K`` and ``Karen``, ``K``
    and ``K``), or nothing in common (cached: one household's names meet again and again)."""
    best = 0
    for x in ma.split():
        for y in mb.split():
            if x == y:
                if len(x) > 1:
                    return "exact"
                best = max(best, 1)
            elif len(x) == 1 or len(y) == 1:
                if x[0] == y[0]:
                    best = max(best, 1)
            elif best < 2 and _given_similarity(x, y) != "different":
                best = 2
    return _MIDDLE_LEVELS[best]


_MIDDLE_LEVELS = ("different", "initial", "close")


def _run_together(first: str, other: str, middle: str | None) -> bool:
    """Whether ``other`` is ``first`` and the first of the other given names written as one word
    (``Maryjane`` for Mary-Jane, ``Jeanpaul`` for Jean Paul)."""
    if not middle or len(other) <= len(first) or not other.startswith(first):
        return False
    return middle.partition(" ")[0] == other[len(first) :]


@lru_cache(maxsize=262144)
def _given_similarity(ga: str, gb: str) -> str:
    """How two different first names of two letters or more agree, other names aside (cached: one
    household's names meet again and again)."""
    if nickname_related(ga, gb):
        return "nickname"
    similar = _similarity_of(ga, gb)
    if similar != "close" and mistyped_nickname(ga, gb):
        return "nickname"  # Jmaes (James mistyped) and Jimmy
    return similar


def _similarity_of(a: str, b: str) -> str:
    """``close``, ``somewhat`` or ``different`` for two different names (the callers cache it)."""
    similarity = JaroWinkler.normalized_similarity(a, b, processor=None)
    if similarity >= 0.92 or OSA.distance(a, b, processor=None, score_cutoff=1) <= 1:
        return "close"
    if similarity >= 0.85:
        return "somewhat"
    return "different"


spelling_level = lru_cache(maxsize=262144)(_similarity_of)
"""``close``, ``somewhat`` or ``different`` for two different names, by spelling alone (cached)."""


def _in_words(word: str, words: str | None) -> bool:
    return bool(words) and word in words.split()  # type: ignore[union-attr]


class FamilyName(Comparator):
    def level(self, a: Features, b: Features) -> str:
        fa, fb = a.get("f"), b.get("f")
        if not fa or not fb:
            return MISSING
        ja, jb = fa.replace(" ", ""), fb.replace(" ", "")
        if ja == jb:
            return "exact"
        # One-word surnames and no others: the name sets are {ja} and {jb}, which cannot meet.
        if " " in fa or " " in fb or a.get("fo") or b.get("fo"):
            names_a = {ja, *fa.split(), *(o.replace(" ", "") for o in a.get("fo", ()))}
            names_b = {jb, *fb.split(), *(o.replace(" ", "") for o in b.get("fo", ()))}
            if not names_a.isdisjoint(names_b):
                return "other"
        if ("mc" in ja or "mc" in jb) and gaelic_form(fa) == gaelic_form(fb):
            return "exact"
        if (fa in SHARED_SURNAMES and _in_words(fa, b.get("m"))) or (
            fb in SHARED_SURNAMES and _in_words(fb, a.get("m"))
        ):
            return "other"  # "Harpreet Kaur" against "Harpreet Kaur Gill": Kaur as a middle name there
        level = spelling_level(ja, jb)
        if level in _UNLIKE and (
            _named_by(a.get("fe"), fb, b.get("fo")) or _named_by(b.get("fe"), fa, a.get("fo"))
        ):
            # The surname one record's e-mail address names is one the other record holds (Karen Mitchell,
            # karen.cook@, against Karen Cook): not merely a word both addresses hold, as one address on
            # both records is the e-mail comparator's to weigh.
            return "in_email"
        return level


_UNLIKE = frozenset({"somewhat", "different"})


def _named_by(named: Sequence[str] | None, family: str, others: Sequence[str] | None) -> bool:
    """Whether a surname an e-mail address names (``named``) is ``family`` (or a part of it) or one of
    ``others``."""
    if not named:
        return False
    held = {family.replace(" ", ""), *family.split(), *(o.replace(" ", "") for o in others or ())}
    return not held.isdisjoint(named)


SHARED_SURNAMES = frozenset({"singh", "kaur", "begum", "khatun", "bibi"})
"""Names that Sikh men and women (Singh, Kaur) and many Bangladeshi and Pakistani women (Begum, Khatun, Bibi)
hold as a surname in one record and as a middle name before the family's surname in another."""


class OneValue(Comparator):
    """A feature holding one short code (a Jr/Sr suffix, the sex a title says): the same or different."""

    def level(self, a: Features, b: Features) -> str:
        va, vb = a.get(self.feature), b.get(self.feature)
        if not va or not vb:
            return MISSING
        return "exact" if va == vb else "different"


NO_SUFFIX = "none"
"""The suffix a record is read with against a record of its household that has one (see
:class:`~matching.scoring.Scorer`): a Jr/Sr that one household's records write for one and not the other
tells two people apart."""


class MiddleName(Comparator):
    """Middle names (:func:`middle_level`); many records hold none: missing."""

    def level(self, a: Features, b: Features) -> str:
        ma, mb = a.get("m"), b.get("m")
        if not ma or not mb:
            return MISSING
        return middle_level(ma, mb)


class Suffix(OneValue):
    """A Jr/Sr suffix, or the number a multiple birth's child is known by before it is named (``birth 1`` for
    "Twin 1"): the same or different. A child known only by its number against a record without one (a
    named child, "Baby Smith") is different too: which of the twins that is cannot be told."""

    def level(self, a: Features, b: Features) -> str:
        va, vb = a.get(self.feature), b.get(self.feature)
        if va and vb:
            return "exact" if va == vb else "different"
        # (Written out rather than through OneValue.level: every pair of records passes here, most of them
        # with no suffix on either side.)
        alone = va or vb
        return "different" if alone and alone.startswith(BIRTH_ORDER) else MISSING


class DateOfBirth(Comparator):
    def level(self, a: Features, b: Features) -> str:
        da, db = a.get("d"), b.get("d")
        if not da or not db:
            return MISSING
        ya, ma, day_a = da
        yb, mb, day_b = db
        if ma is None or mb is None or day_a is None or day_b is None:
            if ya != yb:
                return "close" if _one_edit(str(ya), str(yb)) and ma is not None and ma == mb else "different"
            if ma is None or mb is None or ma == mb:
                return "partial"
            return "different"
        if ya == yb and ma == mb and day_a == day_b:
            return "exact"
        if ya == yb and ma == day_b and day_a == mb:
            return "close"
        same = (ya == yb) + (ma == mb) + (day_a == day_b)
        if same == 2:
            if ya != yb:
                return "close" if _one_edit(str(ya), str(yb)) else "different"
            odd = (ma, mb) if ma != mb else (day_a, day_b)
            return "close" if _one_edit(str(odd[0]), str(odd[1])) else "different"
        return "different"


class Identifier(Comparator):
    """NI or NHS number: the same, one keying slip apart, or different."""

    def level(self, a: Features, b: Features) -> str:
        va, vb = a.get(self.feature), b.get(self.feature)
        if not va or not vb:
            return MISSING
        if _shared(va, vb):
            return "exact"
        if any(_one_edit(x, y) for x in va for y in vb):
            return "close"
        return "different"


class OtherIdentifiers(Comparator):
    """Identifiers in any other scheme (council tax account, claim, tenancy, ...), compared scheme by
    scheme; only schemes both records hold count."""

    def level(self, a: Features, b: Features) -> str:
        ia, ib = a.get("i"), b.get("i")
        if not ia or not ib:
            return MISSING
        if _shared(ia, ib):
            return "exact"
        schemes_b: dict[str, list[str]] = {}
        for tagged in ib:
            scheme, _, value = tagged.partition(":")
            schemes_b.setdefault(scheme, []).append(value)
        shared = False
        for tagged in ia:
            scheme, _, value = tagged.partition(":")
            for other in schemes_b.get(scheme, ()):
                shared = True
                if len(value) >= 4 and _one_edit(value, other):
                    return "close"
        return "different" if shared else MISSING


def _street_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    return float(fuzz.token_set_ratio(a, b, processor=None))


_ADDRESS_RANK = {"exact": 0, "close": 1, "somewhat": 2, "district": 3, "different": 4}


def _address_pair(x: Sequence[str], y: Sequence[str]) -> str:
    if tuple(x) == tuple(y):
        return "exact"
    pa, flat_a, num_a, street_a, town_a = x
    pb, flat_b, num_b, street_b, town_b = y
    same_postcode = bool(pa) and pa == pb
    same_number = bool(num_a) and num_a == num_b and flat_a == flat_b
    if not same_number and street_a == street_b and bool(street_a):
        # "Flat 2, Mill House" against "2 Mill House": one number, which only one system calls a flat's.
        same_number = (not num_a and not flat_b and flat_a == num_b != "") or (
            not num_b and not flat_a and flat_b == num_a != ""
        )
        # "14/2 High Street" is flat 2 of number 14 in Edinburgh, and flat 14 of number 2 as Australia (and
        # this reading) write it: against "Flat 2, 14 High Street" the two numbers are the other way round.
        if not same_number and flat_a == num_b != "" and num_a == flat_b != "":
            return "close" if same_postcode or (not pa or not pb) and town_a == town_b else "somewhat"
    if same_postcode or same_number:
        street = _street_similarity(street_a, street_b)
        if same_number and street >= 90 and (same_postcode or (not pa or not pb) and town_a == town_b):
            return "exact"
        if same_postcode and (same_number or (not num_a and not num_b and street >= 90)):
            return "close"
        if same_number and street >= 90:
            return "close"
        if same_postcode or street >= 80:
            return "somewhat"
    # Neither the postcode nor the house number agrees (most pairs): the street's spelling is compared
    # only within one postcode sector.
    parts_a, parts_b = postcode_parts(pa), postcode_parts(pb)
    if parts_a and parts_b:
        if parts_a[1] == parts_b[1] and _street_similarity(street_a, street_b) >= 80:
            return "somewhat"
        if parts_a[0] == parts_b[0]:
            return "district"
    elif pa and pb and (_one_edit(pa, pb) or (town_a and town_a == town_b)):
        return "district"
    if not pa and not pb and town_a and town_a == town_b:
        return "district"
    return "different"


class Address(Comparator):
    """Best agreement between any address of one record and any of the other (UPRN first)."""

    def level(self, a: Features, b: Features) -> str:
        ua, ub = a.get("u"), b.get("u")
        if ua and ub and _shared(ua, ub):
            return "exact"
        aa, ab = a.get("a"), b.get("a")
        if not aa or not ab:
            return MISSING
        best = "different"
        for x in aa:
            for y in ab:
                level = _address_pair(x, y)
                if _ADDRESS_RANK[level] < _ADDRESS_RANK[best]:
                    best = level
                    if best == "exact":
                        return best
        return best


class Phone(Comparator):
    def level(self, a: Features, b: Features) -> str:
        pa, pb = a.get("p"), b.get("p")
        if not pa or not pb:
            return MISSING
        return "exact" if _shared(pa, pb) or _local_in(pa, pb) or _local_in(pb, pa) else "different"


def _local_in(local: Sequence[str], whole: Sequence[str]) -> bool:
    """Whether a landline written without its area code (a local number: digits alone, see
    :func:`~matching.addresses.standard_phone`) ends a UK landline the other record holds whole (``7452291``
    and ``+441617452291``)."""
    return any(
        number[0] != "+"
        and len(number) <= 8
        and any(w.startswith(_UK_LANDLINE) and w.endswith(number) for w in whole)
        for number in local
    )


_UK_LANDLINE = ("+441", "+442")
"""How UK geographic numbers begin in E.164 (01 and 02 numbers): a local number is one of these."""


class Email(Comparator):
    def level(self, a: Features, b: Features) -> str:
        ea, eb = a.get("e"), b.get("e")
        if not ea or not eb:
            return MISSING
        if _shared(ea, eb):
            return "exact"
        locals_a = {e.partition("@")[0] for e in ea}
        locals_b = {e.partition("@")[0] for e in eb}
        if locals_a & locals_b or any(jaro_winkler(x, y) >= 0.95 for x in locals_a for y in locals_b):
            return "close"
        return "different"


NATIONAL_NUMBERS = frozenset({"nino", "nhs"})
"""The comparators of numbers that services key on a relative's record by mistake (a joint claim's lead
claimant's NI number on the partner's, a mother's NHS number on her baby's): one agreeing overrides one
conflict, not two (see :class:`~matching.scoring.Scorer`). A reference training finds personal, of the
data's own making, overrides any."""

COMPARATORS: tuple[Comparator, ...] = (
    GivenName(
        "given",
        "first name",
        ("exact", "nickname", "close", "initial", "somewhat", "different"),
        conflicts=frozenset({"different"}),
        term_frequency="g",
    ),
    MiddleName("middle", "middle name", ("exact", "close", "initial", "different"), usually_missing=True),
    FamilyName(
        "family",
        "surname",
        ("exact", "other", "in_email", "close", "somewhat", "different"),
        term_frequency="f",
    ),
    Suffix(
        "generation",
        "Jr/Sr or twin number",
        ("exact", "different"),
        conflicts=frozenset({"different"}),
        feature="x",
        usually_missing=True,
        conflict_apart=True,
    ),
    # Two records of one first name are nearly always of one sex: only titles that differ are evidence.
    OneValue(
        "sex",
        "sex (by title or sex field)",
        ("exact", "different"),
        conflicts=frozenset({"different"}),
        feature="s",
        usually_missing=True,
        agreement_weighs=False,
    ),
    DateOfBirth(
        "dob",
        "date of birth",
        ("exact", "close", "partial", "different"),
        conflicts=frozenset({"different"}),
        conflict_apart=True,
    ),
    Identifier(
        "nino", "NI number", ("exact", "close", "different"), overrides=frozenset({"exact"}), feature="n"
    ),
    Identifier(
        "nhs", "NHS number", ("exact", "close", "different"), overrides=frozenset({"exact"}), feature="h"
    ),
    OtherIdentifiers(
        "ids", "reference", ("exact", "close", "different"), overrides=frozenset({"exact"}), household=True
    ),
    Address("address", "address", ("exact", "close", "somewhat", "district", "different"), household=True),
    Phone("phone", "phone number", ("exact", "different"), household=True),
    Email("email", "e-mail", ("exact", "close", "different")),
)
"""The default comparators, in the order explanations list them."""
