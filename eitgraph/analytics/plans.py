"""Plan and action questions: overlaps between plans, consolidated budgets, référentiel coverage,
plans against the diagnostic flows.

Each question pulls what it needs with a few flat Cypher queries and assembles the answer in Python
(similarity needs numpy; budgets need "count each action once" bookkeeping that Cypher expresses badly).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations

import numpy as np
import pandas as pd

from ..errors import QueryError
from ..graphread import GraphSource, reader
from ..present.text import term
from ..values import fold, split_list
from .actions import ActionInfo, action_budget, extract_actions, plan_budget

OVERLAP_COLUMNS = ["overlap", "action_1", "title_1", "plan_1", "action_2", "title_2", "plan_2", "score", "reason"]
BUDGET_COLUMNS = ["dimension", "key", "label", "actions", "shared_actions", "budget", "naive_budget",
                  "double_counting_avoided", "note"]
COVERAGE_COLUMNS = ["measure", "number", "name", "level", "points", "actions", "titles", "plans", "statuses",
                    "points_potential", "points_done", "coverage"]
FLOW_COLUMNS = ["category", "label", "unit", "output_quantity", "input_quantity", "organisations", "share", "large",
                "actions", "action_titles", "plans", "budget", "finding"]
STOP_WORDS = {
    "a", "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "il", "la", "le", "les",
    "leur", "leurs", "l", "d", "un", "une", "ou", "par", "pour", "plus", "sur", "son", "sa", "ses", "se", "qui", "que",
    "quoi", "the", "of", "and", "to", "in", "for", "on", "with", "by", "an", "est", "sont", "etre", "mettre", "place",
    "mise", "oeuvre", "actions", "action", "developper", "developpement", "favoriser", "renforcer", "accompagner"}


# -- overlaps ---------------------------------------------------------------------------------------------
def _tokens(text: str) -> list[str]:
    words = [w[:-1] if len(w) > 4 and w.endswith("s") else w for w in fold(text).split()]
    return [w for w in words if len(w) > 2 and w not in STOP_WORDS and not w.isdigit()]


def tfidf_matrix(texts: list[str]) -> np.ndarray:
    """Rows: L2-normalised TF-IDF vectors (smoothed idf) of the texts."""
    docs = [Counter(_tokens(t)) for t in texts]
    vocab: dict[str, int] = {}
    for d in docs:
        for w in d:
            vocab.setdefault(w, len(vocab))
    m = np.zeros((len(docs), max(1, len(vocab))), dtype=np.float32)
    for i, d in enumerate(docs):
        for w, n in d.items():
            m[i, vocab[w]] = 1 + np.log(n)
    df = (m > 0).sum(axis=0)
    m *= np.log((1 + len(docs)) / (1 + df)) + 1
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1
    return m / norms


def similarity_scores(actions: list[ActionInfo]) -> np.ndarray:
    """0.7 × cosine of the titles + 0.3 × cosine of title and description together."""
    titles = tfidf_matrix([a.title for a in actions])
    full = tfidf_matrix([f"{a.title} {a.description}" for a in actions])
    return 0.7 * (titles @ titles.T) + 0.3 * (full @ full.T)


def _plans_apart(a: ActionInfo, b: ActionInfo) -> tuple[str, str] | None:
    """A pair of different plans, one of each action, or None when they only share the same plans."""
    for pa in sorted(a.plans):
        for pb in sorted(b.plans):
            if pa != pb:
                return pa, pb
    return None


def plan_action_overlaps(graph: GraphSource, threshold: float = 0.5, kind: str = "all",
                         plan: str | None = None) -> pd.DataFrame:
    """(a) actions in several plans; (b) near-duplicate actions across plans (title and description
    similarity ≥ threshold); (c) actions of different plans with the same material category, lead or
    référentiel item. One row per pair, with the reason."""
    kinds = {"all": {"shared", "similar", "context"}}.get(kind, set(split_list(kind, ",")))
    unknown = kinds - {"shared", "similar", "context"}
    if unknown:
        raise QueryError(f"kind must be all, shared, similar or context (or a comma-separated list), not {kind!r}")
    actions = extract_actions(graph)
    rows: list[dict] = []

    def row(overlap, a, pa, b, pb, score, reason):
        if plan and plan not in (pa, pb):
            return
        rows.append({"overlap": overlap, "action_1": a.id, "title_1": a.title, "plan_1": pa, "action_2": b.id,
                     "title_2": b.title, "plan_2": pb, "score": round(float(score), 3), "reason": reason})

    if "shared" in kinds:
        for a in actions.values():
            for pa, pb in combinations(sorted(a.plans), 2):
                row("même action", a, pa, a, pb, 1.0,
                    f"la même fiche action figure dans {a.plans[pa]['name']} et {a.plans[pb]['name']}")
    ordered = sorted(actions.values(), key=lambda x: x.id)
    flagged: set[tuple[str, str]] = set()
    if "similar" in kinds and len(ordered) > 1:
        scores = similarity_scores(ordered)
        ii, jj = np.nonzero(np.triu(scores >= threshold, k=1))
        for i, j in zip(ii.tolist(), jj.tolist(), strict=True):
            a, b = ordered[i], ordered[j]
            apart = _plans_apart(a, b)
            if apart is None:
                continue
            flagged.add((a.id, b.id))
            row("quasi-doublon", a, apart[0], b, apart[1], scores[i, j],
                f"titres et descriptifs proches (similarité {scores[i, j]:.2f} ≥ {threshold})")
    if "context" in kinds:
        for overlap, a, pa, b, pb, label in _same_context(ordered):
            what = {"même catégorie de matière": "ciblent la catégorie", "même pilote": "sont pilotées par",
                    "même mesure du référentiel": "contribuent à"}[overlap]
            row(overlap, a, pa, b, pb, 1.0 if (a.id, b.id) in flagged else 0.0, f"les deux actions {what} {label}")
    df = pd.DataFrame(rows, columns=OVERLAP_COLUMNS)
    order = {"même action": 0, "quasi-doublon": 1}
    df["_o"] = df["overlap"].map(lambda o: order.get(o, 2))
    df = df.sort_values(["_o", "score", "action_1", "action_2"], ascending=[True, False, True, True])
    return df.drop(columns="_o").reset_index(drop=True)


def _same_context(ordered: list[ActionInfo]):
    """(overlap, a, plan of a, b, plan of b, label) for actions of different plans sharing a material
    category, a lead or a référentiel item; ``a`` comes before ``b`` in ``ordered``."""
    index = {a.id: i for i, a in enumerate(ordered)}
    groups: dict[tuple[str, str, str], list[ActionInfo]] = defaultdict(list)
    for a in ordered:
        for code, label in a.categories.items():
            groups[("même catégorie de matière", code, label)].append(a)
        for lid, name in a.leads.items():
            groups[("même pilote", lid, name or lid)].append(a)
        for mid, m in a.measures.items():
            label = f"{mid.replace('_', ' ')} {m['name'] or ''}".strip()
            groups[("même mesure du référentiel", mid, label)].append(a)
    for (overlap, _key, label), members in sorted(groups.items()):
        for a, b in combinations(members, 2):
            if index[a.id] > index[b.id]:
                a, b = b, a
            apart = _plans_apart(a, b)
            if apart is not None:
                yield overlap, a, apart[0], b, apart[1], label


# -- budgets ------------------------------------------------------------------------------------------------
def consolidated_budgets(graph: GraphSource, by: str = "all") -> pd.DataFrame:
    """Budgets € HT by plan, plan axis, référentiel axis, pillar, material category and funder; an action
    shared by plans is counted once, and ``double_counting_avoided`` shows how much adding up the plans
    separately would have counted twice."""
    dims = ["plan", "plan_axis", "referentiel_axis", "pillar", "category", "funder"]
    wanted = dims if by == "all" else split_list(by, ",")
    bad = set(wanted) - set(dims)
    if bad:
        raise QueryError(f"by must be all or among {', '.join(dims)}, not {by!r}")
    actions = extract_actions(graph)
    axis_names = reader(graph).referentiel_axes()
    rows = []
    for dim in wanted:
        groups: dict[str, dict] = {}
        for a in actions.values():
            budget, note = action_budget(a)
            for key, label, amount, naive in _memberships(a, dim, budget, axis_names):
                g = groups.setdefault(key, {"label": label, "actions": set(), "shared": set(), "budget": 0.0,
                                            "naive": 0.0, "notes": set()})
                g["actions"].add(a.id)
                if len(a.plans) > 1:
                    g["shared"].add(a.id)
                g["budget"] += amount or 0.0
                g["naive"] += naive or 0.0
                if note:
                    g["notes"].add(note)
        for key, g in sorted(groups.items(), key=lambda kv: -kv[1]["budget"]):
            shared = len(g["shared"])
            note = (f"{shared} action(s) partagée(s) entre plans comptée(s) une fois" if shared and dim != "plan"
                    else f"{shared} action(s) aussi dans d'autres plans" if shared else "")
            if g["notes"]:
                note = "; ".join([n for n in [note] if n] + sorted(g["notes"])[:2])
            rows.append({"dimension": dim, "key": key, "label": g["label"], "actions": len(g["actions"]),
                         "shared_actions": shared, "budget": round(g["budget"], 2),
                         "naive_budget": round(g["naive"], 2),
                         "double_counting_avoided": round(g["naive"] - g["budget"], 2), "note": note})
        # the dimension's total: every action once
        members = [a for a in actions.values() if any(True for _ in _memberships(a, dim, 0.0, axis_names))]
        if dim == "funder":
            total = sum(m[2] or 0 for a in members for m in _memberships(a, dim, 0.0, axis_names))
            naive = sum(m[3] or 0 for a in members for m in _memberships(a, dim, 0.0, axis_names))
        else:
            total = sum(action_budget(a)[0] or 0 for a in members)
            naive = sum(plan_budget(a, p) or 0 for a in members for p in a.plans)
        shared = sum(1 for a in members if len(a.plans) > 1)
        rows.append({"dimension": dim, "key": "*", "label": "Total (chaque action comptée une fois)",
                     "actions": len(members), "shared_actions": shared, "budget": round(total, 2),
                     "naive_budget": round(naive, 2), "double_counting_avoided": round(naive - total, 2),
                     "note": "somme des plans pris séparément dans naive_budget"})
    return pd.DataFrame(rows, columns=BUDGET_COLUMNS)


def _memberships(a: ActionInfo, dim: str, budget: float | None, axis_names: dict):
    """(group key, label, amount counted once, amount counted per plan) of an action in a dimension."""
    naive = sum(plan_budget(a, p) or 0 for p in a.plans) if budget is not None else None
    if dim == "plan":
        for p, info in a.plans.items():
            b = plan_budget(a, p)
            yield p, info["name"], b, b
    elif dim == "plan_axis":
        for key, label in a.plan_axes.items():
            b = plan_budget(a, key.split(":")[0]) if key.split(":")[0] in a.plans else budget
            yield key, label, b, b
    elif dim == "referentiel_axis":
        axes = {mid.split("_")[0] + "_" + mid.split("_")[1].split(".")[0] for mid in a.measures}
        for ax in sorted(axes):
            yield ax, f"{ax.replace('_', ' ')} {axis_names.get(ax, '')}".strip(), budget, naive
    elif dim == "pillar":
        for pid, name in a.pillars.items():
            yield pid, name, budget, naive
    elif dim == "category":
        for code, label in a.categories.items():
            yield code, label, budget, naive
    elif dim == "funder":
        for oid, f in a.funders.items():
            shares = [v for v in f["shares"].values() if v is not None]
            yield oid, f["name"], (max(shares) if shares else None), (sum(shares) if shares else None)


# -- référentiel coverage ---------------------------------------------------------------------------------
def referentiel_coverage(graph: GraphSource, level: int = 2, referentiel: str = "eci") -> pd.DataFrame:
    """For each axis (level 1) and orientation (level 2) of the référentiel: contributing actions, their
    statuses and plans, and the points their items could cover (each item once, not below a covered one)."""
    measures = {r["id"]: r for r in reader(graph).measures(referentiel)}
    actions = extract_actions(graph)
    rows = []
    for mid, m in sorted(measures.items(), key=lambda kv: [int(x) for x in kv[1]["number"].split(".")]):
        if m["level"] is None or m["level"] > level:
            continue
        prefix = m["number"] + "."
        contributing, items = [], set()
        for a in actions.values():
            hits = {x for x in a.measures if measures.get(x) and (measures[x]["number"] == m["number"]
                                                                  or measures[x]["number"].startswith(prefix))}
            if hits:
                contributing.append((a, hits))
                items |= hits
        potential = _points(items, measures, m)
        done_items = {x for a, hits in contributing if a.status == "done" for x in hits}
        done = _points(done_items, measures, m)
        rows.append({"measure": mid, "number": m["number"], "name": m["name"], "level": m["level"],
                     "points": m["points"], "actions": len(contributing),
                     "titles": sorted(a.title for a, _ in contributing),
                     "plans": sorted({p["name"] for a, _ in contributing for p in a.plans.values()}),
                     "statuses": _statuses(a.status for a, _ in contributing),
                     "points_potential": potential, "points_done": done,
                     "coverage": round(100 * potential / m["points"], 1) if m["points"] else None})
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def _statuses(statuses) -> str:
    """« en cours: 2, réalisé: 1 »: how many actions have each status, in French."""
    counts = sorted(Counter(statuses).items(), key=lambda kv: str(kv[0]))
    return ", ".join(f"{term('action_status', s, 'fr') if s else 'inconnu'}: {n}" for s, n in counts)


def _points(items: set[str], measures: dict, top: dict) -> float:
    numbers = {measures[x]["number"] for x in items}
    kept = [x for x in items if not any(measures[x]["number"].startswith(n + ".") for n in numbers)]
    total = sum(measures[x]["points"] or 0 for x in kept)
    return round(min(total, top["points"]) if top["points"] is not None else total, 2)


# -- plans against flows ------------------------------------------------------------------------------------
def plan_vs_flows(graph: GraphSource, min_share: float = 0.05, territory: str | None = None) -> pd.DataFrame:
    """Material categories with their diagnostic flows (per unit) and the actions that target them: large
    flows targeted, large flows no action targets, and actions on categories without diagnosed flows."""
    graph = reader(graph)
    flows = graph.flows(territory, must_exist=False)  # an unknown territory has no flows, as in the Cypher form
    labels = graph.category_labels()
    per: dict[tuple[str, str], dict] = {}
    for f in flows:
        if not f["category"] or f["quantity"] is None:
            continue
        g = per.setdefault((f["category"], f["unit"]), {"out": 0.0, "in": 0.0, "orgs": set()})
        g[f["direction"]] += f["quantity"]
        g["orgs"].add(f["id"])
    unit_total: dict[str, float] = defaultdict(float)
    for (_, unit), g in per.items():
        unit_total[unit] += g["out"] + g["in"]
    actions = extract_actions(graph)
    by_cat: dict[str, list[ActionInfo]] = defaultdict(list)
    for a in actions.values():
        for code in a.categories:
            by_cat[code].append(a)
    rows = []
    seen = set()
    for (cat, unit), g in per.items():
        seen.add(cat)
        share = (g["out"] + g["in"]) / unit_total[unit] if unit_total[unit] else 0.0
        large = share >= min_share
        acts = by_cat.get(cat, [])
        finding = ("flux important ciblé par des actions" if large and acts else
                   "flux important qu'aucune action ne cible" if large else
                   "flux secondaire ciblé par des actions" if acts else "flux secondaire sans action")
        rows.append(_flow_row(cat, labels, unit, g, share, large, acts, finding))
    for cat, acts in by_cat.items():
        if cat not in seen:
            rows.append(_flow_row(cat, labels, None, {"out": None, "in": None, "orgs": set()}, None, False, acts,
                                  "actions sans flux diagnostiqué"))
    df = pd.DataFrame(rows, columns=FLOW_COLUMNS)
    rank = {"flux important qu'aucune action ne cible": 0, "flux important ciblé par des actions": 1}
    df["_r"] = df["finding"].map(lambda f: rank.get(f, 2))
    return df.sort_values(["_r", "share"], ascending=[True, False], na_position="last").drop(columns="_r") \
        .reset_index(drop=True)


def _flow_row(cat, labels, unit, g, share, large, acts, finding) -> dict:
    budgets = [action_budget(a)[0] for a in acts]
    return {"category": cat, "label": labels.get(cat, cat), "unit": unit,
            "output_quantity": round(g["out"], 3) if g["out"] is not None else None,
            "input_quantity": round(g["in"], 3) if g["in"] is not None else None,
            "organisations": len(g["orgs"]), "share": round(share, 3) if share is not None else None,
            "large": large, "actions": len(acts), "action_titles": sorted(a.title for a in acts),
            "plans": sorted({p["name"] for a in acts for p in a.plans.values()}),
            "budget": round(sum(b for b in budgets if b is not None), 2) if acts else None, "finding": finding}

