"""Plans and actions: the Territoires en Transitions workbook, the plain plan form, the référentiel
économie circulaire and the plan questions, against the real embedded store."""

from __future__ import annotations

import datetime as dt
import warnings

import openpyxl
import pytest
from tetbook import write_tet_workbook

from eitgraph import shipped
from eitgraph.errors import InputError, ValidationError
from eitgraph.load.sources.plans.keywords import guess_kind
from eitgraph.load.sources.plans.numbering import parse_axis, split_action_number
from eitgraph.values import parse_amount, parse_date

REFERENTIEL = shipped.path("reference", "referentiel-eci-structure.csv")
TEMPLATE = shipped.path("reference", "tet-modele-import-plan.xlsx")
ACTORS = """Identifiant;Raison sociale;Type d'acteur
mef;Maison de l'Emploi Thur Doller;ESS
smtc;Syndicat Mixte de Thann-Cernay;Collectivité
ademe;ADEME Grand Est;Financeur
region;Région Grand Est;Collectivité
alpha;Alpha Chimie;Entreprise
beta;Beta Bois;Entreprise
"""
DIAG = ("Site;Sens;Matière;Code déchet;Catégorie;Quantité;Unité;Période;Traitement actuel\n"
        "alpha;sortant;cartons;15 01 01;;500;t;an;recyclage\n"
        "beta;sortant;chutes de bois;03 01 05;;40;t;an;enfouissement\n"
        "alpha;sortant;déchets textiles;04 02 22;;2;t;an;enfouissement\n")


def row(title, axis="1. Réduire les déchets", lead="Maison de l'Emploi Thur Doller", **more):
    base = {"Axe (x)": axis, "Titre de la fiche action": title, "Structure pilote": lead}
    base.update({k.replace("_", " "): v for k, v in more.items()})
    return base


def tet(tmp_path, name, actions, sidecar=None, **kw):
    """A TeT workbook as TeT's importer wants it (D2 « Titre de l'action », actions from row 4)."""
    path = write_tet_workbook(tmp_path / f"{name}.xlsx", actions, **kw)
    if sidecar:
        (tmp_path / f"{name}.xlsx.yaml").write_text(sidecar, encoding="utf-8")
    return path


def counts(kb, label):
    return int(kb.cypher(f"MATCH (n:{label}) RETURN count(n) AS n")["n"][0])


@pytest.fixture(scope="module")
def plans_kb(new_kb, tmp_path_factory):
    """Référentiel, materials, a few organisations and flows, and three plans with overlaps."""
    tmp = tmp_path_factory.mktemp("plans")
    kb = new_kb()
    kb.load("materials", shipped.path("reference", "list_of_waste.csv"))
    kb.load("referentiel", REFERENTIEL)
    (tmp / "acteurs.csv").write_text(ACTORS, encoding="utf-8")
    kb.load("stakeholders", tmp / "acteurs.csv")
    (tmp / "diag.csv").write_text(DIAG, encoding="utf-8")
    kb.load("diagnostics", tmp / "diag.csv")
    palettes = "Mutualiser la réparation des palettes entre entreprises"
    kb.load("plans", tet(tmp, "eit", [
        row("Action 1 - " + palettes, "Axe 1 : Synergies", **{
            "Descriptif": "Atelier de réparation des palettes en bois",
            "Financeur 1": "ADEME", "Montant 1": 10000, "Budget prévisionnel total € HT": "30 000 € HT",
            "Actions liées": "eci 3.5 - EIT", "Statut": "En cours"}),
        row("Action 2 - Collecter les cartons des zones d'activités", "Axe 1 : Synergies",
            lead="Syndicat Mixte de Thann-Cernay", **{"Budget prévisionnel total € HT": 12000, "Statut": "Réalisé",
                                                     "Actions liées": "eci 2.2"}),
    ], "id: eit\nname: Plan EIT\ntype: EIT\nperiod_start: 2016\nperiod_end: 2019\n"), )
    kb.load("plans", tet(tmp, "codec", [
        row(palettes, "Axe 2. Entreprises", **{"Budget prévisionnel total € HT": "30000", "Financeur 1": "ADEME",
                                               "Montant 1": "10 000", "Actions liées": "eci 3.5"}),
        row("Sensibiliser les salariés au tri des déchets", "Axe 2. Entreprises", lead="Région Grand Est",
            **{"Budget prévisionnel total € HT": "5 000,00 €"}),
    ]), type="CODEC", name="CODEC test")
    (tmp / "plp.csv").write_text(
        "Intitulé de l'action;Porteur;Budget total;Piliers;Catégories de matières;Axe;Mesures liées\n"
        "Réparer et mutualiser les palettes des entreprises;Alpha Chimie;8000;Allongement de la durée d'usage;bois;"
        "1. Réemploi;eci 3.5\n", encoding="utf-8")
    kb.load("plan-form", tmp / "plp.csv", plan="plp", name="PLP test", type="PLP")
    return kb


# -- parsing -------------------------------------------------------------------------------------------

def test_axis_and_title_numbering():
    assert parse_axis("1.") == ("1", "1.")
    assert parse_axis("1.1. Biodéchets") == ("1.1", "Biodéchets")
    assert parse_axis("Axe 1. Synergies") == ("1", "Synergies")
    assert parse_axis("Objectif stratégique 2. Réduire") == ("2", "Réduire")
    assert parse_axis("4.2 : Réemploi") == ("4.2", "Réemploi")
    assert split_action_number("Fiche action n°3 : Composter") == ("3", "Composter")


@pytest.mark.parametrize("text,value", [("124566", 124566.0), ("124 566 € HT", 124566.0), ("12 000,50 €", 12000.5),
                                        ("1.234.567", 1234567.0), ("50 k€", 50000.0), ("1,2 M€", 1200000.0)])
def test_amount_forms(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["à définir", "environ 10 000", "10 000 € TTC"])
def test_free_text_budget_is_refused(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_date_forms():
    assert parse_date("45000") == dt.date(2023, 3, 15)
    assert parse_date("31/12/2026") == dt.date(2026, 12, 31)
    assert parse_date("2024-03-05") == dt.date(2024, 3, 5)
    assert parse_date("2019", "end") == dt.date(2019, 12, 31)
    for text in ("03/25/2024", "01/02/24", "2024", "03/2024"):
        with pytest.raises(ValueError, match="ambiguous"):
            parse_date(text)


def test_kinds_guessed_from_names():
    assert guess_kind("Communauté de communes de Thann-Cernay") == "public_body"
    assert guess_kind("DREAL Grand Est") == "state_service"
    assert guess_kind("Trelleborg SAS") == "company"


# -- the TeT workbook -----------------------------------------------------------------------------------

def test_template_rows_are_skipped_and_everything_is_read(new_kb, tmp_path):
    kb = new_kb()
    kb.load("referentiel", REFERENTIEL)
    path = tet(tmp_path, "pcaet", [row(
        "Action 1 - Développer le compostage partagé",
        **{"Sous-axe (x.x)": "1.1. Biodéchets", "Descriptif": "Composteurs de quartier",
           "Partenaires": "ADEME, Emmaüs Cernay", "Direction ou service pilote": "Service environnement",
           "Personne pilote": "Marie PAUL", "Élu·e référent·e": "Jean DUPONT",
           "Participation Citoyenne": "Consultation",
           "Financeur 1": "ADEME, Région Grand Est", "Montant 1": 50000, "Financeur 2": "Commune de Thann",
           "Montant 2": "12 000,50 € HT", "Budget prévisionnel total € HT": "124 566 € HT", "Statut": "En cours",
           "Niveau de priorité": "Élevé", "Date de début": dt.datetime(2024, 1, 15), "Date de fin": "31/12/2026",
           "Action en amélioration continue": "FAUX", "Actions liées": "eci 2.3 - Améliorer la valorisation"})],
               keep_help_rows=True)
    report = kb.load("plans", path, plan="pcaet", type="PCAET", territory="200036465")
    assert report.written["Action"] == 1
    a = kb.cypher("MATCH (a:Action) RETURN a.title AS title, a.number AS number, a.budget_total AS budget, "
                  "a.status AS status, a.priority AS priority, a.start AS start, a.end AS end, "
                  "a.citizen_participation AS cp, a.continuous AS cont").to_dict("records")[0]
    assert a["title"] == "Action 1 - Développer le compostage partagé" and a["number"] == "1"  # as TeT stores it
    assert (a["budget"], a["status"], a["priority"], a["cp"], a["cont"]) == (124566.0, "in_progress", "high",
                                                                           "consultation", False)
    assert (str(a["start"]), str(a["end"])) == ("2024-01-15", "2026-12-31")
    funders = kb.cypher("MATCH (:Action)-[f:FUNDED_BY]->(o) RETURN o.name AS name, f.amount AS amount, f.share AS "
                        "share, o.kind AS kind ORDER BY name").to_dict("records")
    assert funders == [{"name": "ADEME", "amount": 50000.0, "share": 25000.0, "kind": "funder"},
                       {"name": "Commune de Thann", "amount": 12000.5, "share": 12000.5, "kind": "public_body"},
                       {"name": "Région Grand Est", "amount": 50000.0, "share": 25000.0, "kind": "public_body"}]
    axes = kb.cypher("MATCH (:Action)-[:UNDER]->(x:Axis)-[:SUBAXIS_OF]->(p:Axis)-[:AXIS_OF]->(:Plan {id: 'pcaet'}) "
                     "RETURN x.id AS sub, x.path AS path, x.number AS number, p.name AS axis").to_dict("records")
    assert axes == [{"sub": "pcaet:1-reduire-les-dechets/1-1-biodechets",
                     "path": "1. Réduire les déchets::1.1. Biodéchets", "number": "1.1",
                     "axis": "1. Réduire les déchets"}]
    assert kb.cypher("MATCH (:Action)-[:CONTRIBUTES_TO {via: 'linked'}]->(m) RETURN m.id AS m")["m"].tolist() == [
        "eci_2.3"]
    assert counts(kb, "Service") == 1 and counts(kb, "Person") == 2
    assert kb.cypher("MATCH (a:Action) WHERE a.title CONTAINS 'coordination' RETURN a").empty
    codes = [n.code for n in report.notes]
    assert codes.count("template_row") == 2  # the template's instruction and example rows, skipped and said
    text = "\n".join(report.warnings)
    assert "row 4: the template's instruction row is still there: skipped" in text
    assert "« 124 566 € HT »: read as 124566 €; Territoires en Transitions refuses it" in text
    assert "« Montant € HT (Financeur 2) » holds « 12 000,50 € HT » as text: read as 12000.5 €" in text
    assert "« Financeur 1 » names 2 funders (« ADEME, Région Grand Est »)" in text
    assert "unused_column" not in codes  # the three « Montant € HT » columns are read


def test_the_bare_template_is_an_empty_plan(empty_kb):
    with pytest.raises(InputError, match="only the template's own rows from row 4 on: no action to read") as exc:
        empty_kb.load("plans", TEMPLATE)
    assert "sheet 'Fichier dimport'" in str(exc.value)
    assert counts(empty_kb, "Plan") == 0


def test_moved_and_renamed_columns_are_found_by_header(empty_kb, tmp_path):
    """eitgraph finds columns by header text (TeT by position, and refuses the file: said)."""
    path = tet(tmp_path, "moved", [row("Composter les biodéchets", **{"Budget prévisionnel total € HT": 1000})])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    ws = wb["Fichier dimport"]
    ws.insert_cols(2)  # everything after the axis moves one column to the right
    ws["B2"] = "Commentaire interne"
    ws["E2"] = "Titre de la fiche action"  # the 2023 header
    wb.save(path)
    report = empty_kb.load("plans", path)
    assert empty_kb.cypher("MATCH (a:Action) RETURN a.title AS t, a.budget_total AS b").to_dict("records") == [
        {"t": "Composter les biodéchets", "b": 1000.0}]
    assert any('La colonne B devrait être "Sous-axe (x.x)" et non "Commentaire interne"' in w
               for w in report.warnings)
    assert any("column 'Commentaire interne' is not used by plans" in w for w in report.warnings)


def test_a_sheet_whose_a2_is_not_axe_x_is_read_when_named(empty_kb, tmp_path):
    path = tet(tmp_path, "shifted", [row("Composter les biodéchets")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    wb["Fichier dimport"].insert_cols(1)
    wb["Fichier dimport"]["A2"] = "Commentaire interne"
    wb.save(path)
    with pytest.raises(InputError, match=r"no sheet of this workbook is a Territoires en Transitions plan: expected "
                                         r"« Axe \(x\) » in cell A2.*'Fichier dimport' \(A2: 'Commentaire interne'\)"):
        empty_kb.load("plans", path)
    report = empty_kb.load("plans", path, sheet="Fichier dimport")
    assert report.written["Action"] == 1
    assert any("sheet 'Fichier dimport' read as asked; Territoires en Transitions reads the first sheet whose A2 is "
               "« Axe (x) » (none here: it would refuse this file)" in w for w in report.warnings)


def test_missing_required_column_is_a_clear_error(empty_kb, tmp_path):
    path = tet(tmp_path, "notitle", [row("Composter")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    wb["Fichier dimport"]["D2"] = "Quelque chose"
    wb.save(path)
    expected = r"required column missing.*\"Titre de l'action\", 'Titre de la fiche action'"
    with pytest.raises(InputError, match=expected) as exc:
        empty_kb.load("plans", path)
    assert "sheet 'Fichier dimport', row 2" in str(exc.value)
    assert counts(empty_kb, "Plan") == 0


def test_duplicate_titles_are_refused_within_one_axis_only(empty_kb, tmp_path):
    path = tet(tmp_path, "dup", [row("Composter"), row("Composter", "2. Réemployer"), row("Composter", lead="Autre")])
    with pytest.raises(ValidationError, match=r"row 6, column \"Titre de l'action\": the action « Composter » is "
                                              r"already in axis « 1. Réduire les déchets » \(row 4\)") as exc:
        empty_kb.load("plans", path)
    assert "1 problem(s)" in str(exc.value)  # the same title in another axis is another action
    assert counts(empty_kb, "Action") == 0
    tet(tmp_path, "dup", [row("Composter"), row("Composter", "2. Réemployer"), row("composter")])
    report = empty_kb.load("plans", path)
    ids = empty_kb.cypher("MATCH (a:Action)-[r:IN_PLAN]->() RETURN a.id AS id ORDER BY r.row")["id"].tolist()
    assert ids == ["act-composter--maison-de-l-emploi-thur-doller--1-reduire-les-dechets",
                   "act-composter--maison-de-l-emploi-thur-doller--2-reemployer",
                   "act-composter--maison-de-l-emploi-thur-doller--1-reduire-les-dechets-2"]
    assert any(n.code == "near_duplicate" for n in report.notes)


def test_budget_free_text_and_dates_are_reported(empty_kb, tmp_path):
    path = tet(tmp_path, "bad", [
        row("A", **{"Budget prévisionnel total € HT": "à définir", "Date de début": "03/25/2024"}),
        row("B", **{"Financeur 1": "ADEME", "Montant 1": "beaucoup", "Date de fin": "01/02/24"}),
    ])
    with pytest.raises(ValidationError) as exc:
        empty_kb.load("plans", path)
    text = str(exc.value)
    assert "3 problem(s)" in text
    assert "row 4, column 'Budget prévisionnel total € HT': not an amount in € HT: 'à définir'" in text
    assert "row 4, column 'Date de début': « 03/25/2024 » reads month first; write the day first: 25/03/2024" in text
    assert "row 5, column 'Montant € HT (Financeur 1)': not an amount in € HT: 'beaucoup'" in text
    assert counts(empty_kb, "Plan") == 0
    # free text kept on demand; a two-digit year is read day first, with what TeT would do
    good = tet(tmp_path, "keep", [row("A", **{"Budget prévisionnel total € HT": "à définir",
                                               "Date de fin": "01/02/24"})])
    report = empty_kb.load("plans", good, budget_text="keep")
    got = empty_kb.cypher("MATCH (a:Action) RETURN a.budget_note AS note, a.end AS end").to_dict("records")
    assert [(r["note"], str(r["end"])) for r in got] == [("à définir", "2024-02-01")]
    assert any("« 01/02/24 » (a two-digit year): read as 1 février 2024; Territoires en Transitions would store "
               "2 janvier 2024; write 01/02/2024" in w for w in report.warnings)


def test_corrupt_and_password_protected_workbooks(empty_kb, tmp_path):
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(InputError, match=r"corrupt\.xlsx: not a valid \.xlsx workbook"):
        empty_kb.load("plans", corrupt)
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    with pytest.raises(InputError, match=r"locked\.xlsx: the workbook is password-protected"):
        empty_kb.load("plans", locked)
    assert counts(empty_kb, "Plan") == 0


def test_sidecar_gives_plan_metadata_and_aliases(empty_kb, tmp_path):
    path = tet(tmp_path, "tepcv", [row("Chaufferie bois", lead="Le PETR")],
               "id: tepcv\nname: TEPCV Pays\ntype: tepcv\nterritory: PETR-X\nperiod_start: 01/01/2015\n"
               "period_end: 2018\norganisations: {Le PETR: petr}\n")
    with pytest.raises(ValidationError,
                       match=r"organisation 'petr' is not loaded .*; the sidecar maps 'Le PETR' to it"):
        empty_kb.load("plans", path)
    (tmp_path / "a.csv").write_text("Identifiant;Raison sociale;Type d'acteur\npetr;PETR du Pays;Collectivité\n",
                                    encoding="utf-8")
    empty_kb.load("stakeholders", tmp_path / "a.csv")
    empty_kb.load("plans", path)
    plan = empty_kb.cypher("MATCH (p:Plan) RETURN p.id AS id, p.type AS type, p.territory AS t, "
                           "p.period_start AS s, p.period_end AS e").to_dict("records")[0]
    assert (plan["id"], plan["type"], plan["t"], str(plan["s"]), str(plan["e"])) == ("tepcv", "TEPCV", "PETR-X",
                                                                                    "2015-01-01", "2018-12-31")
    assert empty_kb.cypher("MATCH (o)-[:LEADS]->(:Action) RETURN o.id AS id")["id"].tolist() == ["petr"]


# -- one action, several plans ------------------------------------------------------------------------------

def test_same_title_and_lead_in_two_plans_is_one_action(plans_kb):
    df = plans_kb.cypher("MATCH (a:Action)-[:IN_PLAN]->(p:Plan) WHERE a.title CONTAINS 'Mutualiser la réparation' "
                         "RETURN a.id AS id, collect(p.id) AS plans")
    assert len(df) == 1 and sorted(df["plans"][0]) == ["codec", "eit"]
    assert plans_kb.cypher("MATCH (o)-[:LEADS]->(a:Action) WHERE a.title CONTAINS 'Mutualiser la réparation' "
                           "RETURN o.id AS id")["id"].tolist() == ["mef"]


def test_each_plan_owns_only_its_links(new_kb, tmp_path):
    kb = new_kb()
    first = tet(tmp_path, "p1", [row("Composter les biodéchets"), row("Réparer les palettes")])
    second = tet(tmp_path, "p2", [row("Composter les biodéchets")])
    kb.load("plans", first)
    kb.load("plans", second)
    assert counts(kb, "Action") == 2
    tet(tmp_path, "p2", [row("Autre action")])  # the second plan drops the shared action
    kb.load("plans", second)
    df = kb.cypher("MATCH (a:Action)-[:IN_PLAN]->(p:Plan) RETURN a.title AS t, p.id AS p ORDER BY t, p")
    assert df.values.tolist() == [["Autre action", "p2"], ["Composter les biodéchets", "p1"],
                                  ["Réparer les palettes", "p1"]]


def test_plan_form_with_explicit_columns(plans_kb):
    df = plans_kb.cypher("MATCH (a:Action)-[:IN_PLAN]->(:Plan {id: 'plp'}) OPTIONAL MATCH (a)-[t:TARGETS]->(c) "
                         "OPTIONAL MATCH (a)-[m:CONTRIBUTES_TO]->(p:Pillar) RETURN a.budget_total AS b, "
                         "collect(DISTINCT c.code + ':' + t.via) AS cats, collect(DISTINCT p.id + ':' + m.via) AS pil")
    rec = df.to_dict("records")[0]
    assert rec["b"] == 8000.0 and rec["cats"] == ["wood:column"] and rec["pil"] == ["pillar_extended_use:column"]


# -- référentiel ---------------------------------------------------------------------------------------------

def test_referentiel_levels_points_and_pillars(plans_kb):
    df = plans_kb.cypher("MATCH (m:Measure) RETURN m.kind AS kind, count(m) AS n")
    assert dict(zip(df["kind"], df["n"], strict=True)) == {"axis": 5, "orientation": 21, "sub_action": 80,
                                                           "task": 261, "pillar": 7}
    task = plans_kb.cypher("MATCH (t:Measure {id: 'eci_1.1.1.2'})-[:CHILD_OF]->(p) RETURN t.points AS pts, "
                           "p.points AS parent, t.percentage AS pct").to_dict("records")[0]
    assert task["pts"] == pytest.approx(task["parent"] * task["pct"] / 100)
    assert plans_kb.cypher("MATCH (:Measure {id: 'eci_3.5'})-[:OF_PILLAR]->(p) RETURN p.name AS n")["n"].tolist() == [
        "Écologie industrielle et territoriale"]


# -- questions ---------------------------------------------------------------------------------------------

def test_overlaps_say_why(plans_kb):
    df = plans_kb.query("plan-action-overlaps", threshold=0.3)
    shared = df[df.overlap == "même action"]
    assert shared[["plan_1", "plan_2"]].values.tolist() == [["codec", "eit"]]
    near = df[df.overlap == "quasi-doublon"]
    assert set(near["title_1"]) | set(near["title_2"]) >= {"Réparer et mutualiser les palettes des entreprises"}
    assert (near["score"] >= 0.3).all() and near["reason"].str.contains("similarité").all()
    context = df[~df.overlap.isin(["même action", "quasi-doublon"])]
    assert {"même catégorie de matière", "même mesure du référentiel"} <= set(context["overlap"])
    assert plans_kb.query("plan-action-overlaps", threshold=0.99, kind="similar").empty
    # the Cypher reference gives the same shared and context pairs
    ref = plans_kb.query("plan-action-overlaps", engine="cypher")
    python_pairs = {(r.overlap, r.action_1, r.action_2) for r in df.itertuples() if r.overlap != "quasi-doublon"}
    assert {(r.overlap, r.action_1, r.action_2) for r in ref.itertuples()} == python_pairs


def test_budgets_count_a_shared_action_once(plans_kb):
    df = plans_kb.query("consolidated-budgets")
    by_plan = df[df.dimension == "plan"].set_index("key")
    assert by_plan.loc["eit", "budget"] == 42000 and by_plan.loc["codec", "budget"] == 35000
    total = by_plan.loc["*"]
    assert (total["budget"], total["naive_budget"], total["double_counting_avoided"]) == (55000, 85000, 30000)
    funders = df[df.dimension == "funder"].set_index("key")
    assert funders.loc["ademe", "budget"] == 10000 and funders.loc["ademe", "double_counting_avoided"] == 10000
    assert plans_kb.query("consolidated-budgets", by="plan", engine="cypher").set_index("key").loc["*", "budget"] \
        == 55000


def test_referentiel_coverage(plans_kb):
    df = plans_kb.query("referentiel-coverage").set_index("measure")
    assert df.loc["eci_3.5", "actions"] == 2 and df.loc["eci_3.5", "points_potential"] == 25
    assert df.loc["eci_2.2", "points_done"] == 15 and df.loc["eci_2", "actions"] == 1
    assert df.loc["eci_4", "actions"] == 0


def test_actions_by_stakeholder(plans_kb):
    df = plans_kb.query("actions-by-stakeholder", stakeholder="ademe")
    assert df[["role", "actions", "amount"]].values.tolist() == [["financeur", 1, 10000.0]]
    leads = plans_kb.query("actions-by-stakeholder", role="pilote").set_index("id")
    assert leads.loc["mef", "actions"] == 1 and sorted(leads.loc["mef", "plans"]) == ["CODEC test", "Plan EIT"]


def test_plans_against_flows(plans_kb):
    df = plans_kb.query("plan-vs-flows").set_index("category")
    assert df.loc["paper-cardboard", "finding"] == "flux important ciblé par des actions"
    assert df.loc["wood", "actions"] >= 1
    assert df.loc["textile", "finding"] == "flux secondaire sans action"
    big = plans_kb.query("plan-vs-flows", min_share=0.001).set_index("category")
    assert big.loc["textile", "finding"] == "flux important qu'aucune action ne cible"


# -- workbooks Territoires en Transitions can import --------------------------------------------------------

def _tet_readable(path) -> None:
    """What TeT's reader needs of a workbook: note parts named as Excel names them, with relative targets,
    and the 28 headers of row 2 as TeT checks them."""
    import zipfile

    from eitgraph.load.sources.plans.sheet import read_tet
    from eitgraph.load.sources.plans.tetrules import header_mismatch

    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert not [n for n in names if n.startswith("xl/comments/") or "commentsDrawing" in n], names
        rels = [z.read(n) for n in names if n.startswith("xl/worksheets/_rels/")]
    assert rels and not any(b'Target="/xl/' in r for r in rels)
    table = read_tet(path)
    assert table.sheet == "Fichier dimport" and header_mismatch(table.headers) is None


def test_the_example_plans_are_workbooks_tet_imports():
    from eitgraph.load.sources.plans.sheet import read_tet

    for path in sorted(shipped.path("examples", "thur-doller", "plans").glob("*.xlsx")):
        _tet_readable(path)
        table = read_tet(path)
        assert table.rows[0][0] == 4 and not table.template_rows and not table.help_cells, path.name


def test_the_plans_template_is_tets_and_reads_back(empty_kb, tmp_path):
    from click.testing import CliRunner

    from eitgraph.cli import cli

    out = tmp_path / "modele.xlsx"
    result = CliRunner().invoke(cli, ["template", "plans", "--out", str(out)])
    assert result.exit_code == 0 and "the sheet « Fichier dimport » from row 4" in result.output
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(out)
    ws = wb["Fichier dimport"]
    ws["A4"], ws["D4"], ws["Y4"] = "1. Mobilité", "Schéma cyclable", "En cours"
    from eitgraph.load.sources.plans.workbook import save_for_tet

    save_for_tet(wb, out)
    _tet_readable(out)
    report = empty_kb.load("plans", out)
    assert report.written["Action"] == 1 and not report.warnings


def test_a_sous_action_budget_is_not_added_to_its_parents(empty_kb, tmp_path):
    path = tet(tmp_path, "sa", [
        row("Composter", **{"Budget prévisionnel total € HT": 1000}),
        row("Composter", **{"Titre de la sous-action": "Composteurs de quartier",
                            "Budget prévisionnel total € HT": 400}),
        row("Réemployer"),
        row("Réemployer", **{"Titre de la sous-action": "Ressourcerie", "Budget prévisionnel total € HT": 300}),
    ])
    empty_kb.load("plans", path, plan="sa")
    python = empty_kb.query("consolidated-budgets", by="plan").set_index("key")
    cypher = empty_kb.query("consolidated-budgets", by="plan", engine="cypher").set_index("key")
    assert python.loc["sa", "budget"] == cypher.loc["sa", "budget"] == 1300  # 1000 (400 within it) + 300
    assert python.loc["*", "budget"] == cypher.loc["*", "budget"] == 1300
    assert python.loc["sa", "actions"] == 4
