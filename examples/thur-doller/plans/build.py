# ruff: noqa: E501  (the plans are data)
"""Rebuild the Thur Doller plan workbooks (Territoires en Transitions format) and their sidecars.

    python examples/thur-doller/plans/build.py

The convergent plans are those the EIT application names (TEPCV Thur Doller, CODEC and Territoire Zéro
Déchet Zéro Gaspillage of Thann-Cernay, PLP of the SM4, PTCE Massif des Vosges, GPECT ESS of the MEF)
and the EIT action plan with its four axes (and one sous-action: the wood working group of action 1.1).
The seeds give the EIT axes and themes; every other action, amount and date is illustrative (« Notes »
says so, and the sidecars mark illustrative plans). The workbooks are written so that Territoires en
Transitions imports them as they are (tetbook.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from tetbook import write_tet_workbook  # beside this script

HERE = Path(__file__).parent
ILLU = "Illustratif : contenu inventé pour l'exemple (le dossier ne détaille pas cette action)."
ALIASES = {"MEF Thur Doller": "mef-thur-doller", "CC de Thann-Cernay": "cc-thann-cernay",
           "SMTC": "syndicat-mixte-thann-cernay", "SM4": "sm4", "PETR du Pays Thur Doller": "petr-pays-thur-doller",
           "ADEME": "ademe-grand-est", "Région Grand Est": "region-grand-est", "Alsace Active": "alsace-active",
           "CCI Alsace Eurométropole": "cci-alsace-eurometropole-mulhouse", "CMA Alsace": "cma-alsace",
           "Emmaüs Cernay": "emmaus-cernay", "CRESS Grand Est": "cress-grand-est", "Direccte UT 68": "direccte-ut68",
           "Positiv'Energies": "positiv-energies", "Idée Alsace": "idee-alsace",
           "Cabinet Montal – Map Territoires": "cabinet-montal-map-territoires"}


def action(axis, title, desc, lead, partners="", funders=(), budget=None, status="En cours", priority="Moyen",
           start=None, end=None, linked="", sub_axis=None, notes=ILLU, service=None, person=None, elu=None,
           sub_action=None):
    row = {"Axe (x)": axis, "Titre de l'action": title, "Titre de la sous-action": sub_action, "Descriptif": desc,
           "Structure pilote": lead,
           "Partenaires": partners, "Budget prévisionnel total € HT": budget, "Statut": status,
           "Niveau de priorité": priority, "Date de début": start, "Date de fin": end, "Actions liées": linked,
           "Notes": notes}
    if sub_axis:
        row["Sous-axe (x.x)"] = sub_axis
    if service:
        row["Direction ou service pilote"] = service
    if person:
        row["Personne pilote"] = person
    if elu:
        row["Élu·e référent·e"] = elu
    for i, (name, amount) in enumerate(funders, start=1):
        row[f"Financeur {i}"] = name
        row[f"Montant {i}"] = amount
    return {k: v for k, v in row.items() if v not in (None, "")}


D = dt.datetime
PALETTES = ("Mutualiser la réparation des palettes et un circuit court de réutilisation",
            "Atelier de réparation des palettes des entreprises pilotes confié à un chantier d'insertion, et circuit "
            "court de réutilisation des palettes entre entreprises du Pays.")
SENSI = ("Sensibiliser au tri et à la valorisation des déchets dans les entreprises",
         "Sessions de sensibilisation tri / valorisation des déchets auprès des salariés des entreprises de la démarche.")

PLANS = {
    "eit-thur-doller": (
        {"id": "eit-thur-doller", "name": "Plan d'actions EIT du Pays Thur Doller", "type": "EIT",
         "territory": "PETR-THUR-DOLLER", "owner": "MEF Thur Doller", "period_start": "01/05/2016",
         "period_end": "30/04/2019",
         "description": "Les 4 axes opérationnels du chargé de mission EIT (dossier de candidature). Montants illustratifs."},
        [
            action("Axe 1 : Mise en œuvre des synergies identifiées avec les entreprises engagées et animation",
                   "Action 1.1 - Animer les groupes de travail et mettre en œuvre les synergies",
                   "Chargé de mission EIT : animation des groupes de travail bois, papier-carton, textile, métaux-DEEE et "
                   "biodéchets, études de faisabilité des 27 pistes de synergies.",
                   "MEF Thur Doller", "Positiv'Energies, Idée Alsace", [("ADEME", 60000), ("Région Grand Est", 40000)],
                   150000, "En cours", "Élevé", D(2016, 5, 1), D(2019, 4, 30), "eci 3.5 - Soutenir les projets d'EIT",
                   person="Florence Faivre", elu="Alain Bohrer", notes="Montants illustratifs."),
            action("Axe 1 : Mise en œuvre des synergies identifiées avec les entreprises engagées et animation",
                   "Action 1.1 - Animer les groupes de travail et mettre en œuvre les synergies",
                   "Groupe de travail bois : inventaire des gisements de chutes et de palettes des entreprises "
                   "pilotes et des débouchés locaux.", "MEF Thur Doller", "Idée Alsace", [], None, "En cours",
                   "Moyen", D(2016, 9, 1), D(2017, 12, 31), "eci 3.5", sub_action="Animer le groupe de travail bois",
                   person="Florence Faivre"),
            action("Axe 1 : Mise en œuvre des synergies identifiées avec les entreprises engagées et animation",
                   "Action 1.2 - " + PALETTES[0], PALETTES[1], "MEF Thur Doller",
                   "Chantier d'insertion palettes et bois Thur Doller (illustratif)", [("ADEME", 15000)], 30000,
                   "À venir", "Élevé", D(2017, 1, 1), D(2018, 12, 31), "eci 3.5"),
            action("Axe 1 : Mise en œuvre des synergies identifiées avec les entreprises engagées et animation",
                   "Action 1.3 - " + SENSI[0], SENSI[1], "MEF Thur Doller", "SMTC, CCI Alsace Eurométropole",
                   [], 8000, "En cours", "Moyen", "01/09/2016", "31/12/2018", "eci 5.3"),
            action("Axe 1 : Mise en œuvre des synergies identifiées avec les entreprises engagées et animation",
                   "Action 1.4 - Valoriser la chaleur fatale et l'hydrogène fatal des sites chimiques",
                   "Étude de valorisation de la chaleur fatale, de l'hydrogène et du CO2 des sites chimiques de Thann.",
                   "MEF Thur Doller", "PPC Potasse et Produits Chimiques", [("ADEME", 20000)], 40000, "À discuter",
                   "Moyen", D(2017, 6, 1), D(2019, 4, 30), ""),
            action("Axe 2 : Élargissement des actions, de la démarche aux entreprises du Pays Thur Doller",
                   "Action 2.1 - Diagnostiquer 20 nouvelles entreprises du Pays Thur Doller",
                   "Diagnostics « potentiel d'opportunités déchets matières » auprès d'une vingtaine de nouvelles entreprises.",
                   "MEF Thur Doller", "Positiv'Energies, Idée Alsace", [("Région Grand Est", 25000)], 50000,
                   "À venir", "Élevé", D(2017, 1, 1), D(2018, 6, 30), "eci 3.5"),
            action("Axe 3 : Suivi, évaluation et lien avec les démarches convergentes",
                   "Action 3.1 - Évaluer la démarche et la relier aux plans convergents",
                   "Critères et indicateurs co-construits, auto-évaluation continue, lien avec TEPCV, CODEC, TZDZG, PLP, "
                   "PTCE et GPECT.", "MEF Thur Doller", "Harmonic", [], 20000, "En cours", "Moyen",
                   D(2016, 9, 1), D(2019, 4, 30), "eci 1.3"),
            action("Axe 4 : Communication, promotion de la démarche",
                   "Action 4.1 - Communiquer et promouvoir la démarche d'écologie industrielle",
                   "Outils de communication, rapports d'étape, conférences et diffusion des bonnes pratiques.",
                   "MEF Thur Doller", "Orée", [], 10000, "En cours", "Bas", D(2016, 9, 1), D(2019, 4, 30), "eci 5.3"),
        ]),
    "tzdzg-thann-cernay": (
        {"id": "tzdzg-thann-cernay", "name": "Territoire Zéro Déchet Zéro Gaspillage Thann-Cernay", "type": "TZDZG",
         "territory": "200036465", "owner": "CC de Thann-Cernay", "period_start": 2015, "period_end": 2018,
         "illustrative": True},
        [
            action("1. Prévenir les déchets des ménages et des entreprises", "1.1 " + SENSI[0], SENSI[1],
                   "MEF Thur Doller", "SMTC", [("ADEME", 4000)], 8000, "En cours", "Moyen",
                   "01/09/2016", "31/12/2018", "eci 2.1"),
            action("1. Prévenir les déchets des ménages et des entreprises",
                   "1.2 Valoriser les biodéchets des entreprises par le compostage",
                   "Compostage et valorisation des biodéchets des restaurants, commerces et entreprises agroalimentaires.",
                   "SMTC", "Les Halles de Cernay, Super U", [("ADEME", 15000), ("Région Grand Est", 15000)], 60000,
                   "À venir", "Élevé", D(2017, 3, 1), D(2018, 12, 31), "eci 2.3"),
            action("2. Développer le réemploi", "2.1 Soutenir la ressourcerie et le réemploi des objets",
                   "Collecte d'objets réutilisables en déchèterie au profit de la communauté Emmaüs.",
                   "Emmaüs Cernay", "SMTC", [("CC de Thann-Cernay", 12000)], 25000, "En cours", "Moyen",
                   D(2016, 1, 1), D(2018, 12, 31), "eci 3.3"),
        ]),
    "codec-thann-cernay": (
        {"id": "codec-thann-cernay", "name": "CODEC Thann-Cernay", "type": "CODEC", "territory": "200036465",
         "owner": "CC de Thann-Cernay", "period_start": "01/01/2016", "period_end": "31/12/2018", "illustrative": True},
        [
            action("Axe 1. Économie circulaire dans les entreprises", PALETTES[0], PALETTES[1], "MEF Thur Doller",
                   "Chantier d'insertion palettes et bois Thur Doller (illustratif)", [("ADEME", 15000)], 30000,
                   "À venir", "Élevé", D(2017, 1, 1), D(2018, 12, 31), "eci 3.5"),
            action("Axe 1. Économie circulaire dans les entreprises",
                   "Mutualiser la collecte des papiers et cartons des entreprises",
                   "Collecte mutualisée des papiers-cartons de bureau et des cartons d'emballage des zones d'activités.",
                   "CC de Thann-Cernay", "Collecteur DIB Sud Alsace (illustratif), Burda Druck France",
                   [("CC de Thann-Cernay", 5000)], 12000, "À discuter", "Moyen", D(2017, 6, 1), D(2018, 12, 31),
                   "eci 2.5", service="Service développement économique"),
            action("Axe 2. Exemplarité de la collectivité", "Intégrer des clauses environnementales dans les achats",
                   "Achats responsables : clauses environnementales et d'insertion dans les marchés publics.",
                   "CC de Thann-Cernay", "MEF Thur Doller", [], 5000, "En cours", "Moyen", D(2016, 1, 1),
                   D(2018, 12, 31), "eci 3.2", service="Service des marchés publics"),
        ]),
    "plp-sm4": (
        {"id": "plp-sm4", "name": "Programme local de prévention du SM4", "type": "PLP", "owner": "SM4",
         "period_start": 2016, "period_end": 2021, "illustrative": True},
        [
            action("Axe 1 : Biodéchets", "Développer le compostage des biodéchets des professionnels",
                   "Accompagner les entreprises et les restaurants dans le compostage et la valorisation de leurs biodéchets.",
                   "SM4", "CC de Thann-Cernay", [("ADEME", 20000)], 45000, "En cours", "Élevé",
                   D(2016, 1, 1), D(2021, 12, 31), "eci 2.3"),
            action("Axe 2 : Sensibilisation", SENSI[0], SENSI[1], "MEF Thur Doller", "SMTC", [], 8000, "En cours",
                   "Moyen", "01/09/2016", "31/12/2018", "eci 2.1"),
            action("Axe 2 : Sensibilisation", "Lutter contre le gaspillage alimentaire en restauration collective",
                   "Pesées, sensibilisation des convives et dons des invendus en restauration collective.",
                   "SM4", "Restauration collective Thur Doller (illustratif)", [], 15000, "À venir", "Moyen",
                   D(2017, 9, 1), D(2019, 6, 30), "eci 2.1"),
        ]),
    "ptce-massif-des-vosges": (
        {"id": "ptce-massif-des-vosges", "name": "PTCE Massif des Vosges", "type": "PTCE", "illustrative": True,
         "period_start": 2016, "period_end": 2019},
        [
            action("1. Coopérations économiques", "Créer une filière de réemploi des textiles et des EPI",
                   "Valorisation des chutes textiles et des équipements de protection individuelle en objets.",
                   "CRESS Grand Est", "Clipso Productions, Emmaüs Cernay", [("Alsace Active", 10000)], 35000,
                   "À discuter", "Moyen", D(2017, 1, 1), D(2019, 12, 31), "eci 3.1"),
            action("1. Coopérations économiques", "Valoriser les déchets de bois en combustible biomasse",
                   "Broyage des bois de palettes et chutes de scierie pour la chaufferie biomasse.",
                   "Scierie de la haute vallée de la Thur (illustratif)", "Chantier d'insertion palettes et bois Thur Doller (illustratif)",
                   [("Région Grand Est", 20000)], 60000, "À venir", "Bas", D(2018, 1, 1), D(2019, 12, 31), "eci 3.5"),
        ]),
    "gpect-ess-mef-thur-doller": (
        {"id": "gpect-ess-mef-thur-doller", "name": "GPECT ESS MEF Thur Doller", "type": "GPECT",
         "territory": "PETR-THUR-DOLLER", "owner": "MEF Thur Doller", "period_start": 2016, "period_end": 2019,
         "illustrative": True},
        [
            action("1. Anticiper les mutations", "Cartographier les compétences des métiers de l'économie circulaire",
                   "Identifier les compétences et formations nécessaires aux activités nées des synergies (bois, métaux, "
                   "textile, plastique, matière organique).", "MEF Thur Doller",
                   "Cabinet Montal – Map Territoires, Direccte UT 68", [("Direccte UT 68", 18000)], 36000, "En cours",
                   "Moyen", D(2016, 9, 1), D(2018, 12, 31), ""),
            action("2. Insertion", "Créer des emplois d'insertion dans la réparation de palettes",
                   "Chantier d'insertion pour la réparation des palettes des entreprises et la réutilisation en circuit court.",
                   "Chantier d'insertion palettes et bois Thur Doller (illustratif)", "MEF Thur Doller",
                   [("Direccte UT 68", 25000)], 40000, "À venir", "Moyen", D(2017, 6, 1), D(2019, 6, 30), "eci 3.5"),
        ]),
    "tepcv-thur-doller": (
        {"id": "tepcv-thur-doller", "name": "TEPCV Pays Thur Doller", "type": "TEPCV", "territory": "PETR-THUR-DOLLER",
         "owner": "PETR du Pays Thur Doller", "period_start": 2015, "period_end": 2018, "illustrative": True},
        [
            action("Axe 1 : Énergies renouvelables", "Développer les chaufferies biomasse alimentées par le bois local",
                   "Chaufferies bois énergie des collectivités approvisionnées en plaquettes et bois de palettes locaux.",
                   "PETR du Pays Thur Doller", "Scierie de la haute vallée de la Thur (illustratif)",
                   [("ADEME", 200000), ("Région Grand Est", 100000)], 500000, "En cours", "Élevé",
                   D(2015, 6, 1), D(2018, 12, 31), ""),
            action("Axe 2 : Économie circulaire", "Récupérer la chaleur fatale des industriels pour les réseaux de chaleur",
                   "Étude de récupération de la chaleur fatale des sites chimiques pour un réseau de chaleur.",
                   "PETR du Pays Thur Doller", "MEF Thur Doller", [("ADEME", 25000)], 50000, "À discuter", "Moyen",
                   D(2016, 1, 1), D(2018, 12, 31), "eci 3.5"),
        ]),
}


def build() -> list[Path]:
    written = []
    for stem, (meta, rows) in PLANS.items():
        path = write_tet_workbook(HERE / f"{stem}.xlsx", rows)
        side = dict(meta, organisations=ALIASES)
        (HERE / f"{stem}.xlsx.yaml").write_text(
            "# Plan metadata for the eitgraph 'plans' loader (sidecar of the workbook of the same name).\n"
            + yaml.safe_dump(side, allow_unicode=True, sort_keys=False), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in build():
        print(p)
