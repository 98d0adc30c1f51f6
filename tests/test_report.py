"""The COPIL report in a real headless Chromium: it loads offline without error, its charts hold the
tonnages of the diagnostics, its labels do not overlap, hostile names stay text, and it speaks English
on request."""

from __future__ import annotations

import re
import time
from itertools import pairwise

import pytest
from browserhelpers import page_log

import eitgraph
from eitgraph.analytics.scope import scope
from eitgraph.report import build_report

XSS = '<img src=x onerror="window.__pwned=1">'
PETR = "PETR-THUR-DOLLER"


@pytest.fixture(scope="module")
def report_kb(new_kb):
    """The example plus a large producer with a hostile name in Thann (so it shows in the Sankey)."""
    kb = new_kb()
    kb.load_manifest(eitgraph.example_manifest())
    kb.cypher("MATCH (c:Territory {code: '68334'}) "
              "CREATE (o:Organisation:Company {id: 'hostile', name: $name, kind: 'company', lat: 47.81, lon: 7.10})"
              "-[:LOCATED_IN]->(c)", name=XSS)
    kb.cypher("MATCH (o:Organisation {id: 'hostile'}), (m:Material {code: '15 01 01'}) "
              "CREATE (o)-[:OUTPUTS {flow: 'x', label: $name, category: 'paper-cardboard', quantity: 90000.0, "
              "unit: 't/an', treatment: 'landfill'}]->(m)", name=XSS)
    return kb


def open_report(driver, html: str, folder) -> dict:
    path = folder / "rapport.html"
    path.write_text(html, encoding="utf-8")
    page_log(driver)  # drop what earlier pages logged
    driver.get(path.as_uri())
    deadline = time.monotonic() + 30
    while driver.execute_script("return document.readyState") != "complete":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return page_log(driver)


def tonnes(title: str) -> float:
    """The quantity at the end of a chart tooltip, « … : 12 345 t/an »."""
    number = re.search(r":\s*([\d\u202f\s,]+) t/an$", title)[1]
    return float(number.replace("\u202f", "").replace(" ", "").replace(",", "."))


def test_report_renders_offline_with_the_diagnosed_tonnages(browser, report_kb, tmp_path):
    log = open_report(browser, build_report(report_kb, territory=PETR), tmp_path)
    assert log["severe"] == [] and log["remote"] == []
    assert browser.execute_script("return window.__pwned") is None
    assert browser.find_element("css selector", "h1").text == "Rapport au comité de pilotage"
    outputs = [f for f in scope(report_kb, PETR).current_flows()       # without planned / potential shares
               if f["direction"] == "out" and f["unit"] == "t/an" and f["quantity"]]
    total = sum(f["quantity"] for f in outputs)
    # Bars: one per category; their totals add up to every output tonne.
    bars = browser.execute_script(
        "return [...document.querySelectorAll('svg.chart:not(.sankey)')[0].querySelectorAll('text')]"
        ".map(t => t.textContent.replace(' (barre coupée)', '')).filter(t => / t\\/an$/.test(t))")
    assert len(bars) == len({f["category"] for f in outputs})
    assert sum(tonnes(": " + b) for b in bars) == pytest.approx(total, abs=len(bars))
    # Sankey: the producer column holds every output tonne, and so does the destination column.
    nodes = browser.execute_script(
        "return [...document.querySelectorAll('svg.sankey rect')].map(r => ({x: +r.getAttribute('x'), "
        "title: r.querySelector('title').textContent}))")
    columns = sorted({n["x"] for n in nodes})
    assert len(columns) == 3
    for x in (columns[0], columns[2]):
        assert sum(tonnes(n["title"]) for n in nodes if n["x"] == x) == pytest.approx(total, rel=1e-3)
    assert any(n["title"].startswith(XSS) for n in nodes if n["x"] == columns[0])   # shown as text


def test_sankey_labels_do_not_overlap(browser, report_kb, tmp_path):
    open_report(browser, build_report(report_kb, territory=PETR), tmp_path)
    boxes = browser.execute_script(
        "return [...document.querySelectorAll('svg.sankey text')].map(t => { const b = t.getBBox();"
        " return {x: Math.round(+t.getAttribute('x')), anchor: t.getAttribute('text-anchor'), top: b.y,"
        " bottom: b.y + b.height}; })")
    by_column: dict[tuple, list] = {}
    for b in boxes:
        by_column.setdefault((b["x"], b["anchor"]), []).append(b)
    assert len(boxes) > 20
    for labels in by_column.values():
        labels.sort(key=lambda b: b["top"])
        for upper, lower in pairwise(labels):
            assert upper["bottom"] <= lower["top"] + 1, (upper, lower)


def test_report_in_english_and_for_every_territory(browser, report_kb, tmp_path):
    log = open_report(browser, build_report(report_kb, lang="en"), tmp_path)
    assert log["severe"] == []
    assert browser.find_element("css selector", "h1").text == "Steering committee report"
    headings = [h.text for h in browser.find_elements("css selector", "h2, h3")]
    assert "Roundput" in headings and "Data coverage" in headings and "Diagnosed outputs" in headings
    assert "Synergy leads" in headings and "Plan actions" in headings
    assert "all loaded territories" in browser.find_element("css selector", ".where").text


def test_report_without_tonnages_says_so(report_kb, new_kb, haut_rhin, tmp_path):
    kb = new_kb()
    kb.load("territory", haut_rhin, departement="68")
    path = tmp_path / "acteurs.csv"
    path.write_text("Raison sociale;Type d'acteur;Code INSEE\nSeule SA;Entreprise;68334\n", encoding="utf-8")
    kb.load("stakeholders", path)
    html = build_report(kb, territory="200036465")
    assert "Aucun flux sortant quantifié en tonnes" in html and "<svg" not in html


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_the_thur_doller_report_prints_on_at_most_4_a4_pages_with_key_figures_first(example_kb, browser, tmp_path):
    from selenium.webdriver.common.print_page_options import PrintOptions

    html = tmp_path / "rapport.html"
    example_kb.report(html, territory=PETR)
    pdf = example_kb.report(tmp_path / "rapport.pdf", territory=PETR)   # printed by headless Chromium
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-" and 1 <= page_count(data) <= 4, page_count(data)
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45]\.\d+ 841\.\d+", data)   # A4 portrait
    # The same through the DevTools print of the browser the tests drive, and page 1 holds the key figures.
    browser.get(html.as_uri())
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    import base64

    printed = base64.b64decode(browser.print_page(options))
    assert page_count(printed) <= 4
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        bottom = browser.execute_script("return document.querySelector('.tiles').getBoundingClientRect().bottom"
                                        " + window.scrollY")
        width = browser.execute_script("return document.querySelector('main').getBoundingClientRect().width")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert bottom < width * 277 / 188 / 2    # in the top half of the first page


def test_report_sections_leads_actions_loops_and_progress(report_kb, tmp_path):
    first = tmp_path / "mars.html"
    report_kb.report(first, territory=PETR)
    html = first.read_text(encoding="utf-8")
    assert "Pistes de synergie" in html and "Actions des plans" in html and 'class="chart loops-map"' in html
    assert 'id="report-data"' in html
    report_kb.cypher("MATCH (s:Synergy {id: 'S02'}) SET s.status = 'study'")
    try:
        again = report_kb.report(territory=PETR, previous=first)
    finally:
        report_kb.cypher("MATCH (s:Synergy {id: 'S02'}) SET s.status = 'idea'")
    assert "Depuis le rapport précédent" in again and "idée → étude" in again
    assert "depuis le rapport précédent" in again     # the key figures too
    assert again._repr_html_().startswith("<iframe")


def test_the_synergy_tonnage_leaves_ordinary_contracts_out(example_kb):
    v = example_kb.indicators(territory=PETR).set_index("code")["value"]
    assert 0 < v["exchanged_tonnage"] < v["existing_exchange_tonnage"]
    assert v["loops_existing"] <= v["loops"]
    if v["loops_existing"] == 0:
        assert v["ena_fci"] in (0, None)    # no loop of existing exchanges: nothing cycles


def test_cli_writes_a_pdf(example_kb, store_dir, tmp_path):
    from click.testing import CliRunner

    from eitgraph.cli import cli

    out = tmp_path / "rapport-copil.pdf"
    result = CliRunner().invoke(cli, ["--data-dir", str(store_dir), "--database", example_kb.config.database,
                                      "report", "--territory", PETR, "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:5] == b"%PDF-"
