"""Flow diagnostics, materials, synergies and the flow questions, on a small hand-made territory
loaded into the real embedded store."""

import numpy as np
import pandas as pd
import pytest

from eitgraph import shipped
from eitgraph.analytics import substitution as substitution_module
from eitgraph.analytics.substitution import MATCH_WEIGHT, SUBSTITUTION_COLUMNS, compatibilities
from eitgraph.errors import InputError, QueryError
from eitgraph.model.geo import haversine_km
from eitgraph.model.materials import categories, category_of_low, normalise_quantity, waste_codes

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
def flows_kb(new_kb, haut_rhin, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("flows")
    kb = new_kb()
    kb.load("territory", haut_rhin, departement="68")
    kb.load("materials", shipped.path("reference", "list_of_waste.csv"))
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
    assert {category_of_low(c) for c in codes} <= set(categories())
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
])
def test_bad_flows_are_reported_and_nothing_is_written(flows_kb, tmp_path, row, column, message):
    before = counts(flows_kb)
    path = write(tmp_path, "bad.csv", HEADER + row + "\n")
    with pytest.raises(InputError) as err:
        flows_kb.load("diagnostics", path)
    text = str(err.value)
    assert f"{path}, row 2, column '{column}'" in text and message in text, text
    assert counts(flows_kb) == before


def test_a_collector_close_to_a_known_name_is_created_with_a_warning(new_kb, tmp_path):
    kb = new_kb()
    kb.load("territory", shipped.path("reference", "perimetre-epci-a-fp.csv"), epci="200036465")
    kb.load("materials", shipped.path("reference", "list_of_waste.csv"))
    kb.load("stakeholders", write(tmp_path, "acteurs.csv", ACTORS.replace("68224", "68063").replace("68066", "68063")))
    path = write(tmp_path, "d.csv", HEADER + "alpha;sortant;x;15 01 01;;3;t;an;;Epsilon Recyclages;;\n")
    report = kb.load("diagnostics", path)
    created = [n for n in report.notes if n.code == "created"]
    assert len(created) == 1 and "'Epsilon Recyclages'" in created[0].message
    assert "close to 'Epsilon Recyclage' (id epsilon)" in created[0].message
    assert created[0].location.row == 2 and created[0].location.column == "Fournisseur / collecteur"


def test_create_missing_creates_the_site(new_kb, tmp_path):
    kb = new_kb()
    kb.load("territory", shipped.path("reference", "perimetre-epci-a-fp.csv"), epci="200036465")
    kb.load("materials", shipped.path("reference", "list_of_waste.csv"))
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
    assert wb.sheetnames == ["Données", "Aide", "Listes"]
    assert wb["Listes"].sheet_state == "hidden"
    help_rows = {r[0]: r for r in wb["Aide"].iter_rows(min_row=4, values_only=True)}
    assert "entrant, sortant" in help_rows["Sens"][3]
    ws = wb["Données"]
    headers = [c.value for c in ws[1]]
    # Closed lists are drop-downs (a warning, not a refusal, for another spelling the loader also reads).
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    sens = rules[f"{openpyxl.utils.get_column_letter(headers.index('Sens') + 1)}2:"
                 f"{openpyxl.utils.get_column_letter(headers.index('Sens') + 1)}2001"]
    assert sens.type == "list" and sens.errorStyle == "warning"
    sheet, cells = sens.formula1.split("!")
    assert [c.value for row in wb[sheet.strip("'")][cells.replace("$", "")] for c in row] == ["entrant", "sortant"]
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
    # Both hold it; the first in precedence (same kind: the dataset id) is its main source.
    assert flows_kb.cypher(query).to_dict("records") == [{"sources": ["diag:one", "diag:two"], "source": "diag:one"}]
    other = "zeta;sortant;mâchefers;19 01 12;;2;t;an;;;;\n"
    flows_kb.load("diagnostics", write(tmp_path, "d1.csv", HEADER + other), dataset_id="diag:one")
    assert flows_kb.cypher(query).to_dict("records") == [{"sources": ["diag:two"], "source": "diag:two"}]
    flows_kb.load("diagnostics", write(tmp_path, "d2.csv", HEADER + other), dataset_id="diag:two")
    assert flows_kb.cypher(query).empty


# -- substitution candidates: exact, against brute force ----------------------------------------

SUBST_CATEGORIES = {  # category: (materials, units); wood → energy, heat → energy … are declared compatible
    "wood": (["03 01 05", "15 01 03", "17 02 01"], ["t/an"]),
    "functional-objects": (["16 01 03", None], ["t/an", "m3/an"]),
    "paper-cardboard": (["15 01 01", "20 01 01"], ["t/an"]),
    "energy": (["energy:biogaz", "energy:bois"], ["MWh/an", "t/an"]),
    "heat": (["heat:vapeur"], ["MWh/an"]),
    "chemicals": (["07 01 01", "07 01 04", "06 01 06"], ["t/an", "m3/an"]),  # compatible with itself
    "food": (["20 01 08", "02 02 03"], ["t/an"]),
    "organic": (["20 02 01"], ["t/an", "m3/an"]),
}


def synthetic_flows(seed, n_out, n_in, n_orgs=80, spread_km=9.0, sigma=1.2):
    """Flows as the extraction returns them: organisations packed so that hundreds of inputs of a
    category lie within 30 km of an output; mixed units, missing or zero quantities, shared sites."""
    rng = np.random.default_rng(seed)
    lat = 47.8 + rng.normal(0, spread_km / 111, n_orgs)
    lon = 7.3 + rng.normal(0, spread_km / 75, n_orgs)
    cats = list(SUBST_CATEGORIES)
    rows = []
    for i in range(n_out + n_in):
        org = int(rng.integers(n_orgs))
        cat = cats[int(rng.choice(len(cats), p=np.linspace(2, 1, len(cats)) / np.linspace(2, 1, len(cats)).sum()))]
        if i >= n_out and cat in ("heat", "food") and rng.random() < 0.9:
            cat = "wood"  # few inputs of these: their outputs also rank compatible inputs
        materials, units = SUBST_CATEGORIES[cat]
        materials = [*materials, *(f"{cat}:{k}" for k in range(6))]
        unit = units[0] if rng.random() < 0.8 else units[-1]
        qty = float(np.round(rng.lognormal(2, sigma), int(rng.integers(0, 3))))  # rounding makes exact ties
        u = rng.random()
        if u < 0.04:
            qty, unit = None, None
        elif u < 0.07:
            qty = None
        elif u < 0.08:
            qty = 0.0
        rows.append({"id": f"org{org:03d}", "name": f"Org {org}", "lat": float(lat[org]), "lon": float(lon[org]),
                     "direction": "out" if i < n_out else "in", "label": f"flow {i}", "category": cat,
                     "material": materials[int(rng.integers(len(materials)))], "quantity": qty, "unit": unit,
                     "partner": None, "treatment": None})
    rows.append({**rows[0], "lat": None, "lon": None, "label": "no site"})  # not placed: ignored
    return rows


def brute_force_substitution(rows, radius_km=30.0, top=10, category=None, nearest=None):
    """Every (output, input) pair scored, one output at a time; ``nearest`` keeps only that many
    nearest inputs per output and input category (the former approximation)."""
    compat = compatibilities()
    outs = [f for f in rows if f["direction"] == "out" and f["lat"] is not None
            and (category is None or f["category"] == category)]
    ins = sorted((f for f in rows if f["direction"] == "in" and f["lat"] is not None),
                 key=lambda f: (f["id"], f["material"] or "", f["label"] or ""))

    def xyz(fs):
        la, lo = np.radians([f["lat"] for f in fs]), np.radians([f["lon"] for f in fs])
        return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])

    o_xyz, i_xyz = xyz(outs), xyz(ins)
    result = []
    for n, o in enumerate(outs):
        d = o_xyz[n] - i_xyz
        km = 2 * 6371.0088 * np.arcsin(np.minimum(np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1] + d[:, 2] * d[:, 2])
                                                  / 2, 1.0))
        found = []
        for j, f in enumerate(ins):
            pair = (o["category"], f["category"])
            if not (pair in compat or pair[0] == pair[1]) or km[j] > radius_km:
                continue
            kind = ("same code" if f["material"] == o["material"]
                    else "compatible" if pair in compat else "same category")
            qo, qi = o["quantity"], f["quantity"]
            comparable = o["unit"] == f["unit"] and qo is not None and qi is not None and qo > 0 and qi > 0
            qm = np.minimum(qo, qi) / np.maximum(qo, qi) if comparable else 0.5
            score = MATCH_WEIGHT[kind] * (0.5 + 0.5 * qm) * (1 - 0.5 * km[j] / radius_km)
            found.append((-score, km[j], j, kind, qm))
        if nearest:  # as the former version: the nearest inputs of the category, the organisation's own included
            by_cat = {}
            for item in sorted(found, key=lambda t: (t[1], t[2])):
                by_cat.setdefault(ins[item[2]]["category"], []).append(item)
            found = [item for items in by_cat.values() for item in items[:nearest]]
        found = [item for item in found if ins[item[2]]["id"] != o["id"]]
        for rank, (neg, dist, j, kind, qm) in enumerate(sorted(found)[:top], 1):
            f = ins[j]
            result.append({
                "output_org": o["id"], "output_name": o["name"], "output_material": o["label"],
                "output_quantity": o["quantity"], "input_org": f["id"], "input_name": f["name"],
                "input_material": f["label"], "input_quantity": f["quantity"],
                "unit": o["unit"] if o["unit"] == f["unit"] else f"{o['unit'] or ''} / {f['unit'] or ''}",
                "match": kind, "note": compat.get((o["category"], f["category"]), "") if kind == "compatible" else "",
                "distance_km": dist, "quantity_match": qm, "score": -neg, "rank": rank})
    df = pd.DataFrame(result, columns=SUBSTITUTION_COLUMNS)
    for col in ("output_quantity", "input_quantity"):
        df[col] = df[col].astype(float)
    df["distance_km"], df["quantity_match"], df["score"] = (np.round(df[c].to_numpy(float), n) for c, n in
                                                          (("distance_km", 1), ("quantity_match", 2), ("score", 3)))
    return df.sort_values(["score", "distance_km", "output_org", "input_org"], ascending=[False, True, True, True],
                          ignore_index=True)


@pytest.fixture
def fake_flows(monkeypatch):
    """Feeds ``substitution_candidates`` a list of flow dicts instead of the store's extraction."""
    def use(rows):
        monkeypatch.setattr(substitution_module, "flows", lambda kb, territory=None: rows)
        return lambda **kw: substitution_module.substitution_candidates(None, **kw)

    return use


def densest_inputs(rows, radius_km=30.0):
    """Most inputs of one category within the radius of an output (what the former cut at 200 missed)."""
    ins = [f for f in rows if f["direction"] == "in" and f["lat"] is not None]
    return max(sum(f["category"] == o["category"] and haversine_km(o["lat"], o["lon"], f["lat"], f["lon"]) <= radius_km
                   for f in ins) for o in rows[:20] if o["direction"] == "out")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_substitution_is_exact_where_the_nearest_cut_was_not(fake_flows, seed):
    rows = synthetic_flows(seed, n_out=150, n_in=2400)
    assert densest_inputs(rows) > 200
    got = fake_flows(rows)()
    want = brute_force_substitution(rows)
    pd.testing.assert_frame_equal(got, want)
    assert set(got["match"]) == {"same code", "same category", "compatible"}
    assert (got["input_quantity"].isna() | got["unit"].str.contains(" / ")).any()  # quantity match 0.5 cases
    cut = brute_force_substitution(rows, nearest=200)
    assert not cut.equals(want)  # the test has teeth: the former approximation fails it


@pytest.mark.parametrize("options", [{"category": "wood", "top": 3}, {"radius_km": 8.0, "top": 25},
                                     {"category": "chemicals", "radius_km": 50.0, "top": 1}])
def test_substitution_options_are_exact(fake_flows, options):
    rows = synthetic_flows(7, n_out=120, n_in=1500)
    pd.testing.assert_frame_equal(fake_flows(rows)(**options), brute_force_substitution(rows, **options))


@pytest.mark.parametrize("sigma, spread", [(6.0, 9.0), (0.3, 9.0), (1.2, 60.0)])
def test_substitution_is_exact_when_bounds_rarely_certify(fake_flows, sigma, spread):
    """Quantities spread over many orders of magnitude (the exhaustive fallback), nearly equal
    (ties), and a sparse region (fewer than ``top`` candidates)."""
    rows = synthetic_flows(11, n_out=100, n_in=1200, spread_km=spread, sigma=sigma)
    pd.testing.assert_frame_equal(fake_flows(rows)(), brute_force_substitution(rows))


def test_substitution_without_inputs_is_empty(fake_flows):
    assert fake_flows(synthetic_flows(5, n_out=10, n_in=0))().empty


def test_exchanges_read_by_element_id_agree_with_a_read_by_id(flows_kb):
    """The bulk reads take the ends as element ids and map them to ids: the same pairs and rows as reading
    ``a.id`` directly, for every filter."""
    direct = flows_kb.cypher("MATCH (a:Organisation)-[s:SUPPLIES]->(b:Organisation) "
                             "RETURN a.id AS source, b.id AS target, s.material AS material, s.status AS status")
    expected = sorted(zip(direct["source"], direct["target"], direct["material"], direct["status"], strict=True))
    columns = flows_kb.graph.exchange_columns()
    assert sorted(zip(*(columns[k] for k in ("source", "target", "material", "status")), strict=True)) == expected
    assert sorted(flows_kb.graph.exchange_pairs()) == sorted((s, t) for s, t, _, _ in expected)
    existing = sorted((s, t) for s, t, _, status in expected if status == "existing")
    assert sorted(flows_kb.graph.exchange_pairs(status="existing")) == existing
    assert existing and len(existing) < len(expected)


def test_element_ids_changing_during_a_read_mean_reading_again():
    from eitgraph.errors import QueryError
    from eitgraph.graphread.exchanges import ORGANISATION_KEYS, by_element_id

    maps = [{"keys": ["e1", "e2"], "ids": ["a", "b"]}, {"keys": ["e1", "e2"], "ids": ["a", "c"]}]  # b became c
    calls = []

    def raw(query, params):
        calls.append(query)
        if query == ORGANISATION_KEYS:
            return [maps[min(len(calls) // 3, 1)] if len(calls) % 3 == 1 else maps[1]]
        return [{"sources": ["e1"], "targets": ["e2"]}]

    def ends(found):
        return {e for r in found for e in r["sources"] + r["targets"]}

    # First attempt: the map read before differs from the one after; the second attempt agrees.
    found, ids = by_element_id(raw, "MATCH …", {}, ends)
    assert found == [{"sources": ["e1"], "targets": ["e2"]}]
    assert ids == {"e1": "a", "e2": "c"} and len(calls) == 6

    def missing_end(query, params):
        return [maps[0]] if query == ORGANISATION_KEYS else [{"sources": ["e1"], "targets": ["e9"]}]

    with pytest.raises(QueryError, match="kept changing"):
        by_element_id(missing_end, "MATCH …", {}, ends)


def test_gc_pause_nests_across_threads():
    import gc
    import threading

    from eitgraph.bulk import paused_gc

    assert gc.isenabled()
    inside = threading.Event()
    release = threading.Event()

    def worker():
        with paused_gc():
            inside.set()
            release.wait(5)

    t = threading.Thread(target=worker)
    with paused_gc():
        t.start()
        inside.wait(5)
    assert not gc.isenabled()  # the worker still holds it
    release.set()
    t.join(5)
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()
