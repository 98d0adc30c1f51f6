"""Bad input (issue #2): each case gives a clear error naming the file, sheet, row and column,
and writes nothing. Plus the happy paths of the SIRENE and stakeholder loaders.

Real files are written with the exact bytes people produce (``;``, cp1252, CRLF, .xlsx)
and loaded into the real embedded store.
"""

from __future__ import annotations

import dataclasses
import hashlib

import openpyxl
import pytest
from loadhelpers import dataset_exists, luhn_complete, make_siret, recs, snapshot, write_csv

from eitgraph import shipped
from eitgraph.errors import ConfigError, EitgraphError, InputError, ValidationError
from eitgraph.load.spec import LoaderSpec

STAKEHOLDER_HEADER = ["Identifiant", "Raison sociale", "SIRET", "Code NAF", "Type d'acteur", "Code INSEE", "Commune"]
SIRENE_HEADER = ["siren", "nic", "siret", "etatAdministratifEtablissement", "activitePrincipaleEtablissement",
                 "codeCommuneEtablissement", "denominationUsuelleEtablissement", "enseigne1Etablissement",
                 "trancheEffectifsEtablissement", "coordonneeLambertAbscisseEtablissement",
                 "coordonneeLambertOrdonneeEtablissement"]

SIRET_A = make_siret("40012345", "0011")
SIRET_B = make_siret("40054321", "0027")
SIRET_C = make_siret("40067890", "0035")
SIRET_D = make_siret("40098765", "0043")


def sirene_row(siret: str, etat="A", naf="20.13B", insee="68334", denomination="", enseigne="", tranche="",
               x="", y=""):
    return [siret[:9], siret[9:], siret, etat, naf, insee, denomination, enseigne, tranche, x, y]


def expect_nothing_written(kb, before: dict, dataset_id: str) -> None:
    assert snapshot(kb) == before
    assert not dataset_exists(kb, dataset_id)
    assert kb.cypher("MATCH (n) WHERE $s IN n.sources RETURN count(n) AS n", s=dataset_id)["n"][0] == 0


def test_the_luhn_helper_makes_valid_sirets():
    from eitgraph.values import parse_siren, parse_siret
    for siret in (SIRET_A, SIRET_B, SIRET_C, SIRET_D):
        assert parse_siret(siret) == siret
        assert parse_siren(siret[:9]) == siret[:9]
    assert luhn_complete("7328293200007") == "73282932000074"
    assert make_siret("73282932", "0007") == "73282932000074"


# -- a required column missing ---------------------------------------------------------

def test_required_column_missing(territory_kb, tmp_path):
    kb = territory_kb
    path = write_csv(tmp_path / "acteurs-sans-nom.csv", [
        ["Identifiant", "Intitulé", "Type d'acteur", "Code INSEE"],
        ["a1", "Ateliers du Rhin", "Entreprise", "68063"],
    ])
    before = snapshot(kb)
    with pytest.raises(ValidationError) as exc:
        kb.load("stakeholders", path)
    msg = str(exc.value)
    assert "required column missing" in msg
    assert "'Raison sociale'" in msg
    assert str(path) in msg
    assert exc.value.location.file == str(path)
    assert exc.value.location.column == "Raison sociale"
    assert exc.value.location.row == 1                 # the header row
    expect_nothing_written(kb, before, "stakeholders:acteurs-sans-nom")


def test_every_missing_required_column_is_reported(territory_kb, tmp_path):
    path = write_csv(tmp_path / "vide.csv", [["Commune", "Contact"], ["Thann", "Marie Dupont"]])
    before = snapshot(territory_kb)
    with pytest.raises(ValidationError) as exc:
        territory_kb.load("stakeholders", path)
    # « Type d'acteur » is optional: a list without it is a list of companies (-o kind=…).
    assert {p.location.column for p in exc.value.problems} == {"Raison sociale"}
    assert "1 problem(s)" in str(exc.value)
    expect_nothing_written(territory_kb, before, "stakeholders:vide")


# -- bytes that fit no supported encoding -------------------------------------------------------

def test_bytes_that_fit_no_encoding(territory_kb, tmp_path):
    kb = territory_kb
    data = ("Raison sociale;Type d'acteur;Code INSEE\r\n"
            "Société des Eaux de Thann;Entreprise;68334\r\n").encode("cp1252")   # é = 0xe9: not UTF-8
    data += b"Caf\xe9 \x81 Cernay;Entreprise;68063\r\n"                         # 0x81: not cp1252 either
    data += b"Garage \x8d;Entreprise;68063\r\n"
    path = tmp_path / "acteurs-cp1252.csv"
    path.write_bytes(data)
    before = snapshot(kb)
    with pytest.raises(InputError) as exc:
        kb.load("stakeholders", path)
    msg = str(exc.value)
    assert str(path) in msg
    assert "row 3" in msg and exc.value.location.row == 3
    assert "0x81" in msg
    assert "--encoding" in msg                          # says how to get out of it
    expect_nothing_written(kb, before, "stakeholders:acteurs-cp1252")


# -- an invalid SIRET ---------------------------------------------------------------------

def test_invalid_siret(territory_kb, tmp_path):
    kb = territory_kb
    bad = SIRET_B[:-1] + str((int(SIRET_B[-1]) + 1) % 10)
    path = write_csv(tmp_path / "acteurs-siret.csv", [
        STAKEHOLDER_HEADER,
        ["a", "Ateliers du Rhin", SIRET_A, "25.62B", "Entreprise", "68063", "Cernay"],
        ["b", "Bois de Thann", bad, "16.10A", "Entreprise", "68334", "Thann"],
        ["c", "Chaudronnerie", SIRET_C, "25.62B", "Entreprise", "68063", "Cernay"],
    ])
    before = snapshot(kb)
    with pytest.raises(ValidationError) as exc:
        kb.load("stakeholders", path)
    assert len(exc.value.problems) == 1
    loc = exc.value.location
    assert (loc.file, loc.sheet, loc.row, loc.column) == (str(path), None, 3, "SIRET")
    msg = str(exc.value)
    assert f"{path}, row 3, column 'SIRET'" in msg
    assert "Luhn" in msg and bad in msg
    # The valid rows were not written either.
    expect_nothing_written(kb, before, "stakeholders:acteurs-siret")


def test_all_bad_cells_are_reported_together(territory_kb, tmp_path):
    kb = territory_kb
    path = write_csv(tmp_path / "plusieurs.csv", [
        [*STAKEHOLDER_HEADER, "Impact sur le territoire"],
        ["a", "Ateliers du Rhin", "123", "25.62B", "Entreprise", "68063", "Cernay", "fort"],
        ["b", "Bois de Thann", "", "99.99Z", "Entreprise", "68334", "Thann", "2"],
        ["c", "Chaudronnerie", "", "", "Martien", "68063", "Cernay", "énorme"],
    ])
    before = snapshot(kb)
    with pytest.raises(ValidationError) as exc:
        kb.load("stakeholders", path)
    where = {(p.location.row, p.location.column) for p in exc.value.problems}
    assert where == {(2, "SIRET"), (3, "Code NAF"), (4, "Type d'acteur"), (4, "Impact sur le territoire")}
    assert "nothing was written" in str(exc.value)
    expect_nothing_written(kb, before, "stakeholders:plusieurs")


# -- the same key twice with conflicting values ------------------------------------------------------

@pytest.mark.parametrize("column, first, second", [
    ("Raison sociale", "Ateliers du Rhin", "Ateliers du Rhin SAS"),
    ("Code NAF", "25.62B", "25.61Z"),
])
def test_same_key_twice_with_conflicting_values(territory_kb, tmp_path, column, first, second):
    kb = territory_kb
    rows = [
        ["ateliers", "Ateliers du Rhin", "", "25.62B", "Entreprise", "68063", "Cernay"],
        ["bois", "Bois de Thann", "", "16.10A", "Entreprise", "68334", "Thann"],
        ["ateliers", "Ateliers du Rhin", "", "25.62B", "Entreprise", "68063", "Cernay"],
    ]
    i = STAKEHOLDER_HEADER.index(column)
    rows[0][i], rows[2][i] = first, second
    path = write_csv(tmp_path / "doublons.csv", [STAKEHOLDER_HEADER, *rows])
    before = snapshot(kb)
    with pytest.raises(ValidationError) as exc:
        kb.load("stakeholders", path)
    assert len(exc.value.problems) == 1
    loc = exc.value.location
    assert (loc.file, loc.row) == (str(path), 4)         # the second occurrence
    msg = str(exc.value)
    assert f"{path}, row 4" in msg
    assert "'ateliers' appears twice" in msg
    assert "(row 2)" in msg                              # where the first one is
    assert repr(first) in msg and repr(second) in msg
    expect_nothing_written(kb, before, "stakeholders:doublons")


def test_same_key_twice_with_identical_values_is_fine(writable_kb, tmp_path):
    kb = writable_kb
    row = ["ateliers", "Ateliers du Rhin", "", "25.62B", "Entreprise", "68063", "Cernay"]
    path = write_csv(tmp_path / "repetes.csv", [STAKEHOLDER_HEADER, row, row])
    report = kb.load("stakeholders", path)
    assert report.rows == 2
    assert report.written["Organisation"] == 1


# -- codes that do not exist ----------------------------------------------------------------

def test_commune_code_that_does_not_exist(territory_kb, tmp_path):
    kb = territory_kb
    path = write_csv(tmp_path / "acteurs-commune.csv", [
        STAKEHOLDER_HEADER,
        ["a", "Ateliers du Rhin", "", "", "Entreprise", "68063", "Cernay"],
        ["b", "Bois de nulle part", "", "", "Entreprise", "68999", ""],
    ])
    before = snapshot(kb)
    with pytest.raises(ValidationError) as exc:
        kb.load("stakeholders", path)
    loc = exc.value.location
    assert (loc.file, loc.row, loc.column) == (str(path), 3, "Code INSEE")
    msg = str(exc.value)
    assert "'68999'" in msg and "not in the graph" in msg
    expect_nothing_written(kb, before, "stakeholders:acteurs-commune")


def test_commune_name_that_does_not_exist(territory_kb, tmp_path):
    kb = territory_kb
    path = write_csv(tmp_path / "acteurs-nom.csv", [
        ["Raison sociale", "Type d'acteur", "Commune"],
        ["Ateliers du Rhin", "Entreprise", "Cernay"],
        ["Bois", "Entreprise", "Atlantis-sur-Thur"],
    ])
    before = snapshot(kb)
    with pytest.raises(ValidationError) as exc:
        kb.load("stakeholders", path)
    loc = exc.value.location
    assert (loc.row, loc.column) == (3, "Commune")
    assert "'Atlantis-sur-Thur'" in str(exc.value)
    expect_nothing_written(kb, before, "stakeholders:acteurs-nom")


def test_epci_code_that_does_not_exist(territory_kb, tmp_path):
    kb = territory_kb
    path = write_csv(tmp_path / "groupes.csv", [
        ["Code", "Nom", "Type", "Code membre"],
        ["PETR-TEST", "PETR de test", "PETR", "200036465"],      # CC de Thann-Cernay: loaded
        ["PETR-TEST", "PETR de test", "PETR", "200099998"],      # no such EPCI in the graph
    ])
    before = snapshot(kb)
    with pytest.raises(ValidationError) as exc:
        kb.load("groupings", path)
    loc = exc.value.location
    assert (loc.file, loc.row, loc.column) == (str(path), 3, "Code membre")
    assert "'200099998'" in str(exc.value)
    expect_nothing_written(kb, before, "groupings:groupes")
    assert kb.cypher("MATCH (t:Territory {code: 'PETR-TEST'}) RETURN count(t) AS n")["n"][0] == 0


def test_sirene_commune_code_that_does_not_exist(territory_kb, tmp_path):
    """Skipped and counted (a national file holds every commune of France); an error with strict=true."""
    kb = territory_kb
    path = write_csv(tmp_path / "sirene-commune.csv", [
        SIRENE_HEADER, sirene_row(SIRET_A, insee="68334"), sirene_row(SIRET_B, insee="68999"),
    ], delimiter=",")
    before = snapshot(kb)
    report = kb.load("sirene", path, dry_run=True)
    assert report.written["Organisation"] == 1 and report.left_out == {"unknown_commune": 1}
    assert any("68999" in n.message and n.code == "sirene_unknown_commune" for n in report.notes)
    with pytest.raises(ValidationError) as exc:
        kb.load("sirene", path, strict=True)
    loc = exc.value.location
    assert (loc.row, loc.column) == (3, "codeCommuneEtablissement")
    assert "'68999'" in str(exc.value)
    expect_nothing_written(kb, before, "sirene:sirene-commune")


# -- empty files ---------------------------------------------------------------------------

def test_empty_file(territory_kb, tmp_path):
    kb = territory_kb
    path = tmp_path / "vide.csv"
    path.write_bytes(b"")
    before = snapshot(kb)
    with pytest.raises(InputError) as exc:
        kb.load("stakeholders", path)
    assert str(path) in str(exc.value) and "empty" in str(exc.value)
    expect_nothing_written(kb, before, "stakeholders:vide")


def test_blank_lines_only_is_an_empty_file(territory_kb, tmp_path):
    path = tmp_path / "blanc.csv"
    path.write_bytes(b"\r\n  \r\n\r\n")
    before = snapshot(territory_kb)
    with pytest.raises(InputError, match="empty"):
        territory_kb.load("stakeholders", path)
    expect_nothing_written(territory_kb, before, "stakeholders:blanc")


def test_header_only_file(territory_kb, tmp_path):
    kb = territory_kb
    path = write_csv(tmp_path / "entete.csv", [STAKEHOLDER_HEADER])
    before = snapshot(kb)
    with pytest.raises(InputError) as exc:
        kb.load("stakeholders", path)
    msg = str(exc.value)
    assert str(path) in msg and "no data rows" in msg
    assert exc.value.location.row == 1
    expect_nothing_written(kb, before, "stakeholders:entete")


# -- Excel without the expected sheet ---------------------------------------------------------

def test_xlsx_without_the_expected_sheet(territory_kb, tmp_path):
    kb = territory_kb
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Feuil1"
    ws.append(["Raison sociale", "Type d'acteur", "Code INSEE"])
    ws.append(["Ateliers du Rhin", "Entreprise", 68063])
    path = tmp_path / "acteurs.xlsx"
    wb.save(path)
    before = snapshot(kb)
    with pytest.raises(InputError) as exc:
        kb.load("stakeholders", path, sheet="Acteurs")
    msg = str(exc.value)
    assert str(path) in msg
    assert "sheet 'Acteurs'" in msg
    assert "'Feuil1'" in msg                            # the sheets it does have
    assert exc.value.location.sheet == "Acteurs"
    expect_nothing_written(kb, before, "stakeholders:acteurs")


def test_xlsx_errors_name_the_sheet_row_and_column(territory_kb, tmp_path):
    kb = territory_kb
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    ws = wb.create_sheet("Acteurs")
    ws.append(["Raison sociale", "Type d'acteur", "SIRET", "Code INSEE"])
    ws.append(["Ateliers du Rhin", "Entreprise", SIRET_A, 68063])
    ws.append(["Bois de Thann", "Entreprise", 12345678901234, 68334])   # typed as a number, Luhn fails
    path = tmp_path / "classeur.xlsx"
    wb.save(path)
    before = snapshot(kb)
    with pytest.raises(ValidationError) as exc:
        kb.load("stakeholders", path, sheet="Acteurs")
    loc = exc.value.location
    assert (loc.file, loc.sheet, loc.row, loc.column) == (str(path), "Acteurs", 3, "SIRET")
    assert f"{path}, sheet 'Acteurs', row 3, column 'SIRET'" in str(exc.value)
    expect_nothing_written(kb, before, "stakeholders:classeur")


# -- configuration errors ------------------------------------------------------------------

def test_unknown_option_and_kind_are_config_errors(territory_kb, tmp_path):
    kb = territory_kb
    path = write_csv(tmp_path / "a.csv", [["Raison sociale", "Type d'acteur"], ["A", "Entreprise"]])
    before = snapshot(kb)
    with pytest.raises(ConfigError, match="no option territoire"):
        kb.load("stakeholders", path, territoire="PETR-THUR-DOLLER")
    with pytest.raises(ConfigError, match="unknown source kind 'acteurs'"):
        kb.load("acteurs", path)
    expect_nothing_written(kb, before, "stakeholders:a")


def test_a_property_the_model_does_not_declare_is_an_error_at_load_time(territory_kb, tmp_path):
    """Properties are checked against schema/model.yaml like labels: a transform writing one the model
    does not declare fails before anything is written, naming it."""
    spec = LoaderSpec.load("groupings")

    def careless(records, ctx):
        batch = spec.transform(records, ctx)
        for row in batch.nodes["Territory"].values():
            row.props["colour"] = "green"
        for rel in batch.rels.values():
            rel.props["weight"] = 1
        return batch

    path = shipped.path("examples", "thur-doller", "groupements.csv")
    with pytest.raises(EitgraphError, match=r"does not declare \(PART_OF: weight; Territory: colour\)"):
        territory_kb.loader.prepare(dataclasses.replace(spec, transform=careless), path, {})
    territory_kb.loader.prepare(spec, path, {})                          # the registered transform is fine


def test_options_are_typed_checked_and_coerced_once(territory_kb, tmp_path):
    """A boolean option reads the same from the command line (text) and from YAML or Python (a bool); a
    value it cannot read is one error naming the option and what it accepts, before anything is read."""
    spec = LoaderSpec.load("diagnostics")
    unset = {"site_from": None, "skip_sheets": None}
    assert spec.resolve_options({"create_missing": "false"}) == spec.resolve_options({"create_missing": False}) \
        == {"create_missing": False, **unset}
    assert spec.resolve_options({"create_missing": "oui"}) == {"create_missing": True, **unset}
    assert spec.resolve_options({}) == {"create_missing": False, **unset}         # the declared default
    path = write_csv(tmp_path / "diag.csv", [["Site", "Sens", "Matière"], ["x", "sortant", "bois"]])
    before = snapshot(territory_kb)
    with pytest.raises(ConfigError, match=r"option 'create_missing' takes oui/non .*not 'peut-etre'"):
        territory_kb.load("diagnostics", path, create_missing="peut-etre")
    with pytest.raises(ConfigError, match=r"option 'budget_text' takes one of error, keep, not 'garder'"):
        territory_kb.load("plans", path, budget_text="garder")
    expect_nothing_written(territory_kb, before, "diagnostics:diag")
    plans = LoaderSpec.load("plan-form").resolve_options({"infer": "non", "budget_text": "KEEP"})
    assert (plans["infer"], plans["budget_text"]) == (False, "keep")
    assert LoaderSpec.load("territory").resolve_options({"epci": "200036465, 246800205"})["epci"] == \
        ["200036465", "246800205"]


def test_territory_filter_matching_nothing_is_an_error(territory_kb, tmp_path):
    kb = territory_kb
    path = write_csv(tmp_path / "perimetre.csv", [
        ["dept", "siren", "raison_sociale", "nature_juridique", "insee", "nom_membre"],
        ["68", "200036465", "CC de Thann-Cernay", "CC", "68063", "Cernay"],
    ])
    before = snapshot(kb)
    with pytest.raises(ConfigError, match="no row matches the filter") as exc:
        kb.load("territory", path, epci="999999999")
    assert str(path) in str(exc.value)
    expect_nothing_written(kb, before, "territory:perimetre")


# -- Cypher-looking values are data ------------------------------------------------------------

INJECTION = "'}) DETACH DELETE n //"


def test_cypher_looking_values_are_stored_verbatim(writable_kb, tmp_path):
    kb = writable_kb
    values = {
        "id": INJECTION,
        "name": INJECTION,
        "contact": "x'}) MATCH (m) DETACH DELETE m //",
        "role": '"; MATCH (n) DETACH DELETE n; //',
        "body": "GT ') DETACH DELETE n //",
        "filiere": "`n`}) RETURN 1 // \\u0027 $param {x}",
    }
    path = write_csv(tmp_path / "injection.csv", [
        ["Identifiant", "Raison sociale", "Type d'acteur", "Code INSEE", "Contact", "Fonction", "Instance", "Filière"],
        [values["id"], values["name"], "Entreprise", "68063", values["contact"], values["role"], values["body"],
         values["filiere"]],
        ["", INJECTION + " (bis)", "Association", "68334", "", "", "", ""],
    ])
    before = kb.status()
    report = kb.load("stakeholders", path, dataset_id="x'}) DETACH DELETE n //")
    assert report.written["Organisation"] == 2
    after = kb.status()
    # The territory is untouched.
    for label in ("Territory", "Commune", "EPCI", "PETR", "Departement"):
        assert after["nodes"][label] == before["nodes"][label]
    assert after["relationships"]["PART_OF"] == before["relationships"]["PART_OF"]
    # Every value came back exactly as written.
    org = kb.cypher("MATCH (o:Organisation {id: $id})-[:LOCATED_IN]->(c:Commune) "
                    "RETURN o.name AS name, o.filiere AS filiere, o.source AS source, c.code AS commune",
                    id=INJECTION)
    assert org.pipe(recs) == [{"name": INJECTION, "filiere": values["filiere"],
                                       "source": "x'}) DETACH DELETE n //", "commune": "68063"}]
    person = kb.cypher("MATCH (p:Person)-[w:WORKS_FOR]->(o:Organisation {id: $id}) "
                       "RETURN p.name AS name, w.role AS role", id=INJECTION)
    assert person.pipe(recs) == [{"name": values["contact"], "role": values["role"]}]
    body = kb.cypher("MATCH (:Person)-[:MEMBER_OF]->(b:Body) RETURN b.name AS name")
    assert body["name"].tolist() == [values["body"]]
    # Without an Identifiant the key is a slug of the name and commune: punctuation gone, the text verbatim.
    bis = kb.cypher("MATCH (o:Organisation {name: $n}) RETURN o.id AS id", n=INJECTION + " (bis)")
    assert bis["id"].tolist() == ["detach-delete-n-bis-68334"]
    # Reloading the same file with that dataset id changes nothing (the id travels as a parameter too).
    assert kb.load("stakeholders", path, dataset_id="x'}) DETACH DELETE n //").unchanged
    assert kb.status()["nodes"] == after["nodes"]


def test_cypher_looking_option_value_is_an_error_not_a_query(territory_kb, tmp_path):
    kb = territory_kb
    path = write_csv(tmp_path / "opt.csv", [["Raison sociale", "Type d'acteur", "Code INSEE"],
                                            ["Ateliers du Rhin", "Entreprise", "68063"]])
    before = snapshot(kb)
    with pytest.raises(ValidationError, match="no territory with communes has this code"):
        kb.load("stakeholders", path, territory=INJECTION)
    expect_nothing_written(kb, before, "stakeholders:opt")


# -- SIRENE ---------------------------------------------------------------------------------

@pytest.mark.parametrize("field, value, column, fragment", [
    ("etat", "X", "etatAdministratifEtablissement", "must be A or F, not 'X'"),
    ("etat", "", "etatAdministratifEtablissement", "required value missing"),
    ("siret", SIRET_B[:-1] + str((int(SIRET_B[-1]) + 1) % 10), "siret", "Luhn"),
    ("naf", "20.13", "activitePrincipaleEtablissement", "NAF"),
    ("x", "7.12", "coordonneeLambertAbscisseEtablissement", "Lambert-93"),
])
def test_sirene_bad_cell(territory_kb, tmp_path, field, value, column, fragment):
    kb = territory_kb
    bad = dict(siret=SIRET_B, etat="A", naf="25.62B", insee="68063", x="1020000", y="6770000")
    bad[field] = value
    if field == "x":
        bad["y"] = "47.8"
    path = write_csv(tmp_path / "sirene-bad.csv", [
        SIRENE_HEADER,
        sirene_row(SIRET_A, denomination="Cristal Thann"),
        sirene_row(bad["siret"], etat=bad["etat"], naf=bad["naf"], insee=bad["insee"], x=bad["x"], y=bad["y"]),
    ], delimiter=",")
    before = snapshot(kb)
    with pytest.raises(ValidationError) as exc:
        kb.load("sirene", path)
    assert len(exc.value.problems) == 1
    loc = exc.value.location
    assert (loc.file, loc.row, loc.column) == (str(path), 3, column)
    assert fragment in str(exc.value)
    expect_nothing_written(kb, before, "sirene:sirene-bad")


def test_sirene_happy_path(writable_kb, tmp_path):
    kb = writable_kb
    closed = SIRET_D
    path = write_csv(tmp_path / "StockEtablissement_68.csv", [
        SIRENE_HEADER,
        sirene_row(SIRET_A, naf="20.13B", insee="68334", denomination="Cristal France Thann", tranche="41",
                   x="1020000", y="6770000"),
        sirene_row(SIRET_B, naf="25.62B", insee="68063", enseigne="Mécanique Cernay", tranche="12"),
        sirene_row(SIRET_C, naf="38.11Z", insee="68063"),
        sirene_row(closed, etat="F", naf="25.62B", insee="68063", denomination="Fermée SARL"),
    ], delimiter=",", newline="\n")
    report = kb.load("sirene", path)
    assert (report.rows_read, report.rows, report.left_out) == (4, 3, {"closed": 1})
    assert report.written == {"LOCATED_IN": 3, "Organisation": 3}

    orgs = kb.cypher("MATCH (o:Organisation)-[:LOCATED_IN]->(c:Commune) RETURN o.id AS id, o.name AS name, "
                     "o.siret AS siret, o.siren AS siren, o.naf AS naf, o.naf_label AS naf_label, "
                     "o.naf_section AS section, o.headcount_band AS band, o.lat AS lat, o.lon AS lon, "
                     "o.active AS active, o.kind AS kind, labels(o) AS labels, o.source AS source, "
                     "c.code AS commune ORDER BY id")
    by_id = {r["id"]: r for r in orgs.pipe(recs)}
    assert set(by_id) == {SIRET_A, SIRET_B, SIRET_C}          # the closed one is skipped

    a = by_id[SIRET_A]
    assert (a["name"], a["siret"], a["siren"], a["commune"]) == ("Cristal France Thann", SIRET_A, SIRET_A[:9], "68334")
    assert a["naf"] == "20.13B"
    assert a["naf_label"] == "Fabrication d'autres produits chimiques inorganiques de base n.c.a."
    assert a["section"] == "C" and a["band"] == "41" and a["active"] is True
    # Lambert-93 (1020000, 6770000) → WGS84 per pyproj, stored rounded to 6 decimals.
    assert a["lat"] == pytest.approx(47.952155972292395, abs=1e-6)
    assert a["lon"] == pytest.approx(7.288956753338531, abs=1e-6)
    assert a["kind"] == "company" and "Company" in a["labels"]
    assert a["source"] == "sirene:StockEtablissement_68"

    b = by_id[SIRET_B]
    assert b["name"] == "Mécanique Cernay"                    # enseigne when no dénomination
    assert b["commune"] == "68063" and b["naf_label"] == "Mécanique industrielle"
    assert b["lat"] is None and b["lon"] is None
    c = by_id[SIRET_C]
    assert c["name"] == f"Établissement {SIRET_C}"
    assert c["naf_label"] == "Collecte des déchets non dangereux" and c["section"] == "E"

    ds = kb.cypher("MATCH (d:Dataset {id: 'sirene:StockEtablissement_68'}) RETURN d.kind AS kind, "
                   "d.file AS file, d.rows AS rows, d.sha256 AS sha, d.loaded_at AS at").pipe(recs)
    assert len(ds) == 1
    assert ds[0]["kind"] == "sirene" and ds[0]["file"] == path.name and ds[0]["rows"] == 3
    assert ds[0]["sha"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert ds[0]["at"]

    # include_closed=True: the closed establishment is loaded too, marked inactive.
    report = kb.load("sirene", path, include_closed=True)
    assert not report.unchanged
    closed_row = kb.cypher("MATCH (o:Organisation {id: $id})-[:LOCATED_IN]->(c) RETURN o.active AS active, "
                           "o.name AS name, c.code AS commune", id=closed).pipe(recs)
    assert closed_row == [{"active": False, "name": "Fermée SARL", "commune": "68063"}]
    assert kb.cypher("MATCH (o:Organisation) RETURN count(o) AS n")["n"][0] == 4


def test_sirene_kind_option(writable_kb, tmp_path):
    kb = writable_kb
    path = write_csv(tmp_path / "collecteurs.csv", [SIRENE_HEADER, sirene_row(SIRET_C, naf="38.11Z", insee="68063")],
                     delimiter=",")
    kb.load("sirene", path, kind="waste_operator")
    row = kb.cypher("MATCH (o:Organisation {id: $id}) RETURN o.kind AS kind, labels(o) AS labels", id=SIRET_C)
    assert row["kind"][0] == "waste_operator" and "WasteOperator" in row["labels"][0]
    with pytest.raises(ValidationError, match="not a kind of organisation"):
        kb.load("sirene", path, dataset_id="other", kind="martian")


# -- stakeholders happy paths ---------------------------------------------------------------

FRENCH_HEADER = ["Identifiant", "Raison sociale", "SIRET", "Code NAF", "Type d'acteur", "Code INSEE", "Commune",
                 "Périmètre", "Relation avec la collectivité", "Impact sur le territoire", "Facilité de mobilisation",
                 "Contact", "Fonction", "Email", "Instance", "Référent de"]


def test_stakeholders_french_headers(writable_kb, tmp_path):
    kb = writable_kb
    path = write_csv(tmp_path / "acteurs.csv", [
        FRENCH_HEADER,
        ["ateliers-cernay", "Ateliers de Cernay", SIRET_A, "2562B", "Entreprise", "68063", "Cernay", "", "ponctuelle",
         "fort", "2", "Marie Dupont", "Directrice", "marie.dupont@example.org", "COPIL EIT|GT Métaux", "GT Métaux"],
        ["fonderie-mulhouse", "Fonderie de Mulhouse", "", "24.51Z", "Industriel", "68224", "Mulhouse", "", "aucune",
         "1", "faible", "", "", "", "GT Métaux", ""],
        ["", "Recyclerie de Thann", "", "", "Association", "", "Thann", "", "", "", "", "Paul Martin", "Président",
         "", "COPIL EIT", ""],
        ["", "ADEME Grand Est", SIRET_B, "", "Établissement public", "", "", "hors territoire", "régulière", "3", "3",
         "", "", "", "", ""],
    ], encoding="cp1252")
    report = kb.load("stakeholders", path, territory="PETR-THUR-DOLLER")
    assert report.written == {"Body": 2, "LOCATED_IN": 3, "MEMBER_OF": 4, "Organisation": 4, "Person": 2,
                              "REFERENT_OF": 1, "WORKS_FOR": 2}

    orgs = {r["id"]: r for r in kb.cypher(
        "MATCH (o:Organisation) OPTIONAL MATCH (o)-[:LOCATED_IN]->(c:Commune) RETURN o.id AS id, o.name AS name, "
        "o.kind AS kind, labels(o) AS labels, o.perimeter AS perimeter, o.siret AS siret, o.siren AS siren, "
        "o.naf AS naf, o.naf_label AS naf_label, o.impact AS impact, o.ease AS ease, o.relation AS relation, "
        "c.code AS commune, o.source AS source").pipe(recs)}
    # SIRET first, then the file's « Identifiant », then the name and commune.
    assert set(orgs) == {SIRET_A, "fonderie-mulhouse", "recyclerie-de-thann-68334", SIRET_B}

    a = orgs[SIRET_A]
    assert (a["name"], a["kind"], a["commune"], a["perimeter"]) == ("Ateliers de Cernay", "company", "68063",
                                                                    "territoire")
    assert "Company" in a["labels"]
    assert (a["siret"], a["siren"], a["naf"], a["naf_label"]) == (SIRET_A, SIRET_A[:9], "25.62B",
                                                                  "Mécanique industrielle")
    assert (a["impact"], a["ease"], a["relation"]) == (3, 2, "ponctuelle")
    assert a["source"] == "stakeholders:acteurs"

    m = orgs["fonderie-mulhouse"]
    assert (m["commune"], m["perimeter"], m["kind"]) == ("68224", "périphérie", "company")
    assert (m["impact"], m["ease"], m["relation"]) == (1, 1, "aucune")

    r = orgs["recyclerie-de-thann-68334"]                      # commune given by name only
    assert (r["commune"], r["perimeter"], r["kind"]) == ("68334", "territoire", "ess")
    assert "ESS" in r["labels"]

    e = orgs[SIRET_B]                                          # SIRET as id; explicit Périmètre wins
    assert (e["name"], e["kind"], e["commune"], e["perimeter"]) == ("ADEME Grand Est", "public_body", None,
                                                                    "extérieur")
    assert "PublicBody" in e["labels"]

    people = kb.cypher("MATCH (p:Person)-[w:WORKS_FOR]->(o:Organisation) RETURN p.id AS id, p.name AS name, "
                       "p.email AS email, w.role AS role, o.id AS org ORDER BY id").pipe(recs)
    assert people == [
        {"id": "marie-dupont", "name": "Marie Dupont", "email": "marie.dupont@example.org", "role": "Directrice",
         "org": SIRET_A},
        {"id": "paul-martin", "name": "Paul Martin", "email": None, "role": "Président",
         "org": "recyclerie-de-thann-68334"},
    ]
    bodies = kb.cypher("MATCH (b:Body) RETURN b.id AS id, b.name AS name, b.kind AS kind ORDER BY id")
    assert bodies.pipe(recs) == [
        {"id": "copil-eit", "name": "COPIL EIT", "kind": "steering_committee"},
        {"id": "gt-metaux", "name": "GT Métaux", "kind": "working_group"},
    ]
    members = kb.cypher("MATCH (x)-[:MEMBER_OF]->(b:Body) RETURN x.id AS who, b.id AS body ORDER BY who, body")
    assert [tuple(r) for r in members.itertuples(index=False)] == [
        ("fonderie-mulhouse", "gt-metaux"),            # an organisation without a contact is the member
        ("marie-dupont", "copil-eit"), ("marie-dupont", "gt-metaux"),
        ("paul-martin", "copil-eit"),
    ]
    referents = kb.cypher("MATCH (p:Person)-[:REFERENT_OF]->(b:Body) RETURN p.id AS p, b.id AS b")
    assert referents.pipe(recs) == [{"p": "marie-dupont", "b": "gt-metaux"}]
    # Everything the load wrote carries the dataset as its source.
    untagged = kb.cypher("MATCH (n) WHERE (n:Organisation OR n:Person OR n:Body) AND NOT 'stakeholders:acteurs' "
                         "IN n.sources RETURN count(n) AS n")
    assert untagged["n"][0] == 0


def test_stakeholders_english_headers(writable_kb, tmp_path):
    kb = writable_kb
    path = write_csv(tmp_path / "stakeholders-en.csv", [
        ["name", "kind", "insee"],
        ["Thann Recycling", "waste operator", "68334"],
        ["Cernay town hall", "public body", "68063"],
        ["Alsace Active", "funder", ""],
    ], delimiter=",", newline="\n")
    report = kb.load("stakeholders", path)
    assert report.written == {"LOCATED_IN": 2, "Organisation": 3}
    rows = kb.cypher("MATCH (o:Organisation) OPTIONAL MATCH (o)-[:LOCATED_IN]->(c) RETURN o.id AS id, "
                     "o.kind AS kind, labels(o) AS labels, c.code AS commune, o.perimeter AS perimeter ORDER BY id")
    got = {r["id"]: r for r in rows.pipe(recs)}
    tr, ct = got["thann-recycling-68334"], got["cernay-town-hall-68063"]
    assert tr["kind"] == "waste_operator" and "WasteOperator" in tr["labels"]
    assert tr["commune"] == "68334"
    assert ct["kind"] == "public_body" and ct["commune"] == "68063"
    assert got["alsace-active"]["kind"] == "funder" and got["alsace-active"]["commune"] is None
    assert all(r["perimeter"] is None for r in got.values())      # no territory option: not computed


def test_stakeholders_from_a_named_excel_sheet(writable_kb, tmp_path):
    kb = writable_kb
    wb = openpyxl.Workbook()
    wb.active.title = "Lisez-moi"
    wb.active.append(["Ce classeur liste les acteurs."])
    ws = wb.create_sheet("Acteurs")
    ws.append(["Raison sociale", "Type d'acteur", "Code INSEE", "SIRET", "Impact"])
    ws.append(["Ateliers de Cernay", "Entreprise", 68063, int(SIRET_A), 3.0])    # numbers as Excel stores them
    path = tmp_path / "acteurs.xlsx"
    wb.save(path)
    kb.load("stakeholders", path, sheet="Acteurs", territory="PETR-THUR-DOLLER")
    row = kb.cypher("MATCH (o:Organisation)-[:LOCATED_IN]->(c) RETURN o.id AS id, o.siret AS siret, "
                    "o.impact AS impact, c.code AS commune, o.perimeter AS perimeter").pipe(recs)
    assert row == [{"id": SIRET_A, "siret": SIRET_A, "impact": 3, "commune": "68063", "perimeter": "territoire"}]
    # The territory rule is the read side's: a commune holds itself, so a commune code is a programme territory
    # too (it used to be refused as "no territory with communes").
    kb.load("stakeholders", path, sheet="Acteurs", dataset_id="cernay", territory="68063")
    assert kb.cypher("MATCH (o:Organisation) RETURN o.perimeter AS p")["p"].tolist() == ["territoire"]


def test_eitgraph_errors_share_one_base(territory_kb, tmp_path):
    # The CLI prints any EitgraphError as one message: every bad-input error above is one.
    path = tmp_path / "vide.csv"
    path.write_bytes(b"")
    with pytest.raises(EitgraphError):
        territory_kb.load("stakeholders", path)
    assert issubclass(ValidationError, InputError) and issubclass(InputError, EitgraphError)
    assert issubclass(ConfigError, EitgraphError)
