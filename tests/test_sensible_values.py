"""Values that make sense (issue #16, item 5) and rows never swallowed (item 4), at the level of the parsers
and readers; the battery (tests/test_hostile_input.py) runs the same cases through the CLI."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from loadhelpers import write_csv

from eitgraph.catalogue import Catalogue
from eitgraph.errors import InputError, QueryError
from eitgraph.load.tables import read_table
from eitgraph.model.geo import position_problem
from eitgraph.model.materials import MAX_PER_YEAR, normalise_quantity
from eitgraph.values import parse_amount, parse_count, parse_date, parse_integer, parse_number


@pytest.mark.parametrize("value, unit, period, category", [
    (1e308, "t", "jour", "wood"), (1e306, "kg", "jour", "wood"), (2e9, "t", None, "wood"),
    (1e12, "m3", "an", "water"), (2e14, "kWh", "an", "energy"), (5e12, "unités", "mois", "functional-objects"),
])
def test_quantities_beyond_any_flow_are_refused(value, unit, period, category):
    with pytest.raises(ValueError, match=r"too large to compute|beyond what one flow can carry"):
        normalise_quantity(value, unit, period, category)


def test_quantities_at_the_bound_are_kept():
    assert normalise_quantity(1e9, "t", "an", "wood") == (1e9, "t/an")
    assert normalise_quantity(1e6, "kg", "jour", "wood") == (365000.0, "t/an")
    assert set(MAX_PER_YEAR) == {"t/an", "m3/an", "MWh/an", "unités/an"}
    assert all(math.isfinite(v) for v in MAX_PER_YEAR.values())


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "1e400", "Infinity"])
def test_numbers_are_finite(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_whole_numbers_fit_the_store_and_counts_are_not_negative():
    assert parse_integer(str(2**63 - 1024)) > 0
    with pytest.raises(ValueError, match="too large"):
        parse_integer("1e30")
    assert parse_count("0") == 0
    with pytest.raises(ValueError, match="cannot be negative"):
        parse_count("-1")
    with pytest.raises(ValueError, match="beyond any budget"):
        parse_amount("1e20")


@pytest.mark.parametrize("text", ["2173-10-14", "14/10/2173", "1899-12-31", "01/01/1850", "99999", "2101"])
def test_dates_outside_1900_2100_are_refused(text):
    with pytest.raises(ValueError, match=r"plausible range|out of range"):
        parse_date(text, "end")


def test_dates_inside_the_range_are_read():
    assert parse_date("1900-01-01") == dt.date(1900, 1, 1)
    assert parse_date("2100", "end") == dt.date(2100, 12, 31)
    assert parse_date("2050", "end") == dt.date(2050, 12, 31)            # « neutralité carbone 2050 »


@pytest.mark.parametrize("lat, lon, french, level, fragment", [
    (47.8066, 7.1725, True, None, None),
    (7.1725, 47.8066, True, "error", "look swapped"),
    (7.1725, 47.8066, False, "warning", "look swapped"),
    (52.52, 13.40, True, "error", "outside France"),
    (52.52, 13.40, False, None, None),                                   # a partner in Berlin, no French commune
    (-21.11, 55.53, True, None, None),                                   # La Réunion
    (55.53, -21.11, True, "error", "look swapped"),
    (6770000, 1020000, True, "error", "not degrees"),
    (47.8, None, True, "error", "together"),
])
def test_positions(lat, lon, french, level, fragment):
    found = position_problem(lat, lon, french)
    assert (found and found[0]) == level or (found is None and level is None)
    if fragment:
        assert fragment in found[1]


def test_query_parameters_are_bounded():
    q = Catalogue().get("circular-loops")
    assert q.bind({"max_length": "4"})["max_length"] == 4
    for bad in ("-1", "1", "13", "99999999999999999999", "1.5"):
        with pytest.raises(QueryError):
            q.bind({"max_length": bad})
    with pytest.raises(QueryError, match="at least 0"):
        Catalogue().get("hub-organisations").bind({"top": -3})       # from Python too, not only as text


# -- rows never swallowed -------------------------------------------------------------------------------

def test_a_quote_never_closed_is_an_error_where_it_opens(tmp_path):
    rows = ["Raison sociale;Type d'acteur;Code INSEE"] + [f"Ent {i};Entreprise;68063" for i in range(30)]
    rows[7] = '"' + rows[7]
    path = tmp_path / "a.csv"
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    with pytest.raises(InputError, match="never closed") as exc:
        read_table(path)
    assert exc.value.location.row == 8


def test_multi_line_cells_are_still_read(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text('Raison sociale;Adresse;Code INSEE\r\nA;"1 rue du Moulin\r\nBP 12; cedex";68063\r\n'
                    'B;"2 rue\r\nX";68334\r\n', encoding="utf-8")
    table = read_table(path)
    assert [r[0] for r in table.rows] == [2, 4]
    assert table.rows[0][1][1] == "1 rue du Moulin\r\nBP 12; cedex"


def test_a_quote_closed_inside_a_cell_is_read_as_spreadsheets_do(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('Raison sociale;Code INSEE\r\n"Le Relais" Est;68063\r\nB;68334\r\n', encoding="utf-8")
    assert read_table(path).rows == [(2, ["Le Relais Est", "68063"]), (3, ["B", "68334"])]


def test_duplicate_headers_with_equal_values_are_a_warning_only(territory_kb, tmp_path):
    path = write_csv(tmp_path / "dup.csv", [["Raison sociale", "Type d'acteur", "Code INSEE", "Raison sociale"],
                                            ["Ateliers", "Entreprise", "68063", "Ateliers"],
                                            ["Bois", "Entreprise", "68334", ""]])
    report = territory_kb.load("stakeholders", path, dry_run=True)
    assert any("repeats column 'Raison sociale'" in w for w in report.warnings)
