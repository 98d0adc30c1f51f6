"""Writes ``ateliers.csv``, the illustrative attendance lists of the example (run from this folder).

Invitations follow the bodies of ``acteurs.csv`` (« Instance »): each working group's members are
invited to its sessions, the COPIL and COTECH members to theirs, the 20 pilots to the plenary
meetings. Presence and satisfaction scores are drawn on a fixed seed: they are made up.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).parent
MEETINGS = [  # id, title, date, type, theme, invited bodies ("pilotes" = the 20 pilot companies)
    ("PL-2016-01", "Réunion de lancement de la démarche EIT", "2016-01-28", "réunion", "", ["pilotes", "COPIL EIT"]),
    ("COPIL-2016-1", "Comité de pilotage n° 1", "2016-02-25", "COPIL", "", ["COPIL EIT"]),
    ("COTECH-2016-1", "Comité technique n° 1", "2016-03-17", "COTECH", "", ["COTECH EIT"]),
    ("GT-BOIS-1", "Atelier bois et palettes", "2016-04-12", "atelier", "Bois", ["GT Bois"]),
    ("GT-PAPIER-1", "Atelier papier-carton", "2016-04-19", "atelier", "Papier-carton", ["GT Papier-carton"]),
    ("GT-TEXTILE-1", "Atelier textile", "2016-05-03", "atelier", "Textile", ["GT Textile"]),
    ("GT-BIO-1", "Atelier biodéchets", "2016-05-10", "atelier", "Biodéchets", ["GT Biodéchets"]),
    ("GT-METAUX-1", "Atelier métaux et DEEE", "2016-05-24", "atelier", "Métaux / DEEE", ["GT Métaux-DEEE"]),
    ("FORM-TRI-1", "Formation au tri des déchets de bureau", "2016-06-07", "formation", "Papier-carton",
     ["GT Papier-carton", "pilotes"]),
    ("COTECH-2016-2", "Comité technique n° 2", "2016-09-22", "COTECH", "", ["COTECH EIT"]),
    ("GT-BOIS-2", "Atelier bois : réparation mutualisée des palettes", "2016-10-06", "atelier", "Bois", ["GT Bois"]),
    ("GT-METAUX-2", "Atelier DEEE : filière solidaire", "2016-10-13", "atelier", "Métaux / DEEE", ["GT Métaux-DEEE"]),
    ("COPIL-2016-2", "Comité de pilotage n° 2 : bilan d'étape", "2016-12-08", "COPIL", "", ["COPIL EIT"]),
]
PRESENT = {"Entreprise": 0.7, "Collectivité": 0.85, "ESS": 0.9}  # chance of being present, by type


def main() -> None:
    rng = random.Random(2016)
    with open(HERE / "acteurs.csv", encoding="utf-8") as fh:
        actors = list(csv.DictReader(fh, delimiter=";"))
    members: dict[str, dict[str, dict]] = {}
    for a in actors:
        bodies = [b for b in (a["Instance"] or "").split("|") if b]
        if "pilote EIT" in (a["Étiquettes"] or ""):
            bodies.append("pilotes")
        for body in bodies:
            members.setdefault(body, {})[a["Identifiant"]] = a
    rows = []
    for mid, title, day, kind, theme, bodies in MEETINGS:
        invited = {oid: a for body in bodies for oid, a in members.get(body, {}).items()}
        for oid, a in sorted(invited.items()):
            present = rng.random() < PRESENT.get(a["Type d'acteur"], 0.75)
            score = rng.choice(["3", "4", "4", "5", "5"]) if present and rng.random() < 0.8 else ""
            rows.append([mid, title, day, kind, theme, oid, a["Contact"] or "", "oui" if present else "non", score])
    with open(HERE / "ateliers.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter=";", lineterminator="\n")
        out.writerow(["Atelier", "Intitulé", "Date", "Type", "Thème", "Structure", "Participant", "Présent",
                      "Satisfaction"])
        out.writerows(rows)


if __name__ == "__main__":
    main()
