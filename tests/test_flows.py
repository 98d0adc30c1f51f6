"""Flow diagnostics, materials, synergies and the flow questions, on a small hand-made territory
loaded into the real embedded store."""

import pytest

from eitgraph import resources
from eitgraph.errors import InputError, QueryError
from eitgraph.materials import category_of_low, normalise_quantity, waste_codes

ACTORS = """Identifiant;Raison sociale;Type d'acteur;Code INSEE;Latitude;Longitude
alpha;Alpha Chimie;Entreprise;68334;47,808;7,103
beta;Beta Emballages;Entreprise;68063;47,807;7,176
gamma;Gamma Bois;Entreprise;68348;47,803;7,124
delta;Delta Textile;Entreprise;68063;47,807;7,176
epsilon;Epsilon Recyclage;Opérateur déchets;68224;47,750;7,336
zeta;Zeta Énergie;Entreprise;68066;48,079;7,358
"""
HEADER = ("Site;Sens;Matière;Code déchet;Catégorie;Quantité;Unité;Période;Traitement actuel;"
          "Fournisseur / collecteur;Statut de l'échange;Coût annuel (€ HT)\n")
DIAG = HEADER + """alpha;sortant;palettes usagées;15 01 03;;10;t;an;réemploi;beta;existant;
beta;sortant;cartons;15 01 01;;500;kg;mois;recyclage;gamma;existant;800
gamma;sortant;copeaux de bois;03 01 05;;4;t;an;valorisation énergétique;alpha;existant;
alpha;sortant;chaleur fatale;;heat;1200;MWh;an;rejet au milieu;delta;potentiel;
delta;sortant;chutes textiles;04 02 22;;3;t;an;enfouissement;alpha;potentiel;
delta;sortant;cartons;15 01 01;;2;t;an;enfouissement;epsilon;existant;
alpha;sortant;cartons;15 01 01;;1,5;t;an;recyclage;epsilon;existant;
gamma;sortant;cartons;15 01 01;;1;t;an;incinération;;;
zeta;entrant;bois énergie;;energy;3000;MWh;an;;;;
beta;entrant;cartons de calage;15 01 01;;5;t;an;;epsilon;existant;
"""
SYNERGIES = """Identifiant;Titre;Thème;Type;Statut;Catégorie;Organisations;Matières;Description
S01;Réparation mutualisée des palettes;Bois;mutualisation;étude;wood;alpha:fournisseur|beta:receveur;15 01 03;x
S02;Chaleur fatale vers le textile;Gaz;substitution;idée;heat;alpha:fournisseur|delta:receveur;;y
"""


def write(tmp, name, text):
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def flows_kb(new_kb, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("flows")
    kb = new_kb()
    kb.load("territory", resources.path("reference", "perimetre-epci-a-fp.csv"), departement="68")
    kb.load("materials", resources.path("reference", "list_of_waste.csv"))
    kb.load("stakeholders", write(tmp, "acteurs.csv", ACTORS))
    kb.load("diagnostics", write(tmp, "diag.csv", DIAG))
    kb.load("synergies", write(tmp, "syn.csv", SYNERGIES))
    return kb


def counts(kb):
    status = kb.status()
    return status["nodes"], status["relationships"]


# -- reference -------------------------------------------------------------------------------

def test_every_waste_code_has_a_category():
    codes = waste_codes()
    assert len(codes) == 842 and sum(c.hazardous for c in codes.values()) == 408
    assert {category_of_low(c) for c in codes} <= set(__import__("eitgraph.materials").materials.categories())
    assert category_of_low("15 01 03") == "wood"
    assert category_of_low("20 01 08") == "food"
    assert category_of_low("16 02 14") == "metals-weee"
    assert category_of_low("04 02 22") == "textile"
    assert category_of_low("19 08 05") == "effluents"


def test_units_are_normalised_per_year():
    assert normalise_quantity(500, "kg", "mois", "paper-cardboard") == (6.0, "t/an")
    assert normalise_quantity(2, "m³", "jour", "water") == (730.0, "m3/an")
    assert normalise_quantity(1500, "kWh", "semaine", "heat") == (78.0, "MWh/an")
    with pytest.raises(ValueError, match="does not fit category 'paper-cardboard'"):
        normalise_quantity(1, "MWh", "an", "paper-cardboard")


def test_materials_are_in_the_graph(flows_kb):
    df = flows_kb.cypher("MATCH (m:Material)-[:IN_CATEGORY]->(c:MaterialCategory) "
                         "RETURN c.code AS category, count(m) AS n")
    assert df["n"].sum() >= 842
    assert len(flows_kb.cypher("MATCH (c:MaterialCategory) RETURN c.code AS c")) == 16


# -- loading ---------------------------------------------------------------------------------

def test_flows_keep_original_and_normalised_quantities(flows_kb):
    df = flows_kb.cypher("MATCH (:Organisation {id: 'beta'})-[f:OUTPUTS]->(m:Material) RETURN m.code AS code, "
                         "f.quantity AS q, f.unit AS unit, f.original_quantity AS oq, f.original_unit AS ou, "
                         "f.treatment AS treatment, f.cost AS cost")
    assert df.to_dict("records") == [{"code": "15 01 01", "q": 6.0, "unit": "t/an", "oq": 500.0, "ou": "kg",
                                      "treatment": "recycling", "cost": 800.0}]


def test_suppliers_and_collectors_become_exchanges(flows_kb):
    df = flows_kb.cypher("MATCH (a)-[s:SUPPLIES]->(b) RETURN a.id AS src, b.id AS dst, s.material AS material, "
                         "s.status AS status ORDER BY src, dst, material")
    pairs = {(r.src, r.dst, r.status) for r in df.itertuples()}
    assert ("alpha", "beta", "existing") in pairs            # output of alpha collected by beta
    assert ("epsilon", "beta", "existing") in pairs          # input of beta supplied by epsilon
    assert ("delta", "alpha", "potential") in pairs


def test_material_without_code_gets_its_own_node(flows_kb):
    df = flows_kb.cypher("MATCH (m:Material {code: 'heat:chaleur-fatale'})-[:IN_CATEGORY]->(c) "
                         "RETURN m.label AS label, c.code AS cat")
    assert df.to_dict("records") == [{"label": "chaleur fatale", "cat": "heat"}]


def test_synergies_are_loaded(flows_kb):
    df = flows_kb.cypher("MATCH (o:Organisation)-[p:PARTY_TO]->(s:Synergy {id: 'S01'})-[:ABOUT]->(c) "
                         "RETURN o.id AS org, p.role AS role, s.status AS status, c.code AS cat ORDER BY org")
    assert df.to_dict("records") == [
        {"org": "alpha", "role": "supplier", "status": "study", "cat": "wood"},
        {"org": "beta", "role": "receiver", "status": "study", "cat": "wood"}]


@pytest.mark.parametrize("row, column, message", [
    ("alpha;sortant;x;15 01 99;;1;t;an;;;;", "Code déchet", "nearest codes: 15 01 0"),
    ("alpha;sortant;x;;;1;t;an;;;;", "Code déchet", "needs a List of Waste code or a category"),
    ("alpha;sortant;x;15 01 01;;-3;t;an;;;;", "Quantité", "negative quantity"),
    ("alpha;sortant;x;15 01 01;;beaucoup;t;an;;;;", "Quantité", "not a number"),
    ("alpha;sortant;x;15 01 01;;3;MWh;an;;;;", "Unité", "does not fit category 'paper-cardboard'"),
    ("inconnue;sortant;x;15 01 01;;3;t;an;;;;", "Site", "is not loaded"),
    ("alpha;sortant;x;15 01 01;;3;t;an;;Epsilon Recyclages;;", "Fournisseur / collecteur", "probable duplicate"),
])
def test_bad_flows_are_reported_and_nothing_is_written(flows_kb, tmp_path, row, column, message):
    before = counts(flows_kb)
    path = write(tmp_path, "bad.csv", HEADER + row + "\n")
    with pytest.raises(InputError) as err:
        flows_kb.load("diagnostics", path)
    text = str(err.value)
    assert f"{path}, row 2, column '{column}'" in text and message in text, text
    assert counts(flows_kb) == before


def test_create_missing_creates_the_site(new_kb, tmp_path):
    kb = new_kb()
    kb.load("territory", resources.path("reference", "perimetre-epci-a-fp.csv"), epci="200036465")
    kb.load("materials", resources.path("reference", "list_of_waste.csv"))
    path = write(tmp_path, "d.csv", HEADER + "Nouvelle Usine;sortant;cartons;15 01 01;;3;t;an;;;;\n")
    report = kb.load("diagnostics", path, create_missing=True)
    assert report.written["Organisation"] == 1
    assert kb.cypher("MATCH (o:Organisation {id: 'nouvelle-usine'}) RETURN o.name AS n")["n"].tolist() == [
        "Nouvelle Usine"]


# -- questions -------------------------------------------------------------------------------

def members(df):
    return sorted(tuple(m) for m in df["members"])


def test_circular_loops_each_once_and_same_as_cypher(flows_kb):
    py = flows_kb.query("circular-loops")
    assert members(py) == [("alpha", "beta", "gamma"), ("alpha", "delta"),
                           ("alpha", "delta", "epsilon", "beta", "gamma"), ("alpha", "epsilon", "beta", "gamma")]
    assert list(py["length"]) == [2, 3, 4, 5]
    assert members(py) == members(flows_kb.query("circular-loops", engine="cypher"))
    triangle = py[py["length"] == 3].iloc[0]
    assert triangle["statuses"] == ["existing"]
    assert triangle["bottleneck"] == 4.0 and triangle["unit"] == "t/an"
    existing = [("alpha", "beta", "gamma"), ("alpha", "epsilon", "beta", "gamma")]
    assert members(flows_kb.query("circular-loops", status="existing")) == existing
    assert members(flows_kb.query("circular-loops", max_length=2)) == [("alpha", "delta")]
    assert members(flows_kb.query("circular-loops", engine="cypher", status="existing")) == existing
    assert members(flows_kb.query("circular-loops", engine="cypher", max_length=3)) == [("alpha", "beta", "gamma"),
                                                                                        ("alpha", "delta")]


def test_shared_collectors(flows_kb):
    df = flows_kb.query("shared-suppliers", category="paper-cardboard")
    row = df[(df["id"] == "epsilon") & (df["role"] == "collector")].iloc[0]
    assert row["organisations"] == 2 and sorted(row["served"]) == ["Alpha Chimie", "Delta Textile"]
    assert row["volume"] == pytest.approx(3.5)


def test_mutualisation_candidates(flows_kb):
    df = flows_kb.query("mutualisation-candidates", territory="DEP-68", direction="out", category="paper-cardboard")
    assert len(df) == 1
    row = df.iloc[0]
    assert row["organisations"] == 4 and row["distinct_partners"] >= 3
    assert row["combined_quantity"] == pytest.approx(6 + 2 + 1.5 + 1)
    assert 0 < row["max_distance_km"] < 30
    assert len(flows_kb.query("mutualisation-candidates", engine="cypher", direction="out",
                              category="paper-cardboard")) == 1


def test_substitution_candidates_within_radius(flows_kb):
    df = flows_kb.query("substitution-candidates", radius_km=30)
    pairs = {(r.output_org, r.input_org, r.match) for r in df.itertuples()}
    assert ("alpha", "beta", "same code") in pairs                 # cardboard of alpha → cardboard input of beta
    assert not any(p[1] == "zeta" for p in pairs)                  # Colmar is ~36 km from Thann
    far = flows_kb.query("substitution-candidates", radius_km=60)
    assert ("gamma", "zeta", "compatible") in {(r.output_org, r.input_org, r.match) for r in far.itertuples()}
    assert (df["distance_km"] <= 30).all()
    assert df.groupby("output_org").size().max() <= 10
    cy = flows_kb.query("substitution-candidates", engine="cypher", top=100)
    assert {(r.output_org, r.input_org) for r in cy.itertuples()} <= {(p[0], p[1]) for p in pairs}


def test_flows_by_category_shows_landfill(flows_kb):
    df = flows_kb.query("flows-by-category", direction="out")
    landfill = df[(df["category"] == "paper-cardboard") & (df["treatment"] == "landfill")]
    assert landfill["quantity"].sum() == pytest.approx(2.0)
    assert set(df["direction"]) == {"out"}


def test_hub_organisations(flows_kb):
    df = flows_kb.query("hub-organisations")
    assert df.iloc[0]["id"] == "alpha"
    assert df.set_index("id").loc["alpha", "degree"] >= 4


def test_unknown_territory_is_an_error(flows_kb):
    with pytest.raises(QueryError, match="'NOWHERE'"):
        flows_kb.query("circular-loops", territory="NOWHERE")


def test_blank_template_round_trip(flows_kb, tmp_path):
    """The template's headers are what the loader reads: fill one row and load it."""
    import openpyxl
    from click.testing import CliRunner

    from eitgraph.cli import cli

    out = tmp_path / "modele.xlsx"
    result = CliRunner().invoke(cli, ["template", "diagnostics", "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Données", "Aide"]
    help_rows = {r[0]: r for r in wb["Aide"].iter_rows(min_row=4, values_only=True)}
    assert "entrant, sortant" in help_rows["Sens"][3]
    ws = wb["Données"]
    headers = [c.value for c in ws[1]]
    row = {"Site": "zeta", "Sens": "sortant", "Matière": "cendres", "Catégorie": "minéraux", "Quantité": 7,
           "Unité": "t"}
    ws.append([row.get(h) for h in headers])
    wb.save(out)
    report = flows_kb.load("diagnostics", out, dataset_id="diagnostics:template-test")
    assert report.written == {"IN_CATEGORY": 1, "Material": 1, "OUTPUTS": 1}
    df = flows_kb.cypher("MATCH (:Organisation {id: 'zeta'})-[f:OUTPUTS]->(m) RETURN m.code AS code, f.quantity AS q")
    assert df.to_dict("records") == [{"code": "minerals:cendres", "q": 7.0}]


def test_an_exchange_written_by_two_datasets_survives_the_reload_of_one(flows_kb, tmp_path):
    row = "zeta;sortant;cendres de chaudière;10 01 01;;5;t;an;;epsilon;existant;\n"
    first = write(tmp_path, "d1.csv", HEADER + row)
    flows_kb.load("diagnostics", first, dataset_id="diag:one")
    flows_kb.load("diagnostics", write(tmp_path, "d2.csv", HEADER + row), dataset_id="diag:two")
    query = ("MATCH (:Organisation {id: 'zeta'})-[x:SUPPLIES {material: '10 01 01'}]->(:Organisation {id: 'epsilon'}) "
             "RETURN x.sources AS sources, x.source AS source")
    assert flows_kb.cypher(query).to_dict("records") == [{"sources": ["diag:one", "diag:two"], "source": "diag:two"}]
    other = "zeta;sortant;mâchefers;19 01 12;;2;t;an;;;;\n"
    flows_kb.load("diagnostics", write(tmp_path, "d1.csv", HEADER + other), dataset_id="diag:one")
    assert flows_kb.cypher(query).to_dict("records") == [{"sources": ["diag:two"], "source": "diag:two"}]
    flows_kb.load("diagnostics", write(tmp_path, "d2.csv", HEADER + other), dataset_id="diag:two")
    assert flows_kb.cypher(query).empty
