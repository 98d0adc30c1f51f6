"""Keyword rules on folded text (lower case, no accents, punctuation as spaces): the pillars and material
categories an action is about, and the kind of an organisation guessed from its name.

>>> guess_kind("CC de Thann-Cernay"), guess_kind("ADEME"), guess_kind("Emmaüs Cernay"), guess_kind("Bidule")
('public_body', 'funder', 'ess', None)
"""

from __future__ import annotations

import re

from ....values import fold

PILLAR_KEYWORDS: dict[str, str] = {
    "supply": r"\b(approvisionnement|achats? (responsables?|durables?|mutualises?)|circuits? courts?|"
              r"matieres? recyclees?|clauses? environnementales?)\b",
    "ecodesign": r"\b(eco ?conception|ecoconcevoir)\b",
    "eit": r"\b(ecologie industrielle|eit|synergies?|mutualisation|mutualiser|symbiose)\b",
    "functional_economy": r"\b(economie de (la )?fonctionnalite|fonctionnalite|economie d usage|location longue)\b",
    "responsible_consumption": r"\b(consommation responsable|sobriete|gaspillage|zero dechets?|prevention|"
                               r"sensibilis\w*|compostage domestique|stop pub)\b",
    "extended_use": r"\b(reemploi|reparation|reparer|reutilis\w*|ressourcerie|recyclerie|seconde main|repair)\b",
    "recycling": r"\b(recycl\w*|valoris\w*|tri|collecte|compost\w*|methanis\w*)\b",
}
CATEGORY_KEYWORDS: dict[str, str] = {
    "wood": r"\b(bois|biomasse|sciure|copeaux)\b",
    "functional-objects": r"\b(palettes?|big ?bags?|futs?|tourets?|contenants?)\b",
    "paper-cardboard": r"\b(papiers?|cartons?)\b",
    "plastics": r"\b(plastiques?|polymeres?)\b",
    "metals-weee": r"\b(metaux|metal|metalliques?|ferrailles?|deee)\b",
    "organic": r"\b(biodechets?|compost\w*|dechets verts|matieres? organiques?|methanis\w*)\b",
    "food": r"\b(gaspillage alimentaire|alimentaires?|restauration collective|invendus|denrees)\b",
    "textile": r"\b(textiles?|vetements?|tissus?)\b",
    "effluents": r"\b(effluents?|eaux usees)\b",
    "gases": r"\b(hydrogene|co2|dioxyde de carbone|gaz industriels?)\b",
    "heat": r"\b(chaleur fatale|chaleur)\b",
    "water": r"\b(eau potable|eau|ressource en eau)\b",
    "energy": r"\b(energies?|renouvelables?|photovoltai\w*|solaire)\b",
    "minerals": r"\b(inertes?|gravats?|verre|btp|mineraux)\b",
    "chemicals": r"\b(solvants?|produits chimiques)\b",
}
PILLAR_PATTERNS = {k: re.compile(v) for k, v in PILLAR_KEYWORDS.items()}
CATEGORY_PATTERNS = {k: re.compile(v) for k, v in CATEGORY_KEYWORDS.items()}
PILLAR_ALIASES = {"eit": "eit", "ecologie industrielle": "eit", "reemploi": "extended_use",
                  "reparation": "extended_use", "allongement de la duree d usage": "extended_use",
                  "achats responsables": "supply", "economie de fonctionnalite": "functional_economy",
                  "eco conception": "ecodesign", "valorisation": "recycling"}

# -- organisation kinds guessed from names (first match wins) -----------------------------------------
KIND_RULES: list[tuple[str, re.Pattern]] = [(k, re.compile(p)) for k, p in [
    ("state_service", r"\b(prefecture|sous prefecture|dreal|ddt|ddets|dreets|direccte|etat|agence regionale de sante"
                      r"|ars|france travail|pole emploi)\b"),
    ("consular", r"\b(cci|cma|chambre)\b"),
    ("funder", r"\b(ademe|banque des territoires|caisse des depots|bpi ?france|feder|fonds|union europeenne|leader"
               r"|alsace active|banque)\b"),
    ("public_body", r"\b(commune|ville|mairie|communaute|cc|ca|cu|metropole|agglomeration|syndicat|sm\d*|smtc|sivom"
                    r"|sictom|smictom|departement|departemental|conseil departemental|region|regional|petr|pays"
                    r"|collectivite|epci|office de tourisme|m2a)\b"),
    ("education", r"\b(universite|lycee|ecole|iut|cnam|cfa|afpa|greta|organismes? de formation|recherche)\b"),
    ("ess", r"\b(association|emmaus|ressourcerie|recyclerie|insertion|ess|scic|cooperative|mef|maison de l emploi"
            r"|regie de quartier|ptce|solidaire|chantier)\b"),
    ("network", r"\b(reseau|federation|cluster|pole|club|cress|oree)\b"),
    ("consultancy", r"\b(bureau d etudes?|cabinet|consultants?|conseil)\b"),
    ("waste_operator", r"\b(recyclage|recycleur|collecteur|dechets|valorisation)\b"),
    ("company", r"\b(sa|sas|sasu|sarl|eurl|sca|snc|gmbh|ag|inc|ltd|groupe|entreprises?|industries?)\b"),
]]


def guess_kind(name: str) -> str | None:
    f = fold(name)
    return next((kind for kind, rx in KIND_RULES if rx.search(f)), None)
