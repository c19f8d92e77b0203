"""Estimating match parameters from a council's own records (``citizen-hub match train``).

The recipe is the usual Fellegi-Sunter one (as in Splink): u probabilities from random pairs (almost all
of them two different people), then m probabilities and the share of matches among blocked candidate
pairs by expectation-maximisation with u held fixed; term frequencies of first and family names counted
from the records. Pure: the caller reads the records and writes the result.
"""

from __future__ import annotations

import calendar
import math
import random
import zlib
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Any, TypeVar

from matching.blocking import RULES, BlockingRule, blocking_keys
from matching.coincidence import coincidental_pairs
from matching.comparators import COMPARATORS, NATIONAL_NUMBERS, Comparator
from matching.model import Prepared
from matching.params import Params, address_text, date_text, default_params, log2_ratio
from matching.scoring import COMMON_NAME

Pattern = tuple[str, ...]
Key = TypeVar("Key", bound=Hashable)
_SMOOTH = 0.5
PERSONAL_RULES = frozenset({"n", "h", "fd", "gd", "ny"})
"""Blocking rules whose pairs train m: they never bring two people together just for living together."""
MIN_SEXED_RECORDS = 10
"""Records with a title saying a sex that a first name needs before training says whose name it is."""
SEX_DISSENT = 0.05
"""The most of those records whose title may say the other sex (a mistyped title, a name both use rarely)."""
SHAREABLE = frozenset({"email"})
"""Personal fields that one household may yet share (a family's one e-mail address): the data decide, as
for the declared household fields, and a shared one counts as household evidence."""
RULE_BLOCKS = {
    "n": ("nino",),
    "h": ("nhs",),
    "fd": ("family", "dob"),
    "gd": ("given", "dob"),
    "ny": ("given", "family", "dob"),
    "e": ("email",),
    "pg": ("address", "given"),
    "pf": ("address", "family"),
    "pd": ("address", "dob"),
}
"""The fields each personal blocking rule makes its pairs agree on (or nearly): a rule's pairs say nothing
of how often one person's records agree on them."""
RULE_FIELDS = {
    "i": "ids",
    "u": "address",
    "pg": "address",
    "pf": "address",
    "pn": "address",
    "pd": "address",
    "sn": "address",
    "tn": "address",
    "ps": "address",
    "p": "phone",
    "e": "email",
}
"""The household field behind each household blocking rule."""
MIN_LEVEL_EVIDENCE = 5.0
"""Expected matching pairs a comparison level needs before its m is taken from the data."""
SHARED_SHARE = 0.25
"""Share of the pairs agreeing exactly on a household field whose names and dates of birth say "two people"
that makes the field household-shared. Seen: 3% of FEBRL3's pairs agreeing on its personal social security
id (16% with no dates of birth, judged by the base weights); 59% and 84% of a synthetic council
population's pairs agreeing on an address or a household account."""
PLACEHOLDER_EXCESS = 25.0
"""A full date of birth held by this many times the records an average day of a century would hold, and
by records of at least :data:`MIN_PLACEHOLDER_NAMES` different family names, is a placeholder, not a
birthday: what a system writes when it does not know the date. One person's many records share a family
name; twins and coincidences stay far below."""
MIN_PLACEHOLDER_NAMES = 10
MAX_COINCIDENCE_SHARE = 0.1
"""EM over every candidate pair at once is used only while the pairs the name-and-birth rules find by
coincidence (:func:`matching.coincidence.coincidental_pairs`) are at most this share of the personal
candidate pairs; beyond it the parameters are estimated rule by rule. The model of EM at once has no
room for strangers who agree on the fields a rule blocked on: it takes them for one person, and every
tenth such pair moves m of the fields they disagree on by about a tenth. (Measured: 2-4 % on FEBRL1-4 and
the synthetic 10,000, 12 % at 100,000, over 70 % at a million, where EM at once took namesakes for one
person and F1 fell from 0.982 to 0.969.)"""

MAX_TRAINING_RECORDS = 250_000
"""Above this many records, m, u and the share of matches are estimated from a sample of about this many,
each record kept by a hash of its key. A pair of records is in the sample when both are, so the
candidate pairs are thinned evenly: true pairs and coincidences keep their proportions, and a quarter of
a million records still hold tens of thousands of matching pairs. Reading every candidate pair of a
million records (13 million blocking keys) took half of the estimation's time."""

MIN_EM_PAIRS = 50
"""Fewest candidate pairs that m and the share of matches are estimated from: pairs found by personal keys
(an identifier, names with a date of birth, an e-mail), and by household keys on fields the data show to
be personal. With fewer (an extract of households with no dates of birth and no identifiers, say) the base
parameters are kept: an estimate from nothing would say nobody matches."""


@dataclass(frozen=True)
class TrainingReport:
    """What training saw: pair counts, the estimated share of matches, EM iterations run."""

    records: int
    blocked_pairs: int
    random_pairs: int
    match_share: float
    iterations: int
    separated: bool = True
    """False when EM did not tell one person's records from different people's (one person's records
    disagreeing on first name, surname and date of birth alike more often than they agree): the base
    parameters were returned unchanged."""
    by_rule: bool = False
    """True when the parameters were estimated rule by rule (each rule's own fields left out): because
    coincidences crowd the candidate pairs (``coincidental_pairs``), or because EM over all candidate
    pairs at once took the wrong component for the matches."""
    coincidental_pairs: int = 0
    """About how many candidate pairs are strangers sharing names and a date or year of birth by
    coincidence (see :mod:`matching.coincidence`)."""
    too_few_pairs: bool = False
    """True when fewer than :data:`MIN_EM_PAIRS` candidate pairs were left to estimate from (see there):
    the base parameters were returned unchanged (``separated`` is False too)."""
    sampled: int = 0
    """How many of the records m, u and the share of matches were estimated from: all of them, up to
    :data:`MAX_TRAINING_RECORDS`; the counts of pairs above are of these."""
    placeholders: dict[str, int] = field(default_factory=dict)
    """Dates of birth, NI and NHS numbers, e-mail addresses, phone numbers and addresses found to be
    placeholders (see :func:`placeholder_dates`, :func:`placeholder_values` and
    :func:`placeholder_addresses`), as "date of birth 1899-12-31", "e-mail noemail@council.gov.uk" or
    "address 1 civic centre, M27 5AW", each with the number of records holding it; they are read as no
    value at all, also when the base parameters are kept."""


class _Patterns:
    """Comparison patterns of record pairs, each pair compared once however many passes ask for it."""

    def __init__(self, prepared: Sequence[Prepared], comparators: tuple[Comparator, ...]) -> None:
        self.prepared = prepared
        self.comparators = comparators
        self.seen: dict[tuple[int, int], Pattern] = {}

    def count(self, pairs: Sequence[tuple[int, int]]) -> Counter[Pattern]:
        counts: Counter[Pattern] = Counter()
        seen, prepared, comparators = self.seen, self.prepared, self.comparators
        for pair in pairs:
            pattern = seen.get(pair)
            if pattern is None:
                a, b = prepared[pair[0]].features, prepared[pair[1]].features
                pattern = seen[pair] = tuple(c.level(a, b) for c in comparators)
            counts[pattern] += 1
        return counts


class CandidatePairs:
    """The pairs of records sharing a blocking key held by at most ``max_block_size`` records, with the
    rules that found them (the keys are read from :attr:`Prepared.blocking_keys`, as the engine computed
    them, so nothing is standardised twice).

    On a large population only a deterministic sample is expanded, so that about ``max_slots`` pairs are
    looked at: a pair is kept when the first of its two records is one of a ``fraction`` of the records
    (chosen by a hash of its key), so every pair has the same chance, however many keys it shares, and
    :meth:`total` scales counts back up without bias.

    Args:
        prepared: the records.
        max_block_size: as the engine's; larger blocks give no pairs.
        rules: the rules, in the order their bits are numbered.
        max_slots: about the most pairs expanded.
    """

    def __init__(
        self,
        prepared: Sequence[Prepared],
        max_block_size: int,
        rules: tuple[BlockingRule, ...] = RULES,
        max_slots: int = 400_000,
    ) -> None:
        bits = {rule.prefix: 1 << index for index, rule in enumerate(rules)}
        self.rules = rules
        wider = {rule.prefix: rule.widen for rule in rules if rule.widen is not None}
        heads = tuple(f"{prefix}:" for prefix in wider)
        # Most keys are held by one record: only a key's first holder is noted until a second comes.
        first: dict[str, int] = {}
        shared: dict[str, list[int]] = {}
        for index, record in enumerate(prepared):
            for key in _training_keys(record, wider, heads) if wider else record.blocking_keys:
                holder = first.setdefault(key, index)
                if holder != index:
                    held = shared.get(key)
                    if held is None:
                        shared[key] = [holder, index]
                    else:
                        held.append(index)
        del first
        usable = [(k, v) for k, v in shared.items() if len(v) <= max_block_size]
        del shared
        slots = sum(len(v) * (len(v) - 1) // 2 for _k, v in usable)
        self.fraction = min(1.0, max_slots / slots) if slots else 1.0
        found: dict[tuple[int, int], int] = {}
        if self.fraction == 1.0:
            for key, members in usable:
                bit = bits.get(key.partition(":")[0], 0)
                for pair in combinations(members, 2):
                    found[pair] = found.get(pair, 0) | bit
        else:
            anchor = [_share(p.key) <= self.fraction for p in prepared]
            for key, members in usable:
                bit = bits.get(key.partition(":")[0], 0)
                for position, one in enumerate(members):
                    if anchor[one]:
                        for other in members[position + 1 :]:
                            pair = (one, other)
                            found[pair] = found.get(pair, 0) | bit
        self.found = found

    def of(self, rules: tuple[BlockingRule, ...]) -> list[tuple[int, int]]:
        """The (kept) pairs found by any of ``rules``, sorted."""
        mask = sum(1 << index for index, rule in enumerate(self.rules) if rule in rules)
        return sorted(pair for pair, bits in self.found.items() if bits & mask)

    def total(self, pairs: Sequence[tuple[int, int]]) -> float:
        """About how many pairs of the whole population ``pairs`` (a result of :meth:`of`) stand for."""
        return len(pairs) / self.fraction


def _training_keys(
    record: Prepared, wider: dict[str, Callable[[str], str]], heads: tuple[str, ...]
) -> list[str]:
    """The record's blocking keys, those of each rule in ``wider`` (prefix -> widen; ``heads``: the
    prefixes with their colon) widened."""
    keys = list(record.blocking_keys)
    for index, key in enumerate(keys):
        if key.startswith(heads):
            prefix, _, value = key.partition(":")
            keys[index] = f"{prefix}:{wider[prefix](value)}"
    return keys


def _sampled(prepared: list[Prepared], most: int) -> list[Prepared]:
    """``prepared``, or when there are more than ``most``, about ``most`` of them, chosen by their keys'
    hashes (the same records whatever the order)."""
    if len(prepared) <= most:
        return prepared
    fraction = most / len(prepared)
    return [p for p in prepared if _share(p.key) <= fraction]


def _share(key: str) -> float:
    """A deterministic number in [0, 1] for a key."""
    return zlib.crc32(key.encode()) / 0xFFFFFFFF


def blocked_pairs(
    prepared: Sequence[Prepared], max_block_size: int, rules: tuple[BlockingRule, ...] = RULES
) -> list[tuple[int, int]]:
    """Every pair of records sharing a blocking key of ``rules`` held by at most ``max_block_size``
    records."""
    return CandidatePairs(prepared, max_block_size).of(rules)


def _sample(pairs: list[tuple[int, int]], limit: int, seed: int) -> list[tuple[int, int]]:
    """At most ``limit`` of ``pairs``: a deterministic random sample when there are more."""
    if len(pairs) <= limit:
        return pairs
    return sorted(random.Random(seed).sample(pairs, limit))


def _estimate_u(counts: Counter[Pattern], comparators: tuple[Comparator, ...]) -> dict[str, dict[str, float]]:
    u: dict[str, dict[str, float]] = {}
    for index, comparator in enumerate(comparators):
        seen = Counter(dict.fromkeys(comparator.levels, 0.0))
        for pattern, count in counts.items():
            if pattern[index] != "missing":
                seen[pattern[index]] += count
        total = sum(seen.values()) + _SMOOTH * len(comparator.levels)
        u[comparator.name] = {level: (seen[level] + _SMOOTH) / total for level in comparator.levels}
    return u


def _m_step(
    m: dict[str, dict[str, float]], expected: dict[str, dict[str, float]], comparators: tuple[Comparator, ...]
) -> None:
    """Set m of each level to its share of the expected matching pairs (a field with no evidence keeps
    its starting m values)."""
    for comparator in comparators:
        seen = expected[comparator.name]
        if sum(seen.values()) < 1.0:
            continue
        denominator = sum(seen.values()) + _SMOOTH * len(comparator.levels) * 1e-3
        for level in comparator.levels:
            m[comparator.name][level] = (seen[level] + _SMOOTH * 1e-3) / denominator


def _em(
    counts: Counter[Pattern],
    m: dict[str, dict[str, float]],
    u: dict[str, dict[str, float]],
    comparators: tuple[Comparator, ...],
    iterations: int,
) -> tuple[dict[str, dict[str, float]], float, int, dict[str, dict[str, float]]]:
    """EM with u held fixed: m per level, the share of matches, the iterations run, and the expected
    number of matching pairs seen at each level."""
    share = 0.1
    names = [c.name for c in comparators]
    ran = 0
    expected: dict[str, dict[str, float]] = {}
    keyed_wrong = {pattern for pattern in counts if _number_keyed_wrong(pattern, comparators)}
    for iteration in range(1, iterations + 1):
        ran = iteration
        expected = {name: dict.fromkeys(c.levels, 0.0) for name, c in zip(names, comparators, strict=True)}
        matched = 0.0
        total = 0.0
        for pattern, count in counts.items():
            log_odds = math.log(share / (1.0 - share))
            for name, level in zip(names, pattern, strict=True):
                if level != "missing":
                    log_odds += math.log(max(m[name][level], 1e-12) / max(u[name][level], 1e-12))
            p = 1.0 / (1.0 + math.exp(-max(min(log_odds, 700.0), -700.0)))
            if pattern in keyed_wrong:
                p = 0.0
            matched += p * count
            total += count
            for name, level in zip(names, pattern, strict=True):
                if level != "missing":
                    expected[name][level] += p * count
        new_share = min(max(matched / total, 1e-6), 1 - 1e-6) if total else share
        change = abs(new_share - share)
        share = new_share
        _m_step(m, expected, comparators)
        if change < 1e-6:
            break
    return m, share, ran, expected


def _number_keyed_wrong(pattern: Pattern, comparators: tuple[Comparator, ...]) -> bool:
    """Whether a pair shares an NI or NHS number while two of its first name, date of birth, title and suffix
    differ: the number keyed on another person's record (:data:`~matching.comparators.NATIONAL_NUMBERS`),
    as the scoring reads it. Taken for one person's records, such pairs taught EM that one person's first
    names and dates of birth often differ, and fathers and sons of one name then linked."""
    fields = tuple(zip(comparators, pattern, strict=True))
    if not any(level in c.overrides and c.name in NATIONAL_NUMBERS for c, level in fields):
        return False
    return sum(level in c.conflicts for c, level in fields) > 1


def _em_by_rule(
    patterns: _Patterns,
    candidates: CandidatePairs,
    rules: tuple[BlockingRule, ...],
    start_m: dict[str, dict[str, float]],
    u: dict[str, dict[str, float]],
    comparators: tuple[Comparator, ...],
    iterations: int,
    max_pairs: int,
    seed: int,
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]], int]:
    """EM once per blocking rule on that rule's pairs, leaving out the fields the rule blocks on (as
    Splink trains), and each field's m averaged over the rules that did not block on it, weighted by
    the matches each saw.

    Among a large population, people brought together by a common name and a date of birth outnumber
    the records of one person; EM over all those pairs at once can take them for the matches. A rule's
    own fields cannot tell them apart, but its other fields can (two John Smiths born on one day rarely
    share an address or a reference).
    """
    names = [c.name for c in comparators]
    totals = {name: dict.fromkeys(c.levels, 0.0) for name, c in zip(names, comparators, strict=True)}
    most = 0
    for rule in rules:
        blocked = set(RULE_BLOCKS.get(rule.prefix, ())) | {RULE_FIELDS.get(rule.prefix, "")}
        pairs = _sample(candidates.of((rule,)), max_pairs, seed)
        if not pairs:
            continue
        masked: Counter[Pattern] = Counter()
        for pattern, count in patterns.count(pairs).items():
            masked[
                tuple("missing" if n in blocked else lv for n, lv in zip(names, pattern, strict=True))
            ] += count
        start = {name: dict(levels) for name, levels in start_m.items()}
        _m, _share, ran, seen = _em(masked, start, u, comparators, iterations)
        most = max(most, ran)
        for name in names:
            if name not in blocked:
                for level, expected in seen[name].items():
                    totals[name][level] += expected
    m = {name: dict(levels) for name, levels in start_m.items()}
    _m_step(m, totals, comparators)
    return m, totals, most


def _share_of(
    counts: Counter[Pattern],
    m: dict[str, dict[str, float]],
    u: dict[str, dict[str, float]],
    comparators: tuple[Comparator, ...],
    iterations: int,
) -> float:
    """The share of matches among pairs, by EM with m and u both held fixed."""
    names = [c.name for c in comparators]
    weights = []
    for pattern, count in counts.items():
        bayes = sum(
            math.log(max(m[name][level], 1e-12) / max(u[name][level], 1e-12))
            for name, level in zip(names, pattern, strict=True)
            if level != "missing"
        )
        weights.append((bayes, count))
    total = sum(count for _bayes, count in weights)
    share = 0.1
    for _ in range(iterations):
        prior = math.log(share / (1.0 - share))
        matched = sum(
            count / (1.0 + math.exp(-max(min(prior + bayes, 700.0), -700.0))) for bayes, count in weights
        )
        new_share = min(max(matched / total, 1e-6), 1 - 1e-6) if total else share
        if abs(new_share - share) < 1e-6:
            return new_share
        share = new_share
    return share


def _separated(m: dict[str, dict[str, float]], observed: set[str]) -> bool:
    """Whether the matches EM found agree on names and date of birth more often than they disagree."""
    personal = [name for name in ("given", "family", "dob") if name in observed]
    return not personal or any(m[name]["exact"] >= m[name]["different"] for name in personal)


def _shared_fields(
    counts: Counter[Pattern],
    m: dict[str, dict[str, float]],
    u: dict[str, dict[str, float]],
    share: float,
    comparators: tuple[Comparator, ...],
    declared: frozenset[str],
) -> frozenset[str]:
    """Which of the declared household fields the data show to be shared by different people.

    For each, the blocked pairs that agree on it exactly are weighed on the personal fields alone, with
    the share of matches as a prior capped at even odds: when at least :data:`SHARED_SHARE` of them look
    like two people, agreement on the field says "same household", not "same person" (a council tax
    account, a tenancy). Otherwise (a personal reference, as FEBRL's social security id) it
    counts as evidence of its own. Too few pairs keep the declaration.
    """
    names = [c.name for c in comparators]
    personal = [i for i, name in enumerate(names) if name not in declared]
    # The share of matches among the pairs EM saw, but never in favour of a match: where e-mail addresses
    # are the only personal key nearly all those pairs are one person, and that share as a prior would
    # make every household look like one person.
    prior = min(0.0, math.log(share / (1.0 - share)))
    shared: set[str] = set()
    for index, name in enumerate(names):
        if name not in declared:
            continue
        agreeing = 0.0
        apart = 0.0
        for pattern, count in counts.items():
            if pattern[index] != "exact":
                continue
            log_odds = prior + sum(
                math.log(max(m[names[i]][pattern[i]], 1e-12) / max(u[names[i]][pattern[i]], 1e-12))
                for i in personal
                if pattern[i] != "missing"
            )
            agreeing += count
            if log_odds < 0.0:
                apart += count
        if agreeing < 20 or apart >= SHARED_SHARE * agreeing:
            shared.add(name)
    return frozenset(shared)


def _levels(
    comparator: Comparator,
    m: dict[str, dict[str, float]],
    u: dict[str, dict[str, float]],
    seen: dict[str, dict[str, float]],
    base: Params,
    observed: set[str],
) -> dict[str, list[float]]:
    """Trained m and u of one comparator, or the base values where the data hold too little of it, or
    where EM found nonsense (exact agreement no likelier for one person than for two, or disagreement
    likelier). A level too rare among the matching pairs to be estimated (fewer than
    :data:`MIN_LEVEL_EVIDENCE` of them) keeps its base weight."""
    name = comparator.name
    top, bottom = comparator.levels[0], comparator.levels[-1]
    if name not in observed or m[name][top] <= u[name][top] or m[name][bottom] >= u[name][bottom]:
        return {lv: list(base.levels[name][lv]) for lv in comparator.levels}
    levels: dict[str, list[float]] = {}
    for lv in comparator.levels:
        if seen.get(name, {}).get(lv, 0.0) < MIN_LEVEL_EVIDENCE:
            base_m, base_u = base.levels[name][lv]
            # The base weight, carried by this level's estimated u.
            levels[lv] = [min(1.0, u[name][lv] * base_m / max(base_u, 1e-12)), u[name][lv]]
        else:
            levels[lv] = [m[name][lv], u[name][lv]]
    return levels


def _one_system_names(
    prepared: Sequence[Prepared], feature: str, table: Mapping[str, float], least: float
) -> set[str]:
    """The names of ``table`` held by at least ``least`` of the records that one source system alone holds,
    when the records come from several systems (see :attr:`Params.one_system_names`)."""
    systems: dict[str, set[str]] = {}
    every: set[str] = set()
    for p in prepared:
        value = p.features.get(feature)
        if value:
            system = p.key.partition("/")[0]
            every.add(system)
            name = _frequency_key(value)
            if table.get(name, 0.0) >= least:
                systems.setdefault(name, set()).add(system)
    if len(every) < 2:
        return set()
    return {name for name, held in systems.items() if len(held) == 1}


def _first_name_sex(prepared: Sequence[Prepared], least: int = MIN_SEXED_RECORDS) -> dict[str, str]:
    """The first names whose records' titles say one sex (``m`` or ``f``) nearly always: at least ``least``
    records with a title saying either, and no more than :data:`SEX_DISSENT` of them saying the other."""
    counts: dict[str, Counter[str]] = {}
    for p in prepared:
        sex, given = p.features.get("s"), p.features.get("g")
        if sex and given and len(given) > 1:
            counts.setdefault(given, Counter())[sex] += 1
    found: dict[str, str] = {}
    for given, by_sex in counts.items():
        total = sum(by_sex.values())
        sex, most = by_sex.most_common(1)[0]
        if total >= least and total - most <= SEX_DISSENT * total:
            found[given] = sex
    return found


def _frequency_key(value: Any) -> str:
    """A name as the term-frequency tables hold it: its parts run together (``smith jones`` ->
    ``smithjones``)."""
    return str(value).replace(" ", "")


def _term_frequencies(prepared: Sequence[Prepared], feature: str, keep: int) -> dict[str, float]:
    counts = Counter(_frequency_key(p.features[feature]) for p in prepared if p.features.get(feature))
    total = sum(counts.values())
    if not total:
        return {}
    common = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]
    return {value: round(count / total, 8) for value, count in common if count > 1}


def _spread(
    prepared: Sequence[Prepared], values_of: Callable[[Mapping[str, Any]], Iterable[Key]], at_least: int
) -> dict[Key, tuple[int, int]]:
    """For each value (``values_of`` a record's features) held by at least ``at_least`` records, those
    records and how many different family names they bear. The values are counted first; the family
    names are read only for the few held that often (most inputs have none)."""
    counts = Counter(value for p in prepared for value in values_of(p.features))
    common = {value for value, count in counts.items() if count >= at_least}
    if not common:
        return {}
    names: dict[Key, set[str]] = {}
    for p in prepared:
        for value in values_of(p.features):
            if value in common:
                names.setdefault(value, set()).add(p.features.get("f", ""))
    return {value: (counts[value], len(families)) for value, families in sorted(names.items())}


def _full_date(features: Mapping[str, Any]) -> tuple[tuple[int, int, int], ...]:
    d = features.get("d")
    return ((d[0], d[1], d[2]),) if d and d[1] is not None and d[2] is not None else ()


DAY_EXCESS = 5.0
"""A day of the year on which this many times the records an average day holds are born (1 January, in
a register that writes it for a year alone), over and above the records of its commonest year, is not
a birthday but a year's placeholder. Real birthdays vary by a few tenths around the average."""
MIN_DAY_RECORDS = 20


def placeholder_days(
    prepared: Sequence[Prepared], placeholder_dates: frozenset[tuple[int, int, int]] = frozenset()
) -> dict[tuple[int, int], int]:
    """Days of the year, as (month, day), on which implausibly many full dates of birth fall across many
    years (see :data:`DAY_EXCESS`), each with the records holding it; ``placeholder_dates`` are not
    counted. The records of the day's commonest year are left out of the excess, so that one date
    written for "not known" (1950-01-01) is a placeholder date, not a day."""
    dates = [
        date
        for date in (record.features.get("d") for record in prepared)
        if date and date[2] is not None and tuple(date) not in placeholder_dates
    ]
    days = Counter((date[1], date[2]) for date in dates)
    floor = max(MIN_DAY_RECORDS, DAY_EXCESS * len(dates) / 365.25)
    found = {}
    for day, count in days.items():
        if count >= floor:  # the few days that may be: their years are counted
            years = Counter(date[0] for date in dates if (date[1], date[2]) == day)
            if count - max(years.values()) >= floor:
                found[day] = count
    return found


def placeholder_dates(prepared: Sequence[Prepared]) -> dict[tuple[int, int, int], int]:
    """Full dates of birth held by implausibly many records of many different family names (see
    :data:`PLACEHOLDER_EXCESS`), each with the number of records holding it."""
    floor = max(MIN_PLACEHOLDER_NAMES, PLACEHOLDER_EXCESS * len(prepared) / 36525)
    return {
        date: count
        for date, (count, families) in _spread(prepared, _full_date, math.ceil(floor)).items()
        if families >= MIN_PLACEHOLDER_NAMES
    }


PLACEHOLDER_FEATURES = {"n": "NI number", "h": "NHS number", "e": "e-mail", "p": "phone"}
"""Features whose values :func:`placeholder_values` looks for, with what a person calls them."""


def _placeholder_candidates(features: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for feature in PLACEHOLDER_FEATURES:
        for value in features.get(feature, ()):
            yield feature, value


def placeholder_values(prepared: Sequence[Prepared]) -> dict[tuple[str, str], int]:
    """NI and NHS numbers, e-mail addresses and phone numbers held by records of at least
    :data:`MIN_PLACEHOLDER_NAMES` different family names: what a system writes for "none given"
    (AA000000A), not anyone's own. (A family's e-mail address or landline is shared by one or two family
    names.) Each with the records holding it."""
    return {
        key: count
        for key, (count, families) in _spread(
            prepared, _placeholder_candidates, MIN_PLACEHOLDER_NAMES
        ).items()
        if families >= MIN_PLACEHOLDER_NAMES
    }


def _address_places(features: Mapping[str, Any]) -> Iterator[tuple[str, str, str, str]]:
    for address in features.get("a", ()):
        if address[0] or address[3]:  # a town alone names no household to begin with
            yield address[0], address[1], address[2], address[3]


def placeholder_addresses(prepared: Sequence[Prepared]) -> dict[tuple[str, str, str, str], int]:
    """Addresses (postcode, flat, house number, street) held by records of at least
    :data:`MIN_PLACEHOLDER_NAMES` different family names: a hostel, the council's offices written for "not
    known", a block whose flat numbers a system dropped; no household's. Each with the records holding it."""
    return {
        key: count
        for key, (count, families) in _spread(prepared, _address_places, MIN_PLACEHOLDER_NAMES).items()
        if families >= MIN_PLACEHOLDER_NAMES
    }


def _without_placeholders(record: Prepared, params: Params) -> Prepared:
    """The record with the placeholders of ``params`` left out of its features and blocking keys."""
    clean = params.without_placeholders(record.features)
    if clean is record.features:
        return record
    return Prepared(key=record.key, blocking_keys=blocking_keys(clean), features=clean)


def train(
    prepared: Sequence[Prepared],
    *,
    base: Params | None = None,
    comparators: tuple[Comparator, ...] = COMPARATORS,
    max_block_size: int = 400,
    random_pairs: int = 50_000,
    max_pairs: int = 50_000,
    iterations: int = 50,
    seed: int = 1,
    keep_frequencies: int = 20_000,
    max_records: int = MAX_TRAINING_RECORDS,
) -> tuple[Params, TrainingReport]:
    """Estimate parameters from prepared records.

    Args:
        prepared: the records, prepared by the engine that will use the parameters.
        base: starting m values, thresholds and conflict weight (default: the shipped set).
        comparators: the comparators whose levels are estimated.
        max_block_size: as the engine's; larger blocks give no pairs.
        random_pairs: how many random pairs estimate u (at most ten per record).
        max_pairs: the most blocked candidate pairs looked at in each pass (a deterministic random
            sample of them beyond that), which bounds the cost on a large population.
        iterations: most EM iterations.
        seed: the seed of the random pair sample (training is deterministic for a seed).
        keep_frequencies: most first and family names kept in the term-frequency tables.
        max_records: beyond this many records, m, u and the share of matches are estimated from a
            deterministic sample of about this many (see :data:`MAX_TRAINING_RECORDS`); placeholders and
            name frequencies are always counted over every record.

    Returns:
        The trained parameters and a report.
    """
    # A field whose agreement weighs nothing (the sex a title says) is left out of EM: its agreement, which
    # the names already imply, would count twice there. It keeps the base parameters.
    fitted = tuple(c for c in comparators if c.agreement_weighs)
    base = base or default_params()
    # A day on which a system writes a year alone (1 January) first: each year's 1 January would otherwise
    # be read as a placeholder date of its own, and the year lost with it.
    days = placeholder_days(prepared, base.placeholder_dates)
    if days:
        base = replace(base, placeholder_days=base.placeholder_days | frozenset(days))
        prepared = [_without_placeholders(record, base) for record in prepared]
    found = placeholder_dates(prepared)
    found_values = placeholder_values(prepared)
    found_addresses = placeholder_addresses(prepared)
    values = {f: set(v) for f, v in base.placeholder_values.items()}
    for feature, value in found_values:
        values.setdefault(feature, set()).add(value)
    base = replace(
        base,
        placeholder_dates=base.placeholder_dates | frozenset(found),
        placeholder_values={f: frozenset(v) for f, v in values.items()},
        placeholder_addresses=base.placeholder_addresses | frozenset(found_addresses),
    )
    prepared = everyone = [_without_placeholders(record, base) for record in prepared]
    listed = base.to_dict()
    shown = {f"date of birth {date_text(date)}": count for date, count in found.items()}
    shown |= {
        f"date of birth on {day} {calendar.month_name[month]} (read as the year alone)": count
        for (month, day), count in days.items()
    }
    shown |= {
        f"{PLACEHOLDER_FEATURES[f]} {v}{' (any suffix letter)' if f == 'n' else ''}": count
        for (f, v), count in found_values.items()
    }
    shown |= {f"address {address_text(parts)}": count for parts, count in found_addresses.items()}
    n = len(prepared)
    prepared = _sampled(prepared, max_records)
    kept = len(prepared)
    rng = random.Random(seed)
    sample: list[tuple[int, int]] = []
    if n > 1:
        for _ in range(min(random_pairs, 10 * kept)):
            i, j = rng.randrange(kept), rng.randrange(kept)
            if i != j:
                sample.append((min(i, j), max(i, j)))
    patterns = _Patterns(prepared, fitted)
    random_counts = patterns.count(sample)
    u = _estimate_u(random_counts, fitted)
    observed = {
        c.name
        for index, c in enumerate(fitted)
        if sum(n for pattern, n in random_counts.items() if pattern[index] != "missing") >= 20
    }
    # m is estimated on pairs found by personal keys (identifiers, names with dates of birth): pairs found
    # through an address are mostly members of one household, and EM would learn them as matches. Then the
    # data say which household fields are really shared; keys on fields that turn out personal (a
    # reference each person holds alone) join a second EM pass.
    personal_rules = tuple(r for r in RULES if r.prefix in PERSONAL_RULES)
    candidates = CandidatePairs(prepared, max_block_size)
    every_pair = patterns.count(_sample(candidates.of(RULES), max_pairs, seed))

    def estimate(
        rules: tuple[BlockingRule, ...], by_rule: bool
    ) -> tuple[dict[str, dict[str, float]], float, int, dict[str, dict[str, float]], list[tuple[int, int]]]:
        pairs = candidates.of(rules)
        start = {c.name: {lv: base.levels[c.name][lv][0] for lv in c.levels} for c in fitted}
        if len(pairs) < MIN_EM_PAIRS:
            # Nothing to estimate from: the base m, and no opinion on the share of matches, so that the
            # household fields are still told by the base weights of the names and dates of birth.
            return start, 0.5, 0, {}, pairs
        counts = patterns.count(_sample(pairs, max_pairs, seed))
        if not by_rule:
            m, share, ran, seen = _em(counts, start, u, fitted, iterations)
            return m, share, ran, seen, pairs
        m, seen, ran = _em_by_rule(patterns, candidates, rules, start, u, fitted, iterations, max_pairs, seed)
        return m, _share_of(counts, m, u, fitted, iterations), ran, seen, pairs

    coincidences = coincidental_pairs(prepared, max_block_size, seed)

    def report(pairs: list[tuple[int, int]], share: float, ran: int, **outcome: bool) -> TrainingReport:
        total = round(candidates.total(pairs))
        return TrainingReport(
            n,
            total,
            len(sample),
            share,
            ran,
            placeholders=shown,
            coincidental_pairs=coincidences,
            sampled=kept,
            **outcome,
        )

    # EM over every candidate pair at once first, unless coincidences crowd the candidate pairs; should it
    # take the other component for the matches all the same, rule by rule, each rule's own fields left out.
    crowded = coincidences > MAX_COINCIDENCE_SHARE * candidates.total(candidates.of(personal_rules))
    for by_rule in (True,) if crowded else (False, True):
        m, share, ran, seen, pairs = estimate(personal_rules, by_rule)
        household = _shared_fields(every_pair, m, u, share, fitted, base.household | SHAREABLE)
        extra = tuple(r for r in RULES if RULE_FIELDS.get(r.prefix, "") not in household | {""})
        if extra:
            m, share, ran, seen, pairs = estimate(personal_rules + extra, by_rule)
        if len(pairs) < MIN_EM_PAIRS:
            return base, report(pairs, 0.0, 0, separated=False, too_few_pairs=True)
        if _separated(m, observed):
            break
    else:
        # Parameters that say one person's records usually disagree on their names would link whole
        # households, so the base set is kept.
        return base, report(pairs, share, ran, separated=False, by_rule=True)
    all_pairs = kept * (kept - 1) / 2
    match_share = share * candidates.total(pairs) / all_pairs if all_pairs else 1e-6
    match_share = min(max(match_share, 1e-12), 0.5)
    tf = {
        c.term_frequency: _term_frequencies(everyone, c.term_frequency, keep_frequencies)
        for c in comparators
        if c.term_frequency
    }
    floor = {feature: max(1.0 / max(n, 1), 1e-7) for feature in tf}
    one_system = {
        feature: sorted(_one_system_names(everyone, feature, table, COMMON_NAME * floor[feature]))
        for feature, table in tf.items()
    }
    params = Params.from_dict(
        {
            "prior": log2_ratio(match_share, 1.0 - match_share),
            "conflict_weight": base.conflict_weight,
            "conflict_review_support": base.conflict_review_support,
            # The name frequencies below are counted on these records, so names alone may link.
            "names_alone_link": True,
            "thresholds": {"link": base.link, "review": base.review},
            "household": sorted(household),
            "household_estimated": True,
            "placeholder_dates_of_birth": listed["placeholder_dates_of_birth"],
            "placeholder_days_of_birth": listed["placeholder_days_of_birth"],
            "placeholder_values": listed["placeholder_values"],
            "placeholder_addresses": listed["placeholder_addresses"],
            "levels": {
                c.name: _levels(c, m, u, seen, base, observed)
                if c in fitted
                else {lv: list(mu) for lv, mu in base.levels[c.name].items()}
                for c in comparators
            },
            "term_frequencies": tf,
            "term_frequency_floor": floor,
            "one_system_names": one_system,
            "first_name_sex": _first_name_sex(everyone),
        },
        comparators,
    )
    return params, report(pairs, share, ran, by_rule=by_rule)
