"""Plan targets (issue #4), on the embedded store.

    python benchmarks/plans.py [--workdir DIR] [--actions 500] [--plans 5]

* a generated 500-action Territoires en Transitions workbook (template rows kept, axes, leads,
  partners, funders with amounts, budgets, dates, « eci x.y » links) loads in ≤ 30 s;
* `plan-action-overlaps` across 5 plans × 500 actions (a fifth of the actions shared between plans,
  a fifth reworded near-duplicates) answers in ≤ 10 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

import eitgraph
from eitgraph import shipped as resources

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples" / "thur-doller" / "plans"))
from tetbook import write_tet_workbook

TARGETS = {"load": 30.0, "overlaps": 10.0}
VERBS = ["Développer", "Mutualiser", "Valoriser", "Réduire", "Sensibiliser à", "Accompagner", "Structurer", "Étudier"]
OBJECTS = ["le compostage des biodéchets", "la collecte des cartons", "le réemploi des palettes", "la chaleur fatale",
           "les achats responsables", "la réparation des équipements", "les déchets textiles", "les métaux et DEEE",
           "les plastiques industriels", "les effluents", "les bois de classe A", "le gaspillage alimentaire"]
WHO = ["des entreprises", "des ménages", "des collectivités", "des zones d'activités", "de la restauration collective",
       "des artisans", "des commerces", "du BTP"]
LEADS = [f"Structure pilote {i}" for i in range(40)] + ["CC de Thann-Cernay", "SMTC", "SM4", "MEF Thur Doller"]
FUNDERS = ["ADEME", "Région Grand Est", "Département du Haut-Rhin", "Banque des Territoires", "FEDER"]
ECI = ["2.1", "2.2", "2.3", "2.5", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "5.3"]


def base_actions(n: int, rng: random.Random) -> list[dict]:
    out = []
    for i in range(n):
        title = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(WHO)} (fiche {i})"
        start = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(700))
        out.append({
            "Axe (x)": f"{i % 5 + 1}. Axe stratégique {i % 5 + 1}",
            "Sous-axe (x.x)": f"{i % 5 + 1}.{i % 3 + 1}. Sous-axe {i % 3 + 1}",
            "Titre de la fiche action": f"Action {i + 1} - {title}",
            "Descriptif": f"{title} : diagnostic, animation et mise en œuvre avec les acteurs du territoire.",
            "Structure pilote": rng.choice(LEADS), "Partenaires": ", ".join(rng.sample(LEADS, 2)),
            "Financeur 1": rng.choice(FUNDERS), "Montant 1": rng.randrange(1, 50) * 1000,
            "Financeur 2": rng.choice(FUNDERS), "Montant 2": f"{rng.randrange(1, 20) * 1000:,} € HT".replace(",", " "),
            "Budget prévisionnel total € HT": f"{rng.randrange(50, 500) * 1000:,} €".replace(",", " "),
            "Statut": rng.choice(["À venir", "En cours", "Réalisé"]),
            "Niveau de priorité": rng.choice(["Élevé", "Moyen"]),
            "Date de début": start.strftime("%d/%m/%Y"), "Date de fin": dt.datetime(2027, 12, 31),
            "Actions liées": f"eci {rng.choice(ECI)} - mesure du référentiel",
        })
    return out


def plan_variants(actions: list[dict], plans: int, rng: random.Random) -> list[list[dict]]:
    """Plan 0 is the base; others share a fifth of its actions, reword a fifth, and have their own."""
    out = [actions]
    for p in range(1, plans):
        rows = []
        for i, a in enumerate(actions):
            a = dict(a)
            if i % 5 == 0:
                pass  # shared: same title and lead
            elif i % 5 == 1:
                title = a["Titre de la fiche action"]
                a["Titre de la fiche action"] = title.replace("Action", "Fiche") + " du territoire"
                a["Structure pilote"] = rng.choice(LEADS)
            else:
                a["Titre de la fiche action"] = f"Plan {p} action {i} - {rng.choice(VERBS)} {rng.choice(OBJECTS)} " \
                                                f"{rng.choice(WHO)} {i}"
            rows.append(a)
        out.append(rows)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--plans", type=int, default=5)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="eitgraph-bench-plans-"))
    rng = random.Random(4)
    variants = plan_variants(base_actions(args.actions, rng), args.plans, rng)
    files = [write_tet_workbook(work / f"plan{p}.xlsx", rows, keep_help_rows=True) for p, rows in enumerate(variants)]
    ok = True
    with eitgraph.open(data_dir=work / "store", in_process=True) as kb:
        kb.load("referentiel", resources.path("reference", "referentiel-eci-structure.csv"))
        seconds = []
        for p, f in enumerate(files):
            t = time.monotonic()
            report = kb.load("plans", f, plan=f"plan{p}", type="PCAET")
            seconds.append(time.monotonic() - t)
            print(f"load plan{p}: {report.rows} rows, {report.written.get('Action', 0)} actions, "
                  f"{sum(report.written.values())} elements in {seconds[-1]:.1f} s")
        first = seconds[0]
        ok &= first <= TARGETS["load"]
        print(f"500-action workbook load: {first:.1f} s (target ≤ {TARGETS['load']:.0f} s) "
              f"{'OK' if first <= TARGETS['load'] else 'MISSED'}")
        t = time.monotonic()
        df = kb.query("plan-action-overlaps")
        overlaps = time.monotonic() - t
        ok &= overlaps <= TARGETS["overlaps"]
        print(f"plan-action-overlaps on {args.plans} plans × {args.actions} actions: {len(df)} rows "
              f"({df['overlap'].value_counts().to_dict()}) in {overlaps:.1f} s (target ≤ {TARGETS['overlaps']:.0f} s) "
              f"{'OK' if overlaps <= TARGETS['overlaps'] else 'MISSED'}")
        t = time.monotonic()
        budgets = kb.query("consolidated-budgets")
        print(f"consolidated-budgets: {len(budgets)} rows in {time.monotonic() - t:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
