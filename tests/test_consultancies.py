"""Consultancies' diagnostics as they come (issue #13, item 4) and where to start (item 5): title rows above
the header, one sheet per company, operation codes of the Waste Framework Directive and French words for
treatments, counts written with their unit; the kind recognised from the headers, reference files by name,
errors that name the command to run first."""

from __future__ import annotations

import os

import openpyxl
import pytest
from click.testing import CliRunner
from loadhelpers import recs, snapshot, write_csv

from eitgraph import shipped
from eitgraph.cli import cli
from eitgraph.errors import EitgraphError, InputError, ValidationError

FLOW_HEADER = ["Déchet / ressource", "Sens", "Code déchet", "Gisement annuel", "Unité", "Exutoire", "Prestataire"]
FLOWS = {
    "Tôlerie Martin": [
        ["Chutes d'acier", "Sortant", "12 01 01", "40", "t", "R4", "Paprec Grand Est"],
        ["Cartons", "Sortant", "15 01 01", "6", "t", "R3 - recyclage", "Suez RV Nord-Est"],
        ["Palettes", "Sortant", "15 01 03", "1 200 unités", "", "Réemploi", "Recyclerie de la Thur"],
    ],
    "Scierie Doller": [
        ["Sciures", "Sortant", "03 01 05", "120", "t", "Chaufferie bois", "GAEC du Moulin"],
        ["Écorces", "Sortant", "03 01 01", "30", "t", "valorisation organique", "Compost Thur"],
        ["Déchets en mélange", "Sortant", "20 03 01", "12", "t", "ISDND", "Sita Alsace"],
        ["Gravats", "Sortant", "17 01 07", "25", "t", "D5", "ISDI Cernay"],
    ],
}


def workbook(path, sheets=FLOWS, titles=True, extra_sheet=None):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        if titles:  # a consultancy's layout: a title, the company, a blank line, then the table
            ws.append(["Diagnostic des flux de matières — Écologie industrielle Pays Thur Doller"])
            ws.append(["Entreprise :", name])
            ws.append([])
        ws.append(FLOW_HEADER)
        for r in rows:
            ws.append(r)
    if extra_sheet:
        ws = wb.create_sheet(extra_sheet[0])
        for r in extra_sheet[1]:
            ws.append(r)
    wb.save(path)
    return path


@pytest.fixture()
def kb(writable_kb):
    writable_kb.load("materials", shipped.path("reference", "list_of_waste.csv"))
    return writable_kb


def flows(kb) -> list[dict]:
    return recs(kb.cypher("MATCH (o:Organisation)-[f:OUTPUTS]->(m:Material) RETURN o.name AS site, f.label AS label, "
                          "f.treatment AS treatment, f.treatment_code AS code, f.quantity AS quantity, f.unit AS unit, "
                          "f.original_unit AS written ORDER BY site, label"))


def test_one_sheet_per_company_with_title_rows(kb, tmp_path):
    path = workbook(tmp_path / "diagnostics-bureau.xlsx")
    report = kb.load("diagnostics", path, site_from="sheet", create_missing=True)
    assert report.written["OUTPUTS"] == 7
    got = {(f["site"], f["label"]): f for f in flows(kb)}
    assert {s for s, _ in got} == set(FLOWS)
    assert (got[("Tôlerie Martin", "Chutes d'acier")]["treatment"], got[("Tôlerie Martin", "Chutes d'acier")]["code"]) \
        == ("recycling", "R4")
    assert got[("Tôlerie Martin", "Cartons")]["code"] == "R3"
    pallets = got[("Tôlerie Martin", "Palettes")]
    assert (pallets["quantity"], pallets["unit"], pallets["written"], pallets["treatment"]) == (
        1200.0, "unités/an", "unités", "reuse")
    assert got[("Scierie Doller", "Sciures")]["treatment"] == "energy_recovery"
    assert got[("Scierie Doller", "Écorces")]["treatment"] == "composting"
    assert got[("Scierie Doller", "Déchets en mélange")]["treatment"] == "landfill"
    assert (got[("Scierie Doller", "Gravats")]["treatment"], got[("Scierie Doller", "Gravats")]["code"]) == ("landfill", "D5")
    said = " | ".join(n.message for n in report.notes if n.code == "header_row")
    assert "sheet 'Tôlerie Martin': 3 rows, site 'Tôlerie Martin'" in said


def test_the_site_from_a_title_line(kb, tmp_path):
    path = workbook(tmp_path / "diag.xlsx", sheets={"Feuil1": FLOWS["Scierie Doller"], "Feuil2": FLOWS["Tôlerie Martin"]})
    # The title rows say « Entreprise : Feuil1 » here; a consultancy writes the company's name there.
    wb = openpyxl.load_workbook(path)
    wb["Feuil1"]["B2"] = "Scierie Doller"
    wb["Feuil2"]["B2"] = "Tôlerie Martin"
    wb.save(path)
    kb.load("diagnostics", path, site_from="title", create_missing=True)
    assert {f["site"] for f in flows(kb)} == {"Scierie Doller", "Tôlerie Martin"}
    kb.load("diagnostics", path, site_from="B2", create_missing=True, dataset_id="diagnostics:b2", force=True)


def test_title_rows_above_the_header_of_one_table(kb, tmp_path):
    path = workbook(tmp_path / "diag-une.xlsx", sheets={"Flux": FLOWS["Scierie Doller"]})
    rows = [["Site", *FLOW_HEADER]] + [["Scierie Doller", *r] for r in FLOWS["Scierie Doller"]]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Diagnostic EIT 2025"])
    ws.append(["Bureau d'études Exemple"])
    ws.append([])
    for r in rows:
        ws.append(r)
    wb.save(path)
    report = kb.load("diagnostics", path, create_missing=True)
    assert report.written["OUTPUTS"] == 4
    assert any(n.code == "header_row" and "row 4" in n.message for n in report.notes)
    # --header-row forces it (here: the wrong row, so the headers are not found).
    with pytest.raises(ValidationError, match="required column missing"):
        kb.load("diagnostics", path, header_row=2, dataset_id="diagnostics:forced")


def test_a_header_row_that_cannot_be_found(territory_kb, tmp_path):
    path = write_csv(tmp_path / "tableau.csv", [["Bilan 2024"], ["Colonne A", "Colonne B", "Colonne C"],
                                                ["x", "y", "z"]])
    before = snapshot(territory_kb)
    with pytest.raises(InputError) as exc:
        territory_kb.load("diagnostics", path)
    assert "no header row found in the first 30 rows" in str(exc.value)
    assert "« Site »" in str(exc.value) and "--header-row" in str(exc.value)
    assert snapshot(territory_kb) == before


def test_a_sheet_without_recognisable_header_is_named(kb, tmp_path):
    territory_kb = kb
    path = workbook(tmp_path / "diag.xlsx", extra_sheet=("Synthèse", [["Total", "2 300 t"], ["Entreprises", "2"]]))
    before = snapshot(territory_kb)
    with pytest.raises(ValidationError) as exc:
        territory_kb.load("diagnostics", path, site_from="sheet", create_missing=True)
    assert len(exc.value.problems) == 1
    assert exc.value.location.sheet == "Synthèse"
    assert "sheet 'Synthèse' has no recognisable header row" in str(exc.value)
    assert "-o skip_sheets='Synthèse'" in str(exc.value)
    assert snapshot(territory_kb) == before
    report = territory_kb.load("diagnostics", path, site_from="sheet", create_missing=True, skip_sheets="Synthèse",
                               dry_run=True)
    assert report.written["OUTPUTS"] == 7


def test_the_templates_own_sheets_are_not_sites(kb, tmp_path):
    """A consultancy that copied the data sheet of `eitgraph template` once per company keeps its help sheet and
    its hidden lists: they are said, not read as sites, and not an error."""
    from eitgraph.load.blank_workbooks import write_template

    wb = openpyxl.load_workbook(write_template("diagnostics", tmp_path / "modele.xlsx"))
    wb.remove(wb["Données"])
    for i, (name, rows) in enumerate(FLOWS.items()):
        ws = wb.create_sheet(name, i)
        for r in [FLOW_HEADER, *rows]:
            ws.append(r)
    assert wb.sheetnames == [*FLOWS, "Aide", "Listes"] and wb["Listes"].sheet_state == "hidden"
    wb.save(tmp_path / "diagnostics.xlsx")
    report = kb.load("diagnostics", tmp_path / "diagnostics.xlsx", site_from="sheet", create_missing=True)
    assert report.written["OUTPUTS"] == 7
    said = " | ".join(n.message for n in report.notes if n.code == "header_row")
    assert "sheet 'Aide' is the blank template's help or lists: not read" in said
    assert "sheet 'Listes' is the blank template's help or lists: not read" in said


def test_a_problem_names_its_sheet_and_row(territory_kb, tmp_path):
    bad = {"Tôlerie Martin": FLOWS["Tôlerie Martin"], "Scierie Doller": [*FLOWS["Scierie Doller"][:2],
                                                                      ["Boues", "Sortant", "19 08 14", "3", "t", "R14", ""]]}
    with pytest.raises(ValidationError) as exc:
        territory_kb.load("diagnostics", workbook(tmp_path / "diag.xlsx", sheets=bad), site_from="sheet",
                          create_missing=True)
    loc = exc.value.location
    assert (loc.sheet, loc.row, loc.column) == ("Scierie Doller", 7, "Exutoire")
    assert "'R14' is not a recovery operation of the Waste Framework Directive (R1 to R13)" in str(exc.value)


# -- where to start ---------------------------------------------------------------------------------

@pytest.fixture()
def cli_env(tmp_path):
    runner = CliRunner()
    data = tmp_path / "store"

    def run(*args, cwd=None):
        old = os.getcwd()
        os.chdir(cwd or tmp_path)
        try:
            return runner.invoke(cli, ["--data-dir", str(data), *args], catch_exceptions=False)
        finally:
            os.chdir(old)
    return run


def test_load_without_a_kind_says_which_it_chose(cli_env, tmp_path):
    out = cli_env("load", "perimetre-epci-a-fp.csv", "-o", "departement=68")   # a shipped reference, by name
    assert out.exit_code == 0, out.output
    assert "the reference file shipped with eitgraph" in out.output
    assert "read as territory (recognised from its headers: dept, siren" in out.output
    acteurs = write_csv(tmp_path / "entreprises.csv", [["Nom de l'entreprise", "Code postal", "Ville", "Secteur"],
                                                        ["Scierie de la Thur", "68800", "Thann", "Bois"]])
    out = cli_env("load", str(acteurs))
    assert out.exit_code == 0, out.output
    assert "read as stakeholders" in out.output and "1 Organisation" in out.output


def test_a_wrong_kind_names_the_right_one(territory_kb, tmp_path):
    diag = write_csv(tmp_path / "flux.csv", [["Site", "Sens", "Matière", "Code déchet", "Quantité", "Unité"],
                                             ["Scierie", "sortant", "sciures", "03 01 05", "12", "t"]])
    with pytest.raises(InputError, match=r"this looks like a diagnostics file .*eitgraph load diagnostics flux.csv"):
        territory_kb.load("synergies", diag)


def test_a_missing_prerequisite_names_its_command(empty_kb, tmp_path):
    diag = write_csv(tmp_path / "flux.csv", [["Site", "Sens", "Matière", "Code déchet", "Quantité", "Unité"],
                                             ["Scierie", "sortant", "sciures", "03 01 05", "12", "t"]])
    with pytest.raises(ValidationError, match=r"eitgraph load materials list_of_waste.csv"):
        empty_kb.load("diagnostics", diag, create_missing=True)
    with pytest.raises(EitgraphError, match="eitgraph cannot tell which kind of file this is"):
        empty_kb.load(None, write_csv(tmp_path / "x.csv", [["a", "b"], ["1", "2"]]))
