"""Plain-English sentences from comparison levels, for the agents' page and the review queue.

The sentences name fields and how they agree, never the values themselves (they are read and logged in
places a person's details must not reach).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matching.comparators import Comparator

_SPECIAL: dict[tuple[str, str], str] = {
    ("given", "nickname"): (
        "first names are two forms of one name (a nickname, an alias, a middle name the person goes by, "
        "another spelling or another language)"
    ),
    ("given", "initial"): "first name agrees with an initial",
    ("middle", "initial"): "middle name agrees with an initial",
    ("middle", "close"): "middle names are two forms of one name",
    ("family", "other"): (
        "surname matches a previous, alias or double-barrelled surname, or a middle name (Kaur, Begum)"
    ),
    (
        "family",
        "in_email",
    ): "surname is the one in the other's e-mail address (often a surname before marriage)",
    ("dob", "close"): "date of birth nearly the same (a digit, or day and month swapped)",
    ("dob", "partial"): "date of birth agrees as far as it is known",
    ("nino", "close"): "NI number differs by one character",
    ("nhs", "close"): "NHS number differs by one digit",
    ("ids", "close"): "a reference differs by one character",
    ("address", "close"): "same house number and postcode or street",
    ("address", "somewhat"): "address similar (same postcode or street)",
    ("address", "district"): "address in the same area",
    ("generation", "different"): "their suffixes differ (Jr/Sr, twin 1/twin 2)",
    ("sex", "different"): "the titles (or sex fields) say a man and a woman",
    ("email", "close"): "e-mail addresses alike",
}


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


_HELD = {
    "generation": "one record says Jr or Sr and the other neither: kept apart unless confirmed "
    "(father or son?)",
    "one reference": "one system holds both under one reference, one undated: kept apart unless confirmed "
    "(two of one household, or one person written twice?)",
}
"""The sentence for each rule that holds a pair in the review band (:attr:`matching.scoring.Score.held`)."""


def summarise(
    comparators: Sequence[Comparator],
    levels: Mapping[str, str],
    *,
    swapped: bool = False,
    capped_by: Sequence[str] = (),
    names_alone: bool = False,
    other_middles: bool = False,
    held: str = "",
) -> str:
    """One sentence: what agrees exactly, then what nearly agrees, then what differs.

    Example: ``Same NI number and date of birth; surname differs by a letter or two; address differs.``

    Args:
        comparators: the comparators, in the order to mention them.
        levels: the level of each comparator (by name).
        swapped: whether the first name and surname were compared the other way round.
        capped_by: labels of fields whose conflict kept the pair below the link threshold.
        names_alone: whether the pair was kept below the link threshold because nothing but the names
            agrees (under parameters not estimated from the data, a name's rarity is not known).
        other_middles: whether the first names differ only in that the middle names are two names (the
            first names themselves the same).
        held: why a rule kept the pair below the link threshold (:data:`~matching.scoring.GENERATION`,
            :data:`~matching.scoring.ONE_REFERENCE`), or ``""``.

    Returns:
        The sentence, ending with a full stop.
    """
    same: list[str] = []
    other: list[str] = []
    differs: list[str] = []
    for comparator in comparators:
        level = levels.get(comparator.name, "missing")
        if level == "missing" or (level == "exact" and not comparator.agreement_weighs):
            continue  # (agreeing titles are no reason: the first names already say as much)
        if level == "exact":
            same.append(comparator.label)
        elif other_middles and comparator.name == "given" and level == "different":
            differs.append("same first name but middle names differ")
        elif other_middles and comparator.name == "middle":
            continue  # said with the first name
        elif (comparator.name, level) in _SPECIAL:
            (differs if level == "different" else other).append(_SPECIAL[(comparator.name, level)])
        elif level == "close":
            other.append(f"{comparator.label} differs by a letter or two")
        elif level == "somewhat":
            other.append(f"{comparator.label} similar")
        else:
            differs.append(f"{comparator.label} differs")
    parts: list[str] = []
    if same:
        parts.append("same " + _join(same))
    if swapped:
        parts.append("first name and surname given the other way round")
    parts.extend(other)
    parts.extend(differs)
    if capped_by:
        # A pair sharing an NI or NHS number is capped only when it differs twice (or by a generation).
        keyed = any(levels.get(comparator.name) in comparator.overrides for comparator in comparators)
        why = "a number keyed on the wrong person's record?" if keyed else "relatives or twins?"
        parts.append(f"kept apart unless confirmed: different {_join(list(capped_by))} ({why})")
    if names_alone:
        parts.append("nothing but the names agrees: kept apart unless confirmed (namesakes?)")
    if held:
        parts.append(_HELD[held])
    if not parts:
        return "Nothing to compare."
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."
