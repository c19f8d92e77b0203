"""Surnames an e-mail address names beside a record's first name: a surname held before (a maiden name)."""

from __future__ import annotations

import pytest

from matching.engine import FellegiSunterEngine
from matching.names import email_surnames
from matching.params import Params
from tests.unit.matching.helpers import person

ENGINE = FellegiSunterEngine()


@pytest.mark.parametrize(
    ("emails", "given", "middle", "family", "named"),
    [
        (["karen.cook@example.com"], "karen", "cheryl", "mitchell", ("cook",)),
        (["karen_cook12@example.com"], "karen", "", "mitchell", ("cook",)),
        (["karencook63@gmail.com"], "karen", "", "mitchell", ("cook",)),  # Gmail's dots already gone
        (["kcook@example.com"], "karen", "", "mitchell", ("cook",)),
        (["k.j.cook@example.com"], "karen", "jane", "mitchell", ("cook",)),
        (["cook.karen@example.com"], "karen", "", "mitchell", ("cook",)),
        (["victoria_radden7@example.net"], "vicky", "", "davies", ("radden",)),  # a nickname's full name
        (["egoldhurst@example.co.uk"], "emma", "", "goluhurst", ("goldhurst",)),  # the surname mistyped here
        # The record's own names, or nothing that reads as a surname:
        (["hannah.tatdale@example.org"], "hannah", "", "tatdale", ()),
        (["jackwhite92@example.org"], "jack", "", "white", ()),
        (["tomlinson@example.org"], "tom", "", "tomlinson", ()),
        (["anna.smithjones@example.org"], "anna", "", "smith jones", ()),
        (["karen.home@example.org"], "karen", "", "mitchell", ()),
        (["emma@example.org", "emma1987@example.org"], "emma", "", "stone", ()),
        (["peggy@example.org"], "margaret", "", "smith", ()),
        (["karen.cook@example.com"], "", "", "mitchell", ()),
    ],
)
def test_the_surname_an_email_address_names(
    emails: list[str], given: str, middle: str, family: str, named: tuple[str, ...]
) -> None:
    assert email_surnames(emails, given, middle, family) == named


def test_a_surname_from_a_placeholder_email_address_goes_with_it() -> None:
    """noemail@council.gov.uk on Nina's record seems to name "oemail": once training finds the address a
    placeholder, that goes too, and a real address's surname stays."""
    features = ENGINE.prepare(
        person("1", "Nina", "Jones", emails=["noemail@council.gov.uk", "nina.cook@example.org"])
    ).features
    assert set(features["fe"]) == {"oemail", "cook"}
    params = Params.from_dict({"placeholder_values": {"e": ["noemail@council.gov.uk"]}})
    clean = params.without_placeholders(features)
    assert clean["e"] == ("nina.cook@example.org",)
    assert clean["fe"] == ("cook",)
    only = ENGINE.prepare(person("2", "Nina", "Jones", emails=["noemail@council.gov.uk"])).features
    assert "fe" not in params.without_placeholders(only)
