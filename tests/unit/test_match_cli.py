"""``citizen-hub match``: CSV and JSONL in, clusters out; bad rows reported; training writes parameters."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from hub.cli.match import match_app, read_changes
from matching.engine import FellegiSunterEngine
from matching.params import default_params

app = typer.Typer()
app.command("match")(match_app)
app.command("other")(lambda: None)
runner = CliRunner()

CSV_TEXT = """\
source_system,source_record_id,given_name,family_name,date_of_birth,address_line_1,postcode,id:nino
ct,1,Margaret,Smith,1950-03-04,10 High St,M5 4WT,AB123456C
hb,2,Peggy,Smith,1950-03-04,10 High Street,M5 4WT,
ct,3,John,Ormsby,1950-05-05,1 Elm Close,B1 1AA,
ct,,Nobody,Here,1950-05-05,,,
ct,3,Dup,Row,,,,
hb,9,Anna,Kowalska,1985-13-02,Flat 2 4 Park Rd,NOT A POSTCODE,QQ123456Z
"""


def test_csv_is_matched_and_bad_rows_are_reported(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text(CSV_TEXT)
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, ["match", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "line 5: source_record_id: no source record id" in result.output
    assert "line 6: source_record_id: duplicate id ct/3" in result.output
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert [r["source_record_id"] for r in rows] == ["1", "2", "3", "9"]
    by_id = {r["source_record_id"]: r["citizen_id"] for r in rows}
    assert by_id["1"] == by_id["2"] != by_id["3"]


def test_jsonl_envelopes_and_training(tmp_path: Path) -> None:
    lines = []
    for i, (given, family) in enumerate([("Sam", "Jones"), ("Samuel", "Jones"), ("Ada", "Obi")]):
        payload = {
            "source_system": "ct",
            "source_record_id": str(i),
            "name": {"given": given, "family": family},
            "date_of_birth": "1970-07-08",
            "identifiers": [{"scheme": "soc_sec_id", "value": "X99"}] if i < 2 else [],
            "addresses": [{"lines": ["1 Rue de Rivoli"], "postcode": "75001", "country": "FR"}],
        }
        lines.append(
            json.dumps({"type": "PersonRecord", "occurred_at": "2024-01-01T00:00:00Z", "payload": payload})
        )
    lines.append("{not json")
    source = tmp_path / "people.jsonl"
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, ["match", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "line 4:" in result.output
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert len(rows) == 3
    assert rows[0]["citizen_id"] == rows[1]["citizen_id"] != rows[2]["citizen_id"]

    params = tmp_path / "params.json"
    result = runner.invoke(app, ["match", "train", str(source), "--out", str(params)])
    assert result.exit_code == 0, result.output
    trained = json.loads(params.read_text())
    assert {"prior", "levels", "thresholds", "term_frequencies"} <= set(trained)
    result = runner.invoke(app, ["match", str(source), "--out", str(out), "--params", str(params)])
    assert result.exit_code == 0, result.output


def test_records_are_kept_only_as_prepared_once_read(tmp_path: Path) -> None:
    """A million parsed records would hold gigabytes until matched: only their features are kept."""
    source = tmp_path / "input.csv"
    source.write_text(CSV_TEXT)
    engine = FellegiSunterEngine()
    changes, bad = read_changes(source, engine)
    assert [c.key for c in changes] == ["ct/1", "hb/2", "ct/3", "hb/9"]
    assert [b.line for b in bad] == [5, 6]
    assert all(c.record is None and c.prepared is not None and not c.deletes for c in changes)
    peggy = changes[1].prepared
    assert peggy is not None
    assert peggy.features["g"] == "peggy"


def test_reading_with_a_progress_bar_reads_the_same(tmp_path: Path) -> None:
    source = tmp_path / "input.csv"
    source.write_text(CSV_TEXT)
    engine = FellegiSunterEngine()
    quiet, quiet_bad = read_changes(source, engine)
    shown, shown_bad = read_changes(source, engine, show_progress=True)
    assert shown == quiet
    assert shown_bad == quiet_bad
    lines = tmp_path / "input.jsonl"
    lines.write_text('{"source_system": "ct", "source_record_id": "1", "name": {"family": "Smith"}}\n{oops\n')
    shown, shown_bad = read_changes(lines, engine, show_progress=True)
    assert [c.key for c in shown] == ["ct/1"]
    assert [b.line for b in shown_bad] == [2]


def test_missing_input_fails_with_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["match", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: no such input file")


def _citizens(clusters: Path) -> dict[tuple[str, str], str]:
    """(source system, source record id) -> citizen id, from a clusters.csv."""
    rows = csv.DictReader(clusters.read_text().splitlines())
    return {(r["source_system"], r["source_record_id"]): r["citizen_id"] for r in rows}


def _match_rows(tmp_path: Path, rows: list[str]) -> tuple[str, dict[tuple[str, str], str]]:
    """Run ``citizen-hub match`` on CSV ``rows`` (header first); its output and the citizens."""
    source = tmp_path / "input.csv"
    source.write_text("\n".join(rows) + "\n")
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, ["match", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output, _citizens(out)


def _people_with_a_personal_reference(count: int) -> str:
    """A CSV of ``count`` people, each twice: the second copy has a new address and a date of birth with
    day and month keyed wrongly, but the same membership number (a reference each person holds alone)."""
    import random

    rng = random.Random(5)
    given = ["ava", "ben", "cleo", "dev", "eli", "fay", "gus", "hal", "ida", "jon", "kit", "lou"]
    family = [f"{a}{b}" for a in ("mor", "tal", "wen", "bri", "cas", "dun") for b in ("ley", "ton", "ford")]
    rows = [
        "source_system,source_record_id,given_name,family_name,date_of_birth,address_line_1,town,id:member"
    ]
    for i in range(count):
        g, f = rng.choice(given), rng.choice(family)
        year, month, day = rng.randint(1930, 2000), rng.randint(1, 9), rng.randint(10, 28)
        member = f"{rng.randint(10**6, 10**7 - 1)}"
        street = f"{rng.randint(1, 200)} {rng.choice(family)} street"
        rows.append(f"a,{i},{g},{f},{year}-{month:02d}-{day:02d},{street},{rng.choice(family)}ville,{member}")
        moved = f"{rng.randint(1, 200)} {rng.choice(family)} road"
        rows.append(f"b,{i},{g},{f},{year}-{month + 1:02d}-{day - 7:02d},{moved},elsewhere,{member}")
    return "\n".join(rows) + "\n"


def test_parameters_are_estimated_from_the_input_so_a_personal_reference_counts(tmp_path: Path) -> None:
    source = tmp_path / "members.csv"
    source.write_text(_people_with_a_personal_reference(600))
    out = tmp_path / "clusters.csv"

    def together() -> float:
        where = _citizens(out)
        return sum(where[("a", str(i))] == where[("b", str(i))] for i in range(600)) / 600

    result = runner.invoke(app, ["match", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "estimated match parameters from the input by EM: 1200 records" in result.output
    estimated = together()

    shipped = tmp_path / "shipped.json"
    shipped.write_text(json.dumps(default_params().to_dict()))
    result = runner.invoke(app, ["match", str(source), "--out", str(out), "--params", str(shipped)])
    assert result.exit_code == 0, result.output
    assert "by EM" not in result.output
    # The shipped (UK council) parameters read an unknown reference as a household's account, and a
    # different date of birth as a relative; the input's own evidence says otherwise.
    assert estimated >= 0.95
    assert together() < 0.5


def test_training_says_how_em_ran_as_matching_does(tmp_path: Path) -> None:
    """``match train`` said "31 EM iterations" where ``match`` on the same input said EM ran rule by rule,
    and why: the same estimate, told two ways."""
    source = tmp_path / "members.csv"
    source.write_text(_people_with_a_personal_reference(600))
    matched = runner.invoke(app, ["match", str(source), "--out", str(tmp_path / "clusters.csv")])
    trained = runner.invoke(app, ["match", "train", str(source), "--out", str(tmp_path / "params.json")])
    assert matched.exit_code == trained.exit_code == 0, matched.output + trained.output
    said = re.search(r"candidate pairs, (.+) \(--params FILE", matched.output)
    assert said is not None, matched.output
    assert f"candidate pairs, EM {said.group(1)}: wrote" in trained.output


def test_a_small_input_uses_the_shipped_parameters_and_says_so(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text(CSV_TEXT)
    result = runner.invoke(app, ["match", str(source), "--out", str(tmp_path / "c.csv")])
    assert result.exit_code == 0, result.output
    assert "too few to estimate match parameters" in result.output


def test_an_extract_without_dates_of_birth_or_identifiers_is_still_matched(tmp_path: Path) -> None:
    """Council tax extracts often hold only names and addresses, two or more people at an address. EM
    then has no pairs to learn from; it used to set the prior so low that no two records ever linked."""
    import random

    rng = random.Random(8)
    given = ["ava", "ben", "cleo", "dev", "eli", "fay", "gus", "hal", "ida", "jon", "kit", "lou"]
    family = [f"{a}{b}" for a in ("mor", "tal", "wen", "bri", "cas", "dun") for b in ("ley", "ton", "ford")]
    rows = ["source_system,source_record_id,given_name,family_name,address_line_1,town,postcode"]
    for home in range(300):
        f, number, street = rng.choice(family), rng.randint(1, 200), rng.choice(family)
        inward = f"{rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}"
        postcode = f"M{rng.randint(1, 40)} {inward}"
        for person, g in enumerate(rng.sample(given, 2)):
            i = 2 * home + person
            rows.append(f"a,{i},{g},{f},{number} {street} Road,Salford,{postcode}")
            rows.append(f"b,{i},{g.upper()},{f.upper()},{number} {street.upper()} RD,SALFORD,{postcode}")
    output, where = _match_rows(tmp_path, rows)
    assert "too few to estimate match weights from: kept the shipped parameters" in output
    assert sum(where[("a", str(i))] == where[("b", str(i))] for i in range(600)) / 600 >= 0.95
    # Two people of one household stay apart.
    assert len(set(where.values())) == 600


def test_a_personal_reference_counts_even_with_no_dates_of_birth(tmp_path: Path) -> None:
    """No date of birth, so EM has no personal pairs to start from; the base weights judge the pairs that
    share the membership number, some with a mistyped name, and find the number personal."""
    lines = _people_with_a_personal_reference(600).splitlines()
    rows = [",".join(cells[:4] + cells[5:]) for cells in (line.split(",") for line in lines)]
    for i in range(2, len(rows), 14):  # one second copy in seven: the surname replaced by another
        cells = rows[i].split(",")
        cells[3] = "ashworth"
        rows[i] = ",".join(cells)
    output, where = _match_rows(tmp_path, rows)
    assert "estimated match parameters from the input by EM: 1200 records" in output
    renamed = {str((i - 2) // 2) for i in range(2, len(rows), 14)}
    kept = [str(i) for i in range(600) if str(i) not in renamed]
    # Every person whose name was kept is found; the weight of the number is learned, not assumed.
    assert all(where[("a", i)] == where[("b", i)] for i in kept)


def test_a_date_of_birth_written_for_every_record_is_read_as_unknown(tmp_path: Path) -> None:
    """A system that writes 31 December 1899 when it does not know the date: its records must not all be
    one person's, and must still be matched by their names and addresses."""
    import random

    rng = random.Random(9)
    given = ["ava", "ben", "cleo", "dev", "eli", "fay", "gus", "hal", "ida", "jon", "kit", "lou"]
    family = [f"{a}{b}" for a in ("mor", "tal", "wen", "bri", "cas", "dun") for b in ("ley", "ton", "ford")]
    rows = ["source_system,source_record_id,given_name,family_name,date_of_birth,address_line_1,postcode"]
    for i in range(600):
        g, f, street = rng.choice(given), rng.choice(family), rng.choice(family)
        dob = f"{rng.randint(1930, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        postcode = (
            f"M{rng.randint(1, 40)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}"
        )
        rows.append(f"a,{i},{g},{f},{dob},{rng.randint(1, 200)} {street} road,{postcode}")
        rows.append(f"b,{i},{g},{f},1899-12-31,{rows[-1].split(',')[5]},{postcode}")
    output, where = _match_rows(tmp_path, rows)
    assert "read as unknown: date of birth 1899-12-31 (600 records)" in output
    assert sum(where[("a", str(i))] == where[("b", str(i))] for i in range(600)) / 600 >= 0.95
    assert len(set(where.values())) >= 590


def test_csv_headers_are_read_whatever_their_case_and_spacing(tmp_path: Path) -> None:
    """Spreadsheets carry headers such as "Given Name" or "ID:NINO": the same columns."""
    output, by_id = _match_rows(
        tmp_path,
        [
            "Source System,Source-Record-ID,Given Name,FAMILY_NAME,Date of Birth,Postcode,ID:NINO",
            "ct,1,Margaret,Smith,1950-03-04,M5 4WT,AB123456C",
            "hb,2,Margaret,Smith,1950-03-04,M5 4WT,AB123456C",
            "hb,3,Ada,Obi,1990-01-01,B1 1AA,",
        ],
    )
    assert "columns not read" not in output
    assert by_id[("ct", "1")] == by_id[("hb", "2")] != by_id[("hb", "3")]


def test_csv_columns_not_read_are_named_and_the_rest_matched(tmp_path: Path) -> None:
    output, by_id = _match_rows(
        tmp_path,
        [
            "source_record_id,given_name,family_name,date_of_birth,Ethnicity,NI Num",
            "1,Margaret,Smith,1950-03-04,White British,AB123456C",
            "2,Margaret,Smith,1950-03-04,White British,AB123456C",
        ],
    )
    assert "columns not read: Ethnicity, NI Num (the columns read are source_system" in output
    assert len(by_id) == 2


def test_csv_countries_written_as_names_are_read(tmp_path: Path) -> None:
    """A CRM's export writes the country in full: a UK address with ``United Kingdom`` is a UK address."""
    output, by_id = _match_rows(
        tmp_path,
        [
            "source_record_id,given_name,family_name,address_line_1,postcode,country",
            "1,Margaret,Smith,10 High Street,M5 4WT,GB",
            "2,Margaret,Smith,10 High Street,m54wt,United Kingdom",
            "3,Anna,Kowalska,ul. Długa 5,00-238,Poland",
        ],
    )
    assert "not read" not in output.replace("(0 lines not read)", "")
    assert by_id[("csv", "1")] == by_id[("csv", "2")] != by_id[("csv", "3")]


def test_a_csv_header_with_nothing_to_match_on_is_an_error(tmp_path: Path) -> None:
    """Prenom/Nom/Naissance are no columns it knows: every record would be empty and nothing would match, so
    the command stops and says why instead of writing clusters of nobody."""
    source = tmp_path / "people.csv"
    source.write_text("source_record_id,Prenom,Nom,Naissance\n1,John,Smith,1980-01-02\n")
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, ["match", str(source), "--out", str(out)])
    assert result.exit_code == 1
    assert "columns not read: Prenom, Nom, Naissance" in result.output
    assert "error: the CSV header names no column to match on" in result.output
    assert not out.exists()


def test_a_spreadsheets_usual_column_names_are_read_and_said(tmp_path: Path) -> None:
    """Council extracts head their columns Forename, Surname, D.O.B., Address 1, Post Code and NI Number:
    read as given_name, family_name, date_of_birth, address_line_1, postcode and id:nino."""
    output, by_id = _match_rows(
        tmp_path,
        [
            "Ref,Forename,Surname,D.O.B.,Address 1,Post Code,NI Number",
            "1,Margaret,Smith,04/03/1950,10 High St,M5 4WT,AB123456C",
            "2,Peggy,Smith,1950-03-04,10 High Street,M5 4WT,AB123456C",
            "3,Ada,Obi,1990-01-01,1 Elm Close,B1 1AA,",
        ],
    )
    assert (
        "columns read by their usual names: Ref as source_record_id, Forename as given_name, Surname as "
        "family_name, D.O.B. as date_of_birth, Address 1 as address_line_1, Post Code as postcode, NI Number "
        "as id:nino"
    ) in output
    assert "columns not read" not in output
    assert by_id[("csv", "1")] == by_id[("csv", "2")] != by_id[("csv", "3")]


def test_a_whole_name_column_is_read_as_the_whole_name(tmp_path: Path) -> None:
    output, by_id = _match_rows(
        tmp_path,
        [
            "ID,Full Name,DOB,Postcode",
            "1,Mrs Margaret Smith,1950-03-04,M5 4WT",
            '2,"SMITH, Margaret",1950-03-04,M5 4WT',
            "3,Ada Obi,1950-03-04,M5 4WT",
        ],
    )
    assert "Full Name as given_name" in output
    assert by_id[("csv", "1")] == by_id[("csv", "2")] != by_id[("csv", "3")]


def test_a_whole_name_or_address_beside_its_parts_is_set_aside_and_said(tmp_path: Path) -> None:
    """A report gives a display name beside the forename and surname, and a whole address beside its first
    line (``unique_id`` is how Splink's data sets name the row): both read as given_name, or as
    address_line_1, stopped the command ("two columns ... are each read as given_name"). The parts are read;
    the whole is named as not read. ``Address`` beside ``Address 2`` is still the first line."""
    output, by_id = _match_rows(
        tmp_path,
        [
            "unique_id,Full Name,First Name,Surname,Full Address,Address Line 1,Postcode",
            '1,Mrs Margaret Smith,Margaret,Smith,"14 High St, Salford",14 High St,M5 4WT',
            '2,Margaret Smith,Margaret,Smith,"14 High Street, Salford",14 High Street,M5 4WT',
            '3,John Smith,John,Smith,"14 High Street, Salford",14 High Street,M5 4WT',
        ],
    )
    assert "unique_id as source_record_id" in output
    assert "columns not read: Full Name, Full Address (other columns hold the same in parts" in output
    assert by_id[("csv", "1")] == by_id[("csv", "2")] != by_id[("csv", "3")]
    records, _bad = read_changes(tmp_path / "input.csv", FellegiSunterEngine())
    features = records[0].prepared.features if records[0].prepared else {}
    assert (features["g"], features["f"], features["a"][0][2:4]) == (
        "margaret",
        "smith",
        ("14", "high street"),
    )
    output, by_id = _match_rows(
        tmp_path,
        ["ID,Name,Surname,Address,Address 2,Postcode", "1,Margaret,Smith,Flat 2,14 High St,M5 4WT"],
    )
    assert "columns not read" not in output
    records, _bad = read_changes(tmp_path / "input.csv", FellegiSunterEngine())
    features = records[0].prepared.features if records[0].prepared else {}
    assert (features["g"], features["f"], features["a"][0][1:4]) == (
        "margaret",
        "smith",
        ("2", "14", "high street"),
    )


def test_cells_a_database_or_spreadsheet_writes_for_no_value_are_empty(tmp_path: Path) -> None:
    """An export from SQL writes NULL in every empty cell, and a spreadsheet #N/A where a look-up found
    nothing: read as values, two namesakes "lived" at the address NULL, NULL and were one citizen."""
    output, by_id = _match_rows(
        tmp_path,
        [
            "source_record_id,given_name,middle_names,family_name,date_of_birth,address_line_1,postcode,email",
            "1,John,NULL,Smith,NULL,NULL,NULL,NULL",
            "2,John,#N/A,Smith,null,NULL,(null),#N/A",
            "3,Nan,NaN,Hale,1930-01-02,,,",
        ],
    )
    records, _bad = read_changes(tmp_path / "input.csv", FellegiSunterEngine())
    nan = records[2].prepared
    assert nan is not None
    assert (nan.features["g"], nan.features.get("m")) == ("nan", None)  # Nan is a name; NaN is not
    assert (
        "cells read as empty, as a database or a spreadsheet writes no value: NULL (6), #N/A (2), null (1), "
        "(null) (1), NaN (1)"
    ) in output
    assert by_id[("csv", "1")] != by_id[("csv", "2")]


def test_numbers_a_spreadsheet_rounded_are_counted_by_column_and_not_matched_on(tmp_path: Path) -> None:
    """Excel writes a UPRN, a +44 phone number or a long account number as 1.00012E+11 when it saves a CSV.
    Two namesakes in one street then shared "their" UPRN, phone and account, and were one citizen. The
    command now says which columns lost digits and how to save them whole."""
    output, by_id = _match_rows(
        tmp_path,
        [
            "source_record_id,given_name,family_name,address_line_1,postcode,uprn,Mobile,Home Phone,id:acct",
            "1,John,Smith,10 High Street,M5 4WT,1.00012E+11,4.47701E+11,4.41617E+11,4.00001E+11",
            "2,John,Smith,12 High Street,M5 4WT,1.00012E+11,4.47701E+11,,4.00001E+11",
            "3,Ann,Hale,3 Mill Lane,M5 4WT,1.00011999993E+11,07700 900123,,",
        ],
    )
    assert (
        "numbers a spreadsheet rounded into scientific notation (1.00012E+11), their last digits lost, not "
        "matched on: phone (3), uprn (2), id:acct (2); format those columns as text and save the file again"
    ) in output
    assert by_id[("csv", "1")] != by_id[("csv", "2")]
    records, _bad = read_changes(tmp_path / "input.csv", FellegiSunterEngine())
    whole = records[2].prepared
    assert whole is not None
    assert whole.features["u"] == ("100011999993",)


def test_a_whole_address_in_one_column_and_a_header_below_a_reports_title_are_read(tmp_path: Path) -> None:
    """A report tool writes its title and run date above the header, and the whole address in one
    ``Address`` cell (on lines of its own within the cell, or with commas). The command stopped at the
    title ("no source_record_id column"), and did not read the address at all."""
    output, by_id = _match_rows(
        tmp_path,
        [
            "Council Tax extract,,,,",
            "Run on 01/11/2026,,,,",
            ",,,,",
            "Ref,Forename,Surname,DOB,Address",
            'CT1,Margaret,Smith,,"14 High Street\nSalford\nM5 4WT"',
            'CT2,John,Brown,05/06/1960,"3 Mill Lane, Salford, M6 5AB"',
            'CT3,Margaret,Smith,,"14 High Street, Salford, M5 4WT"',
        ],
    )
    assert "input.csv's header is on line 4: the 3 lines above it (a report's title) are not read" in output
    assert "Address as address_line_1" in output
    changes, bad = read_changes(tmp_path / "input.csv", FellegiSunterEngine())
    assert not bad
    assert [c.prepared.features["a"][0][:3] for c in changes if c.prepared] == [
        ("M5 4WT", "", "14"),
        ("M6 5AB", "", "3"),
        ("M5 4WT", "", "14"),
    ]
    assert by_id[("csv", "CT1")] == by_id[("csv", "CT3")]


def test_a_csv_with_no_header_in_its_first_rows_is_an_error_naming_what_the_first_lacks(
    tmp_path: Path,
) -> None:
    source = tmp_path / "input.csv"
    source.write_text(
        "\n".join(["Extract", *[f"row {n},x" for n in range(12)], "Ref,Surname", "1,Smith"]) + "\n"
    )
    result = runner.invoke(app, ["match", str(source), "--out", str(tmp_path / "out.csv")])
    assert result.exit_code == 1
    assert "error: the CSV header has no source_record_id column" in result.output


def test_an_address_in_its_bs7666_parts_is_read_as_its_lines(tmp_path: Path) -> None:
    """A gazetteer or property system exports an address in its parts (SAON, PAON, Street, Locality), and
    these columns were not read: the records had a postcode and a town, and no house. A flat given as its
    number or letter alone is written ``Flat 2``, as another system's lines hold it."""
    output, by_id = _match_rows(
        tmp_path,
        [
            "source_system,Person ID,Forename(s),Surname,SAON,PAON,Building Name,Street,Locality,Town/City,"
            "Postcode",
            "llpg,1,Margaret,Smith,2,14,,High Street,Pendleton,Salford,M5 4WT",
            "llpg,2,John,Brown,A,52,Ash House,Station Road,,Salford,M6 5AB",
            "llpg,3,Ann,Hale,,9,,Mill Lane,,,M6 5AB",
        ],
    )
    assert "Person ID as source_record_id" in output
    assert "Forename(s) as given_name" in output
    assert "SAON as flat, PAON as house_number, Building Name as house_name" in output
    assert "Town/City as town" in output
    changes, bad = read_changes(tmp_path / "input.csv", FellegiSunterEngine())
    assert not bad
    assert [c.prepared.features["a"][0] for c in changes if c.prepared] == [
        ("M5 4WT", "2", "14", "high street pendleton", "salford"),
        ("M6 5AB", "a", "52", "ash house station road", "salford"),
        ("M6 5AB", "", "9", "mill lane", ""),
    ]
    assert len(set(by_id.values())) == 3


def test_a_persons_reference_is_the_record_id_only_where_no_column_is(tmp_path: Path) -> None:
    output, by_id = _match_rows(tmp_path, ["ID,Person ID,Forename,Surname", "1,P9,Ann,Hale", "2,P9,Ann,Hale"])
    assert "columns not read: Person ID" in output
    assert set(by_id) == {("csv", "1"), ("csv", "2")}


def test_a_maiden_name_and_a_name_the_person_goes_by_are_the_records_other_names(tmp_path: Path) -> None:
    """Social care and housing extracts keep a Maiden Name (Previous Surname) and a Known As column. They were
    not read, and Margaret Jones, born Smith, did not meet the Margaret Smith another system still holds."""
    output, by_id = _match_rows(
        tmp_path,
        [
            "source_system,Ref,Forename,Surname,DOB,Maiden Name,Known As",
            "care,1,Margaret,Jones,04/03/1950,Smith,Peggy",
            "hb,2,Margaret,Smith,04/03/1950,,",
            "ct,3,Wei,Zhang,1971-05-06,,David",
        ],
    )
    assert "DOB as date_of_birth, Maiden Name as previous_family_name" in output
    changes, bad = read_changes(tmp_path / "input.csv", FellegiSunterEngine())
    assert not bad
    first, _, third = (c.prepared.features for c in changes if c.prepared)
    assert (first["fo"], first["go"], third["go"]) == (("smith",), ("peggy",), ("david",))
    assert by_id[("care", "1")] == by_id[("hb", "2")]


def test_a_sex_or_gender_column_keeps_a_brother_and_sister_held_by_initials_apart(tmp_path: Path) -> None:
    """Twins J and J Hale, one date of birth and one address, told apart only by the Gender column (as
    titles tell ``Mr`` and ``Mrs``): the column was not read, and the two were one citizen."""
    output, by_id = _match_rows(
        tmp_path,
        [
            "source_system,source_record_id,given_name,family_name,date_of_birth,postcode,Gender",
            "ct,1,J,Hale,2001-02-03,M5 4WT,Male",
            "ct,2,J,Hale,2001-02-03,M5 4WT,F",
            "hb,3,J,Hale,2001-02-03,M5 4WT,M",
            "hb,4,J,Hale,2001-02-03,M5 4WT,Not known",
        ],
    )
    assert "Gender as sex" in output
    changes, _bad = read_changes(tmp_path / "input.csv", FellegiSunterEngine())
    assert [c.prepared.features.get("s") for c in changes if c.prepared] == ["m", "f", "m", None]
    assert by_id[("ct", "1")] == by_id[("hb", "3")] != by_id[("ct", "2")]


def test_several_phone_and_email_columns_are_each_read(tmp_path: Path) -> None:
    """A CRM's export has Home Phone, Mobile and Work Email: each is one of the record's numbers or addresses,
    so the mobile one system holds meets the mobile in another system's Mobile column."""
    output, by_id = _match_rows(
        tmp_path,
        [
            "source_system,source_record_id,Forename,Surname,Home Phone,Mobile,Work Email",
            "crm,1,Ann,Hale,0161 745 2291,07700 900123,ann.hale@council.example",
            "ct,2,Ann,Hale,,,",
            "hb,3,Ann,Hale,07700 900123,,",
        ],
    )
    assert "Home Phone as phone, Mobile as phone, Work Email as email" in output
    records, _bad = read_changes(tmp_path / "input.csv", FellegiSunterEngine())
    first = records[0].prepared
    assert first is not None
    assert first.features["p"] == ("+441617452291", "+447700900123")
    assert first.features["e"] == ("ann.hale@council.example",)


@pytest.mark.parametrize("separator", [";", "\t", "|"])
def test_columns_separated_otherwise_than_by_commas_are_read(tmp_path: Path, separator: str) -> None:
    """Excel in many European locales saves "CSV" with semicolons; database exports use tabs or bars."""
    rows = [
        "source_record_id,given_name,family_name,date_of_birth,postcode",
        "1,Margaret,Smith,1950-03-04,M5 4WT",
        "2,Peggy,Smith,1950-03-04,M5 4WT",
        "3,Ada,Obi,1990-01-01,B1 1AA",
    ]
    output, by_id = _match_rows(tmp_path, [row.replace(",", separator) for row in rows])
    assert "separates its columns with" in output
    assert "columns not read" not in output
    assert by_id[("csv", "1")] == by_id[("csv", "2")] != by_id[("csv", "3")]


def test_two_columns_read_as_one_are_an_error(tmp_path: Path) -> None:
    """Surname and family_name both: which to match on cannot be told, and one would be lost."""
    source = tmp_path / "people.csv"
    source.write_text("source_record_id,Surname,family_name\n1,Smith,Smyth\n")
    result = runner.invoke(app, ["match", str(source), "--out", str(tmp_path / "clusters.csv")])
    assert result.exit_code == 1
    assert "error: two columns of the CSV header are each read as family_name: keep one" in result.output


def test_csv_dates_written_day_first_or_with_a_time_are_read(tmp_path: Path) -> None:
    """UK spreadsheets write 04/03/1950 for 4 March 1950, export date cells with a time of day (in either
    order), or as displayed (4 Mar 1950, 04-Mar-1950)."""
    output, by_id = _match_rows(
        tmp_path,
        [
            "source_record_id,given_name,family_name,date_of_birth,postcode",
            "1,Margaret,Smith,04/03/1950,M5 4WT",
            "2,Margaret,Smith,1950-03-04 00:00:00,M5 4WT",
            "3,Margaret,Smith,03/04/1950,M5 4WT",
            "4,Margaret,Smith,4 Mar 1950,M5 4WT",
            "5,Margaret,Smith,04-Mar-1950,M5 4WT",
            "6,Margaret,Smith,4th March 1950,M5 4WT",
            "7,Margaret,Smith,04/03/1950 00:00:00,M5 4WT",
        ],
    )
    assert "3 dates of birth were written day first (DD/MM/YYYY) and read so" in output
    changes, bad = read_changes(tmp_path / "input.csv", FellegiSunterEngine())
    assert not bad
    assert [c.prepared.features["d"] for c in changes if c.prepared] == [
        (1950, 3, 4),
        (1950, 3, 4),
        (1950, 4, 3),
        (1950, 3, 4),
        (1950, 3, 4),
        (1950, 3, 4),
        (1950, 3, 4),
    ]
    assert by_id[("csv", "1")] == by_id[("csv", "2")] == by_id[("csv", "4")] == by_id[("csv", "5")]
    assert by_id[("csv", "7")] == by_id[("csv", "1")]


def test_csv_dates_written_with_a_months_name_and_a_two_digit_year_or_month_first_are_read(
    tmp_path: Path,
) -> None:
    """Oracle's default date format writes 04-MAR-50, Excel's d-mmm-yy 4-Mar-50: both were kept as given and
    read as no date of birth at all. An American form writes March 4, 1950; a register of the month alone
    Mar 1950."""
    output, by_id = _match_rows(
        tmp_path,
        [
            "source_system,source_record_id,given_name,family_name,date_of_birth,postcode",
            "ct,1,Margaret,Smith,04-MAR-50,M5 4WT",
            "hb,2,Margaret,Smith,4-Mar-50,M5 4WT",
            "ho,3,Margaret,Smith,1950-03-04,M5 4WT",
            'web,4,Margaret,Smith,"March 4, 1950",M5 4WT',
            "reg,5,Margaret,Smith,Mar 1950,",
            "reg,6,Ann,Hale,14 Sept 19,",
        ],
    )
    assert "3 dates of birth were written with a month's name and a two-digit year" in output
    changes, bad = read_changes(tmp_path / "input.csv", FellegiSunterEngine())
    assert not bad
    assert [c.prepared.features["d"] for c in changes if c.prepared] == [
        (1950, 3, 4),
        (1950, 3, 4),
        (1950, 3, 4),
        (1950, 3, 4),
        (1950, 3, None),
        (2019, 9, 14),
    ]
    assert by_id[("ct", "1")] == by_id[("hb", "2")] == by_id[("ho", "3")] == by_id[("web", "4")]


def test_csv_dates_with_a_two_digit_year_or_saved_as_day_numbers_are_read(tmp_path: Path) -> None:
    """Some exports write DD/MM/YY; a date column formatted as a number saves each date as its day number
    (days since 30 December 1899). A two-digit year is the latest not after this year's; four digits are
    still a year (1950), never a day number. The command says how many it read each way."""
    this_year = date.today().year % 100
    output, _ = _match_rows(
        tmp_path,
        [
            "source_record_id,given_name,family_name,date_of_birth",
            "1,Margaret,Smith,04/03/50",
            f"2,Ann,Hale,01/02/{this_year:02d}",
            f"3,Ann,Hale,01/02/{(this_year + 1) % 100:02d}",
            "4,Margaret,Smith,18326",
            "5,Margaret,Smith,18326.0",
            "6,Margaret,Smith,1950",
        ],
    )
    assert "3 dates of birth were written day first with a two-digit year" in output
    assert "2 dates of birth were a spreadsheet's day numbers (18326 is 1950-03-04) and read so" in output
    changes, bad = read_changes(tmp_path / "input.csv", FellegiSunterEngine())
    assert not bad
    dates = [c.prepared.features["d"] for c in changes if c.prepared]
    assert [dates[0], *dates[3:]] == [(1950, 3, 4), (1950, 3, 4), (1950, 3, 4), (1950, None, None)]
    this, next_ = dates[1][0], dates[2][0]
    assert (this, next_ % 100) == (date.today().year, (this_year + 1) % 100)
    assert date.today().year - 100 < next_ < date.today().year


def test_a_csv_header_with_no_record_ids_is_an_error(tmp_path: Path) -> None:
    """Without a source_record_id column no row can be named in clusters.csv: one line says so, rather
    than one line per row."""
    source = tmp_path / "people.csv"
    source.write_text("given_name,family_name\nJohn,Smith\nJon,Smith\n")
    result = runner.invoke(app, ["match", str(source), "--out", str(tmp_path / "clusters.csv")])
    assert result.exit_code == 1
    assert "error: the CSV header has no source_record_id column" in result.output
    assert "line 2" not in result.output


def test_csv_rows_shorter_or_longer_than_the_header_are_read_by_their_cells(tmp_path: Path) -> None:
    """Spreadsheets drop a row's trailing empty cells; a cell past the header has no column to be read."""
    source = tmp_path / "people.csv"
    source.write_text(
        "source_record_id,given_name,family_name,date_of_birth,postcode\n"
        "1,John,Smith,1980-01-02,M5 4WT\n"
        "2,John,Smith,1980-01-02\n"
        "\n"
        "3,Jon,Smith,1980-01-02,M5 4WT,stray\n"
    )
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, ["match", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    by_id = {
        row["source_record_id"]: row["citizen_id"] for row in csv.DictReader(out.read_text().splitlines())
    }
    assert sorted(by_id) == ["1", "2", "3"]
    assert len(set(by_id.values())) == 1


def test_a_csv_saved_by_excel_in_windows_1252_is_read_with_its_accents(tmp_path: Path) -> None:
    """Excel's "CSV (Comma delimited)" is Windows-1252: read as UTF-8, its first "ë" stopped the run."""
    source = tmp_path / "people.csv"
    source.write_bytes(
        "source_record_id,given_name,family_name,date_of_birth,postcode\n"
        "1,Zoë,Brontë,1970-01-02,M5 4WT\n2,Zoe,Bronte,1970-01-02,M5 4WT\n".encode("cp1252")
    )
    changes, bad = read_changes(source, FellegiSunterEngine())
    assert not bad
    assert [c.prepared.features["g"] for c in changes if c.prepared] == ["zoe", "zoe"]
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, ["match", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "read as Windows-1252" in result.output
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert len({r["citizen_id"] for r in rows}) == 1


def test_a_jsonl_line_that_is_not_utf8_is_one_bad_line(tmp_path: Path) -> None:
    source = tmp_path / "people.jsonl"
    good = {"source_system": "ct", "source_record_id": "1", "name": {"given": "Zoe", "family": "Smith"}}
    bad = b'{"source_system":"ct","source_record_id":"2","name":{"given":"Zo\xeb","family":"Smith"}}'
    source.write_bytes(json.dumps(good).encode() + b"\n" + bad + b"\n")
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, ["match", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "line 2: Invalid JSON: invalid unicode" in result.output
    assert "matched 1 record into 1 citizen (1 line not read)" in result.output
    assert [r["source_record_id"] for r in csv.DictReader(out.read_text().splitlines())] == ["1"]


def test_a_whole_name_in_the_given_name_column_is_split(tmp_path: Path) -> None:
    """A spreadsheet with one name column, mapped to given_name as the README says: the last word is the
    surname (a title dropped), and SMITH, Margaret is surname first."""
    _output, by_id = _match_rows(
        tmp_path,
        [
            "source_record_id,given_name,family_name,date_of_birth,postcode",
            "1,Margaret,Smith,1950-03-04,M5 4WT",
            "2,Mrs Margaret Ann Smith,,1950-03-04,M5 4WT",
            '3,"SMITH, Margaret",,1950-03-04,M5 4WT',
        ],
    )
    changes, bad = read_changes(tmp_path / "input.csv", FellegiSunterEngine())
    assert not bad
    assert [(c.prepared.features["g"], c.prepared.features["f"]) for c in changes if c.prepared] == [
        ("margaret", "smith")
    ] * 3
    assert by_id[("csv", "1")] == by_id[("csv", "2")] == by_id[("csv", "3")]


def test_a_csv_saved_through_a_spreadsheet_reads_its_numbers_whole(tmp_path: Path) -> None:
    """A council's extract saved from Excel or a data frame writes a numbers column with a blank cell as
    floats: the UPRN, the NHS number, a phone that lost its leading zero. Two records of one person with
    no name or date of birth in common beyond a slip still share every one of those numbers."""
    header = "source_system,source_record_id,given_name,family_name,uprn,id:nhs,phone,postcode"
    _output, by_id = _match_rows(
        tmp_path,
        [
            header,
            "ct,1,Margaret,Smith,100011999993.0,9434765919.0,1617452291.0,",
            "hb,2,Margret,Smith,100011999993,943 476 5919,0161 745 2291 / 07700 900123,M5 4WT",
            "ct,3,Margaret,Smith,100011999994.0,,,",
        ],
    )
    changes, bad = read_changes(tmp_path / "input.csv", FellegiSunterEngine())
    assert not bad
    first = next(c.prepared for c in changes if c.key == "ct/1" and c.prepared)
    assert (first.features["u"], first.features["h"], first.features["p"]) == (
        ("100011999993",),
        ("9434765919",),
        ("+441617452291",),
    )
    assert by_id[("ct", "1")] == by_id[("hb", "2")] != by_id[("ct", "3")]
