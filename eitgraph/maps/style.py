"""Colours, sizes, and every word the map shows, in French (default) or English.

>>> text("fr", "kind")
"Type d'acteur"
>>> kind_label("waste_operator", "en")
'Waste operator'
>>> number(12500.0, "fr"), number(12500.0, "en")
('12\\u202f500', '12,500')
>>> quantity(3.0, "t/an", "en")
'3 t/yr'
"""

from __future__ import annotations

import math

from ..model.materials import categories
from ..model.organisation_kinds import KINDS

LANGS = ("fr", "en")

TEXTS = {
    "fr": {
        "title.ecosystem": "Écosystème EIT : acteurs et échanges",
        "title.material": "Échanges de matière : {category}",
        "title.loops": "Boucles circulaires d'échanges",
        "title.synergies": "Pistes de synergies",
        "title.plans": "Plans, actions et acteurs",
        "territory": "Territoire",
        "all_territories": "tous territoires",
        "generated": "Carte générée le {date}",
        "sources": "Sources des données",
        "no_sources": "aucun jeu de données enregistré",
        "rows": "{n} lignes",
        "loaded": "chargé le {date}",
        "search": "Rechercher un acteur…",
        "search_button": "Chercher",
        "search_none": "Aucun résultat",
        "search_found": "{n} résultat(s)",
        "kind": "Type d'acteur",
        "sector": "Filière",
        "category": "Catégorie de matière",
        "status": "Statut",
        "theme": "Thème",
        "loop": "Boucle",
        "all": "Tous",
        "all_loops": "Toutes les boucles",
        "legend": "Légende",
        "nodes_legend": "Acteurs",
        "leads_legend": "Pistes de synergie (statut)",
        "edges_legend": "Liens (couleur : catégorie de matière)",
        "lines_legend": "Trait",
        "size_legend": "Taille du nœud : tonnage échangé ; épaisseur du lien : quantité",
        "size_legend_synergies": "Losange : piste de synergie (couleur : statut) ; rond : acteur",
        "existing": "échange existant",
        "planned": "échange prévu",
        "potential": "échange potentiel",
        "counts": "{nodes} nœuds, {edges} liens",
        "layout.geo": "Disposition géographique (coordonnées des sites)",
        "layout.force": "Disposition automatique (force)",
        "loading": "Calcul de la disposition…",
        "aggregated": "Carte agrégée par {level} : {n} organisations dépassent le budget de {budget} nœuds ; "
                      "chaque nœud regroupe les organisations d'un(e) {level}.",
        "aggregated_on_request": "Carte agrégée par {level} : chaque nœud regroupe les organisations d'un(e) "
                                 "{level} ({n} organisations).",
        "level.commune": "commune", "level.epci": "EPCI", "level.category": "catégorie de matière",
        "anonymized": "Carte anonymisée : noms d'entreprises remplacés par des alias, SIRET retirés, "
                      "quantités en tranches.",
        "empty": "Aucun élément à afficher pour ces critères.",
        "company_alias": "Entreprise {sector} {letter}",
        "org_alias": "{kind} {letter}",
        "organisations": "{n} organisations",
        "aggregate_of": "Regroupement",
        "fact.kind": "Type", "fact.sector": "Filière", "fact.naf": "Activité (NAF)", "fact.siret": "SIRET",
        "fact.commune": "Commune", "fact.epci": "EPCI", "fact.out": "Échanges sortants",
        "fact.in": "Échanges entrants", "fact.tonnes": "Tonnage échangé", "fact.members": "Organisations",
        "fact.theme": "Thème", "fact.type": "Type de synergie", "fact.status": "Statut",
        "fact.category": "Catégorie", "fact.description": "Description", "fact.parties": "Acteurs impliqués",
        "fact.loops": "Boucles", "fact.material": "Matière", "fact.quantity": "Quantité",
        "fact.exchanges": "Échanges regroupés", "fact.role": "Rôle", "fact.from": "De", "fact.to": "Vers",
        "fact.id": "Identifiant",
        "loop_label": "Boucle {n} ({length} acteurs) : {names}",
        "fact.budget": "Budget prévisionnel", "fact.plans": "Nombre de plans", "fact.plan_type": "Type de plan",
    },
    "en": {
        "title.ecosystem": "EIT ecosystem: actors and exchanges",
        "title.material": "Material exchanges: {category}",
        "title.loops": "Circular loops of exchanges",
        "title.synergies": "Synergy leads",
        "title.plans": "Plans, actions and stakeholders",
        "territory": "Territory",
        "all_territories": "all territories",
        "generated": "Map generated on {date}",
        "sources": "Data sources",
        "no_sources": "no dataset recorded",
        "rows": "{n} rows",
        "loaded": "loaded on {date}",
        "search": "Search an actor…",
        "search_button": "Search",
        "search_none": "No match",
        "search_found": "{n} match(es)",
        "kind": "Kind of actor",
        "sector": "Sector",
        "category": "Material category",
        "status": "Status",
        "theme": "Theme",
        "loop": "Loop",
        "all": "All",
        "all_loops": "All loops",
        "legend": "Legend",
        "nodes_legend": "Actors",
        "leads_legend": "Synergy leads (status)",
        "edges_legend": "Links (colour: material category)",
        "lines_legend": "Line",
        "size_legend": "Node size: tonnes exchanged; link width: quantity",
        "size_legend_synergies": "Diamond: synergy lead (colour: status); dot: actor",
        "existing": "existing exchange",
        "planned": "planned exchange",
        "potential": "potential exchange",
        "counts": "{nodes} nodes, {edges} links",
        "layout.geo": "Geographic layout (site coordinates)",
        "layout.force": "Automatic (force) layout",
        "loading": "Computing the layout…",
        "aggregated": "Map aggregated by {level}: {n} organisations exceed the budget of {budget} nodes; "
                      "each node groups the organisations of one {level}.",
        "aggregated_on_request": "Map aggregated by {level}: each node groups the organisations of one {level} "
                                 "({n} organisations).",
        "level.commune": "commune", "level.epci": "EPCI", "level.category": "material category",
        "anonymized": "Anonymised map: company names replaced by aliases, SIRET removed, quantities in bands.",
        "empty": "Nothing to show for these criteria.",
        "company_alias": "{sector} company {letter}",
        "org_alias": "{kind} {letter}",
        "organisations": "{n} organisations",
        "aggregate_of": "Group",
        "fact.kind": "Kind", "fact.sector": "Sector", "fact.naf": "Activity (NAF)", "fact.siret": "SIRET",
        "fact.commune": "Commune", "fact.epci": "EPCI", "fact.out": "Outgoing exchanges",
        "fact.in": "Incoming exchanges", "fact.tonnes": "Tonnes exchanged", "fact.members": "Organisations",
        "fact.theme": "Theme", "fact.type": "Synergy type", "fact.status": "Status",
        "fact.category": "Category", "fact.description": "Description", "fact.parties": "Actors involved",
        "fact.loops": "Loops", "fact.material": "Material", "fact.quantity": "Quantity",
        "fact.exchanges": "Exchanges grouped", "fact.role": "Role", "fact.from": "From", "fact.to": "To",
        "fact.id": "Identifier",
        "loop_label": "Loop {n} ({length} actors): {names}",
        "fact.budget": "Planned budget", "fact.plans": "Number of plans", "fact.plan_type": "Plan type",
    },
}

SYNERGY_STATUS = {"idea": ("idée", "idea", "#f2c14e"), "study": ("étude", "study", "#f28c28"),
                  "implemented": ("mise en œuvre", "implemented", "#2e9e44"),
                  "abandoned": ("abandonnée", "abandoned", "#9a9a9a")}
SYNERGY_TYPE = {"substitution": ("substitution", "substitution"), "mutualisation": ("mutualisation", "pooling"),
                "sharing": ("partage", "sharing")}
ROLES = {"supplier": ("fournisseur", "supplier"), "receiver": ("receveur", "receiver"),
         "lead": ("porteur", "lead"), "partner": ("partenaire", "partner"), "funder": ("financeur", "funder"),
         "in_plan": ("action du plan", "action of the plan")}
UNITS_EN = {"t/an": "t/yr", "m3/an": "m³/yr", "MWh/an": "MWh/yr", "unités/an": "units/yr"}
UNITS_FR = {"m3/an": "m³/an"}

# Organisation kinds: distinct, colour-blind-friendly hues (Okabe-Ito first).
KIND_COLOURS = {
    "company": "#0072b2", "public_body": "#009e73", "ess": "#cc79a7", "consular": "#56b4e9",
    "state_service": "#7f7f7f", "consultancy": "#e69f00", "waste_operator": "#d55e00", "funder": "#8c6d31",
    "network": "#6a3d9a", "education": "#b8860b", "synergy": "#f28c28", "commune": "#3b6ea8",
    "epci": "#2d4f7c", "category": "#555555", "other": "#999999",
    "plan": "#1b2a49", "action": "#66a61e", "action_shared": "#e7298a",
}
CATEGORY_COLOURS = {
    "textile": "#e377c2", "wood": "#8c564b", "paper-cardboard": "#c7a26b", "plastics": "#d62728",
    "metals-weee": "#5a6e8c", "organic": "#2ca02c", "food": "#bcbd22", "effluents": "#17becf",
    "gases": "#9467bd", "heat": "#ff4500", "water": "#1f77b4", "energy": "#ffb000",
    "functional-objects": "#ff7f0e", "chemicals": "#7b2d8e", "minerals": "#7f7f7f", "mixed": "#4d4d4d",
}
SECTOR_PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#8c564b", "#6a3d9a",
                  "#b8860b", "#d62728", "#17becf", "#7f7f7f", "#2ca02c", "#bcbd22", "#1f3a93", "#ff7f0e"]
DASHES = {"existing": False, "planned": [14, 8], "potential": [5, 7]}

# Projector sizes (pixels at 100 % zoom).
FONT_SIZE = 24
NODE_MIN, NODE_MAX = 14, 56
EDGE_MIN, EDGE_MAX = 1.5, 14.0


def text(lang: str, key: str, **fields) -> str:
    value = TEXTS[lang][key]
    return value.format(**fields) if fields else value


def style_text_check(lang: str) -> None:
    """Both languages carry the same keys (a missing translation is a bug, caught early)."""
    missing = set(TEXTS["fr"]) ^ set(TEXTS[lang])
    if missing:
        raise KeyError(f"texts missing in one language: {sorted(missing)}")


def kind_label(kind: str, lang: str) -> str:
    if kind in KINDS:
        return getattr(KINDS[kind], lang)
    extra = {"synergy": ("Piste de synergie", "Synergy lead"), "commune": ("Commune", "Commune"),
             "epci": ("EPCI", "EPCI"), "category": ("Catégorie de matière", "Material category"),
             "other": ("Autre", "Other"), "plan": ("Plan", "Plan"), "action": ("Action", "Action"),
             "action_shared": ("Action commune à plusieurs plans", "Action shared by several plans")}
    fr, en = extra.get(kind, (kind, kind))
    return fr if lang == "fr" else en


def category_label(code: str | None, lang: str) -> str:
    if not code:
        return "—"
    cat = categories().get(code)
    return (cat.fr if lang == "fr" else cat.en) if cat else code


def status_label(status: str | None, lang: str) -> str:
    return text(lang, status) if status in DASHES else (status or "—")


def synergy_status_label(status: str | None, lang: str) -> str:
    fr, en, _ = SYNERGY_STATUS.get(status, (status or "—", status or "—", None))
    return fr if lang == "fr" else en


def synergy_type_label(kind: str | None, lang: str) -> str:
    fr, en = SYNERGY_TYPE.get(kind, (kind or "—", kind or "—"))
    return fr if lang == "fr" else en


def role_label(role: str | None, lang: str) -> str:
    fr, en = ROLES.get(role, (role or "—", role or "—"))
    return fr if lang == "fr" else en


def unit_label(unit: str | None, lang: str) -> str:
    if not unit:
        return ""
    return (UNITS_EN if lang == "en" else UNITS_FR).get(unit, unit)


def number(value: float, lang: str) -> str:
    """A quantity for people: grouped thousands, at most 3 significant decimals below 10."""
    if value is None:
        return "—"
    digits = 0 if abs(value) >= 100 or float(value).is_integer() else (1 if abs(value) >= 10 else 2)
    out = f"{value:,.{digits}f}"
    if lang == "fr":
        out = out.replace(",", "\u202f").replace(".", ",")
    return out


def quantity(value: float | None, unit: str | None, lang: str) -> str:
    if value is None:
        return "—"
    return f"{number(value, lang)} {unit_label(unit, lang)}".strip()


def category_colour(code: str | None) -> str:
    return CATEGORY_COLOURS.get(code or "", "#666666")


def kind_colour(kind: str) -> str:
    return KIND_COLOURS.get(kind, KIND_COLOURS["other"])


def sector_colours(sectors) -> dict[str, str]:
    """A stable colour per sector name (sorted order), cycling the palette."""
    return {s: SECTOR_PALETTE[i % len(SECTOR_PALETTE)] for i, s in enumerate(sorted(set(sectors)))}


def node_size(volume: float, members: int = 1) -> float:
    """Area grows with the tonnes moved (log scale so one chemical plant does not hide the rest).

    >>> node_size(0), round(node_size(1000), 1), node_size(1e9)
    (14, 35.0, 56)
    """
    size = NODE_MIN + 7 * math.log10(1 + max(volume, 0)) + (3 * math.log2(members) if members > 1 else 0)
    return min(NODE_MAX, round(size, 1)) if size > NODE_MIN else NODE_MIN


def edge_width(value: float | None, unit: str | None) -> float:
    """Width by quantity, log scale per unit; unknown quantities get the thinnest line.

    >>> edge_width(None, None), edge_width(100, "t/an")
    (1.5, 5.5)
    """
    if value is None or value <= 0:
        return EDGE_MIN
    scale = 1.0 if unit == "unités/an" else 2.0  # counts (pallets) run larger than tonnes
    return round(min(EDGE_MAX, EDGE_MIN + scale * math.log10(1 + value)), 1)
