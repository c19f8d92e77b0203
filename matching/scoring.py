"""Fellegi-Sunter scoring of one pair: personal evidence, household evidence counted once, conflicts.

Split from :mod:`matching.engine` so that the hot loop reads as one small function. Personal fields
(names, date of birth, NI and NHS numbers, e-mail) are scored first; when they already decide that the
pair cannot reach a given floor (two conflicts, or one conflict without strong support), the household
fields are not looked at: most candidate pairs are members of one household, and this screen is what
keeps the cost per record low.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from matching.comparators import (
    MISSING,
    NATIONAL_NUMBERS,
    NO_SUFFIX,
    Comparator,
    OtherIdentifiers,
    Suffix,
    jaro_winkler,
    middles_differ,
    spelling_level,
)
from matching.names import BIRTH_ORDER, NAME_SPELLINGS, nickname_related
from matching.params import Params, log2_ratio

Features = Mapping[str, Any]

NAME_PREFIXES = frozenset({"abdul", "abdel", "abd", "abdur", "abdus", "abdal"}) | next(
    group for group in NAME_SPELLINGS if "muhammad" in group
)
"""First given names that start the name a man goes by more than they are it: Abdul, never a name alone
(Abdul Rahman, "servant of the Merciful"), and Muhammad in its spellings, given to many brothers before
each one's own name (Mohammed Imran, Mohammed Asif). Two records of one whose middle names differ are two
names, whatever the name tables hold."""
MIDDLE_NAME = "middle name"
"""The label of a first-name conflict that the middle names make (see :meth:`Scorer._other_middle_names`)."""
COMMON_NAME = 5.0
"""A name held by at least this many times the rarest share (about five records) is a name in its own
right, not a typo of another."""
_SLIPS = frozenset({"close", "somewhat"})
_ONE_FIRST_NAME = frozenset({"exact", "nickname"})
"""Levels of two first names that are one name (Mohammed and Muhammad too), whose middle names may yet say
two people (see :meth:`Scorer._other_middle_names`)."""
"""Levels of two names that may yet be two names in their own right (see :meth:`Scorer._two_names`)."""
_MAX_CACHED_WEIGHTS = 262144
"""Term-frequency weights remembered per scorer (one per distinct name; cleared when full)."""


class _Field(NamedTuple):
    """One personal comparator as the hot loop reads it."""

    name: str
    level: Callable[[Features, Features], str]
    weights: Mapping[str, float]
    term_frequency: str
    conflicts: frozenset[str]
    overrides: frozenset[str]
    label: str
    shown_missing: bool
    """Whether a missing level is listed (a missing Jr/Sr suffix is too common to mention)."""


GENERATION_YEARS = 14
"""Years between two dates of birth that one person's records never show by a slip: a parent and child."""


def _a_generation_apart(a: Features, b: Features) -> bool:
    """Whether two records' years of birth are :data:`GENERATION_YEARS` or more apart."""
    da, db = a.get("d"), b.get("d")
    return da is not None and db is not None and abs(da[0] - db[0]) >= GENERATION_YEARS


@dataclass(slots=True)
class Score:
    """The evidence for one pair before it becomes a :class:`~matching.model.Comparison`."""

    total: float
    levels: dict[str, str] = field(default_factory=dict)
    field_weights: dict[str, float] = field(default_factory=dict)
    capped_by: tuple[str, ...] = ()
    swapped: bool = False
    complete: bool = True
    """False when the screen stopped early: ``total`` is then an upper bound below the floor."""
    names_alone: bool = False
    """Held in the review band because nothing but the names agrees (see :class:`Scorer`)."""
    other_middles: bool = False
    """The first names are one, the middle names two (see :meth:`Scorer._other_middle_names`)."""
    apart: bool = False
    """The conflicts say two people (capped at :attr:`Scorer.apart`, whatever the total)."""
    held: str = ""
    """Why a rule holds the pair at a capped conflict's weight (see :class:`Scorer`), or ``""``:
    :data:`GENERATION` or :data:`ONE_REFERENCE`."""


GENERATION = "generation"
"""Held: one record names a generation (Jr, Sr) and the other, of one name, names none, with no two dates of
birth to say which of father and son it is."""
ONE_REFERENCE = "one reference"
"""Held: one system holds both records under one household reference (an account, a tenancy), one of them
undated: two members of the household, or one person written twice."""


class Scorer:
    """Scores pairs of feature dicts with one parameter set.

    Args:
        params: the parameter set.
        comparators: the comparators, in explanation order.
        conflict_cap: the most a pair with one well-supported conflict can weigh (inside the review band).
        review: the review threshold; a pair with one unsupported conflict weighs at most one below it.
        apart: the most a pair with two conflicts, or one unsupported conflict on a field whose conflict
            says two people (:attr:`Comparator.conflict_apart`), can weigh (below the review threshold):
            the weight clustering reads as "two people" (see :meth:`FellegiSunterEngine.cluster`). A pair
            with a conflict on such a field that weighs less than the review threshold all the same, its
            conflict well supported, is marked ``apart`` too (a father and son of one name and address:
            dates of birth decades apart, and their NI numbers and phones differ).

    Unless ``params.names_alone_link`` (parameters whose name frequencies were counted on the data
    itself), a pair that agrees on nothing but its names weighs at most :attr:`names_alone_cap`, in the
    review band: with the shipped frequency tables a name they do not list weighs as the rarest of names,
    and two namesakes of such a name, one with no date of birth, would link.

    Two rules hold a pair in the review band however much else (the address) agrees, where one of the two
    records has no date of birth and no NI or NHS number agrees. The pair weighs then as a capped conflict
    (``conflict_cap``), which clustering reads as a veto: a record of the shape does not join the citizen
    of the other through links that no date of birth informs (an undated record of the name that both of
    two men link equally):

    - A record naming a generation (``Robert Sedhurst Jr``) says that a father of that name lives, most often
      at the same address. Against a record of the name that names none (``MR ROBERT SEDHURST`` on the
      council tax account), which of the two men the other record is cannot be told.
    - One system holding both records under one household reference (``MR TARIQ KHAN`` and ``Mr Tariq M
      Khan`` on one council tax account): a system keeps a person once on an account, so these are two
      members of the household (a father and son) or one person written twice, which only a person can
      tell. (A reference that other systems hold too, a council tax account on a benefit claim, is no such
      sign: the rule reads the systems from the records' keys.) Only under parameters estimated from the
      data (:attr:`Params.household_estimated`): the shipped ones take every reference for a household's,
      and a reference each person holds alone, as FEBRL's copies of one person share theirs, says one person.
    """

    def __init__(
        self,
        params: Params,
        comparators: tuple[Comparator, ...],
        conflict_cap: float,
        review: float,
        apart: float,
        link: float,
    ) -> None:
        self.params = params
        self.conflict_cap = conflict_cap
        self.review = review
        self.below_review = review - 1.0
        self.apart = apart
        self._apart_labels = frozenset(c.label for c in comparators if c.conflict_apart)
        self._suffix = next((c.feature for c in comparators if isinstance(c, Suffix)), "")
        self._numbers = tuple((c.name, c.label) for c in comparators if c.name in NATIONAL_NUMBERS)
        self._references = next(
            (c for c in comparators if isinstance(c, OtherIdentifiers) and c.name in params.household), None
        )
        # Only parameters estimated from the data know a household's reference from a person's (see below).
        self._one_system_households = self._references is not None and params.household_estimated
        weights = params.weights
        shared = params.household
        # What the hot loop reads of each comparator, looked up once here rather than once per pair.
        self._personal = tuple(
            _Field(
                c.name,
                c.level,
                weights[c.name],
                c.term_frequency,
                c.conflicts,
                c.overrides,
                c.label,
                not c.usually_missing,
            )
            for c in comparators
            if c.name not in shared
        )
        self._household_fields = tuple(
            (c.name, c.level, weights[c.name]) for c in comparators if c.name in shared
        )
        self._household_best = max(
            (max(weights[c.name].values()) for c in comparators if c.name in shared), default=0.0
        )
        self._tf_exact_m = {
            c.name: params.levels[c.name]["exact"][0] for c in comparators if c.term_frequency
        }
        self._tf_weights: dict[tuple[str, str], float] = {}
        # A name word's other part (first name <-> surname), for pairs whose names are given the other way.
        names = [(c.name, c.term_frequency) for c in comparators if c.term_frequency]
        self._other_reading: dict[str, tuple[str, str]] = {}
        if len(names) == 2:
            self._other_reading = {names[0][1]: names[1], names[1][1]: names[0]}
        # Fields whose agreement says more than the names do: a date of birth, an identifier, an e-mail.
        self._beyond_names = tuple(
            c.name
            for c in comparators
            if c.name not in shared and not c.term_frequency and not c.usually_missing
        )
        # Halfway between the conflict cap and the link threshold: in the review band, and not the veto
        # weight the clustering reads as a conflict.
        self.names_alone_cap = (conflict_cap + link) / 2.0

    def score(self, a: Features, b: Features, floor: float | None = None, one_system: bool = False) -> Score:
        """Score ``a`` against ``b`` (the caller orders them, so that scoring is symmetric).

        Args:
            a: features of the record with the smaller key.
            b: features of the other.
            floor: when set, stop as soon as the pair provably weighs less than this; the result is then
                incomplete (no household levels) and its total an upper bound.
            one_system: whether one source system holds both records.
        """
        suffix = self._suffix
        if (suffix in a) is not (suffix in b) and self._one_household(a, b):
            # One household's records (a tenancy, an account) of one name, one with a Jr/Sr suffix and one
            # without: the system that wrote "Jr" for the son would have written it for him again.
            a, b = (a, {**b, suffix: NO_SUFFIX}) if suffix in a else ({**a, suffix: NO_SUFFIX}, b)
        which, one_word = _swapped(a, b)
        swapped = bool(which)
        given_as = b
        # Read the other way round, a record's e-mail address no longer names a surname beside its first
        # name ("fe"): kathleen_brown@ on Kathleen Scott's record says nothing of "Scott Brown".
        if which == "b":
            b = {**b, "g": b["f"].split()[0], "f": b["g"], "fe": ()}
        elif which == "a":
            given_as = a
            a = {**a, "g": a["f"].split()[0], "f": a["g"], "fe": ()}
        levels: dict[str, str] = {}
        field_weights: dict[str, float] = {}
        params = self.params
        total = params.prior
        support = 0.0
        conflicts: tuple[str, ...] = ()
        disagreements = 0
        overridden = national = False
        other_middles = False
        conflict_weight = params.conflict_weight
        for (
            name,
            level_of,
            weights,
            term_frequency,
            conflict_levels,
            override_levels,
            label,
            shown,
        ) in self._personal:
            level = level_of(a, b)
            if level == MISSING:
                if shown:
                    levels[name] = level
                continue
            if term_frequency and level in _SLIPS and self._two_names(term_frequency, level, a, b):
                level = "different"
            elif level in _ONE_FIRST_NAME and term_frequency == "g" and self._other_middle_names(a, b):
                level, label, other_middles = "different", MIDDLE_NAME, True
            elif level == "nickname" and self._twins_names(a, b):
                level = "different"
            if term_frequency and level == "exact":
                weight = self._tf_weight(name, term_frequency, a[term_frequency])
                if swapped and given_as.get(term_frequency):
                    # Which record holds its names the right way round is unknown: the agreement weighs
                    # as the commoner reading. (Read from ``a`` alone, "Lewandowska Zofia" against "Zofia
                    # Lewandowska" looked up a surname among first names, found it nowhere, and weighed
                    # as the rarest of names.)
                    weight = min(weight, self._tf_weight(name, term_frequency, given_as[term_frequency]))
                    # Where one word alone is alike across, nor is that word's part: "Roberts Gregory"
                    # against "Naomi Roberts" (one household) agree on "Roberts", to the name tables the
                    # rarest of first names and a common surname: it weighs as the commoner of the two.
                    other = self._other_reading.get(term_frequency)
                    if one_word and other is not None:
                        weight = min(weight, self._tf_weight(other[0], other[1], a[term_frequency]))
            else:
                weight = weights[level]
            levels[name] = level
            field_weights[name] = weight
            total += weight
            if level in conflict_levels and weight < 0.0:
                disagreements += 1
            if level in conflict_levels and weight <= conflict_weight:
                conflicts += (label,)
            elif weight > 0.0:
                support += weight
            if level in override_levels:
                overridden = True
                national = national or name in NATIONAL_NUMBERS
        members = False
        if not overridden and self._references is not None:
            for name, label in self._numbers:
                if levels.get(name) == "different" and self._one_household(a, b):
                    # Two records of one household (one tenancy, one account) holding two NI or NHS
                    # numbers: two of its members, whatever else agrees (a mother and a daughter of one name).
                    conflicts += (label,)
                    members = True
                    break
        cap = None
        two_people = (
            False  # members, or a conflict on a field whose conflict says two people (a date of birth)
        )
        if overridden:
            if conflicts and national and (disagreements > 1 or _a_generation_apart(a, b)):
                # One NI or NHS number on two records whose first names, dates of birth or titles differ,
                # two of them, or whose dates of birth are a generation apart: the number was keyed on the
                # wrong record (a partner's NI number on a joint claim, a mother's NHS number on her
                # baby's, the baby not yet named), not both fields wrong, nor a date so far off.
                cap = self.conflict_cap
        elif conflicts:
            if len(conflicts) > 1 or members:
                cap = self.apart
            elif support >= params.conflict_review_support:
                cap = self.conflict_cap
            else:
                cap = self.apart if conflicts[0] in self._apart_labels else self.below_review
            two_people = members or not self._apart_labels.isdisjoint(conflicts)
        if floor is not None:
            bound = total + self._household_best
            if cap is not None and cap < bound:
                bound = cap
            if bound < floor:
                apart = cap == self.apart or (two_people and bound < self.review)
                return Score(bound, levels, field_weights, (), swapped, False, apart=apart)
        total += self._score_household(a, b, levels, field_weights)
        names_alone = False
        if total > self.names_alone_cap and not params.names_alone_link and self._names_alone(field_weights):
            total = self.names_alone_cap
            names_alone = True
        held = ""
        if total > self.conflict_cap and not overridden and not (a.get("d") and b.get("d")):
            if self._which_generation(a, b):
                held = GENERATION
            elif one_system and self._one_system_households and self._one_household(a, b):
                held = ONE_REFERENCE
            if held:
                # At the weight of a capped conflict, which clustering reads as a veto (in the review band,
                # as before, but no longer outweighed by an undated record that links both men).
                total = self.conflict_cap
        capped: tuple[str, ...] = ()
        if cap is not None and total > cap:
            total = cap
            capped = conflicts
        return Score(
            total,
            levels,
            field_weights,
            capped,
            swapped,
            names_alone=names_alone,
            apart=cap == self.apart or (two_people and total < self.review),
            other_middles=other_middles,
            held=held,
        )

    def _which_generation(self, a: Features, b: Features) -> bool:
        """Whether one record names a generation (Jr, Sr, III) and the other none."""
        suffix = self._suffix
        va, vb = a.get(suffix), b.get(suffix)
        if (va is None) is (vb is None):
            return False
        named: str = va or vb or ""
        return bool(named) and named != NO_SUFFIX and not named.startswith(BIRTH_ORDER)

    def _one_household(self, a: Features, b: Features) -> bool:
        """Whether two records hold one reference the parameters read as a household's (a tenancy, a
        council tax account: one system's record of two members of one household)."""
        return self._references is not None and self._references.level(a, b) == "exact"

    def _two_names(self, feature: str, level: str, a: Features, b: Features) -> bool:
        """Whether two names only somewhat alike (first names Charlotte and Charlene, Christopher and
        Christine; surnames Harris and Harrison), or one keying slip apart in their first letter (Ming and
        Ling, Mei and Lei: a slip rarely falls there), are each a name many records hold: two names, not
        one mistyped. Only the name tables of parameters trained on the data know enough names. A name
        only one system writes, where the data hold several, is that system's spelling of another
        (``Yames`` in a register kept in Cyrillic letters), not a name of its own. First names that the
        data's titles say are a man's and a woman's (Paul and Paula, Daniel and Danielle: twins, a brother and
        sister) are two names however alike."""
        x, y = a[feature], b[feature]
        if level == "close" and x[0] == y[0]:
            return feature == "g" and self._sexes_differ(a, b)
        table = self.params.term_frequencies.get(feature)
        if not table:
            return False
        x, y = x.replace(" ", ""), y.replace(" ", "")  # as the tables hold them (``le roux``: ``leroux``)
        floor = COMMON_NAME * self.params.term_frequency_floor.get(feature, 1.0)
        if table.get(x, 0.0) < floor or table.get(y, 0.0) < floor:
            return False
        spellings = self.params.one_system_names.get(feature)
        return not spellings or (x not in spellings and y not in spellings)

    def _other_middle_names(self, a: Features, b: Features) -> bool:
        """Whether one first name's two records hold two middle names that are names of their own: "John
        Paul" and "John Peter" Smith (a father and son), "Mohammed Imran" and "Mohammed Asif" Khan (brothers,
        each known by his second name). Only names many records hold as first names count, and none that
        one system alone writes: a middle name spelt another way (a register kept in another script) is
        not another name."""
        ma, mb = a.get("m"), b.get("m")
        if not ma or not mb or not middles_differ(ma, mb):
            return False
        x, y = ma.partition(" ")[0], mb.partition(" ")[0]
        spellings = self.params.one_system_names.get("g")
        if spellings and (x in spellings or y in spellings):
            return False
        if a["g"] in NAME_PREFIXES:  # "Abdul Rahman" and "Abdul Karim": the second word is the name
            return True
        table = self.params.term_frequencies.get("g") or {}
        floor = COMMON_NAME * self.params.term_frequency_floor.get("g", 1.0)
        return table.get(x, 0.0) >= floor and table.get(y, 0.0) >= floor

    def _sexes_differ(self, a: Features, b: Features) -> bool:
        """Whether the data's titles say the two first names are a man's and a woman's, and the records'
        own titles do not both say one sex (titles saying one sex outweigh the names: ``Mrs Dan`` is Dawn
        mistyped)."""
        if a.get("s") and a.get("s") == b.get("s"):
            return False
        sex_a, sex_b = self.params.first_name_sex.get(a["g"]), self.params.first_name_sex.get(b["g"])
        return sex_a is not None and sex_b is not None and sex_a != sex_b

    def _twins_names(self, a: Features, b: Features) -> bool:
        """Whether two first names that the nicknames tables relate are, all the same, a man's and a woman's
        spelt alike (Louis and Louise, each listed as the other's nickname): twins' names, as Paul and
        Paula are. A diminutive unlike its full name in spelling (Sandy, Alexander) stays a nickname."""
        return spelling_level(a["g"], b["g"]) == "close" and self._sexes_differ(a, b)

    def _names_alone(self, field_weights: Mapping[str, float]) -> bool:
        """Whether the names are all the pair agrees on (no date of birth, identifier, e-mail or household
        field weighs for it)."""
        return all(field_weights.get(name, 0.0) <= 0.0 for name in self._beyond_names) and all(
            field_weights.get(name, 0.0) <= 0.0 for name, _level, _table in self._household_fields
        )

    def _score_household(
        self, a: Features, b: Features, levels: dict[str, str], weights: dict[str, float]
    ) -> float:
        """Household fields: the strongest agreement counts, the others show zero; disagreements add."""
        best = ""
        counted = 0.0
        for name, level_of, table in self._household_fields:
            level = level_of(a, b)
            levels[name] = level
            if level == MISSING:
                continue
            weight = table[level]
            if weight <= 0.0:
                weights[name] = weight
                counted += weight
            elif not best or weight > weights[best]:
                if best:
                    counted -= weights[best]
                    weights[best] = 0.0
                best = name
                weights[name] = weight
                counted += weight
            else:
                weights[name] = 0.0
        return counted

    def _tf_weight(self, name: str, feature: str, value: str) -> float:
        known = self._tf_weights.get((name, value))
        if known is not None:
            return known
        table = self.params.term_frequencies.get(feature, {})
        u = table.get(value.replace(" ", ""))
        if u is None:
            u = self.params.term_frequency_floor.get(feature, self.params.levels[name]["exact"][1])
        weight = log2_ratio(self._tf_exact_m[name], u)
        if len(self._tf_weights) >= _MAX_CACHED_WEIGHTS:
            self._tf_weights.clear()
        self._tf_weights[(name, value)] = weight
        return weight


def _swapped(a: Features, b: Features) -> tuple[str, bool]:
    """Which record's first name and surname look given the wrong way round relative to the other's
    (``"b"``: read ``b`` the other way; ``"a"``; ``""`` for neither), and whether one word alone is alike
    across. Then the record holding that word as its surname is read the other way, so that the word is
    a first name in both (a woman's record given the wrong way round under another surname)."""
    ga, fa, gb, fb = a.get("g"), a.get("f"), b.get("g"), b.get("f")
    if not ga or not fa or not gb or not fb or ga == gb or fa == fb:
        return "", False
    fa, fb = fa.replace(" ", ""), fb.replace(" ", "")
    if ga == fb and fa == gb:
        return "b", False
    if ga == fb or fa == gb:
        cross = jaro_winkler(ga, fb) + jaro_winkler(fa, gb)
        if cross <= jaro_winkler(ga, gb) + jaro_winkler(fa, fb) + 0.3:
            return "", False
        # Where the other two words are two forms of one first name ("CHADDALE BECKY" against "Rebecca
        # Chaddale"), the word alike is the surname in both: the record holding it as its first name is
        # the one given the wrong way round.
        if ga == fb:
            return ("a" if nickname_related(fa, gb) else "b"), True
        return ("b" if nickname_related(ga, fb) else "a"), True
    first = jaro_winkler(ga, fb)
    if first < 0.83:
        # Most pairs: the sum of two similarities below 0.83 and at most 1 cannot reach 1.84.
        return "", False
    cross = first + jaro_winkler(fa, gb)
    direct = jaro_winkler(ga, gb) + jaro_winkler(fa, fb)
    return ("b" if cross >= 1.84 and cross > direct + 0.3 else ""), False
