"""The COPIL report's sections about the work itself: the synergy leads (status, theme, partners and the
progress since a previous report), the plan actions (status, budget, lead) and a static map of the loops
of exchanges. A report carries its own figures in a JSON block, so that the next one can say what moved.

>>> previous_figures("<html><script type='application/json' id='report-data'>{\\"leads\\": {\\"S1\\": \\"idea\\"}}"
...                  "</script></html>")
{'leads': {'S1': 'idea'}}
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from html import escape
from pathlib import Path

import networkx as nx

from ..analytics.circular import loops_of
from ..analytics.scope import Scope
from ..graphread import GraphRead
from ..present.palette import category_colour, kind_colour, synergy_status_colour
from ..present.text import number, term, text

TOP_ACTIONS = 12
STATUS_ORDER = ("implemented", "study", "idea", "abandoned")


def say(lang: str, key: str, **fields) -> str:
    return escape(text(lang, f"report.{key}", **fields))


def previous_figures(html: str) -> dict:
    """The figures a previous report carried (``{}`` when it carried none)."""
    found = re.search(r"<script[^>]*id=['\"]report-data['\"][^>]*>(.*?)</script>", html, re.S)
    try:
        return json.loads(found[1]) if found else {}
    except json.JSONDecodeError:
        return {}


def read_previous(path: str | Path | None) -> dict:
    return previous_figures(Path(path).read_text(encoding="utf-8")) if path else {}


def report_data(leads: list[dict], figures: dict) -> str:
    """The JSON block the next report reads (statuses of the leads, key figures)."""
    data = {"leads": {x["id"]: x["status"] for x in leads}, "figures": figures}
    body = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return f'<script type="application/json" id="report-data">{body}</script>'


def lead_rows(graph: GraphRead, s: Scope) -> list[dict]:
    """The leads an actor of the territory takes part in, with their parties' names and roles."""
    names = {k: o["name"] or k for k, o in s.organisations.items()}
    parties: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for p in s.all_parties:
        parties[p["synergy"]].append((names.get(p["org"], p["org"]), p["role"]))
    mine = {p["synergy"] for p in s.parties}
    rows = [{**x, "parties": parties[x["id"]]} for x in graph.synergies() if x["id"] in mine]
    return sorted(rows, key=lambda x: (STATUS_ORDER.index(x["status"]) if x["status"] in STATUS_ORDER else 9,
                                       x["id"]))


def leads_section(rows: list[dict], previous: dict, lang: str) -> str:
    before = previous.get("leads") or {}
    counts = Counter(x["status"] for x in rows)
    summary = ", ".join(f"{counts[k]} {term('synergy_status', k, lang)}" for k in STATUS_ORDER if counts[k])
    body = []
    for x in rows:
        chip = (f'<span class="chip" style="background:{synergy_status_colour(x["status"])}"></span>'
                f'{escape(term("synergy_status", x["status"], lang))}')
        was = before.get(x["id"])
        if before:
            now = escape(term("synergy_status", x["status"], lang))
            moved = (say(lang, "lead_new") if was is None else "=" if was == x["status"]
                     else f"{escape(term('synergy_status', was, lang))} → {now}")
        else:
            moved = ""
        who = "; ".join(f"{n} ({term('role', r, lang)})" if r else n for n, r in x["parties"][:3])
        if len(x["parties"]) > 3:
            who += f" … (+{len(x['parties']) - 3})"
        body.append(f'<tr><td class="id">{escape(x["id"])}</td><td><b>{escape(x["title"] or "")}</b>'
                    f'<span class="def">{escape(x["theme"] or "")} · {escape(term("synergy_type", x["type"], lang))}'
                    f'</span></td><td class="status">{chip}</td><td class="who">{escape(who)}</td>'
                    f'{"<td>" + moved + "</td>" if before else ""}</tr>')
    head = say(lang, "leads_columns").split("|")
    if not before:
        head = head[:-1]
    return (f'<section class="leads"><h2>{say(lang, "leads_title")}</h2><p class="intro">{escape(summary)}'
            f'{". " + say(lang, "leads_since") if before else ""}</p>'
            f'<table class="compact"><thead><tr>{"".join(f"<th>{h}</th>" for h in head)}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></section>')


def actions_section(graph: GraphRead, s: Scope, lang: str) -> str:
    """The actions an actor of the territory leads, partners or funds (every action without a territory)."""
    facts = graph.plan_facts()
    plans = {p["id"]: p["name"] or p["id"] for p in graph.plans()}
    stake = defaultdict(set)
    for r in graph.action_stakeholders():
        stake[r["action"]].add(r["org"])
    leads = defaultdict(list)
    for r in facts.leads:
        leads[r["id"]].append(r["name"] or r["lead"])
    actions = [a for a in graph.plan_actions() if not s.territory or stake[a["id"]] & s.actors]
    if not actions:
        return ""
    actions.sort(key=lambda a: (-(a["budget"] or 0), a["title"] or ""))
    statuses = Counter(a["status"] for a in actions)
    summary = ", ".join(f"{n} {term('action_status', k, lang)}" for k, n in statuses.most_common() if k)
    total = sum(a["budget"] or 0 for a in actions)
    rows = "".join(
        f'<tr><td><b>{escape(a["title"] or a["id"])}</b>'
        f'<span class="def">{escape(", ".join(plans.get(p, p) for p in a["plans"]))}'
        f'{" · " + say(lang, "shared_action", n=len(a["plans"])) if len(a["plans"]) > 1 else ""}</span></td>'
        f'<td>{escape(term("action_status", a["status"], lang))}</td>'
        f'<td class="num">{escape(number(a["budget"], lang)) if a["budget"] else "—"}</td>'
        f'<td class="who">{escape(", ".join(leads[a["id"]][:2]) or "—")}</td></tr>' for a in actions[:TOP_ACTIONS])
    rest = actions[TOP_ACTIONS:]
    if rest:
        rows += (f'<tr class="others"><td colspan="2">{say(lang, "other_actions", n=len(rest))}</td><td class="num">'
                 f'{escape(number(sum(a["budget"] or 0 for a in rest), lang))}</td><td></td></tr>')
    head = "".join(f"<th>{h}</th>" for h in say(lang, "actions_columns").split("|"))
    return (f'<section class="actions"><h2>{say(lang, "actions_title")}</h2><p class="intro">'
            f'{say(lang, "actions_intro", n=len(actions), budget=number(total, lang))} {escape(summary)}.</p>'
            f'<table class="compact"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>')


def loops_section(graph: GraphRead, s: Scope, lang: str) -> str:
    """A static map of the loops of exchanges of the territory (SVG: prints, opens offline)."""
    edges = s.network()
    loops = loops_of(graph, edges)
    if loops.empty:
        return (f'<section class="loops"><h2>{say(lang, "loops_title")}</h2>'
                f'<p class="intro">{say(lang, "no_loops")}</p></section>')
    members = {m for ms in loops["members"] for m in ms}
    steps = {(m[k], m[(k + 1) % len(m)]) for m in loops["members"] for k in range(len(m))}
    along = [e for e in edges if (e["source"], e["target"]) in steps]
    existing = sum(1 for st in loops["statuses"] if set(st) == {"existing"})
    svg = loops_svg(members, along, s, lang)
    return (f'<section class="loops"><h2>{say(lang, "loops_title")}</h2><p class="intro">'
            f'{say(lang, "loops_intro", n=len(loops), existing=existing)}</p>{svg}</section>')


def loops_svg(members: set[str], edges: list[dict], s: Scope, lang: str, width: int = 760, height: int = 360) -> str:
    g = nx.Graph()
    g.add_nodes_from(sorted(members))
    g.add_edges_from((e["source"], e["target"]) for e in edges)
    pos = nx.kamada_kawai_layout(g) if len(g) > 2 else nx.circular_layout(g)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    pad = 70

    def at(node):
        x, y = pos[node]
        return (pad + 60 + (x - min(xs)) / ((max(xs) - min(xs)) or 1) * (width - 2 * pad - 120),
                pad / 2 + (y - min(ys)) / ((max(ys) - min(ys)) or 1) * (height - pad))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart loops-map" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" '
           'refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
           'fill="#555"/></marker></defs>']
    seen = Counter()
    for e in sorted(edges, key=lambda e: (e["source"], e["target"], e["material"] or "")):
        (x0, y0), (x1, y1) = at(e["source"]), at(e["target"])
        k = seen[(e["source"], e["target"])]
        seen[(e["source"], e["target"])] += 1
        length = math.hypot(x1 - x0, y1 - y0) or 1
        bend = 0.18 + 0.1 * k  # two-way exchanges curve apart
        cx, cy = (x0 + x1) / 2 - (y1 - y0) * bend, (y0 + y1) / 2 + (x1 - x0) * bend
        shrink = 14 / length
        x1s, y1s = x1 - (x1 - cx) * shrink * 1.2, y1 - (y1 - cy) * shrink * 1.2
        dash = "" if e["status"] == "existing" else ' stroke-dasharray="6 5"'
        label = f"{e['label'] or e['material']} – {text(lang, e['status'] or 'existing')}"
        out.append(f'<path d="M{x0:.1f},{y0:.1f} Q{cx:.1f},{cy:.1f} {x1s:.1f},{y1s:.1f}" fill="none" '
                   f'stroke="{category_colour(e["category"])}" stroke-width="3"{dash} marker-end="url(#arrow)">'
                   f'<title>{escape(label)}</title></path>')
    for node in sorted(members):
        x, y = at(node)
        org = s.organisations.get(node) or {}
        name = org.get("name") or node
        short = name if len(name) <= 26 else name[:25] + "…"
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{kind_colour(org.get("kind") or "other")}" '
                   f'stroke="#222"><title>{escape(name)}</title></circle>'
                   f'<text x="{x:.1f}" y="{y - 13:.1f}" font-size="12" text-anchor="middle" paint-order="stroke" '
                   f'stroke="#fff" stroke-width="3">{escape(short)}</text>')
    legend_y = height - 8
    out.append(f'<line x1="10" y1="{legend_y - 4}" x2="44" y2="{legend_y - 4}" stroke="#555" stroke-width="3"/>'
               f'<text x="50" y="{legend_y}" font-size="12">{escape(text(lang, "existing"))}</text>'
               f'<line x1="200" y1="{legend_y - 4}" x2="234" y2="{legend_y - 4}" stroke="#555" stroke-width="3" '
               f'stroke-dasharray="6 5"/><text x="240" y="{legend_y}" font-size="12">'
               f'{escape(text(lang, "potential"))} / {escape(text(lang, "planned"))}</text></svg>')
    return "".join(out)
