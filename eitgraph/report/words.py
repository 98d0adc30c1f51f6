"""The report's words in French and English, its sections, key figures and treatment colours."""

from __future__ import annotations

from html import escape


def word(lang: str, fr: str, en: str) -> str:
    return fr if lang == "fr" else en


def say(lang: str, key: str) -> str:
    """A phrase of :data:`PHRASES`, escaped for HTML."""
    return escape(word(lang, *PHRASES[key]))


PHRASES = {
    "title": ("Rapport au comité de pilotage", "Steering committee report"),
    "kicker": ("Écologie industrielle et territoriale", "Industrial and territorial ecology"),
    "everywhere": ("tous les territoires chargés", "all loaded territories"),
    "outputs": ("Flux sortants diagnostiqués", "Diagnosed outputs"),
    "bars": ("Tonnage sortant par catégorie et traitement actuel (t/an)",
             "Output tonnage by category and current treatment (t/yr)"),
    "sankey": ("Des producteurs aux exutoires, par catégorie de matière (t/an)",
               "From producers to destinations, by material category (t/yr)"),
    "no_chart": ("Aucun flux sortant quantifié en tonnes : pas de graphique.",
                 "No output flow quantified in tonnes: no chart."),
    "sources": ("Sources des données", "Data sources"),
    "made_with": ("Rapport produit par eitgraph", "Report made with eitgraph"),
    "tonnage_note": ("Les tonnages ne comptent que les flux quantifiés en t/an ; les flux sans quantité ou dans une "
                     "autre unité en sont exclus (voir la couverture des données).",
                     "Tonnages count only flows quantified in t/yr; flows without a quantity or in another unit are "
                     "left out (see the data coverage)."),
    "others": ("Autres producteurs", "Other producers"),
    "columns": ("Indicateur|Valeur|Base", "Indicator|Value|Basis"),
}


# Indicator groups in reading order: (group code, title fr, title en, introduction fr, introduction en).
SECTIONS = [
    ("roundput", "Bouclage", "Roundput",
     "Premier principe de Korhonen : les déchets et sous-produits des uns deviennent les ressources des autres, "
     "au plus près.",
     "Korhonen's first principle: the wastes and by-products of some become the resources of others, close by."),
    ("diversity", "Diversité", "Diversity",
     "Deuxième principe : un écosystème industriel résilient réunit des acteurs nombreux et variés.",
     "Second principle: a resilient industrial ecosystem gathers many and varied actors."),
    ("cooperation", "Coopération", "Cooperation",
     "Troisième principe : des relations symbiotiques et collaboratives entre les acteurs.",
     "Third principle: symbiotic and collaborative relations between the actors."),
    ("locality", "Proximité", "Locality",
     "Quatrième principe : les échanges restent locaux et impliquent les acteurs du territoire.",
     "Fourth principle: exchanges stay local and involve the actors of the territory."),
    ("network", "Analyse écologique du réseau d'échanges", "Ecological network analysis of the exchanges",
     "Le réseau des échanges quantifiés en tonnes, lu comme un écosystème (Finn 1976) : débit total, part recyclée, "
     "structure des liens.",
     "The network of exchanges quantified in tonnes, read as an ecosystem (Finn 1976): throughput, cycled share, "
     "structure of the links."),
    ("evaluation", "Indicateurs d'évaluation de la démarche", "Programme evaluation indicators",
     "Les indicateurs de suivi proposés au comité de pilotage dans le dossier de la démarche.",
     "The monitoring indicators the programme's dossier proposed to the steering committee."),
    ("referentiel", "Indicateurs EIT du référentiel économie circulaire", "EIT indicators of the référentiel",
     "Les indicateurs d'écologie industrielle du référentiel économie circulaire de l'ADEME que le graphe calcule.",
     "The industrial-ecology indicators of ADEME's circular economy référentiel that the graph computes."),
    ("coverage", "Couverture des données", "Data coverage",
     "Ce que valent les chiffres ci-dessus : part des flux renseignés.",
     "What the figures above rest on: share of the flows with data."),
]

KEY_FIGURES = ("actors_mobilised", "workshops", "participation_rate", "synergies.implemented", "companies_audited",
               "exchanged_tonnage", "local_exchange_share", "loops")

# Current treatments of outputs (loaders/diagnostics.yaml): colour, French, English. Recovery in greens,
# elimination in greys and reds, in the order the bars stack.
TREATMENTS = {
    "reuse": ("#1b7837", "Réemploi", "Reuse"),
    "recycling": ("#5aae61", "Recyclage", "Recycling"),
    "composting": ("#a6dba0", "Compostage", "Composting"),
    "anaerobic_digestion": ("#7fbf7b", "Méthanisation", "Anaerobic digestion"),
    "land_spreading": ("#5aae61", "Épandage", "Land spreading"),
    "energy_recovery": ("#f1a340", "Valorisation énergétique", "Energy recovery"),
    "physico_chemical": ("#998ec3", "Traitement physico-chimique", "Physico-chemical treatment"),
    "storage": ("#c2a5cf", "Stockage", "Storage"),
    "other": ("#bababa", "Autre", "Other"),
    "unknown": ("#e0e0e0", "Non renseigné", "Not given"),
    "discharge": ("#67a9cf", "Rejet au milieu", "Discharge"),
    "incineration": ("#d6604d", "Incinération", "Incineration"),
    "landfill": ("#4d4d4d", "Enfouissement", "Landfill"),
}
