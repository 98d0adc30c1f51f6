"""Programme indicators on a small territory worked out by hand, the workshops loader, the CLI, and the
Thur Doller example. The store is the session's embedded ArcadeDB; the files are real CSVs."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner
from loadhelpers import snapshot

from eitgraph import shipped
from eitgraph.cli import cli
from eitgraph.errors import InputError, QueryError

# In the CC de Thann-Cernay (200036465): companies a, b, c, public body p, ESS s; e is in Mulhouse.
ACTORS = """Identifiant;Raison sociale;Type d'acteur;Code NAF;Code INSEE;Latitude;Longitude
a;Alpha Scierie;Entreprise;16.10A;68334;47,808;7,103
b;Beta Palettes;Entreprise;16.24Z;68063;47,807;7,176
c;Gamma Chaufferie;Entreprise;35.30Z;68348;47,803;7,124
p;Mairie de Thann;Collectivité;84.11Z;68334;47,809;7,104
s;Ressourcerie Thur;ESS;88.99B;68063;47,806;7,170
e;Epsilon Recyclage;Opérateur déchets;38.32Z;68224;47,750;7,336
"""
DIAG = """Site;Sens;Matière;Code déchet;Catégorie;Quantité;Unité;Période;Traitement actuel;\
Fournisseur / collecteur;Statut de l'échange
a;entrant;grumes;;wood;100;t;an;;;
a;sortant;palettes;15 01 03;;60;t;an;réemploi;b;existant
b;entrant;palettes;15 01 03;;60;t;an;;a;existant
b;sortant;copeaux;03 01 05;;30;t;an;valorisation énergétique;c;existant
c;sortant;sciure;03 01 05;;10;t;an;recyclage;a;existant
b;sortant;chutes;17 02 01;;25;t;an;recyclage;e;existant
c;sortant;cendres;10 01 01;;15;t;an;enfouissement;;
c;sortant;cendres;10 01 01;;5;t;an;enfouissement;b;potentiel
a;sortant;chaleur fatale;;heat;200;MWh;an;rejet au milieu;b;potentiel
c;sortant;emballages;15 01 01;;;;;;b;existant
"""
SYNERGIES = """Identifiant;Titre;Type;Statut;Catégorie;Organisations;Emplois créés;Formations
S1;Palettes réemployées;substitution;mise en œuvre;wood;a:fournisseur|b:receveur;2;1
S2;Chaufferie bois partagée;mutualisation;étude;wood;a|b|c|p:porteur;;
S3;Atelier de réparation;partage;abandonnée;;s:porteur|e:partenaire;;
S4;Collecte régionale;mutualisation;idée;;e:porteur;;
"""
WORKSHOPS = """Atelier;Intitulé;Date;Type;Structure;Participant;Présent;Satisfaction
W1;Atelier bois;01/03/2024;atelier;a;Anne Alpha;oui;4
W1;Atelier bois;01/03/2024;atelier;b;;oui;5
W1;Atelier bois;01/03/2024;atelier;c;;non;
W1;Atelier bois;01/03/2024;atelier;Mairie de Thann;;oui;
W1;Atelier bois;01/03/2024;atelier;e;;oui;3
W2;COPIL n° 1;2024-06-01;COPIL;p;;oui;4
W2;COPIL n° 1;2024-06-01;COPIL;s;;non;
W2;COPIL n° 1;2024-06-01;COPIL;a;;oui;
W2;COPIL n° 1;2024-06-01;COPIL;c;;non;
W3;Formation tri;2024-09-10;formation;e;;oui;
"""
CC = "200036465"


def haversine(lat1, lon1, lat2, lon2):
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def small_kb(new_kb, haut_rhin, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("indicators")
    kb = new_kb()
    kb.load("territory", haut_rhin, departement="68")
    kb.load("materials", shipped.path("reference", "list_of_waste.csv"))
    for kind, text in (("stakeholders", ACTORS), ("diagnostics", DIAG), ("synergies", SYNERGIES),
                       ("workshops", WORKSHOPS)):
        (tmp / f"{kind}.csv").write_text(text, encoding="utf-8")
        kb.load(kind, tmp / f"{kind}.csv")
    return kb


@pytest.fixture(scope="module")
def values(small_kb):
    df = small_kb.indicators(territory=CC)
    return dict(zip(df["code"], df["value"], strict=True))


def test_roundput_by_hand(values):
    # Outputs of the actors in t/an: 60 + 30 + 25 + 10 + 15 = 140 (the MWh of heat, the unquantified
    # packaging and the potential 5 t share of ashes are left out). Recovered: 60 reuse + 30 energy + 10 + 25
    # recycling; inside: all but b → e.
    assert values["recovered_share"] == round(100 * 125 / 140, 1)
    assert values["recovered_inside_share"] == round(100 * 100 / 140, 1)
    assert values["eliminated_share"] == round(100 * 15 / 140, 1)
    # Loops a → b → c → a and b → c → b (packaging); a, b, c of the 5 actors take part.
    assert values["loops"] == 2
    assert values["loops_existing"] == 2                      # a → b → c → a; b ⇄ c (packaging back)
    assert values["actors_in_loops_share"] == 60.0


def test_diversity_by_hand(values):
    assert values["actors"] == 5                       # e lies outside the CC
    assert values["organisation_kinds"] == 3           # company, public body, ESS
    assert values["sectors"] == 4                      # NAF divisions 16, 35, 84, 88
    # Sections C, C, D, O, Q.
    assert values["shannon_naf"] == round(-(0.4 * math.log(0.4) + 3 * 0.2 * math.log(0.2)), 3)


def test_cooperation_by_hand(values):
    assert values["exchanges_per_actor"] == 1.0   # existing: a→b, b→c, c→a, b→e, c→b (packaging)
    assert values["synergy_links_per_actor"] == round(7 / 5, 2)   # S1: a, b; S2: a, b, c, p; S3: s
    assert values["actors_in_synergy_share"] == 80.0          # S3 is abandoned: s does not count


def test_locality_by_hand(values):
    coords = {"a": (47.808, 7.103), "b": (47.807, 7.176), "c": (47.803, 7.124), "e": (47.750, 7.336)}
    tonnes = {("a", "b"): 60, ("b", "c"): 30, ("c", "a"): 10, ("b", "e"): 25}
    tkm = sum(q * haversine(*coords[s], *coords[t]) for (s, t), q in tonnes.items())
    assert values["local_exchange_share"] == 80.0             # 100 of 125 t stay inside
    assert values["tonne_km"] == round(tkm)
    assert values["mean_distance_km"] == round(tkm / 125, 1)


def test_evaluation_by_hand(values):
    assert values["actors_mobilised"] == 5
    assert (values["actors_mobilised.company"], values["actors_mobilised.public"], values["actors_mobilised.ess"],
            values["actors_mobilised.other"]) == (3, 1, 1, 0)
    assert values["workshops"] == 2                           # W3 invited no actor of the CC
    assert (values["workshops.workshop"], values["workshops.steering_committee"]) == (1, 1)
    # Invitations of actors: W1 a, b, c, p; W2 p, s, a, c: 8, of which 5 present.
    assert values["participation_rate"] == 62.5
    assert values["participation_rate.company"] == 60.0       # a, a, b of a, a, b, c, c
    assert values["participation_rate.public"] == 100.0
    assert values["participation_rate.ess"] == 0.0
    assert values["assiduity"] == round(100 * (1 + 0 + 1) / 3, 1)   # a 2/2, c 0/2, p 2/2
    assert values["satisfaction"] == round((4 + 5 + 4) / 3, 2)     # e's 3 is outside
    assert values["synergies"] == 3 and values["synergies.implemented"] == 1
    assert (values["synergies.study"], values["synergies.abandoned"], values["synergies.idea"]) == (1, 1, 0)
    assert values["companies_per_synergy"] == 2.5             # S1: 2 companies, S2: 3
    assert (values["jobs"], values["trainings"]) == (2, 1)
    assert values["companies_audited"] == 3


def test_referentiel_and_coverage_by_hand(values):
    assert values["operational_synergies"] == 1
    assert values["companies_engaged"] == 3
    # Only the exchanges a lead accounts for: a → b (S1), b → c and c → a (S2, wood); b → e is a contract.
    assert values["exchanged_tonnage"] == 100.0
    assert values["existing_exchange_tonnage"] == 125.0
    assert values["flows"] == 10
    assert values["flows_with_quantity_share"] == 90.0
    assert values["flows_in_tonnes_share"] == 80.0
    assert values["exchanges_with_quantity_share"] == round(100 * 6 / 7, 1)   # c → b packaging has none
    assert values["located_actors_share"] == 100.0


def test_network_group_uses_the_territory_exchanges(values):
    assert values["ena_nodes"] == 3                           # b → e crosses the boundary
    assert values["ena_fci"] > 0 and values["ena_cyclicity"] >= 1


def test_labels_and_definitions_in_both_languages(small_kb):
    fr = small_kb.indicators(territory=CC)
    en = small_kb.indicators(territory=CC, lang="en")
    assert list(fr["code"]) == list(en["code"])
    assert fr.set_index("code").loc["participation_rate.ess", "indicator"] == \
        "Taux de participation : structures de l'ESS"
    assert en.set_index("code").loc["participation_rate.ess", "indicator"] == "Participation rate: social economy"
    assert fr["definition"].str.len().min() > 15 and (fr["definition"] != en["definition"]).all()
    with pytest.raises(QueryError, match="lang must be one of"):
        small_kb.indicators(territory=CC, lang="de")


def test_unknown_and_empty_territories_are_clear_errors(small_kb):
    with pytest.raises(QueryError, match="'NOPE' matches no territory"):
        small_kb.indicators(territory="NOPE")
    with pytest.raises(QueryError, match=r"'68001' \(Algolsheim\) has no organisation located in it"):
        small_kb.indicators(territory="68001")


def test_workshops_loader_writes_invitations_and_attendance(small_kb):
    rows = small_kb.cypher(
        "MATCH (o:Organisation)-[:INVITED]->(w:Workshop) OPTIONAL MATCH (o)-[a:ATTENDED]->(w) "
        "RETURN w.id AS w, w.kind AS kind, o.id AS org, a.participants AS n, a.satisfaction AS score "
        "ORDER BY w, org")
    got = {(r.w, r.org): (r.n, r.score) for r in rows.itertuples()}
    assert len(got) == 10
    assert got[("w1", "a")] == (1, 4.0) and got[("w1", "p")][0] == 1
    assert math.isnan(got[("w1", "c")][0])                    # invited, absent
    kinds = dict(zip(rows["w"], rows["kind"], strict=False))
    assert kinds == {"w1": "workshop", "w2": "steering_committee", "w3": "training"}
    person = small_kb.cypher("MATCH (p:Person)-[a:ATTENDED]->(w:Workshop) RETURN p.name AS name, w.id AS w")
    assert person.to_dict("records") == [{"name": "Anne Alpha", "w": "w1"}]


@pytest.mark.parametrize(("row", "message", "column"), [
    ("W9;Atelier;01/03/2024;atelier;Alpha Scierrie;;oui;4", "did you mean 'Alpha Scierie' (id a)", "Structure"),
    ("W9;Atelier;01/03/2024;atelier;zzz-inconnu;;oui;4", "is not loaded", "Structure"),
    ("W9;Atelier;01/03/2024;atelier;a;;oui;7", "satisfaction 7 is outside 1–5", "Satisfaction"),
    ("W9;Atelier;31/02/2024;atelier;a;;oui;4", "not a valid date", "Date"),
    ("W9;Atelier;01/03/2024;atelier;a;;peut-être;", "expected oui/non", "Présent"),
])
def test_bad_attendance_rows_name_row_and_column_and_write_nothing(small_kb, tmp_path, row, message, column):
    header = WORKSHOPS.splitlines()[0]
    path = tmp_path / "presences.csv"
    path.write_text(f"{header}\nW9;Atelier;01/03/2024;atelier;b;;oui;5\n{row}\n", encoding="utf-8")
    before = snapshot(small_kb)
    with pytest.raises(InputError) as err:
        small_kb.load("workshops", path)
    text = str(err.value)
    assert message in text and "row 3" in text and column in text and "presences.csv" in text
    assert snapshot(small_kb) == before


def test_cli_indicators_and_report(small_kb, store_dir, tmp_path):
    runner = CliRunner()
    base = ["--data-dir", str(store_dir), "--database", small_kb.config.database]
    table = runner.invoke(cli, [*base, "indicators", "--territory", CC])
    assert table.exit_code == 0, table.output
    assert "Taux de participation" in table.output and "62.5" in table.output
    header = table.output.splitlines()[0].split()
    assert header == ["Groupe", "Code", "Indicateur", "Valeur", "Unité", "Base"]  # people read French headers
    english = runner.invoke(cli, [*base, "indicators", "--territory", CC, "--lang", "en"]).output
    assert english.splitlines()[0].split() == ["group", "code", "indicator", "value", "unit", "basis"]
    assert "Participation rate" in english
    as_json = json.loads(runner.invoke(cli, [*base, "indicators", "--territory", CC, "--format", "json",
                                             "--lang", "en"]).output)
    assert {r["code"]: r["value"] for r in as_json}["companies_audited"] == 3
    assert all(r["definition"] for r in as_json)
    bad = runner.invoke(cli, [*base, "indicators", "--territory", "NOPE"])
    assert bad.exit_code == 1 and "matches no territory" in bad.output and "Traceback" not in bad.output
    out = tmp_path / "rapport.html"
    done = runner.invoke(cli, [*base, "report", "--territory", CC, "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "Rapport au comité de pilotage" in out.read_text(encoding="utf-8")


def test_thur_doller_indicators_are_meaningful(example_kb):
    df = example_kb.indicators(territory="PETR-THUR-DOLLER")
    v = dict(zip(df["code"], df["value"], strict=True))
    pilots = example_kb.cypher("MATCH (o:Organisation) WHERE 'pilote EIT' IN o.tags RETURN count(o) AS n")["n"][0]
    assert v["companies_audited"] >= pilots == 20               # every pilot has a diagnostic
    assert v["synergies"] == 27 and v["workshops"] == 13
    assert 0 < v["participation_rate"] < 100 and 1 <= v["satisfaction"] <= 5
    assert v["loops"] > 0 and v["flows"] > 100 and v["ena_nodes"] > 5
    assert df["value"].isna().sum() == 0, df[df["value"].isna()]



def test_to_networkx_and_back(small_kb):
    from eitgraph.analytics.graphs import from_frames, to_frames

    g = small_kb.to_networkx("ecosystem")
    supplies = small_kb.cypher("MATCH (a:Organisation)-[s:SUPPLIES]->(b:Organisation) "
                               "RETURN a.id AS a, b.id AS b, s.quantity AS q, s.unit AS unit")
    assert g.number_of_edges() == len(supplies) == 7
    assert sorted((u, v) for u, v in g.edges()) == sorted(zip(supplies["a"], supplies["b"], strict=True))
    assert g.nodes["a"]["label"] == "Alpha Scierie" and g.nodes["a"]["kind"] == "company"
    assert sum(d["quantity"] for *_, d in g.edges(data=True) if d["unit"] == "t/an") == 130.0
    nodes, edges = to_frames(g)
    assert len(nodes) == g.number_of_nodes() and len(edges) == 7
    back = from_frames(nodes, edges)
    assert sorted(back.edges()) == sorted(g.edges()) and back.nodes["b"]["label"] == "Beta Palettes"
    parties = from_frames(None, small_kb.cypher(
        "MATCH (o:Organisation)-[p:PARTY_TO]->(s:Synergy) RETURN o.id AS source, s.id AS target, p.role AS role"))
    assert parties.number_of_edges() == 9 and parties.edges["a", "S1", 0]["role"] == "supplier"
    loops = small_kb.to_networkx("loops", territory=CC)
    assert set(loops.nodes) == {"a", "b", "c"}
    with pytest.raises(QueryError, match="unknown map view"):
        small_kb.to_networkx("nope")
