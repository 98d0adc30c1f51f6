"""INSEE's legal categories (catégories juridiques) and the kind of organisation each stands for, and the
codes of SIRENE's size fields.

>>> kind_of_legal_category("5710"), kind_of_legal_category("9220"), kind_of_legal_category("7346")
('company', 'ess', 'public_body')
>>> kind_of_legal_category("5710", ess=True), kind_of_legal_category("7381"), kind_of_legal_category("7172")
('ess', 'consular', 'state_service')
>>> legal_category_code("SAS, société par actions simplifiée"), legal_category_code("5499"), legal_category_code("Asso")
(None, '5499', None)
"""

from __future__ import annotations

import re

from ..values import fold

# Level-2 headings of the nomenclature (first two digits), for messages and labels.
LEGAL_LEVEL2 = {
    "10": "Entrepreneur individuel", "21": "Indivision", "22": "Société créée de fait",
    "23": "Société en participation", "24": "Fiducie", "27": "Paroisse hors zone concordataire",
    "28": "Assujetti unique à la TVA", "29": "Autre groupement de droit privé non doté de la personnalité morale",
    "31": "Personne morale de droit étranger, immatriculée au RCS",
    "32": "Personne morale de droit étranger, non immatriculée au RCS",
    "41": "Établissement public ou régie à caractère industriel ou commercial",
    "51": "Société coopérative commerciale particulière", "52": "Société en nom collectif",
    "53": "Société en commandite", "54": "Société à responsabilité limitée (SARL)",
    "55": "Société anonyme à conseil d'administration", "56": "Société anonyme à directoire",
    "57": "Société par actions simplifiée", "58": "Société européenne",
    "61": "Caisse d'épargne et de prévoyance", "62": "Groupement d'intérêt économique",
    "63": "Société coopérative agricole", "64": "Société d'assurance mutuelle", "65": "Société civile",
    "69": "Autre personne morale de droit privé inscrite au RCS", "71": "Administration de l'État",
    "72": "Collectivité territoriale", "73": "Établissement public administratif",
    "74": "Autre personne morale de droit public administratif", "81": "Organisme gérant un régime de protection sociale",
    "82": "Organisme mutualiste", "83": "Comité social économique d'entreprise",
    "84": "Organisme professionnel", "85": "Organisme de retraite à adhésion non obligatoire",
    "91": "Syndicat de propriétaires", "92": "Association loi 1901 ou assimilé", "93": "Fondation",
    "99": "Autre personne morale de droit privé",
}

_CONSULAR = {"7381"}
_EDUCATION = {"7331", "7383", "7384"}

# SIRENE « trancheEffectifs » codes and what they mean.
HEADCOUNT_BANDS = {
    "NN": "Unité non employeuse", "00": "0 salarié", "01": "1 ou 2 salariés", "02": "3 à 5 salariés",
    "03": "6 à 9 salariés", "11": "10 à 19 salariés", "12": "20 à 49 salariés", "21": "50 à 99 salariés",
    "22": "100 à 199 salariés", "31": "200 à 249 salariés", "32": "250 à 499 salariés",
    "41": "500 à 999 salariés", "42": "1 000 à 1 999 salariés", "51": "2 000 à 4 999 salariés",
    "52": "5 000 à 9 999 salariés", "53": "10 000 salariés et plus",
}
COMPANY_SIZES = {"PME": "Petite ou moyenne entreprise", "ETI": "Entreprise de taille intermédiaire",
                 "GE": "Grande entreprise"}


def legal_category_code(text: str | None) -> str | None:
    """The 4-digit code written in a cell (« 5499 », « 5499 - SARL »), else None."""
    if not text:
        return None
    m = re.match(r"\s*(\d{4})\b", str(text))
    return m[1] if m and m[1][:2] in LEGAL_LEVEL2 else None


def kind_of_legal_category(code: str | None, ess: bool = False) -> str | None:
    """The kind of organisation (see :mod:`eitgraph.model.organisation_kinds`) a legal category stands
    for; ``ess``: the unit is in the social and solidarity economy (``economieSocialeSolidaire = O``)."""
    if not code or code[:2] not in LEGAL_LEVEL2:
        return "ess" if ess else None
    if code in _CONSULAR:
        return "consular"
    if code in _EDUCATION:
        return "education"
    head = code[:2]
    if head == "71":
        return "state_service"
    if head[0] == "7" or head in ("41", "81", "85"):
        return "public_body"
    if ess or head in ("82", "83", "92", "93"):
        return "ess"
    if head == "84":
        return "network"
    return "company"


def legal_category_label(code: str | None) -> str | None:
    return LEGAL_LEVEL2.get(code[:2]) if code else None


_FORM_WORDS = (
    # (kind, words a « Forme juridique » / « Statut » cell starts with or holds), first match wins
    ("consular", ("chambre de commerce", "chambre des metiers", "chambre d agriculture", "cci", "cma")),
    ("state_service", ("service de l etat", "services de l etat", "prefecture", "dreal", "ddt", "direction departementale")),
    ("public_body", ("commune", "mairie", "communaute de communes", "communaute d agglomeration", "communaute urbaine",
                     "metropole", "syndicat mixte", "syndicat intercommunal", "sivom", "sivu", "epci", "petr",
                     "departement", "conseil departemental", "region", "conseil regional", "etablissement public",
                     "epic", "epa", "collectivite", "regie")),
    ("ess", ("association", "asso", "fondation", "scop", "scic", "cooperative", "mutuelle", "siae", "esat",
             "entreprise d insertion", "ess")),
    ("company", ("sarl", "sas", "sasu", "sa", "eurl", "snc", "sci", "sca", "selarl", "gaec", "earl", "ei", "eirl",
                 "micro entreprise", "auto entrepreneur", "entreprise individuelle", "societe")),
)


def kind_of_legal_form(text: str | None) -> str | None:
    """The kind of organisation a legal form written as words stands for (« SARL », « Association loi
    1901 », « Communauté de communes »), or the kind of its code (« 5499 »); None when unknown.

    >>> kind_of_legal_form("Association loi 1901"), kind_of_legal_form("SAS"), kind_of_legal_form("9220")
    ('ess', 'company', 'ess')
    >>> kind_of_legal_form("Communauté de communes"), kind_of_legal_form("Autre")
    ('public_body', None)
    """
    if not text:
        return None
    code = legal_category_code(text)
    if code:
        return kind_of_legal_category(code)
    folded = fold(text)
    for kind, words in _FORM_WORDS:
        if any(folded == w or folded.startswith(w + " ") for w in words):
            return kind
    return None
