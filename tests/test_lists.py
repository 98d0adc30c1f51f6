"""Officers' own lists (issue #13, item 3): the commune from « Code postal » and « Ville » as people write
them, the usual headers of a company list, the kind from the legal form, coordinates in Lambert-93 or
WGS84; and the bad inputs (a postal code that does not match the city, a name that fits nothing)."""

from __future__ import annotations

import openpyxl
import pytest
from loadhelpers import make_siret, recs, snapshot, write_csv

from eitgraph.errors import ValidationError

HEADER = ["Nom de l'entreprise", "N° SIRET", "Forme juridique", "Secteur", "Effectif", "Adresse", "Code postal",
          "Ville", "X (Lambert 93)", "Y (Lambert 93)"]
ROWS = [  # name, SIREN digits, legal form, postal code, city as written, expected commune
    ("Tissage Thann", "61000001", "SARL", "68800", "THANN", "68334"),
    ("Scierie Saint-Amarin", "61000002", "SAS", "68550", "St Amarin", "68292"),
    ("Imprimerie de Masevaux", "61000003", "", "68290", "Masevaux", "68201"),      # commune déléguée
    ("Ressourcerie Vieux-Thann", "61000004", "Association loi 1901", "68800", "vieux thann", "68348"),
    ("Garage de Cernay", "61000005", "EURL", "", "Cernay (68)", "68063"),           # no postal code
    ("Laiterie Bitschwiller", "61000006", "", "68620", "Bitschwiller les Thann", "68040"),
    ("Fonderie Mulhouse", "61000007", "SA", "68100", "MULHOUSE CEDEX", "68224"),
    ("Menuiserie Guewenheim", "61000008", "", "68116", "", "68115"),                # postal code alone
]


def company_list(path, rows=ROWS, extra_row=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Entreprises"
    ws.append(HEADER)
    for i, (name, siren8, form, postal, city, _) in enumerate(rows):
        ws.append([name, make_siret(siren8, "0011"), form or None, "Industrie", "10 à 19", f"{i + 1} rue de l'Usine",
                   postal or None, city or None, 1_011_000 + i * 100 if i == 0 else None,
                   6_760_000 if i == 0 else None])
    if extra_row:
        ws.append(extra_row)
    wb.save(path)
    return path


def test_an_officers_company_list_loads_the_first_time(writable_kb, tmp_path):
    kb = writable_kb
    report = kb.load("stakeholders", company_list(tmp_path / "entreprises.xlsx"))
    assert report.written["Organisation"] == len(ROWS)
    assert not [n for n in report.notes if n.code == "unused_column"]
    found = {r["name"]: r for r in recs(kb.cypher(
        "MATCH (o:Organisation)-[:LOCATED_IN]->(c:Commune) RETURN o.name AS name, c.code AS commune, o.kind AS kind, "
        "o.postal_code AS postal, o.address AS address, o.filiere AS sector, o.headcount_band AS band, "
        "o.lat AS lat, o.lon AS lon, o.legal_category AS category"))}
    assert {name: found[name]["commune"] for name, *_ in ROWS} == {r[0]: r[5] for r in ROWS}
    assert found["Ressourcerie Vieux-Thann"]["kind"] == "ess"          # « Association loi 1901 »
    assert found["Tissage Thann"]["kind"] == "company"
    assert found["Tissage Thann"]["sector"] == "Industrie" and found["Tissage Thann"]["band"] == "10 à 19"
    assert found["Tissage Thann"]["lat"] == pytest.approx(47.86, abs=0.05)   # from Lambert-93
    merged = next(n for n in report.notes if n.code == "commune_merged")
    assert "Masevaux (commune déléguée of Masevaux-Niederbruck)" in merged.message


@pytest.mark.parametrize("postal, city, column, fragment", [
    ("68290", "Thann", "Code postal", "postal code 68290 does not match Thann (68334, postal code 68800)"),
    ("68800", "Tahnn", "Ville", "no commune is named 'Tahnn' with postal code 68800; did you mean 'Thann'?"),
    ("", "Sainte-Marie", "Ville", "'Sainte-Marie' names several communes: Sainte-Marie (08390)"),
    ("68290", "", "Code postal", "postal code 68290 serves several communes (Bourbach-le-Bas (68045)"),
    ("99999", "Thann", "Code postal", "postal code 99999 does not exist"),
])
def test_a_commune_that_cannot_be_found(territory_kb, tmp_path, postal, city, column, fragment):
    kb = territory_kb
    bad = ("Atelier fautif", "61000099", "", postal, city, None)
    path = company_list(tmp_path / "entreprises.xlsx", rows=[ROWS[0], bad])
    before = snapshot(kb)
    with pytest.raises(ValidationError) as exc:
        kb.load("stakeholders", path)
    assert len(exc.value.problems) == 1
    loc = exc.value.location
    assert (loc.sheet, loc.row, loc.column) == ("Entreprises", 3, column)
    assert fragment in str(exc.value)
    assert snapshot(kb) == before


def test_a_commune_outside_the_graph_names_the_command(territory_kb, tmp_path):
    path = company_list(tmp_path / "entreprises.xlsx", rows=[("Atelier lyonnais", "61000098", "", "69003", "Lyon", None)])
    with pytest.raises(ValidationError, match=r"commune Lyon \(69123\) is not in the graph.*eitgraph load territory "
                                              r"perimetre-epci-a-fp.csv -o departement=69"):
        territory_kb.load("stakeholders", path)


def test_the_insee_code_wins_and_a_mismatch_is_said(writable_kb, tmp_path):
    path = write_csv(tmp_path / "acteurs.csv", [["Raison sociale", "Code INSEE", "Code postal", "Ville"],
                                                ["Atelier", "68334", "68700", "Cernay"],
                                                ["Scierie", "68233", "", ""]])   # Niederbruck, now déléguée
    report = writable_kb.load("stakeholders", path)
    assert {n.code for n in report.notes} >= {"commune_mismatch", "commune_merged"}
    located = dict(writable_kb.cypher("MATCH (o:Organisation)-[:LOCATED_IN]->(c) RETURN o.name AS n, c.code AS c")
                   .values.tolist())
    assert located == {"Atelier": "68334", "Scierie": "68201"}


def test_kind_option_still_wins(writable_kb, tmp_path):
    path = company_list(tmp_path / "entreprises.xlsx", rows=ROWS[3:4])
    writable_kb.load("stakeholders", path, kind="waste_operator")
    assert writable_kb.cypher("MATCH (o:Organisation) RETURN o.kind AS k")["k"].tolist() == ["waste_operator"]
