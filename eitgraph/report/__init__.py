"""The COPIL report: one self-contained HTML page (French by default, English on request) with the
programme indicators, their definitions, the data coverage and two charts (output tonnage by category
and treatment; a Sankey diagram from producers through categories to destinations).

>>> import eitgraph                                                              # doctest: +SKIP
>>> with eitgraph.open() as kb:                                                  # doctest: +SKIP
...     write_report(kb, "rapport-copil.html", territory="PETR-THUR-DOLLER")
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from datetime import date
from html import escape
from pathlib import Path

from ..analytics.indicators import labelled
from ..graphread import GraphRead, GraphSource, reader
from ..present.chromium import print_pdf
from ..present.palette import TREATMENT_COLOURS, category_colour
from ..present.text import category_label, dataset_line, long_date, term, text, value
from ..version import __version__
from .charts import Link, sankey, stacked_bars
from .sections import actions_section, lead_rows, leads_section, loops_section, read_previous, report_data

TONNES = "t/an"
TOP_PRODUCERS = 12
# Indicator groups in reading order (titles and introductions: report.section.* and report.intro.*).
SECTIONS = ("roundput", "diversity", "cooperation", "locality", "network", "evaluation", "referentiel", "coverage")
KEY_FIGURES = ("actors_mobilised", "workshops", "participation_rate", "synergies.implemented", "companies_audited",
               "exchanged_tonnage", "loops", "loops_existing")


def say(lang: str, key: str, **fields) -> str:
    """A phrase of the report (``report.<key>``), escaped for HTML."""
    return escape(text(lang, f"report.{key}", **fields))


def _outputs(flows: list[dict]) -> list[dict]:
    """The outputs in tonnes among ``flows`` (the scope's current flows: see ``Scope.current_flows``)."""
    return [f for f in flows if f["direction"] == "out" and f["unit"] == TONNES and f["quantity"]]


def treatment_chart(flows: list[dict], lang: str) -> str:
    """Output tonnage per category, split by current treatment."""
    by_cat: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for f in _outputs(flows):
        by_cat[f["category"]][f["treatment"] or "unknown"] += f["quantity"]
    rows = sorted(by_cat.items(), key=lambda kv: -sum(kv[1].values()))
    return stacked_bars([(category_label(c, lang), dict(v)) for c, v in rows],
                        TREATMENT_COLOURS, fmt=lambda v: value(v, TONNES, lang),
                        segment_labels={k: term("treatment", k, lang) for k in TREATMENT_COLOURS},
                        cut_label=text(lang, "report.broken"))


def flow_sankey(flows: list[dict], names: dict[str, str], lang: str) -> str:
    """Producers (the largest ones, the rest grouped) → categories → destinations, in t/an."""
    outs = _outputs(flows)
    per_producer: dict[str, float] = defaultdict(float)
    for f in outs:
        per_producer[f["id"]] += f["quantity"]
    top = set(sorted(per_producer, key=lambda k: -per_producer[k])[:TOP_PRODUCERS])
    others = "p:others"
    links: dict[tuple[str, str, str], float] = defaultdict(float)
    for f in outs:
        producer = f"p:{f['id']}" if f["id"] in top else others
        cat, dest = f"c:{f['category']}", f"d:{f['treatment'] or 'unknown'}"
        links[(producer, cat, f["category"])] += f["quantity"]
        links[(cat, dest, f["category"])] += f["quantity"]
    labels = {f"p:{k}": names.get(k, k) for k in top}
    labels[others] = text(lang, "report.others")
    cats = {f["category"] for f in outs}
    dests = {f["treatment"] or "unknown" for f in outs}
    labels.update({f"c:{c}": category_label(c, lang) for c in cats})
    labels.update({f"d:{k}": term("treatment", k, lang) for k in TREATMENT_COLOURS})
    colours = {f"c:{c}": category_colour(c) for c in cats}
    colours.update({f"d:{k}": colour for k, colour in TREATMENT_COLOURS.items()})
    columns = [[f"p:{k}" for k in top] + ([others] if len(per_producer) > len(top) else []),
               [f"c:{c}" for c in cats], [f"d:{k}" for k in TREATMENT_COLOURS]]
    return sankey(columns, [Link(a, b, v, category_colour(c)) for (a, b, c), v in links.items()], labels,
                  fmt=lambda v: value(v, TONNES, lang), node_colours=colours,
                  height=max(460, 30 * max(len(columns[0]), len(cats), len(dests)) + 120))


def _table(rows, lang: str) -> str:
    body = "".join(
        f'<tr{" class=variant" if "." in r["code"] else ""}><td><span class="name">{escape(r["indicator"])}</span>'
        f'<span class="def">{escape(r["definition"])}</span></td>'
        f'<td class="num">{escape(value(r["value"], r["unit"], lang))}</td>'
        f'<td class="basis">{escape(r["basis"])}</td></tr>' for r in rows)
    head = "".join(f"<th>{h}</th>" for h in say(lang, "columns").split("|"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def build_report(graph: GraphSource, territory: str | None = None, lang: str = "fr",
                 today: date | None = None, previous: dict | None = None) -> str:
    """The report page as a string (see the module docstring); ``previous`` is what an earlier report
    carried (:func:`.sections.read_previous`), to show what moved since."""
    graph = reader(graph)
    s, rows = labelled(graph, territory, lang)
    by_code = {r["code"]: r for r in rows}
    before = (previous or {}).get("figures") or {}
    tiles = "".join(_tile(r, before.get(r["code"]), lang) for r in (by_code[c] for c in KEY_FIGURES if c in by_code))
    sections = []
    for key in SECTIONS:
        chosen = [r for r in rows if r["group_code"] == key]
        if chosen:
            sections.append(f'<section class="indicators"><h3>{say(lang, "section." + key)}</h3>'
                            f'<p class="intro">{say(lang, "intro." + key)}</p>{_table(chosen, lang)}'
                            "</section>")
    where = escape(s.name) if s.name else say(lang, "everywhere")
    if s.territory:
        where += f" ({escape(s.territory)})"
    leads = lead_rows(graph, s)
    work = (leads_section(leads, previous or {}, lang) + actions_section(graph, s, lang)
            + loops_section(graph, s, lang))
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{say(lang, "title")} – {where}</title><style>{_css()}</style></head><body><main>'
            f'<header><p class="kicker">{say(lang, "kicker")}</p><h1>{say(lang, "title")}</h1>'
            f'<p class="where">{where} – {escape(long_date(today or date.today(), lang))}</p></header>'
            f'<section class="tiles">{tiles}</section>{_charts(s, lang)}{work}'
            f'<section class="all-indicators"><h2>{say(lang, "indicators_title")}</h2>{"".join(sections)}</section>'
            f'{_footer(graph, lang)}'
            f'{report_data(leads, {c: by_code[c]["value"] for c in KEY_FIGURES if c in by_code})}'
            "</main></body></html>")


def _tile(r: dict, before, lang: str) -> str:
    since = ""
    if before is not None and r["value"] is not None and isinstance(before, (int, float)):
        delta = r["value"] - before
        shown = ("+" if delta > 0 else "") + value(delta, r["unit"], lang) if delta else "="
        since = f'<div class="since">{say(lang, "since", delta=shown)}</div>'
    return (f'<div class="tile"><div class="big">{escape(value(r["value"], r["unit"], lang))}</div>'
            f'<div>{escape(r["indicator"])}</div>{since}</div>')


def _css() -> str:
    return Path(__file__).with_name("report.css").read_text(encoding="utf-8")


def _charts(s, lang: str) -> str:
    current = s.current_flows()
    if not _outputs(current):
        return f'<section><p class="intro">{say(lang, "no_chart")}</p></section>'
    names = {k: o["name"] for k, o in s.organisations.items()}
    return (f'<section class="charts"><h2>{say(lang, "outputs")}</h2>'
            f'<h3>{say(lang, "bars")}</h3>{treatment_chart(current, lang)}'
            f'<h3>{say(lang, "sankey")}</h3>{flow_sankey(current, names, lang)}</section>')


def _footer(graph: GraphRead, lang: str) -> str:
    items = "".join(f"<li>{escape(dataset_line(d, lang))}</li>" for d in graph.datasets())
    return (f'<footer><h2>{say(lang, "sources")}</h2><ul>{items}</ul>'
            f'<p>{say(lang, "made_with")} {escape(__version__)}. {say(lang, "tonnage_note")}</p></footer>')


def write_report(graph: GraphSource, out: str | Path, territory: str | None = None, lang: str = "fr",
                 previous: str | Path | None = None) -> Path:
    """Write the report to ``out`` and return its path: a PDF (A4, printed by headless Chromium) when
    ``out`` ends in ``.pdf``, else the HTML page. ``previous`` is an earlier report (HTML), to show the
    progress of the synergy leads and key figures since."""
    out = Path(out)
    html = build_report(graph, territory=territory, lang=lang, previous=read_previous(previous))
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() != ".pdf":
        out.write_text(html, encoding="utf-8")
        return out
    with tempfile.TemporaryDirectory(prefix="eitgraph-report-") as tmp:
        page = Path(tmp) / "rapport.html"
        page.write_text(html, encoding="utf-8")
        return print_pdf(page, out)
