"""Build the Territoires en Transitions plan workbooks the plan tests read (one per situation), in this
folder:

    python tests/data/tet/build_tet_workbooks.py [OUT_DIR]

Every workbook starts from a copy of the TeT template shipped with eitgraph
(reference/tet-modele-import-plan.xlsx: sheets « Mode demploi », « Fichier dimport », hidden « Listes
déroulantes »; row 1 group titles, row 2 headers, row 3 field formats, row 4 instructions, row 5 the
pre-filled example), and is then brought to the layout of TeT's current importer and of its test
fixtures, unless the situation says otherwise:

* D2 reads « Titre de l'action » (the current importer checks the 28 headers A2:AB2 to the letter;
  the shipped 2023 template still says « Titre de la fiche action »);
* rows 4 and 5 (instructions and example) are emptied, so the data start on row 4 — the importer skips
  rows 1–3 only.

The first ten reproduce the situations of the ten test fixtures of TeT's importer
(``apps/backend/src/plans/plans/import-plan-aggregate/__fixtures__`` in
``incubateur-ademe/territoires-en-transitions``); the others, the cases of issue #13 and the edges of
TeT's rules. Builds are deterministic (fixed values and times), and saved with the part names Excel
writes so that TeT's reader opens them. What TeT's importer makes of each one is in ``expected.json``
(derived from TeT's code, run on the libraries TeT uses: exceljs 4, zod 4, fuse.js 7).
"""

from __future__ import annotations

import datetime as dt
import sys
import warnings
from pathlib import Path

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from eitgraph import shipped
from eitgraph.load.sources.plans.workbook import save_for_tet

TEMPLATE = shipped.path("reference", "tet-modele-import-plan.xlsx")
OUT = Path(sys.argv[1]) if __name__ == "__main__" and len(sys.argv) > 1 else Path(__file__).resolve().parent


# Column letters of the template's « Fichier dimport » sheet (A2:AG2).
COL = {
    "axe": "A", "sous_axe": "B", "sous_sous_axe": "C", "titre": "D", "sous_action": "E", "descriptif": "F",
    "instances": "G", "objectifs": "H", "indicateurs": "I", "structures": "J", "moyens": "K", "partenaires": "L",
    "services": "M", "pilotes": "N", "referents": "O", "participation": "P", "financements": "Q",
    "financeur1": "R", "montant1": "S", "financeur2": "T", "montant2": "U", "financeur3": "V", "montant3": "W",
    "budget": "X", "statut": "Y", "priorite": "Z", "debut": "AA", "fin": "AB", "continue": "AC",
    "mesures": "AD", "actions_liees": "AE", "notes": "AF", "documents": "AG",
}
HELP_PLACEHOLDER = "Ces informations devront être saisies directement sur la plateforme après l'import."
HELP_LIST = "Choisissez l'option qui correspond le mieux dans la liste déroulante aux réponses (choix unique)."
D = dt.date


def template(*, d2: str | None = "Titre de l'action", clear_help_rows: bool = True):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Data Validation extension is not supported and will be removed"
        wb = openpyxl.load_workbook(TEMPLATE)
    ws = wb["Fichier dimport"]
    if d2 is not None:
        ws["D2"] = d2
    if clear_help_rows:
        for row in ws.iter_rows(min_row=4, max_row=5):
            for cell in row:
                cell.value = None
    return wb, ws


def put(ws, row: int, values: dict) -> None:
    for field, value in values.items():
        cell = ws[f"{COL.get(field, field)}{row}"]
        cell.value = value


def fill(ws, rows: list[dict], first: int = 4) -> None:
    for i, values in enumerate(rows):
        put(ws, first + i, values)


def save(wb, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    wb.properties.creator = wb.properties.lastModifiedBy = "eitgraph tests"
    return save_for_tet(wb, OUT / name, fixed_time=dt.datetime(2025, 1, 1))


def simple(name: str, rows: list[dict], **kw) -> Path:
    wb, ws = template(**kw)
    fill(ws, rows)
    return save(wb, name)


# -- the ten situations of TeT's own fixtures (apps/backend/src/plans/plans/import-plan-aggregate/__fixtures__)
CLS_TITLE = "Action 1. Création d'un comité de suivi d'élus autour du CLS"
CLS_DESCRIPTION = ("Il s’agit alors de permettre aux élus communautaires d’à la fois porter la parole des habitants "
                   "dans le cadre du CLS mais aussi de pouvoir suivre l’avancée des actions et de se tenir informé de "
                   "toute son actualité.")
CLS_ROW = {
    "titre": CLS_TITLE, "descriptif": CLS_DESCRIPTION,
    "instances": " Une instance de gouvernance, Une autre instance",
    "objectifs": "Objectif général : L’appropriation du Contrat Local de Santé par les élus\n"
                 "Objectif spécifique n°1 : Désigner les élus à intégrer la commission de suivi du CLS",
    "structures": "Contrat Local de Santé", "moyens": "Moyen humain très humain", "partenaires": "Giga partenaire",
    "services": "COM L1, Contrat Local de Santé", "pilotes": "Sophie AMOUROUS",
    "referents": "Emmanuelle Volte, Arnault bis", "participation": "Co-construction", "financements": "BPI",
    "financeur1": "John Doe", "montant1": 1000, "financeur2": "Bernard", "montant2": 25000,
    "financeur3": "François", "montant3": 666, "budget": 5000000, "statut": "À venir", "priorite": "Élevé",
    "debut": D(2025, 12, 1), "fin": D(2030, 9, 1),
}


def fixture_complex_plan() -> None:
    """complex_plan.xlsx: three axis levels, every field; TeT's first action is CLS_ROW."""
    a1 = "Axe 1. COORDINATION DU CLS - AXE TRANSVERSAL"
    o1 = "Objectif stratégique 1. Impulser une dynamique participative"
    o2 = "Objectif stratégique 2. Observer la santé du territoire"
    a2 = "Axe 2. PRÉVENTION ET PROMOTION DE LA SANTÉ"
    rows = [
        {"axe": a1, "sous_axe": o1, "sous_sous_axe": "Sous-Sous Axe", **CLS_ROW,
         "instances": "Une instance de gouvernance"},
        {"axe": a1, "sous_axe": o1, "sous_sous_axe": "Sous-Sous Axe",
         "titre": "Action 2. Installer la commission de suivi", "statut": "En cours", "priorite": "Moyen",
         "structures": "Contrat Local de Santé", "pilotes": "Sophie AMOUROUS", "debut": D(2025, 1, 15)},
        {"axe": a1, "sous_axe": o1, "titre": "Action 3. Sonder les élus", "statut": "Réalisé", "priorite": "Bas",
         "budget": 1200, "fin": D(2025, 6, 30)},
        {"axe": a1, "sous_axe": o2, "titre": "Action 4. Publier un diagnostic local de santé",
         "statut": "En retard", "financeur1": "ARS Grand Est", "montant1": 20000, "budget": 45000},
        {"axe": a2, "titre": "Action 5. Campagne de dépistage", "statut": "En pause", "priorite": "Élevé",
         "partenaires": "CPAM, Ligue contre le cancer (comité 68)", "participation": "Information"},
        {"axe": a2, "sous_axe": "2.1. Santé environnementale",
         "titre": "Action 6. Qualité de l'air intérieur dans les écoles", "statut": "Bloqué",
         "services": "Service santé, Service éducation", "referents": "Jean MARTIN"},
        {"axe": a2, "sous_axe": "2.1. Santé environnementale", "titre": "Action 7. Lutte contre l'ambroisie",
         "statut": "Abandonné", "participation": "Consultation"},
        {"axe": a2, "sous_axe": "2.1. Santé environnementale", "titre": "Action 8. Réunions publiques",
         "statut": "A discuter", "participation": "Concertation"},
    ]
    wb, ws = template()
    ws.title = "Plan CLS"  # one of TeT's fixtures that eitgraph refuses for the sheet name (issue #13: 4 of 10)
    fill(ws, rows)
    save(wb, "complex_plan.xlsx")


def fixture_nouveau_plan_valide() -> None:
    """nouveau-plan-valide.xlsx: a plain valid plan as an officer fills the template."""
    ax1 = "1. Réduire les déchets"
    ax2 = "2. Développer l'économie circulaire"
    simple("nouveau-plan-valide.xlsx", [
        {"axe": ax1, "sous_axe": "1.1. Prévention", "titre": "Distribuer des composteurs",
         "descriptif": "Composteurs individuels pour les foyers volontaires.", "structures": "CC de Thann-Cernay",
         "pilotes": "Marie PAUL", "statut": "En cours", "priorite": "Élevé", "budget": 30000,
         "financeur1": "ADEME", "montant1": 12000, "debut": D(2024, 3, 1), "fin": D(2026, 12, 31)},
        {"axe": ax1, "sous_axe": "1.1. Prévention", "titre": "Opération Stop pub", "statut": "À venir",
         "priorite": "Moyen"},
        {"axe": ax1, "sous_axe": "1.2. Tri", "titre": "Étendre les consignes de tri", "statut": "Réalisé",
         "fin": D(2023, 1, 1)},
        {"axe": ax2, "titre": "Animer un réseau d'entreprises EIT", "structures": "PETR Pays Thur Doller",
         "partenaires": "CCI Alsace Eurométropole, ADEME", "statut": "En cours", "priorite": "Élevé",
         "budget": 80000},
    ])


def fixture_one_fiche_plan() -> None:
    """one_fiche_plan.xlsx: a single action without axes, the values TeT's e2e test reads back."""
    simple("one_fiche_plan.xlsx", [CLS_ROW])


def fixture_plan_budget_issue() -> None:
    """plan_budget_issue.xlsx: a budget written as text ⇒ the whole import is refused."""
    wb, ws = template()
    ws.title = "Plan mobilité"
    fill(ws, [
        {"axe": "1. Vélo", "titre": "Créer un parking à vélo sécurisé en gare", "budget": 150000,
         "statut": "À venir"},
        {"axe": "1. Vélo", "titre": "Ajouter caméra de surveillance au parking à vélo 2040-2044",
         "budget": "15 000 €", "statut": "À venir"},
    ])
    save(wb, "plan_budget_issue.xlsx")


def fixture_plan_column_order_issue() -> None:
    """plan_column_order_issue.xlsx: headers B and C swapped ⇒ refused before any row is read."""
    wb, ws = template()
    ws["B2"], ws["C2"] = "Sous-sous axe (x.x.x)", "Sous-axe (x.x)"
    fill(ws, [{"axe": "1. Axe", "sous_sous_axe": "1.1. Sous-axe", "titre": "Une action", "statut": "En cours"}])
    save(wb, "plan_column_order_issue.xlsx")


def fixture_plan_sans_axes() -> None:
    """plan_sans_axes.xlsx: no axis at all; every action hangs from the plan itself."""
    wb, ws = template()
    ws.title = "Feuil1"
    fill(ws, [
        {"titre": "Former les agents à l'achat responsable", "statut": "En cours", "priorite": "Moyen"},
        {"titre": "Inventaire des bâtiments publics", "statut": "Réalisé", "budget": 0},
        {"titre": "Plan de sobriété numérique", "statut": "À venir", "debut": D(2025, 9, 1)},
    ])
    save(wb, "plan_sans_axes.xlsx")


def fixture_plan_with_duplicate_actions() -> None:
    """plan_with_duplicate_actions.xlsx: the same title twice in « Axe 1 » ⇒ refused."""
    simple("plan_with_duplicate_actions.xlsx", [
        {"axe": "Axe 1", "titre": "Action dupliquée", "statut": "En cours"},
        {"axe": "Axe 1", "titre": "Action unique", "statut": "En cours"},
        {"axe": "Axe 1", "titre": "Action dupliquée", "statut": "À venir"},
    ])


def fixture_plan_with_fiche_with_and_without_axe() -> None:
    """plan_with_fiche_with_and_without_axe.xlsx: rows with axes and rows without, mixed."""
    simple("plan_with_fiche_with_and_without_axe.xlsx", [
        {"axe": "Axe 1", "sous_axe": "Sous-Axe 1", "titre": "Fiche 1"},
        {"titre": "Fiche 2 sans axe"},
        {"axe": "Axe 1", "titre": "Fiche 3"},
        {"titre": "Fiche 4 sans axe", "statut": "En cours"},
        {"axe": "Axe 2", "sous_axe": "Sous-Axe 2", "sous_sous_axe": "Sous-sous-Axe 2", "titre": "Fiche 5"},
        {"axe": "Axe 1", "sous_axe": "Sous-Axe 1", "titre": "Fiche 6"},
    ])


def _sous_actions(with_parent_rows: bool) -> list[dict]:
    rows = [{"axe": "Axe 1", "titre": "Action normale", "descriptif": "Description action normale"}]
    if with_parent_rows:
        rows.append({"axe": "Axe 1", "titre": "Action 1", "descriptif": "Description action 1"})
    rows += [
        {"axe": "Axe 1", "titre": "Action 1", "sous_action": "Sous-action 1.1",
         "descriptif": "Description sous-action 1.1", "statut": "En cours", "fin": D(2025, 12, 31),
         "pilotes": "Pilote SA1.1"},
        {"axe": "Axe 1", "titre": "Action 1", "sous_action": "Sous-action 1.2",
         "descriptif": "Description sous-action 1.2", "statut": "Réalisé", "fin": D(2026, 6, 30),
         "pilotes": "Pilote SA1.2"},
        {"axe": "Axe 2", "titre": "Action 2", "descriptif": "Description action 2"},
    ]
    if with_parent_rows:
        rows.append({"axe": "Axe 2", "sous_axe": "Sous-axe 2.1", "titre": "Action 3",
                     "descriptif": "Description action 3"})
    rows.append({"axe": "Axe 2", "sous_axe": "Sous-axe 2.1", "titre": "Action 3", "sous_action": "Sous-action 3.1",
                 "descriptif": "Description sous-action 3.1", "statut": "En pause", "fin": D(2027, 3, 31),
                 "pilotes": "Pilote SA3.1"})
    return rows


def fixture_plan_with_sous_actions() -> None:
    """plan_with_sous_actions.xlsx: sous-actions whose parent action has no row of its own ⇒ refused."""
    wb, ws = template()
    ws.title = "Import"
    fill(ws, _sous_actions(with_parent_rows=False))
    save(wb, "plan_with_sous_actions.xlsx")


def fixture_plan_with_sous_actions_valid() -> None:
    """plan_with_sous_actions_valid.xlsx: the same with a row for each parent ⇒ sub-fiches with parentId."""
    simple("plan_with_sous_actions_valid.xlsx", _sous_actions(with_parent_rows=True))


# -- situations named by issue #13, and the edges of the rules in importer-spec.md -------------------------
def sheet_renamed() -> None:
    """The data sheet renamed and moved: TeT takes the first sheet (tab order, hidden ones included)
    whose A2 is exactly « Axe (x) »; a sheet whose A2 is « Axe » does not count."""
    wb, ws = template()
    ws.title = "PCAET 2024-2030"
    draft = wb.create_sheet("Brouillon", 1)  # before the data sheet
    draft["A1"], draft["A2"], draft["B2"] = "Notes de travail", "Axe", "Idées"
    draft["A3"] = "1. Mobilité"
    fill(ws, [
        {"axe": "1. Mobilité", "titre": "Schéma cyclable intercommunal", "statut": "En cours", "budget": 250000},
        {"axe": "2. Bâtiments", "titre": "Rénovation de l'école de Thann", "statut": "À venir"},
    ])
    save(wb, "sheet_renamed.xlsx")


def no_axe_sheet() -> None:
    """No sheet has « Axe (x) » in A2 (the officer deleted row 1, so the headers are on row 1) ⇒ refused."""
    wb, ws = template()
    ws.title = "Plan d'actions"
    ws.delete_rows(1)  # headers now on row 1, A2 holds « Champ texte »
    fill(ws, [{"axe": "1. Axe", "titre": "Une action", "statut": "En cours"}], first=3)
    save(wb, "no_axe_sheet.xlsx")


def a2_trailing_space() -> None:
    """A2 is « Axe (x) » followed by a space: TeT compares A2 without trimming ⇒ sheet not found."""
    wb, ws = template()
    ws["A2"] = "Axe (x) "
    fill(ws, [{"axe": "1. Axe", "titre": "Une action"}])
    save(wb, "a2_trailing_space.xlsx")


def empty_sous_axe() -> None:
    """Empty axis cells under filled ones: TeT's path is the row's non-empty cells, never the row above's."""
    simple("empty_sous_axe.xlsx", [
        {"axe": "1. Énergie", "sous_axe": "1.1. Sobriété", "titre": "A — sous 1.1"},
        {"axe": "1. Énergie", "titre": "B — sous-axe vide sous une ligne qui en avait un"},
        {"axe": "1. Énergie", "sous_sous_axe": "1.1.1. Éclairage public", "titre": "C — sous-sous-axe sans sous-axe"},
        {"sous_axe": "1.2. Renouvelables", "titre": "D — sous-axe sans axe"},
        {"titre": "E — aucune cellule d'axe"},
        {"axe": "1. Énergie", "sous_axe": "1.1. Sobriété", "titre": "F — sous 1.1 encore"},
        {"axe": "1. Énergie ", "sous_axe": "1.1. Sobriété", "titre": "G — axe avec une espace finale"},
    ])


def merged_axes() -> None:
    """Axis cells merged vertically, as officers format them: exceljs gives every cell of a merged range
    the top-left value, so TeT files each row under the merged axis."""
    wb, ws = template()
    fill(ws, [
        {"axe": "1. Mobilité", "sous_axe": "1.1. Vélo", "titre": "Stationnement vélo en gare"},
        {"titre": "Aide à l'achat de VAE"},
        {"titre": "Vélo-école"},
        {"axe": "2. Bâtiments", "titre": "Audit énergétique des écoles"},
    ])
    ws.merge_cells("A4:A6")
    ws.merge_cells("B4:B6")
    save(wb, "merged_axes.xlsx")


def help_text_in_action() -> None:
    """A real action whose cells still hold template help text, in columns TeT reads (Statut, Participation,
    Descriptif) and in columns it does not (Indicateurs liés, Mesures/Actions liées, Notes, Documents)."""
    simple("help_text_in_action.xlsx", [
        {"axe": "1. Alimentation", "titre": "Créer une légumerie intercommunale",
         "descriptif": "Présentez en quelques lignes le descriptif.", "indicateurs": HELP_PLACEHOLDER,
         "structures": "CC de la Vallée de Saint-Amarin", "statut": HELP_LIST, "priorite": "Élevé",
         "participation": HELP_LIST, "mesures": HELP_PLACEHOLDER, "actions_liees": HELP_PLACEHOLDER,
         "notes": HELP_PLACEHOLDER, "documents": HELP_PLACEHOLDER, "budget": 90000},
        {"axe": "1. Alimentation", "titre": "Approvisionner les cantines en circuit court", "statut": "En cours"},
    ])


def help_text_in_sous_action() -> None:
    """The template's example value of « Titre de la sous-action » (« Ces informations devront être
    saisies… ») left in a real action's row: for TeT that row is a sous-action of its own title."""
    simple("help_text_in_sous_action.xlsx", [
        {"axe": "1. Alimentation", "titre": "Créer une légumerie intercommunale", "sous_action": HELP_PLACEHOLDER,
         "statut": "À venir"},
        {"axe": "1. Alimentation", "titre": "Approvisionner les cantines en circuit court", "statut": "En cours"},
    ])


def template_help_rows_kept() -> None:
    """The current-header template with its instruction row 4 and example row 5 still there, actions
    below: TeT reads row 4 as data (only rows 1–3 are skipped) and refuses the file."""
    wb, ws = template(clear_help_rows=False)
    fill(ws, [
        {"axe": "1. Mobilité", "titre": "Schéma cyclable intercommunal", "statut": "En cours"},
        {"axe": "1. Mobilité", "titre": "Covoiturage domicile-travail", "statut": "À venir"},
    ], first=6)
    save(wb, "template_help_rows_kept.xlsx")


def template_2023_headers() -> None:
    """The template exactly as eitgraph ships it (D2 « Titre de la fiche action », rows 4–5 kept), filled
    from row 6: TeT's current importer refuses it on the header of column D."""
    wb, ws = template(d2=None, clear_help_rows=False)
    fill(ws, [
        {"axe": "1. Mobilité", "titre": "Schéma cyclable intercommunal", "statut": "En cours"},
        {"axe": "1. Mobilité", "titre": "Covoiturage domicile-travail", "statut": "À venir"},
    ], first=6)
    save(wb, "template_2023_headers.xlsx")


def sous_action_parent_other_axis() -> None:
    """A sous-action whose parent has a row, but in another axis: the parent key includes the axis path."""
    simple("sous_action_parent_other_axis.xlsx", [
        {"axe": "Axe 1", "titre": "Action parente"},
        {"axe": "Axe 2", "titre": "Action parente", "sous_action": "Sous-action orpheline"},
    ])


def sous_action_without_action_title() -> None:
    """« Titre de la sous-action » filled, « Titre de l'action » empty."""
    simple("sous_action_without_action_title.xlsx", [
        {"axe": "Axe 1", "titre": "Action parente"},
        {"axe": "Axe 1", "sous_action": "Sous-action sans parent écrit"},
    ])


def duplicates_other_axes() -> None:
    """Same titles where TeT accepts them: other axis, deeper axis, other case, sous-actions of one parent."""
    simple("duplicates_other_axes.xlsx", [
        {"axe": "Axe 1", "titre": "Sensibiliser les habitants"},
        {"axe": "Axe 2", "titre": "Sensibiliser les habitants"},
        {"axe": "Axe 1", "sous_axe": "Sous-axe 1.1", "titre": "Sensibiliser les habitants"},
        {"axe": "Axe 1", "titre": "sensibiliser les habitants"},
        {"axe": "Axe 1", "titre": "Sensibiliser les habitants", "sous_action": "Atelier"},
        {"axe": "Axe 1", "titre": "Sensibiliser les habitants", "sous_action": "Atelier"},
    ])


def duplicates_no_axis() -> None:
    """Two actions without axis and with the same title: same (empty) axis ⇒ refused."""
    simple("duplicates_no_axis.xlsx", [
        {"titre": "Action sans axe"},
        {"titre": "Action sans axe", "statut": "En cours"},
    ])


def dates_formats() -> None:
    """Every date form TeT accepts, with what it makes of each (expected.json)."""
    wb, ws = template()
    rows = [
        ("Excel date", D(2024, 3, 31), D(2024, 12, 31)),
        ("JJ/MM/AAAA", "31/03/2024", "31/12/2024"),
        ("J/M/AAAA", "1/2/2024", "9/12/2024"),
        ("JJ-MM-AAAA", "31-03-2024", "31-12-2024"),
        ("AAAA-MM-JJ", "2024-03-31", "2024-12-31"),
        ("AAAA/MM/JJ", "2024/03/31", "2024/12/31"),
        ("année seule", "2024", "2026"),
        ("JJ.MM.AAAA jour ≤ 12", "01.02.2024", "03.04.2024"),
        ("jour hors du mois", "31/02/2024", "31/12/2024"),
    ]
    fill(ws, [{"axe": "Dates", "titre": f"Dates — {label}", "debut": a, "fin": b} for label, a, b in rows])
    r = 4 + len(rows)
    put(ws, r, {"axe": "Dates", "titre": "Dates — numéro de série Excel dans une cellule Standard",
                "debut": 45382, "fin": 45657})
    ws[f"AA{r}"].number_format = ws[f"AB{r}"].number_format = "General"
    save(wb, "dates_formats.xlsx")


def dates_two_digit_years() -> None:
    """Two-digit years, day ≤ 12: V8 reads « 05/03/24 » month first (3 May 2024) and TeT keeps that."""
    simple("dates_two_digit_years.xlsx", [
        {"axe": "Dates", "titre": "Deux chiffres — 05/03/24 au 01/12/25", "debut": "05/03/24", "fin": "01/12/25"},
        {"axe": "Dates", "titre": "Deux chiffres — 1/2/24 au 12/11/26", "debut": "1/2/24", "fin": "12/11/26"},
    ])


def dates_two_digit_day_over_12() -> None:
    """Two-digit year and a day above 12 (« 16/11/22 »): not a date for TeT ⇒ refused."""
    simple("dates_two_digit_day_over_12.xlsx", [
        {"axe": "Dates", "titre": "Deux chiffres — 16/11/22", "debut": "16/11/22", "fin": "31/12/2024"},
    ])


def dates_end_before_start() -> None:
    simple("dates_end_before_start.xlsx", [
        {"axe": "Dates", "titre": "Fin avant début", "debut": D(2025, 6, 1), "fin": D(2024, 6, 1)},
    ])


def mesures_liees() -> None:
    """« Mesures liées » (AD) and « Actions liées » (AE) naming référentiel items: TeT never reads them."""
    simple("mesures_liees.xlsx", [
        {"axe": "3. Écologie industrielle", "titre": "Animer le club d'entreprises EIT", "statut": "En cours",
         "mesures": "eci_3.5", "actions_liees": "eci 3.5.2 - Mettre en réseau les acteurs"},
        {"axe": "3. Écologie industrielle", "titre": "Étude de flux de la zone d'activités",
         "mesures": "eci_3.5.1, eci_2.2.3.5", "statut": "À venir"},
        {"axe": "3. Écologie industrielle", "titre": "Mesure inconnue", "mesures": "eci_9.9"},
        {"axe": "3. Écologie industrielle", "titre": "Mesure climat-air-énergie", "mesures": "cae_1.2.3"},
    ])


def budgets_and_funders() -> None:
    """Budgets and funders TeT accepts, and what it keeps of them."""
    simple("budgets_and_funders.xlsx", [
        {"axe": "Budgets", "titre": "Budget nombre", "budget": 124566,
         "financeur1": "Métropole, Région", "montant1": 50000, "financeur2": "DREAL", "montant2": 15000,
         "financeur3": "Département 64", "montant3": 12000},
        {"axe": "Budgets", "titre": "Budget texte sans espace", "budget": "124566"},
        {"axe": "Budgets", "titre": "Budget décimal à point", "budget": 12000.5},
        {"axe": "Budgets", "titre": "Budget zéro", "budget": 0},
        {"axe": "Budgets", "titre": "Financeur sans montant, montant sans financeur",
         "financeur1": "ADEME", "montant2": 3000},
        {"axe": "Budgets", "titre": "Montant zéro", "financeur1": "Banque des Territoires", "montant1": 0},
    ])


def budget_with_spaces() -> None:
    """« 124 566 € HT » as the template's instruction says not to write it ⇒ refused."""
    simple("budget_with_spaces.xlsx", [{"axe": "Budgets", "titre": "Budget avec espaces", "budget": "124 566 € HT"}])


def amount_as_text() -> None:
    """A funder's « Montant € HT » typed as text ⇒ refused (the amount must be a number cell)."""
    simple("amount_as_text.xlsx", [
        {"axe": "Budgets", "titre": "Montant en texte", "financeur1": "ADEME", "montant1": "15000"},
    ])


def budget_negative() -> None:
    simple("budget_negative.xlsx", [{"axe": "Budgets", "titre": "Budget négatif", "budget": -5000}])


def budget_as_date() -> None:
    """A budget cell formatted as a date (a date in the budget column) ⇒ refused."""
    simple("budget_as_date.xlsx", [{"axe": "Budgets", "titre": "Budget en date", "budget": D(2024, 1, 1)}])


def lists_and_separators() -> None:
    """Comma lists: commas inside (), "" and « » do not split; ; and line breaks do not split either."""
    simple("lists_and_separators.xlsx", [
        {"axe": "Listes", "titre": "Séparateurs",
         "structures": "CC de Thann-Cernay, Région Grand Est (Direction environnement, énergie)",
         "partenaires": "« Zéro déchet, zéro gaspillage » Alsace, \"Repair, café\", ADEME, ademe , Emmaüs",
         "services": "Service déchets; Service économie",
         "pilotes": "Marie PAUL, Pierre GWEN", "referents": "Renée CHARLES\nDominique TRELLE",
         "instances": "COPIL, COTECH, copil"},
    ])


def status_priority_values() -> None:
    """Statut / Niveau de priorité / Participation as officers write them; TeT matches each fuzzily
    (fuse.js defaults) against its values and keeps the best match, or nothing."""
    rows = []
    for i, (statut, prio, part) in enumerate([
        ("À venir", "Élevé", "Pas de participation citoyenne"),
        ("a venir", "élevé", "Information"),
        ("À discuter", "Eleve", "Consultation"),
        ("En cours", "Moyenne", "Concertation"),
        ("Réalisée", "Bas", "Co-construction"),
        ("Bloqué ", "Basse", "Coconstruction"),
        ("Abandonnée", "Haute", "Aucune"),
        ("Terminé", "Forte", None),
        ("Prévu", "Faible", None),
        ("Annulé", None, None),
        ("En retard", None, None),
        ("En pause", None, None),
    ], start=1):
        rows.append({"axe": "Valeurs", "titre": f"Valeurs {i:02d} — {statut.strip()}", "statut": statut,
                     "priorite": prio, "participation": part})
    simple("status_priority_values.xlsx", rows)


def title_too_long() -> None:
    simple("title_too_long.xlsx", [{"axe": "Titres", "titre": "Titre " + "x" * 295}])


def row_without_title() -> None:
    """A row with content only in « Notes » (a column TeT does not read): still a data row for TeT."""
    simple("row_without_title.xlsx", [
        {"axe": "1. Axe", "titre": "Une action", "statut": "En cours"},
        {"notes": "À revoir en COPIL"},
    ])


def rich_text_title() -> None:
    """Rich text (part bold) in the title and an axis cell: read as its plain text."""
    wb, ws = template()
    ws["A4"] = CellRichText([TextBlock(InlineFont(b=True), "1. "), "Mobilité"])
    ws["D4"] = CellRichText(["Schéma ", TextBlock(InlineFont(b=True), "cyclable"), " intercommunal"])
    ws["Y4"] = "En cours"
    save(wb, "rich_text_title.xlsx")


ALL = [
    fixture_complex_plan, fixture_nouveau_plan_valide, fixture_one_fiche_plan, fixture_plan_budget_issue,
    fixture_plan_column_order_issue, fixture_plan_sans_axes, fixture_plan_with_duplicate_actions,
    fixture_plan_with_fiche_with_and_without_axe, fixture_plan_with_sous_actions,
    fixture_plan_with_sous_actions_valid,
    sheet_renamed, no_axe_sheet, a2_trailing_space, empty_sous_axe, merged_axes, help_text_in_action,
    help_text_in_sous_action, template_help_rows_kept, template_2023_headers, sous_action_parent_other_axis,
    sous_action_without_action_title, duplicates_other_axes, duplicates_no_axis, dates_formats,
    dates_two_digit_years, dates_two_digit_day_over_12, dates_end_before_start, mesures_liees,
    budgets_and_funders, budget_with_spaces, amount_as_text, budget_negative, budget_as_date,
    lists_and_separators, status_priority_values, title_too_long, row_without_title, rich_text_title,
]

if __name__ == "__main__":
    for build in ALL:
        build()
    print(f"{len(ALL)} workbooks in {OUT}")
