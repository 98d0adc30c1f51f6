"""Kinds of organisations: the code stored on the node, its graph sub-label, and labels for people.

>>> KINDS["waste_operator"].label
'WasteOperator'
>>> KINDS["ess"].fr
'Structure ESS / association'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # sub-label of Organisation in the graph model
    fr: str
    en: str


KINDS = {k.code: k for k in (
    Kind("company", "Company", "Entreprise", "Company"),
    Kind("public_body", "PublicBody", "Collectivité / établissement public", "Public body"),
    Kind("ess", "ESS", "Structure ESS / association", "Social economy / non-profit"),
    Kind("consular", "Consular", "Chambre consulaire", "Chamber (CCI, CMA…)"),
    Kind("state_service", "StateService", "Service de l'État", "State service"),
    Kind("consultancy", "Consultancy", "Bureau d'études", "Consultancy"),
    Kind("waste_operator", "WasteOperator", "Opérateur déchets", "Waste operator"),
    Kind("funder", "Funder", "Financeur", "Funder"),
    Kind("network", "Network", "Réseau / fédération", "Network / federation"),
    Kind("education", "Education", "Formation / recherche", "Education / research"),
)}
