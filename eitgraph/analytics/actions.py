"""The actions of the loaded plans, assembled once from the read side's plan facts: each action (and
sous-action) with its plans, leads, categories, référentiel measures and pillars, funders and top-level
axes; and the budget of an action counted once.

A sous-action's budget is its own; when its parent action has a budget, the parent's is taken to include
it, so the sous-action's budget is not added again (``within_parent``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..graphread import GraphSource, PlanFacts, reader
from ..present.text import number


@dataclass
class ActionInfo:
    id: str
    title: str
    description: str = ""
    status: str | None = None
    budget: float | None = None
    plans: dict[str, dict] = field(default_factory=dict)  # plan id -> {name, budget, status}
    leads: dict[str, str] = field(default_factory=dict)  # id -> name (organisations and services)
    categories: dict[str, str] = field(default_factory=dict)
    measures: dict[str, dict] = field(default_factory=dict)  # référentiel items: id -> {name, number}
    pillars: dict[str, str] = field(default_factory=dict)
    funders: dict[str, dict] = field(default_factory=dict)  # org id -> {name, shares: {plan: share}}
    plan_axes: dict[str, str] = field(default_factory=dict)  # top-level axis id -> label
    parent: str | None = None  # a sous-action's action
    within_parent: bool = False  # a sous-action whose budget its parent's budget already counts


def extract_actions(graph: GraphSource) -> dict[str, ActionInfo]:
    """Every action with its plans, leads, categories, measures, pillars, funders and axes."""
    facts = reader(graph).plan_facts()
    out: dict[str, ActionInfo] = {}
    for r in facts.in_plans:
        a = out.get(r["id"])
        if a is None:
            a = out[r["id"]] = ActionInfo(r["id"], r["title"], r["description"] or "", r["status"], r["budget"],
                                          parent=r["parent"])
        a.plans[r["plan"]] = {"name": r["plan_name"], "budget": r["plan_budget"], "status": r["plan_status"]}
    for r in facts.leads:
        if r["id"] in out:
            out[r["id"]].leads[r["lead"]] = r["name"]
    for r in facts.categories:
        if r["id"] in out:
            out[r["id"]].categories[r["code"]] = r["label"] or r["code"]
    for r in facts.measures:
        if r["id"] not in out:
            continue
        if r["kind"] == "pillar":
            out[r["id"]].pillars[r["measure"]] = r["name"]
        else:
            out[r["id"]].measures[r["measure"]] = {"name": r["name"], "number": r["number"]}
    _pillars_of_measures(out, facts)
    for r in facts.funders:
        if r["id"] in out:
            f = out[r["id"]].funders.setdefault(r["org"], {"name": r["name"], "shares": {}})
            f["shares"][r["plan"]] = r["share"]
    _top_axes(out, facts)
    for a in out.values():
        parent = out.get(a.parent) if a.parent else None
        a.within_parent = parent is not None and action_budget(parent)[0] is not None
    return out


def _pillars_of_measures(out: dict[str, ActionInfo], facts: PlanFacts) -> None:
    """An action serves the pillar of the closest référentiel item above each of its measures."""
    pillar_of = {r["m"]: (r["p"], r["name"]) for r in facts.pillar_of}
    for a in out.values():
        for mid in a.measures:
            prefix, _, num = mid.partition("_")
            parts = num.split(".")
            for i in range(len(parts), 0, -1):
                hit = pillar_of.get(f"{prefix}_{'.'.join(parts[:i])}")
                if hit:
                    a.pillars.setdefault(hit[0], hit[1])
                    break


def _top_axes(out: dict[str, ActionInfo], facts: PlanFacts) -> None:
    axes = {r["id"]: r for r in facts.axes}
    for r in facts.under:
        if r["id"] in out:
            top = axes.get(r["axis"].split("/")[0])  # a sub-axis id starts with its axis's
            if top:
                out[r["id"]].plan_axes[top["id"]] = f"{top['plan']} — {(top['name'] or '').strip()}"


def action_budget(a: ActionInfo) -> tuple[float | None, str]:
    """The action's budget counted once: the largest figure its plans give, else the sum of its funders;
    nothing for a sous-action its parent's budget already counts."""
    if a.within_parent:
        return None, "budget compté dans celui de l'action parente"
    figures = [p["budget"] for p in a.plans.values() if p["budget"] is not None]
    if a.budget is not None:
        figures.append(a.budget)
    if figures:
        distinct = sorted(set(figures))
        shown = ", ".join(number(x, "fr", 0) for x in distinct)
        note = "" if len(distinct) <= 1 else f"budgets différents selon les plans ({shown}), le plus élevé est retenu"
        return max(figures), note
    shares = [max(v for v in f["shares"].values() if v is not None) for f in a.funders.values()
              if any(v is not None for v in f["shares"].values())]
    if shares:
        return sum(shares), "pas de budget total : somme des financements"
    return None, ""


def plan_budget(a: ActionInfo, plan: str) -> float | None:
    if a.within_parent:
        return None
    b = a.plans[plan]["budget"]
    return b if b is not None else action_budget(a)[0]


