"""Files for Excel (issue #15): French headers and words for people, formatted workbooks, CSV for a French
Excel and the COPIL dossier, against the loaded example (read only)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from eitgraph.cli import cli
from eitgraph.present.text import people_frame
from eitgraph.safety.writing import csv_excel_text, write_frame_xlsx

TERRITORY = "PETR-THUR-DOLLER"
DOSSIER_SHEETS = ["Indicateurs", "Pistes de synergie", "Matrice des acteurs", "Flux par catégorie", "Boucles",
                  "Actions"]


@pytest.fixture(scope="module")
def run(example_kb, store_dir):
    def invoke(*args):
        result = CliRunner().invoke(cli, ["--data-dir", str(store_dir), "--database", "example", *args],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    return invoke


def headers(ws) -> list:
    return [c.value for c in ws[1]]


def column(ws, header: str) -> list:
    j = headers(ws).index(header)
    return [row[j] for row in ws.iter_rows(min_row=2)]


def assert_laid_out(ws) -> None:
    """Bold frozen header row, an autofilter over the data, widths fitted."""
    assert ws.freeze_panes == "A2"
    last = openpyxl.utils.get_column_letter(ws.max_column)
    assert ws.auto_filter.ref == f"A1:{last}{ws.max_row}"
    assert all(c.font.b for c in ws[1])
    widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width for j in range(1, ws.max_column + 1)]
    assert all(6 <= w <= 60 for w in widths) and len(set(widths)) > 1


def test_query_xlsx_is_for_people(run, tmp_path):
    out = tmp_path / "matrice.xlsx"
    run("query", "stakeholder-matrix", "-p", f"territory={TERRITORY}", "--format", "xlsx", "--out", str(out))
    ws = openpyxl.load_workbook(out).active
    assert headers(ws)[:4] == ["Identifiant", "Nom", "Type d'acteur", "Commune"]
    assert "Classe" in headers(ws) and "Facilité" in headers(ws)
    kinds = {c.value for c in column(ws, "Type d'acteur")}
    assert "Entreprise" in kinds and "company" not in kinds
    assert_laid_out(ws)
    impacts = [c for c in column(ws, "Impact") if isinstance(c.value, (int, float))]
    assert impacts and all(c.number_format == "#,##0" for c in impacts)


def test_lang_en_keeps_the_raw_names_and_codes(run, tmp_path):
    out = tmp_path / "matrix.xlsx"
    run("query", "stakeholder-matrix", "-p", f"territory={TERRITORY}", "--format", "xlsx", "--out", str(out),
        "--lang", "en")
    ws = openpyxl.load_workbook(out).active
    assert headers(ws)[:4] == ["id", "name", "kind", "commune"]
    assert "company" in {c.value for c in column(ws, "kind")}
    assert {c.value for c in column(ws, "classe")} <= {"contact urgently", "maintain the link", "keep watching",
                                                       "not rated"}
    assert_laid_out(ws)


def test_table_is_french_but_csv_and_json_stay_raw(run):
    table = run("query", "synergy-leads", "-p", f"territory={TERRITORY}").output
    assert "Identifiant" in table and "Statut" in table
    raw = run("query", "synergy-leads", "-p", f"territory={TERRITORY}", "--format", "csv").output
    assert raw.splitlines()[0].startswith("id,title,theme,type,status")
    assert run("query", "synergy-leads", "--format", "json").output.lstrip().startswith("[")
    assert '"status"' in run("query", "synergy-leads", "--format", "json").output
    french = run("query", "synergy-leads", "--format", "csv", "--lang", "fr").output
    assert french.splitlines()[0].startswith("Identifiant,Intitulé,Thème,Type,Statut")


def test_csv_excel_has_a_bom_semicolons_and_decimal_commas(run, tmp_path):
    out = tmp_path / "flux.csv"
    run("query", "flows-by-category", "--format", "csv-excel", "--out", str(out))
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Catégorie", "Libellé", "Sens", "Traitement actuel"]
    quantities = [r[rows[0].index("Quantité")] for r in rows[1:]]
    assert any(re.fullmatch(r"-?\d+,\d+", q) for q in quantities)
    assert not any("." in q for q in quantities if q)
    assert {r[2] for r in rows[1:]} <= {"sortant", "entrant"}


def test_dossier_has_six_formatted_sheets(run, tmp_path):
    out = tmp_path / "dossier-copil.xlsx"
    result = run("dossier", "--territory", TERRITORY, "--out", str(out))
    assert "Dossier written to" in result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == DOSSIER_SHEETS
    for ws in wb.worksheets:
        assert ws.max_row > 1, ws.title
        assert_laid_out(ws)
    indicators = wb["Indicateurs"]
    assert headers(indicators)[:3] == ["Groupe", "Code", "Indicateur"]
    numbers = [c for c in column(indicators, "Valeur") if isinstance(c.value, (int, float))]
    assert numbers and all(c.number_format in ("#,##0", "#,##0.0#", "0.0##") for c in numbers)
    assert "Statut" in headers(wb["Actions"]) and "Budget" in headers(wb["Actions"])


def test_dossier_in_english_from_python(example_kb, tmp_path):
    path = example_kb.dossier(tmp_path / "copil.xlsx", territory=TERRITORY, lang="en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Indicators", "Synergy leads", "Stakeholder matrix", "Flows by category", "Loops",
                             "Plan actions"]
    assert headers(wb["Stakeholder matrix"])[:3] == ["Identifier", "Name", "Kind of actor"]


def test_formula_like_values_stay_neutralised_and_dates_are_dates(tmp_path):
    df = people_frame(pd.DataFrame({"name": ['=HYPERLINK("http://x","clic")', "Suez"], "date": ["2024-03-31", None],
                                    "quantity": [1234.5, 0.04], "status": ["idea", "study"]}), "fr")
    out = write_frame_xlsx(df, tmp_path / "hostile.xlsx")
    ws = openpyxl.load_workbook(out).active
    assert headers(ws) == ["Nom", "Date", "Quantité", "Statut"]
    assert ws["A2"].data_type == "s" and ws["A2"].quotePrefix and ws["A2"].value.startswith("=HYPERLINK")
    assert ws["B2"].value == dt.datetime(2024, 3, 31) and ws["B2"].number_format == "dd/mm/yyyy"
    assert ws["C2"].number_format == "#,##0.0#" and ws["C3"].number_format == "0.0##"
    assert [ws["D2"].value, ws["D3"].value] == ["idée", "étude"]
    text = csv_excel_text(df)
    assert "'=HYPERLINK" in text and "1234,5" in text and text.splitlines()[0] == "Nom;Date;Quantité;Statut"
