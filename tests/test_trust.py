"""Trust in the data, on an officer's own small files: what the first users saw go wrong, each kept as a
test, and the dataset commands (list, history, drop, undo) in the real embedded store."""

from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import load_haut_rhin
from loadhelpers import make_siret, write_csv
from test_reload_invariant import dump

from eitgraph import shipped
from eitgraph.cli import cli
from eitgraph.errors import EitgraphError, ValidationError
from eitgraph.load.loading import LoadAborted

SIRETS = {name: make_siret(f"5{i:07d}", "0012") for i, name in enumerate(
    ["Ateliers Thur", "Bois Doller", "Cartonnerie Cernay", "Fonderie Vieux-Thann", "Imprimerie Masevaux",
     "Laiterie Bitschwiller"], start=1)}
COMPANIES = [("Ateliers Thur", "68063"), ("Bois Doller", "68201"), ("Cartonnerie Cernay", "68063"),
             ("Fonderie Vieux-Thann", "68348"), ("Imprimerie Masevaux", "68201"), ("Laiterie Bitschwiller", "68040")]
LIST_HEADER = ["Nom de l'entreprise", "N° SIRET", "Adresse", "Code postal", "Code INSEE", "Secteur"]
DIAG_HEADER = ["Entreprise", "Sens", "Déchet", "Code déchet", "Quantité (t/an)", "Filière actuelle", "Collecteur"]
FLOWS = [
    ("Ateliers Thur", "sortant", "chutes d'acier", "12 01 01", "40", "recyclage", "Paprec Grand Est"),
    ("Ateliers Thur", "sortant", "cartons", "15 01 01", "6", "recyclage", "Suez RV Nord-Est"),
    ("Bois Doller", "sortant", "sciures", "03 01 05", "120", "valorisation énergétique", "GAEC du Moulin"),
    ("Bois Doller", "sortant", "palettes", "15 01 03", "8", "réemploi", "Recyclerie de la Thur"),
    ("Cartonnerie Cernay", "sortant", "rebuts de carton", "15 01 01", "55", "recyclage", "Suez RV Nord-Est"),
    ("Cartonnerie Cernay", "entrant", "carton recyclé", "15 01 01", "300", "", "Paprec Grand Est"),
    ("Fonderie Vieux-Thann", "sortant", "sables de fonderie", "10 09 08", "210", "enfouissement", "Sita Alsace"),
    ("Fonderie Vieux-Thann", "sortant", "cartons", "15 01 01", "3", "recyclage", "Suez RV Nord-Est"),
    ("Imprimerie Masevaux", "sortant", "papiers", "20 01 01", "18", "recyclage", "Paprec Grand Est"),
    ("Imprimerie Masevaux", "sortant", "encres usagées", "08 03 12*", "1,2", "incinération", "Chimirec Est"),
    ("Laiterie Bitschwiller", "sortant", "lactosérum", "02 05 01", "900", "épandage", "GAEC du Moulin"),
    ("Laiterie Bitschwiller", "sortant", "boues", "02 05 02", "75", "méthanisation", "Méthanisation Thur Doller"),
]
COLLECTORS = {"Paprec Grand Est", "Suez RV Nord-Est", "GAEC du Moulin", "Recyclerie de la Thur", "Sita Alsace",
              "Chimirec Est", "Méthanisation Thur Doller"}


def company_list(path, with_siret=True, rows=COMPANIES, extra=()):
    body = [[name, SIRETS[name] if with_siret else "", "1 rue de l'Usine", "68700", insee, "Industrie", *extra]
            for name, insee in rows]
    return write_csv(path, [LIST_HEADER, *body])


def diagnostics(path, flows=FLOWS):
    return write_csv(path, [DIAG_HEADER, *[list(f) for f in flows]])


@pytest.fixture()
def kb(writable_kb):
    writable_kb.load("materials", shipped.path("reference", "list_of_waste.csv"))
    return writable_kb


def org_count(kb) -> int:
    return kb.cypher("MATCH (o:Organisation) RETURN count(o) AS n")["n"][0]


def content(kb) -> tuple:
    """The graph without the Dataset nodes' own bookkeeping (checksums, file names)."""
    nodes, rels, _ = dump(kb)
    return nodes, rels


# -- 1. reload deletes what the file still holds -----------------------------------------------------
def test_reloading_an_edited_diagnostic_keeps_the_collectors_it_still_names(kb, new_kb, haut_rhin, tmp_path):
    kb.load("stakeholders", company_list(tmp_path / "entreprises.csv"))
    v1 = diagnostics(tmp_path / "diagnostics.csv")
    first = kb.load("diagnostics", v1, create_missing=True)
    assert first.written["Organisation"] == len(COLLECTORS) + 6  # the sites name themselves too
    assert {n.code for n in first.notes} >= {"created"}
    names = set(kb.cypher("MATCH (o:Organisation) RETURN o.name AS n")["n"])
    assert names >= COLLECTORS and org_count(kb) == 6 + len(COLLECTORS)
    supplies = kb.cypher("MATCH ()-[s:SUPPLIES]->() RETURN count(s) AS n")["n"][0]
    assert supplies == 12

    edited = list(FLOWS)
    edited[0] = (*FLOWS[0][:4], "45", *FLOWS[0][5:])  # one quantity changed, as in the report
    for _ in range(3):  # the next reloads must not bring anything back or take anything away
        report = kb.load("diagnostics", diagnostics(tmp_path / "diagnostics.csv", edited), create_missing=True)
        assert report.deleted == {}, report.summary()
        assert org_count(kb) == 6 + len(COLLECTORS)
        assert kb.cypher("MATCH ()-[s:SUPPLIES]->() RETURN count(s) AS n")["n"][0] == 12
        edited[0] = (*FLOWS[0][:4], "46" if edited[0][4] == "45" else "45", *FLOWS[0][5:])
    steel = kb.cypher("MATCH (:Organisation {name: 'Ateliers Thur'})-[f:OUTPUTS]->(:Material {code: '12 01 01'}) "
                      "RETURN f.quantity AS q")
    assert steel["q"].tolist() == [45.0]  # 45, 46, then 45 again

    fresh = new_kb()
    load_haut_rhin(fresh, haut_rhin)
    fresh.load("materials", shipped.path("reference", "list_of_waste.csv"))
    fresh.load("stakeholders", tmp_path / "entreprises.csv")
    fresh.load("diagnostics", tmp_path / "diagnostics.csv", create_missing=True)
    assert content(fresh) == content(kb)


# -- 2. no column dropped silently ---------------------------------------------------------------------
def test_the_headers_officers_write_are_read_and_unknown_ones_reported(kb, tmp_path):
    path = write_csv(tmp_path / "entreprises.csv", [
        [*LIST_HEADER, "Remarques internes", "Raison sociale "],
        ["Ateliers Thur", SIRETS["Ateliers Thur"], "1 rue de l'Usine", "68700", "68063", "Mécanique", "à relancer",
         "Ateliers Thur SAS"],
    ])
    report = kb.load("stakeholders", path, dry_run=True)
    messages = [n.message for n in report.notes if n.code == "unused_column"]
    assert any("'Remarques internes' is not used by stakeholders" in m for m in messages), messages
    assert any("repeats column" in m and "Raison sociale" in m for m in messages), messages
    with pytest.raises(ValidationError, match=r"column 'Remarques internes'.*--strict"):
        kb.load("stakeholders", path, strict=True)
    kb.load("stakeholders", path)
    row = kb.cypher("MATCH (o:Organisation) RETURN o.siret AS siret, o.address AS address, "
                    "o.postal_code AS cp, o.filiere AS filiere, o.kind AS kind").to_dict("records")
    assert row == [{"siret": SIRETS["Ateliers Thur"], "address": "1 rue de l'Usine", "cp": "68700",
                    "filiere": "Mécanique", "kind": "company"}]

    diag = diagnostics(tmp_path / "diag.csv", [FLOWS[0], FLOWS[6]])
    kb.load("diagnostics", diag, create_missing=True)
    flows = kb.cypher("MATCH (o:Organisation)-[f:OUTPUTS]->(m) RETURN o.name AS site, f.quantity AS q, f.unit AS u, "
                      "f.treatment AS t, f.original_unit AS ou ORDER BY q").to_dict("records")
    assert flows == [{"site": "Ateliers Thur", "q": 40.0, "u": "t/an", "t": "recycling", "ou": "t"},
                     {"site": "Fonderie Vieux-Thann", "q": 210.0, "u": "t/an", "t": "landfill", "ou": "t"}]


def test_a_siret_with_a_digit_missing_is_an_error(kb, tmp_path):
    path = write_csv(tmp_path / "entreprises.csv", [LIST_HEADER, ["Ateliers Thur", SIRETS["Ateliers Thur"][:13],
                                                                  "", "", "68063", ""]])
    with pytest.raises(ValidationError) as exc:
        kb.load("stakeholders", path)
    assert "row 2, column 'N° SIRET'" in str(exc.value) and "14 digits" in str(exc.value)


def test_headers_with_units(kb, tmp_path):
    kb.load("stakeholders", company_list(tmp_path / "e.csv"))
    path = write_csv(tmp_path / "flux.csv", [
        ["Site", "Sens", "Matière", "Catégorie", "Poids (kg)", "Volume (m3/an)", "Conso (MWh)"],
        ["Ateliers Thur", "sortant", "limaille", "metals-weee", "2 500", "", ""],
    ])
    report = kb.load("diagnostics", path)
    unused = [n.message for n in report.notes if n.code == "unused_column"]
    assert len(unused) == 2 and all("repeats column 'Poids (kg)'" in m for m in unused)
    q = kb.cypher("MATCH ()-[f:OUTPUTS]->() RETURN f.quantity AS q, f.unit AS u").to_dict("records")
    assert q == [{"q": 2.5, "u": "t/an"}]


# -- 3. a corrected list saved under another name ----------------------------------------------------
def test_a_new_version_under_another_file_name_updates_the_same_organisations(kb, tmp_path):
    kb.load("stakeholders", company_list(tmp_path / "acteurs_v3.csv", with_siret=False))
    assert org_count(kb) == 6
    report = kb.load("stakeholders", company_list(tmp_path / "acteurs_v6.csv", with_siret=True))
    assert report.dataset == "stakeholders:acteurs"
    assert any(n.code == "new_version" and "acteurs_v3.csv" in n.message for n in report.notes)
    assert org_count(kb) == 6
    ids = set(kb.cypher("MATCH (o:Organisation) RETURN o.id AS id")["id"])
    assert ids == set(SIRETS.values())
    assert [d["dataset"] for d in kb.datasets() if d["kind"] == "stakeholders"] == ["stakeholders:acteurs"]


def test_the_same_organisations_from_two_datasets_are_one_node_each(kb, tmp_path):
    kb.load("stakeholders", company_list(tmp_path / "liste.csv", with_siret=False), dataset_id="liste-cci")
    kb.load("stakeholders", company_list(tmp_path / "liste.csv", with_siret=True), dataset_id="liste-epci")
    assert org_count(kb) == 6
    srcs = kb.cypher("MATCH (o:Organisation) RETURN o.sources AS s")["s"].tolist()
    assert all(s == ["liste-cci", "liste-epci"] for s in srcs)
    kb.drop("liste-epci")
    assert org_count(kb) == 6
    assert set(kb.cypher("MATCH (o:Organisation) RETURN o.siret AS s")["s"].isna()) == {True}


def test_conflicting_sirets_for_one_organisation_name_both_files(kb, tmp_path):
    kb.load("stakeholders", company_list(tmp_path / "cci.csv"), dataset_id="cci")
    other = make_siret("61234567", "0019")
    path = write_csv(tmp_path / "epci.csv", [LIST_HEADER, ["Bois Doller", other, "", "", "68201", ""]])
    with pytest.raises(ValidationError) as exc:
        kb.load("stakeholders", path, dataset_id="epci")
    text = str(exc.value)
    assert "epci.csv, row 2" in text and "cci.csv, row 3" in text and SIRETS["Bois Doller"] in text, text


def test_a_name_that_could_be_two_organisations_is_kept_apart_and_reported(kb, tmp_path):
    path = write_csv(tmp_path / "deux.csv", [LIST_HEADER, ["Garage Central", "", "", "", "68063", ""],
                                             ["Garage Central", "", "", "", "68334", ""]])
    kb.load("stakeholders", path)
    report = kb.load("diagnostics", diagnostics(tmp_path / "d.csv", [
        ("Ateliers Thur", "sortant", "huiles", "13 02 05*", "1", "recyclage", "Garage Central")]), create_missing=True)
    assert any(n.code == "ambiguous" and "Garage Central" in n.message for n in report.notes)
    assert kb.cypher("MATCH (o:Organisation {name: 'Garage Central'}) RETURN count(o) AS n")["n"][0] == 3


# -- 4. datasets as objects --------------------------------------------------------------------------------
def test_datasets_history_drop_and_undo(kb, tmp_path):
    base = content(kb)
    v1 = company_list(tmp_path / "acteurs.csv", with_siret=False)
    kb.load("stakeholders", v1)
    after_v1 = content(kb)
    kb.load("stakeholders", company_list(tmp_path / "acteurs.csv", rows=COMPANIES[:4]))
    after_v2 = content(kb)
    listed = [d for d in kb.datasets() if d["dataset"] == "stakeholders:acteurs"]
    assert listed[0]["versions"] == 2 and listed[0]["holds"] == {"LOCATED_IN": 4, "Organisation": 4}
    assert [e["action"] for e in kb.history("stakeholders:acteurs")] == ["load", "load"]

    v1.unlink()  # the original file is gone: the copy kept in the data folder is what undo uses
    report = kb.undo()
    assert report.dataset == "stakeholders:acteurs" and content(kb) == after_v1
    kb.undo()
    assert content(kb) == base
    with pytest.raises(EitgraphError, match="nothing to undo"):
        kb.undo()
    assert [e["action"] for e in kb.history("stakeholders:acteurs")] == ["load", "load", "undo", "undo"]
    kb.load("stakeholders", company_list(tmp_path / "acteurs.csv", rows=COMPANIES[:4]))
    assert content(kb) == after_v2


def test_undo_with_no_history_says_so(empty_kb):
    with pytest.raises(EitgraphError, match="nothing to undo: no dataset has been loaded"):
        empty_kb.undo()


def test_drop_keeps_what_another_dataset_holds_and_refuses_to_cut_its_links(kb, tmp_path):
    kb.load("stakeholders", company_list(tmp_path / "e.csv", rows=COMPANIES[:2]), dataset_id="liste")
    collectors = write_csv(tmp_path / "c.csv", [["Raison sociale", "Type d'acteur", "Code INSEE"],
                                                ["Paprec Grand Est", "Opérateur déchets", "68224"]])
    kb.load("stakeholders", collectors, dataset_id="collecteurs")
    kb.load("diagnostics", diagnostics(tmp_path / "d.csv", FLOWS[:1]))  # Ateliers Thur → Paprec
    kb.drop("collecteurs")  # Paprec stays, as the diagnostic names it
    paprec = kb.cypher("MATCH (o:Organisation {name: 'Paprec Grand Est'}) RETURN o.sources AS s, o.kind AS k, "
                       "labels(o) AS l").to_dict("records")
    assert paprec == [{"s": ["diagnostics:d"], "k": "waste_operator", "l": ["Organisation", "WasteOperator"]}]
    before = dump(kb)
    with pytest.raises(LoadAborted, match=r"(?s)changes organisations that diagnostics:d names, and "
                                          r"diagnostics:d would no longer load: .*d\.csv, row 2.*'Ateliers Thur' is "
                                          r"not loaded"):
        kb.drop("liste", force=True)
    assert dump(kb) == before


def test_a_dataset_id_is_never_reused_by_another_kind(kb, tmp_path):
    kb.load("stakeholders", company_list(tmp_path / "e.csv"), dataset_id="mon-fichier")
    with pytest.raises(EitgraphError, match="is a 'stakeholders' dataset; a 'diagnostics' file cannot replace it"):
        kb.load("diagnostics", diagnostics(tmp_path / "d.csv"), dataset_id="mon-fichier")


def test_column_order_and_header_spelling_change_nothing(kb, tmp_path):
    kb.load("stakeholders", company_list(tmp_path / "e.csv"))
    before = content(kb)
    swapped = write_csv(tmp_path / "e.csv", [["CODE INSEE", "n° siret", "Raison sociale", "Secteur d'activité",
                                              "CP", "Adresse postale"],
                                             *[[insee, SIRETS[n], n, "Industrie", "68700", "1 rue de l'Usine"]
                                               for n, insee in COMPANIES]])
    report = kb.load("stakeholders", swapped)
    assert not report.changed and not report.deleted and "nothing changed in the graph" in report.summary()
    assert content(kb) == before


def test_a_change_of_kind_changes_the_labels_and_keeps_the_links(kb, tmp_path):
    head = ["Raison sociale", "Type d'acteur", "Code INSEE", "Contact"]
    kb.load("stakeholders", write_csv(tmp_path / "a.csv", [head, ["Recyclerie de la Thur", "Entreprise", "68334",
                                                                  "Paul Martin"]]))
    kb.load("stakeholders", write_csv(tmp_path / "a.csv", [head, ["Recyclerie de la Thur", "Association", "68334",
                                                                  "Paul Martin"]]))
    rows = kb.cypher("MATCH (p:Person)-[:WORKS_FOR]->(o:Organisation)-[:LOCATED_IN]->(c) RETURN labels(o) AS l, "
                     "o.kind AS k, c.code AS c").to_dict("records")
    assert rows == [{"l": ["ESS", "Organisation"], "k": "ess", "c": "68334"}]
    assert kb.cypher("MATCH (o:Company) RETURN count(o) AS n")["n"][0] == 0


def test_duplicates_are_listed_and_merged_for_good(kb, tmp_path):
    kb.load("stakeholders", company_list(tmp_path / "e.csv", rows=COMPANIES[:1]))
    kb.load("diagnostics", diagnostics(tmp_path / "d.csv", [
        ("Ateliers Thur", "sortant", "cartons", "15 01 01", "6", "recyclage", "Suez RV Nord Est Alsace")]))
    kb.load("diagnostics", diagnostics(tmp_path / "d2.csv", [
        ("Ateliers Thur", "sortant", "ferrailles", "12 01 01", "9", "recyclage", "SUEZ RV Nord-Est")]))
    pairs = kb.duplicates()
    assert len(pairs) == 1 and pairs.loc[0, "reason"] == "one name contains the other"
    keep, other = pairs.loc[0, "other_id"], pairs.loc[0, "id"]
    done = kb.merge(keep, other)
    assert org_count(kb) == 2
    suez = kb.cypher("MATCH (o:Organisation) WHERE o.id <> $site RETURN o.id AS id, o.sources AS s",
                     site=SIRETS["Ateliers Thur"]).to_dict("records")
    assert suez[0]["s"] == ["diagnostics:d", "diagnostics:d2"] and suez[0]["id"] == done["kept"]
    assert kb.cypher("MATCH ()-[s:SUPPLIES]->(o:Organisation {id: $id}) RETURN count(s) AS n",
                     id=suez[0]["id"])["n"][0] == 2
    kb.undo()  # the decision taken back: two organisations again; and once more, as the decision
    assert org_count(kb) == 3
    kb.merge(keep, other)
    # Reloading either file keeps them one organisation.
    kb.load("diagnostics", diagnostics(tmp_path / "d2.csv", [
        ("Ateliers Thur", "sortant", "ferrailles", "12 01 01", "10", "recyclage", "SUEZ RV Nord-Est")]))
    assert org_count(kb) == 2 and kb.duplicates().empty


# -- 5. lenient mode ---------------------------------------------------------------------------------------
def test_on_error_skip_loads_the_valid_rows_and_hands_back_the_others(kb, tmp_path):
    kb.load("stakeholders", company_list(tmp_path / "e.csv"))
    path = diagnostics(tmp_path / "diag.csv", [FLOWS[0], ("Ateliers Thur", "sortant", "x", "15 01 99", "3", "", ""),
                                               FLOWS[2], ("Inconnue SA", "sortant", "cartons", "15 01 01", "=1+1",
                                                          "", "")])
    with pytest.raises(ValidationError):
        kb.load("diagnostics", path)
    report = kb.load("diagnostics", path, on_error="skip")
    assert report.skipped == 2 and report.errors_file.endswith("diag-rejets.xlsx")
    assert "2 row(s) skipped" in report.summary()
    assert kb.cypher("MATCH ()-[f:OUTPUTS]->() RETURN count(f) AS n")["n"][0] == 2
    ws = openpyxl.load_workbook(report.errors_file).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == (*DIAG_HEADER, "Erreur")
    assert rows[1][:4] == ("Ateliers Thur", "sortant", "x", "15 01 99") and "row 3, column 'Code déchet'" in rows[1][7]
    assert rows[2][4] == "=1+1" and ws.cell(row=3, column=5).data_type == "s"  # a value, never a formula
    assert "row 5" in rows[2][7] and "not a number" in rows[2][7]


# -- 6. the CLI ---------------------------------------------------------------------------------------------
def test_cli_datasets_drop_and_undo(kb, tmp_path):
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, ["--data-dir", str(kb.config.data_dir), "--database", kb.config.database, *args])

    path = write_csv(tmp_path / "entreprises.csv", [[*LIST_HEADER, "Observations"],
                                                    ["Ateliers Thur", "", "", "", "68063", "", "x"]])
    result = run("load", "stakeholders", str(path))
    assert result.exit_code == 0, result.output
    assert "2 warning(s)" in result.output and "'Observations' is not used by stakeholders" in result.output
    assert run("load", "stakeholders", "--strict", str(path)).exit_code == 1
    result = run("datasets")
    assert "stakeholders:entreprises" in result.output and "holds 1 LOCATED_IN, 1 Organisation" in result.output
    result = run("datasets", "--history", "stakeholders:entreprises")
    assert result.exit_code == 0 and "load" in result.output and "copy kept" in result.output
    result = run("drop", "stakeholders:entreprises", "--dry-run")
    assert "would remove" in result.output and org_count(kb) == 1
    result = run("drop", "stakeholders:entreprises", "--yes")
    assert result.exit_code == 0 and org_count(kb) == 0
    result = run("undo")
    assert result.exit_code == 0, result.output
    assert org_count(kb) == 1
