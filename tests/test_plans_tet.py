"""Territoires en Transitions workbooks as TeT's importer reads them (issue #13).

Every workbook of ``tests/data/tet`` (TeT's ten test fixtures rebuilt, and the edges of its rules; rebuilt by
``tests/data/tet/build_tet_workbooks.py``) is loaded into a fresh database and compared with what TeT's
importer makes of it (``expected.json``): the same actions, sous-actions and parent links, axis paths,
titles, texts, lists, statuses, priorities, participation, dates, budgets and funders — or a refusal for
the same reason. The only differences are the documented ones: where TeT reads a cell otherwise than the
author meant it (a date read month first, « Prévu » read as « Réalisé », two funders in one cell, a funder
without amount) eitgraph reads what the author meant (DEVIATIONS), and where TeT refuses a file only for
its form (header order, A2 with a space, an amount typed as text, the template's help rows) eitgraph
reads it (LOADED_DESPITE_TET) — each time with a warning saying what TeT does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eitgraph.errors import EitgraphError
from eitgraph.load.sources.plans.tetrules import split_list

DATA = Path(__file__).parent / "data" / "tet"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))["workbooks"]

STATUS = {"planned": "À venir", "in_progress": "En cours", "done": "Réalisé", "paused": "En pause",
          "abandoned": "Abandonné", "blocked": "Bloqué", "late": "En retard", "to_discuss": "A discuter"}
PRIORITY = {"high": "Élevé", "medium": "Moyen", "low": "Bas"}
PARTICIPATION = {"none": "pas-de-participation", "information": "information", "consultation": "consultation",
                 "concertation": "concertation", "co_construction": "co-construction"}
TEXTS = {"description": "description", "objectifs": "objectives", "resources": "resources",
         "financements": "funding_notes"}

# (workbook, row) -> {field: what eitgraph stores instead of TeT's value}, and the warning that says so.
DEVIATIONS = {
    ("dates_formats.xlsx", 10): ({"dateFin": "2026-12-31"}, "« 2026 » (a year alone): read as 31 décembre 2026; "
                                 "Territoires en Transitions would store 1 janvier 2026"),
    ("dates_formats.xlsx", 11): ({"dateDebut": "2024-02-01", "dateFin": "2024-04-03"},
                                 "« 01.02.2024 » (dots): read as 1 février 2024; Territoires en Transitions would "
                                 "store 2 janvier 2024"),
    ("dates_formats.xlsx", 13): ({"dateDebut": "2024-03-31", "dateFin": "2024-12-31"},
                                 "the number 45382 (an Excel day number): read as 31 mars 2024; Territoires en "
                                 "Transitions would store the instant 1970-01-01T00:00:45.382Z"),
    ("dates_two_digit_years.xlsx", 4): ({"dateDebut": "2024-03-05", "dateFin": "2025-12-01"},
                                        "« 05/03/24 » (a two-digit year): read as 5 mars 2024; Territoires en "
                                        "Transitions would store 3 mai 2024; write 05/03/2024"),
    ("dates_two_digit_years.xlsx", 5): ({"dateDebut": "2024-02-01", "dateFin": "2026-11-12"},
                                        "« 12/11/26 » (a two-digit year): read as 12 novembre 2026; Territoires en "
                                        "Transitions would store 11 décembre 2026"),
    ("status_priority_values.xlsx", 10): ({"priorite": "Élevé", "participation": "pas-de-participation"},
                                          "« Haute » is not one of the values of « Niveau de priorité » (Élevé, "
                                          "Moyen, Bas): read as « Élevé »; Territoires en Transitions would read it "
                                          "as nothing (no value)"),
    ("status_priority_values.xlsx", 11): ({"statut": "Réalisé", "priorite": "Élevé"},
                                          "« Forte » is not one of the values of « Niveau de priorité » (Élevé, Moyen, "
                                          "Bas): read as « Élevé »; Territoires en Transitions would read it as "
                                          "« Moyen »"),
    ("status_priority_values.xlsx", 12): ({"statut": "À venir", "priorite": "Bas"},
                                          "« Prévu » is not one of the values of « Statut » (À venir, En cours, "
                                          "Réalisé, En pause, Abandonné, Bloqué, En retard, À discuter): read as « À "
                                          "venir »; Territoires en Transitions would read it as « Réalisé »"),
    ("budgets_and_funders.xlsx", 4): ({"financeurs": [("DREAL", 15000), ("Département 64", 12000),
                                                      ("Métropole", 50000), ("Région", 50000)]},
                                      "« Financeur 1 » names 2 funders (« Métropole, Région »): read as 2 funders "
                                      "sharing the amount; Territoires en Transitions makes one funder"),
    ("budgets_and_funders.xlsx", 8): ({"financeurs": [("ADEME", None)]},
                                      "« Financeur 1 » names « ADEME » without an amount: kept as a funder without "
                                      "amount; Territoires en Transitions drops a funder without amount"),
}

# Workbooks TeT refuses for their form only: eitgraph reads them — (warning, {row: {field: value}}).
LOADED_DESPITE_TET = {
    "a2_trailing_space.xlsx": ("read sheet 'Fichier dimport', whose A2 is 'Axe (x) ': Territoires en Transitions "
                               "looks for exactly « Axe (x) » and would not find the sheet",
                               {4: {"titre": "Une action"}}),
    "amount_as_text.xlsx": ("« Montant € HT (Financeur 1) » holds « 15000 » as text: read as 15000 €; Territoires en "
                            "Transitions refuses an amount typed as text", {4: {"financeurs": [("ADEME", 15000)]}}),
    "budget_with_spaces.xlsx": ("holds « 124 566 € HT »: read as 124566 €; Territoires en Transitions refuses it "
                                "(« Un nombre est attendu »): write 124566", {4: {"budget": 124566}}),
    "plan_budget_issue.xlsx": ("holds « 15 000 € »: read as 15000 €; Territoires en Transitions refuses it",
                               {5: {"titre": "Ajouter caméra de surveillance au parking à vélo 2040-2044",
                                    "budget": 15000}, 4: {"budget": 150000}}),
    "plan_column_order_issue.xlsx": ('would refuse this file (« La colonne B devrait être "Sous-axe (x.x)" et non '
                                     '"Sous-sous axe (x.x.x)" »); eitgraph finds the columns by their header text',
                                     {4: {"axisPath": ["1. Axe", "1.1. Sous-axe"], "statut": "En cours"}}),
    "template_2023_headers.xlsx": ('would refuse this file (« La colonne D devrait être "Titre de l\'action" et non '
                                   '"Titre de la fiche action" »)', {6: {"titre": "Schéma cyclable intercommunal"},
                                                                      7: {"titre": "Covoiturage domicile-travail"}}),
    "template_help_rows_kept.xlsx": ("the template's pre-filled example row is still there: skipped; Territoires en "
                                     "Transitions reads every row from 4 as an action and would refuse this file",
                                     {6: {"statut": "En cours"}, 7: {"statut": "À venir"}}),
    "help_text_in_sous_action.xlsx": ("the template's help text is left in « Titre de la sous-action » (« Ces "
                                      "informations devront être saisies d… »): read as empty",
                                      {4: {"titre": "Créer une légumerie intercommunale", "parentActionTitre": None,
                                           "statut": "À venir"}}),
    "dates_two_digit_day_over_12.xlsx": ("« 16/11/22 » (a two-digit year): read as 16 novembre 2022; Territoires en "
                                         "Transitions refuses the file (« Une date est attendue »); write 16/11/2022",
                                         {4: {"dateDebut": "2022-11-16", "dateFin": "2024-12-31"}}),
}

# Workbooks both refuse: what eitgraph's message says (each problem names the row and the cell).
REFUSED = {
    "budget_as_date.xlsx": ["row 4, column 'Budget prévisionnel total € HT': « Budget prévisionnel total € HT » holds "
                            "a date (2024-01-01), not an amount"],
    "budget_negative.xlsx": ["negative amount: '-5000' (Territoires en Transitions refuses a negative budget too)"],
    "dates_end_before_start.xlsx": ["row 4, column 'Date de fin': the action ends (01/06/2024) before it starts "
                                    "(01/06/2025)"],
    "duplicates_no_axis.xlsx": ["row 5, column \"Titre de l'action\": the action « Action sans axe » is already in "
                                "axis without axis (row 4)"],
    "plan_with_duplicate_actions.xlsx": ["row 6, column \"Titre de l'action\": the action « Action dupliquée » is "
                                         "already in axis « Axe 1 » (row 4)", "Titres d'actions en doublon"],
    "plan_with_sous_actions.xlsx": ["3 problem(s)", "the sous-action « Sous-action 1.1 » has no parent: no row of its "
                                    "own for the action « Action 1 » in axis « Axe 1 »",
                                    "the sous-action « Sous-action 1.2 » has no parent",
                                    "sheet 'Import', row 8, column 'Titre de la sous-action': the sous-action "
                                    "« Sous-action 3.1 » has no parent: no row of its own for the action « Action 3 » "
                                    "in axis « Axe 2 » › « Sous-axe 2.1 »"],
    "row_without_title.xlsx": ["row 5, column \"Titre de l'action\": this row has values (« Notes ») but no « Titre "
                               "de l'action »"],
    "sous_action_parent_other_axis.xlsx": ["the sous-action « Sous-action orpheline » has no parent: no row of its own "
                                           "for the action « Action parente » in axis « Axe 2 » (an action « Action "
                                           "parente » is in axis « Axe 1 », row 4"],
    "sous_action_without_action_title.xlsx": ["row 5, column \"Titre de l'action\": « Titre de la sous-action » says "
                                              "« Sous-action sans parent écrit » but « Titre de l'action » is empty"],
    "title_too_long.xlsx": ["the title has 301 characters; Territoires en Transitions takes 300 at most"],
    "no_axe_sheet.xlsx": ["no sheet of this workbook is a Territoires en Transitions plan: expected « Axe (x) » in "
                          "cell A2", "'Mode demploi' (A2 empty); \"Plan d'actions\" (A2: 'Champ texte'); 'Listes "
                          "déroulantes' (A2: 'Adaptation au changement climatique')",
                          "Sheet \"Plan d'actions\" has « Axe (x) » in A1: its first row (the template's group "
                          "titles) seems deleted; insert a row above the headers"],
}

# Warnings eitgraph adds to workbooks TeT imports as they are.
WARNS = {
    "complex_plan.xlsx": "read sheet 'Plan CLS': the first whose A2 is « Axe (x) »",
    "sheet_renamed.xlsx": "read sheet 'PCAET 2024-2030': the first whose A2 is « Axe (x) »",
    "empty_sous_axe.xlsx": "axes '1. Énergie ' and '1. Énergie' differ only by spaces, case or accents",
    "help_text_in_action.xlsx": "the template's help text is left in « Descriptif », « Indicateurs liés », "
                                "« Participation Citoyenne », « Statut », « Mesures liées », « Actions liées », "
                                "« Notes », « Documents et liens »",
    "lists_and_separators.xlsx": "« Service déchets; Service économie » in « Direction ou service pilote » is read as "
                                 "one name",
    "mesures_liees.xlsx": "4 référentiel item(s) named in « Mesures liées » / « Actions liées » are not loaded yet "
                          "(eci 2.2.3.5, eci 3.5, eci 3.5.1, eci 3.5.2): the links are kept, but their names, points "
                          "and hierarchy come with the référentiel: run `eitgraph load referentiel "
                          "reference/referentiel-eci-structure.csv`",
    "duplicates_other_axes.xlsx": "the action « sensibiliser les habitants » and « Sensibiliser les habitants » "
                                  "(row 4) of axis « Axe 1 » differ only by case, accents or spaces",
}

# Where eitgraph keeps what TeT drops on purpose: help text in a column TeT reads is content for TeT.
HELP_TEXT_KEPT_BY_TET = {("help_text_in_action.xlsx", 4): {"description": None}}

ACTIONS = """
MATCH (a:Action)-[r:IN_PLAN]->(:Plan)
OPTIONAL MATCH (a)-[:UNDER]->(x:Axis)
OPTIONAL MATCH (a)-[:SUB_ACTION_OF]->(q:Action)
RETURN r.row AS row, a.id AS id, a.title AS titre, x.path AS path, q.title AS parent, a.description AS description,
       a.objectives AS objectives, a.resources AS resources, a.funding_notes AS funding_notes,
       a.governance AS governance, a.citizen_participation AS participation, a.budget_total AS budget,
       a.status AS statut, a.priority AS priorite, a.start AS start, a.end AS end
ORDER BY row
"""
NAMES = """
MATCH (o:Organisation)-[:LEADS]->(a:Action)-[r:IN_PLAN]->() RETURN r.row AS row, 'structures' AS what, o.name AS name,
  null AS amount
UNION ALL MATCH (o:Organisation)-[:PARTNER_OF]->(a:Action)-[r:IN_PLAN]->()
  RETURN r.row AS row, 'partenaires' AS what, o.name AS name, null AS amount
UNION ALL MATCH (o:Service)-[:LEADS]->(a:Action)-[r:IN_PLAN]->()
  RETURN r.row AS row, 'services' AS what, o.name AS name, null AS amount
UNION ALL MATCH (o:Person)-[:PILOTS]->(a:Action)-[r:IN_PLAN]->()
  RETURN r.row AS row, 'pilotes' AS what, o.name AS name, null AS amount
UNION ALL MATCH (o:Person)-[:REFERENT_FOR]->(a:Action)-[r:IN_PLAN]->()
  RETURN r.row AS row, 'referents' AS what, o.name AS name, null AS amount
UNION ALL MATCH (o:Organisation)<-[f:FUNDED_BY]-(a:Action)-[r:IN_PLAN]->()
  RETURN r.row AS row, 'financeurs' AS what, o.name AS name, f.amount AS amount
"""


def _number(x):
    return None if x is None else (int(x) if float(x).is_integer() else x)


def _records(kb, cypher: str) -> list[dict]:
    """Rows with None for missing values (pandas gives NaN)."""
    return [{k: (None if v is None or (isinstance(v, float) and v != v) else v) for k, v in r.items()}
            for r in kb.cypher(cypher).to_dict("records")]


def read_back(kb) -> dict[int, dict]:
    """What the graph holds, in the shape of TeT's parsed actions (expected.json)."""
    out: dict[int, dict] = {}
    for r in _records(kb, ACTIONS):
        out[r["row"]] = {
            "row": r["row"], "titre": r["titre"], "axisPath": r["path"].split("::") if r["path"] else None,
            "parentActionTitre": r["parent"], **{k: r[v] for k, v in TEXTS.items()},
            "instanceGouvernance": split_list(r["governance"]),
            "participation": PARTICIPATION.get(r["participation"]), "budget": _number(r["budget"]),
            "statut": STATUS.get(r["statut"]), "priorite": PRIORITY.get(r["priorite"]),
            "dateDebut": str(r["start"]) if r["start"] else None, "dateFin": str(r["end"]) if r["end"] else None,
            **{k: [] for k in ("structures", "partenaires", "services", "pilotes", "referents", "financeurs")}}
    for r in _records(kb, NAMES):
        out[r["row"]][r["what"]].append((r["name"], _number(r["amount"])) if r["what"] == "financeurs" else r["name"])
    for a in out.values():
        for k in ("structures", "partenaires", "services", "pilotes", "referents", "financeurs"):
            a[k] = sorted(a[k], key=str)
    return out


def tet_shape(a: dict) -> dict:
    """TeT's action, lists sorted as read_back sorts them."""
    a = dict(a)
    for k in ("structures", "partenaires", "services", "pilotes", "referents"):
        a[k] = sorted(a[k])
    a["financeurs"] = sorted(((f["nom"], f["montant"]) for f in a["financeurs"]), key=str)
    a.pop("indicateurs", None)
    return a


@pytest.fixture(scope="module")
def loads(new_kb):
    """Each workbook loaded alone into a fresh database: (report or error, actions read back, axis paths)."""
    out = {}
    for name in sorted(EXPECTED):
        kb = new_kb()
        try:
            report = kb.load("plans", DATA / name)
        except EitgraphError as exc:
            out[name] = (exc, None, None)
            continue
        axes = kb.cypher("MATCH (x:Axis) RETURN x.path AS path")["path"].tolist()
        out[name] = (report, read_back(kb), sorted(p.split("::") for p in axes))
    return out


def test_the_expectations_cover_every_workbook():
    built = {p.name for p in DATA.glob("*.xlsx")}
    assert built == set(EXPECTED)
    assert len([n for n, v in EXPECTED.items() if v["tet_fixture"]]) == 10
    tet_refused = {n for n, v in EXPECTED.items() if v["tet"]["result"] == "refused"}
    assert tet_refused == set(REFUSED) | set(LOADED_DESPITE_TET)


@pytest.mark.parametrize("name", sorted(n for n, v in EXPECTED.items() if v["tet"]["result"] == "imported"))
def test_what_tet_imports_eitgraph_loads_with_the_same_content(loads, name):
    report, got, axes = loads[name]
    assert not isinstance(report, Exception), f"{name}: {report}"
    tet = EXPECTED[name]["tet"]
    assert axes == sorted(tet["axes"])
    assert sorted(got) == [a["row"] for a in tet["actions"]]
    counts = {"actions": sum(1 for a in got.values() if not a["parentActionTitre"]),
              "sous_actions": sum(1 for a in got.values() if a["parentActionTitre"]), "axes": len(axes)}
    assert counts == tet["counts"]
    for expected in tet["actions"]:
        want = tet_shape(expected)
        deviation, message = DEVIATIONS.get((name, expected["row"]), ({}, None))
        want.update({k: (sorted(v, key=str) if k == "financeurs" else v) for k, v in deviation.items()})
        want.update(HELP_TEXT_KEPT_BY_TET.get((name, expected["row"]), {}))
        assert got[expected["row"]] == want, (name, expected["row"])
        if message:
            assert any(message in w and f"row {expected['row']}" in w for w in report.warnings), (name, message)
    if name in WARNS:
        assert any(WARNS[name] in w for w in report.warnings), report.warnings


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_what_tet_refuses_for_its_content_eitgraph_refuses_saying_where_and_why(loads, name):
    error = loads[name][0]
    assert isinstance(error, EitgraphError), f"{name} loaded"
    for text in REFUSED[name]:
        assert text in str(error), (name, str(error))


@pytest.mark.parametrize("name", sorted(LOADED_DESPITE_TET))
def test_what_tet_refuses_for_its_form_only_eitgraph_reads_and_says_so(loads, name):
    report, got, _ = loads[name]
    assert not isinstance(report, Exception), f"{name}: {report}"
    message, checks = LOADED_DESPITE_TET[name]
    assert any(message in w for w in report.warnings), report.warnings
    assert sorted(got) == sorted(checks) or set(checks) <= set(got)
    for row, fields in checks.items():
        for field, value in fields.items():
            assert got[row][field] == value, (name, row, field)


def test_the_ten_tet_fixtures(loads):
    """The ten fixture situations of TeT's importer: TeT imports six and refuses four; eitgraph loads the six
    with TeT's content, refuses the duplicate and the orphan sous-actions as TeT does, and reads the two TeT
    refuses for their form (a budget written « 15 000 € », columns B and C swapped) with a warning."""
    fixtures = {n: v for n, v in EXPECTED.items() if v["tet_fixture"]}
    outcome = {n: ("loaded" if not isinstance(loads[n][0], Exception) else "refused") for n in fixtures}
    assert outcome == {"complex_plan.xlsx": "loaded", "nouveau-plan-valide.xlsx": "loaded",
                       "one_fiche_plan.xlsx": "loaded", "plan_budget_issue.xlsx": "loaded",
                       "plan_column_order_issue.xlsx": "loaded", "plan_sans_axes.xlsx": "loaded",
                       "plan_with_duplicate_actions.xlsx": "refused",
                       "plan_with_fiche_with_and_without_axe.xlsx": "loaded",
                       "plan_with_sous_actions.xlsx": "refused", "plan_with_sous_actions_valid.xlsx": "loaded"}


def test_sous_actions_are_linked_to_their_parent_action(new_kb):
    kb = new_kb()
    kb.load("plans", DATA / "plan_with_sous_actions_valid.xlsx", plan="cls")
    df = kb.cypher("MATCH (s:Action)-[:SUB_ACTION_OF]->(a:Action) MATCH (s)-[:UNDER]->(x:Axis) "
                   "MATCH (s)-[:IN_PLAN]->(p:Plan) RETURN s.id AS id, s.title AS sub, a.title AS parent, "
                   "x.path AS axis, p.id AS plan ORDER BY sub")
    assert df[["sub", "parent", "axis", "plan"]].values.tolist() == [
        ["Sous-action 1.1", "Action 1", "Axe 1", "cls"], ["Sous-action 1.2", "Action 1", "Axe 1", "cls"],
        ["Sous-action 3.1", "Action 3", "Axe 2::Sous-axe 2.1", "cls"]]
    assert df["id"].tolist() == ["act-action-1--cls--sous-action-1-1", "act-action-1--cls--sous-action-1-2",
                                 "act-action-3--cls--sous-action-3-1"]
    two = new_kb()
    two.load("plans", DATA / "duplicates_other_axes.xlsx", plan="p")
    ids = two.cypher("MATCH (a:Action)-[r:IN_PLAN]->() RETURN a.id AS id ORDER BY r.row")["id"].tolist()
    assert len(set(ids)) == 6  # same titles in other axes, other case, and two « Atelier »: six actions
    assert ids[4:] == ["act-sensibiliser-les-habitants--p--axe-1--atelier",
                       "act-sensibiliser-les-habitants--p--axe-1--atelier-2"]


def test_merged_axis_cells_count_in_every_row(loads):
    got = loads["merged_axes.xlsx"][1]
    assert [got[r]["axisPath"] for r in (4, 5, 6, 7)] == [["1. Mobilité", "1.1. Vélo"]] * 3 + [["2. Bâtiments"]]


def test_referentiel_items_link_whether_it_is_loaded_before_or_after(new_kb):
    """A plan naming eci items loads before the référentiel with a warning; the links hold, and loading the
    référentiel afterwards gives the same graph as loading it first."""
    from eitgraph import shipped

    ref = shipped.path("reference", "referentiel-eci-structure.csv")
    query = ("MATCH (a:Action)-[:CONTRIBUTES_TO {via: 'linked'}]->(m:Measure) OPTIONAL MATCH (m)-[:CHILD_OF]->(p) "
             "RETURN a.title AS action, m.id AS measure, m.name AS name, p.id AS parent ORDER BY action, measure")
    before, after = new_kb(), new_kb()
    report = before.load("plans", DATA / "mesures_liees.xlsx")
    assert any(n.code == "referentiel_not_loaded" for n in report.notes)
    assert any("« eci 9.9 » is not an item of the référentiel économie circulaire: not linked" in w
               for w in report.warnings)
    before.load("referentiel", ref)
    after.load("referentiel", ref)
    report = after.load("plans", DATA / "mesures_liees.xlsx")
    assert not any(n.code == "referentiel_not_loaded" for n in report.notes)
    first, second = before.cypher(query), after.cypher(query)
    assert first.to_dict("records") == second.to_dict("records")
    assert first["measure"].tolist() == ["eci_3.5", "eci_3.5.2", "eci_2.2.3.5", "eci_3.5.1"]
    assert first["name"].notna().all() and first["parent"].notna().all()


def test_lists_are_split_as_tet_splits_them(loads):
    got = loads["lists_and_separators.xlsx"][1][4]
    assert got["structures"] == ["CC de Thann-Cernay", "Région Grand Est (Direction environnement, énergie)"]
    assert got["partenaires"] == ['"Repair, café"', "ADEME", "Emmaüs", "« Zéro déchet, zéro gaspillage » Alsace"]
    assert got["services"] == ["Service déchets; Service économie"]
    assert got["instanceGouvernance"] == ["COPIL", "COTECH"]


# -- the readings, cell by cell ----------------------------------------------------------------------------------
# What V8 (TeT's server) makes of date texts after TeT's toISODateString, as node 22 gives it (TZ=UTC).
V8_DATES = [("05/03/24", "2024-05-03"), ("1/2/24", "2024-01-02"), ("16/11/22", None), ("01.02.2024", "2024-01-02"),
            ("31.03.2024", None), ("2024", "2024-01-01"), ("03/2024", None), ("2024/03", "2024-03-01"),
            ("mars 2024", "2024-03-01"), ("juin 2024", "2024-01-01"), ("sept. 2024", "2024-09-01"),
            ("31/02/2024", "2024-03-02"), ("12/31/2024", None), ("47-10-7", "2047-10-07"),
            ("1/1/50", "1950-01-01"), ("31-03-2024", "2024-03-31"), ("2024-3-5", "2024-03-05"), ("13/13/2024", None)]


@pytest.mark.parametrize("text,stored", V8_DATES)
def test_tets_reading_of_date_texts(text, stored):
    from eitgraph.load.sources.plans.tetrules import tet_date

    kind, value = tet_date("text", text)
    assert (str(value) if kind == "date" else None) == stored and kind in ("date", "invalid")


@pytest.mark.parametrize("text,kind,bound,day,warning", [
    ("31/03/2024", "text", "start", "2024-03-31", None),
    ("2024-03-31", "date", "start", "2024-03-31", None),
    ("05/03/24", "text", "start", "2024-03-05", "Territoires en Transitions would store 3 mai 2024"),
    ("16/11/22", "text", "start", "2022-11-16", "Territoires en Transitions refuses the file"),
    ("31.03.2024", "text", "end", "2024-03-31", "Territoires en Transitions refuses the file"),
    ("2026", "text", "end", "2026-12-31", "Territoires en Transitions would store 1 janvier 2026"),
    ("2024", "number", "start", "2024-01-01", "the instant 1970-01-01T00:00:02.024Z"),
    ("45382", "number", "start", "2024-03-31", "the instant 1970-01-01T00:00:45.382Z"),
    ("mars 2024", "text", "end", "2024-03-31", "Territoires en Transitions would store 1 mars 2024"),
    ("juin 2024", "text", "start", "2024-06-01", "Territoires en Transitions would store 1 janvier 2024"),
    ("31 mars 2024", "text", "start", "2024-03-31", None),
])
def test_dates_are_read_as_meant_and_tets_reading_is_said(text, kind, bound, day, warning):
    from eitgraph.load.sources.plans.readings import read_date

    r = read_date(text, kind, bound)
    assert (str(r.value), r.error) == (day, None)
    if warning is None:
        assert r.warnings == []
    else:
        assert any(warning in w for _, w in r.warnings), r.warnings


@pytest.mark.parametrize("text,error", [("03/25/2024", "reads month first; write the day first: 25/03/2024"),
                                        ("13/13/2024", "is not a date (write 31/03/2024) (Territoires en Transitions "
                                                       "refuses it too)"),
                                        ("T1 2024", "is not a date")])
def test_what_is_no_date_is_refused(text, error):
    from eitgraph.load.sources.plans.readings import read_date

    assert error in read_date(text, "text", "start").error


@pytest.mark.parametrize("column,text,value,tet", [
    ("status", "En cours", "in_progress", None), ("status", "a venir", "planned", None),
    ("status", "Prévu", "planned", "« Réalisé »"), ("status", "Done", "done", "« Abandonné »"),
    ("status", "En cours de réalisation", "in_progress", "nothing (no value)"),
    ("status", "Réalisée", "done", "the same way"),
    ("status", "bof", None, "left empty"), ("priority", "Forte", "high", "« Moyen »"),
    ("citizen_participation", "Aucune", "none", "nothing (no value)"),
])
def test_statuses_and_priorities_official_values_exactly_others_said(column, text, value, tet):
    from eitgraph.load.sources.plans.readings import read_choice

    r = read_choice(column, text, "text")
    assert r.value == value
    assert (r.warnings == []) if tet is None else any(tet in w for _, w in r.warnings)
