"""Maps in a real headless Chromium (Debian `chromium` + `chromium-driver`, see tests/install-browser.sh):
each view of the Thur Doller example loads with no JavaScript error and no network request, holds the
expected nodes, escapes hostile names, anonymises, and aggregates above the node budget."""

from __future__ import annotations

import os
import re
import struct
import time
from pathlib import Path

import pytest
from browserhelpers import CHROMEDRIVER, CHROMIUM, page_log
from click.testing import CliRunner

import eitgraph
from eitgraph.errors import QueryError
from eitgraph.maps import build_map, map_graph
from eitgraph.maps.png import screenshot

XSS = "<script>alert(1)</script>"
XSS_IMG = '<img src=x onerror="window.__pwned=1">'

needs_browser = pytest.mark.skipif(
    not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)),
    reason=f"Chromium is not installed ({CHROMIUM} and {CHROMEDRIVER}); run tests/install-browser.sh")


@pytest.fixture(scope="module")
def demo_kb(new_kb):
    """The Thur Doller example plus one organisation with a hostile name (and SIRET) exchanging with a pilot."""
    kb = new_kb()
    kb.load_manifest(eitgraph.example_manifest())
    kb.cypher("CREATE (o:Organisation:Company {id: 'hostile-name', name: $name, kind: 'company', "
              "siret: '12345678900017', filiere: 'Chimie', lat: 47.81, lon: 7.17})", name=XSS)
    kb.cypher("MATCH (a:Organisation {id: 'hostile-name'}), (b:Organisation {id: 'du-pont-de-nemours-cernay'}) "
              "CREATE (a)-[:SUPPLIES {material: 'x', label: $label, category: 'chemicals', quantity: 1234.5, "
              "unit: 't/an', status: 'potential'}]->(b)", label=XSS_IMG)
    return kb


def open_page(driver, html: str, folder: Path, name: str = "map.html", timeout: float = 30) -> dict:
    """Load a page from a file, wait until its layout is ready; return console errors and non-local requests."""
    path = folder / name
    path.write_text(html, encoding="utf-8")
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get_log("performance")
    driver.get(path.as_uri())
    deadline = time.monotonic() + timeout
    while not driver.execute_script("return !!(window.eitgraphMap && window.eitgraphMap.ready)"):
        assert time.monotonic() < deadline, "the map never became ready"
        time.sleep(0.05)
    return page_log(driver)


def page_nodes(driver) -> list[dict]:
    return driver.execute_script(
        "return window.eitgraphMap.network.body.data.nodes.get().map(function (n) {"
        "  return {id: n.id, label: n.fullLabel, shown: n.label, name: n.name, key: n.key || null,"
        "          hidden: !!n.hidden, f: n.f,"
        "          tip: n.title ? n.title.textContent : ''}; })")


def visible(driver) -> list[dict]:
    return [n for n in page_nodes(driver) if not n["hidden"]]


def assert_clean(result):
    assert result["severe"] == [], result["severe"]
    assert result["remote"] == [], result["remote"]
    assert any(u.startswith("file:") for u in result["requests"])  # the performance log does record requests


VIEWS = [("ecosystem", {}), ("ecosystem", {"geo": True}), ("loops", {}), ("synergies", {}),
         ("material", {"category": "wood"}), ("material:paper-cardboard", {"geo": True}),
         ("ecosystem", {"territory": "200036465"}), ("loops", {"territory": "PETR-THUR-DOLLER", "lang": "en"}),
         ("synergies", {"anonymize": True, "geo": True}), ("plans", {}), ("plans", {"category": "organic"})]


@pytest.mark.parametrize(("view", "options"), VIEWS, ids=[f"{v}-{'-'.join(map(str, o.values())) or 'default'}"
                                                          for v, o in VIEWS])
def test_each_view_renders_offline_without_error(browser, demo_kb, tmp_path, view, options):
    html = build_map(demo_kb, view, **options)
    result = open_page(browser, html, tmp_path)
    assert_clean(result)
    g = map_graph(demo_kb, view, options.get("territory"), options.get("category"),
                  anonymize=options.get("anonymize", False))
    nodes = page_nodes(browser)
    assert len(nodes) == len(g.nodes) > 0
    assert sorted(n["name"] for n in nodes) == sorted(
        (f"{n.label} · {n.attrs['title']}" if n.role == "synergy" else n.label) for n in g.nodes.values())
    edges = browser.execute_script("return window.eitgraphMap.network.body.data.edges.get().length")
    assert edges == len(g.edges)


def test_ecosystem_holds_every_organisation_with_facts(browser, demo_kb, tmp_path):
    assert_clean(open_page(browser, build_map(demo_kb), tmp_path))
    nodes = {n["key"]: n for n in page_nodes(browser)}
    orgs = demo_kb.cypher("MATCH (o:Organisation) RETURN o.id AS id, o.name AS name")
    assert set(nodes) == set(orgs["id"])
    dupont = nodes["du-pont-de-nemours-cernay"]
    assert "Du Pont de Nemours" in dupont["name"]
    assert "Entreprise" in dupont["tip"] and "Cernay" in dupont["tip"]
    assert dupont["f"]["kind"] == "company" and "chemicals" in dupont["f"]["category"]
    title = browser.find_element("id", "map-title").text
    assert title == "Écosystème EIT : acteurs et échanges"
    footer = browser.find_element("tag name", "footer").get_attribute("textContent")  # folded by default
    assert "acteurs.csv" in footer and "diagnostics.csv" in footer  # data sources = Dataset nodes
    legend = browser.find_element("id", "legend").text
    assert "Entreprise" in legend and "Bois" in legend and "échange potentiel" in legend


def test_hostile_names_show_as_text_and_run_nothing(browser, demo_kb, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException

    html = build_map(demo_kb)
    assert XSS not in html and "<img" not in html  # only ever JSON-escaped inside the data block
    assert_clean(open_page(browser, html, tmp_path))
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert  # noqa: B018 (the property raises when no alert is open)
    assert browser.execute_script("return window.__pwned === undefined")
    assert browser.execute_script("return document.scripts.length") == 3  # data, vis-network, page script
    assert browser.execute_script("return document.images.length") == 0
    hostile = [n for n in page_nodes(browser) if n["key"] == "hostile-name"]
    assert len(hostile) == 1 and XSS in hostile[0]["label"] and hostile[0]["name"] == XSS
    assert XSS in hostile[0]["tip"]
    tip = browser.execute_script(
        "var e = window.eitgraphMap.edges.get().filter(function (e) {"
        "  return e.name && e.name.indexOf('onerror') >= 0; });"
        "return e.length ? e[0].title.textContent : null")
    assert tip is not None and XSS_IMG in tip
    # Search finds it by its literal name, and the search list holds it as a value, not markup.
    assert len(browser.execute_script("return window.eitgraphMap.search(arguments[0])", "<script>")) == 1
    values = browser.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('#search-list option'), o => o.value)")
    assert XSS in values


def test_search_and_filter_menus(browser, demo_kb, tmp_path):
    assert_clean(open_page(browser, build_map(demo_kb), tmp_path))
    found = browser.execute_script("return window.eitgraphMap.search('emmaus')")  # accents folded
    assert len(found) == 1
    assert "1 résultat" in browser.find_element("id", "search-result").text
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", "filter-category")).select_by_value("wood")
    shown = visible(browser)
    assert 0 < len(shown) < len(page_nodes(browser))
    assert all("wood" in n["f"]["category"] for n in shown)
    browser.find_element("id", "reset").click()
    assert len(visible(browser)) == len(page_nodes(browser))
    Select(browser.find_element("id", "filter-kind")).select_by_value("waste_operator")
    assert {n["f"]["kind"] for n in visible(browser)} == {"waste_operator"}


def test_loops_are_selectable_one_by_one(browser, demo_kb, tmp_path):
    assert_clean(open_page(browser, build_map(demo_kb, "loops"), tmp_path))
    loops = demo_kb.query("circular-loops")
    from selenium.webdriver.support.ui import Select

    menu = Select(browser.find_element("id", "filter-loop"))
    assert len(menu.options) == len(loops) + 1  # "all loops" first
    for row in loops.itertuples():
        menu.select_by_value(str(row.loop))
        assert sorted(n["key"] for n in visible(browser)) == sorted(row.members)
    assert "Boucle 1 (2 acteurs)" in menu.options[1].text


def test_anonymized_map_names_no_company_and_bands_quantities(browser, demo_kb, tmp_path):
    html = build_map(demo_kb, anonymize=True)
    companies = demo_kb.cypher("MATCH (o:Organisation) WHERE o.kind IN ['company', 'waste_operator', 'ess'] "
                               "RETURN o.id AS id, o.name AS name")
    plain = html.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
    for name in companies["name"]:
        assert name not in plain, name
    for oid in companies["id"]:
        assert f'"{oid}"' not in plain, oid
    assert "12345678900017" not in plain and "1\u202f234,5" not in plain and "1234.5" not in plain
    assert "Carte anonymisée" in plain
    assert_clean(open_page(browser, html, tmp_path))
    nodes = page_nodes(browser)
    names = {n["name"] for n in nodes}
    assert not names & set(companies["name"])
    assert all(n["key"] is None for n in nodes)
    assert "Entreprise chimie A" in names and "Entreprise mécanique B" in names
    assert "Syndicat Mixte de Thann-Cernay (SMTC)" in names  # public bodies keep their names
    tips = " ".join(browser.execute_script("return window.eitgraphMap.edges.get().map(e => e.title.textContent)"))
    assert "1\u202f000 – 10\u202f000 t/an" in tips  # the hostile organisation's 1 234.5 t/an, as a band
    # The same company has the same alias on another view.
    loops_html = build_map(demo_kb, "loops", anonymize=True)
    assert "Entreprise agroalimentaire" in loops_html and "Grandes Sources" not in loops_html


def test_node_budget_aggregates_and_says_so(browser, demo_kb, tmp_path):
    html = build_map(demo_kb, max_nodes=12)
    result = open_page(browser, html, tmp_path)
    assert_clean(result)
    nodes = page_nodes(browser)
    assert 0 < len(nodes) <= 12
    note = browser.find_element("id", "notes").text
    assert "Carte agrégée par EPCI" in note and "budget de 12 nœuds" in note
    assert any("CC de Thann-Cernay" in n["name"] for n in nodes)
    by_commune = build_map(demo_kb, aggregate_by="commune", lang="en")
    assert_clean(open_page(browser, by_commune, tmp_path, "commune.html"))
    assert "Map aggregated by commune: each node" in browser.find_element("id", "notes").text
    assert any(n["name"] == "Cernay" for n in page_nodes(browser))


def test_page_is_self_contained(demo_kb):
    html = build_map(demo_kb, geo=True)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.IGNORECASE)
    assert not re.search(r"<link\b|@import|cdnjs|jsdelivr|unpkg|bootstrap", html, re.IGNORECASE)
    assert "Content-Security-Policy" in html
    assert len(html.encode()) < 2_000_000


def test_errors_name_the_problem(demo_kb):
    with pytest.raises(QueryError, match="unknown map view"):
        build_map(demo_kb, "hairball")
    with pytest.raises(QueryError, match="needs a category"):
        build_map(demo_kb, "material")
    with pytest.raises(QueryError, match="unknown category"):
        build_map(demo_kb, "material", category="unobtainium")
    with pytest.raises(QueryError, match="matches no territory"):
        build_map(demo_kb, territory="99999")
    with pytest.raises(QueryError, match="lang"):
        build_map(demo_kb, lang="de")


def test_kb_map_and_cli_write_html_and_png(demo_kb, store_dir, tmp_path):
    out = demo_kb.map("synergies", out=tmp_path / "kb.html", lang="en")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "Synergy leads" in demo_kb.map("synergies", lang="en")
    from eitgraph.cli import cli

    html, png = tmp_path / "boucles.html", tmp_path / "boucles.png"
    result = CliRunner().invoke(cli, ["--data-dir", str(store_dir), "--database", demo_kb.config.database, "map",
                                      "--view", "loops", "--territory", "PETR-THUR-DOLLER", "--out", str(html),
                                      *(["--png", str(png)] if os.access(CHROMIUM, os.X_OK) else [])],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Boucles circulaires" in html.read_text(encoding="utf-8")
    if os.access(CHROMIUM, os.X_OK):
        head = png.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", head[16:24]) == (1920, 1080)
    bad = CliRunner().invoke(cli, ["--data-dir", str(store_dir), "--database", demo_kb.config.database, "map",
                                   "--view", "hairball", "--out", str(tmp_path / "p.html")])
    assert bad.exit_code == 1 and "unknown map view 'hairball'" in bad.output and "Traceback" not in bad.output


def test_plans_view_highlights_shared_actions(demo_kb):
    g = map_graph(demo_kb, "plans", None, None)
    shared = demo_kb.cypher("MATCH (a:Action)-[:IN_PLAN]->(p:Plan) WITH a, count(p) AS n WHERE n > 1 "
                            "RETURN a.id AS id")
    highlighted = {n.id.removeprefix("action:") for n in g.nodes.values() if n.kind == "action_shared"}
    assert highlighted == set(shared["id"]) and highlighted
    plans = {n.id for n in g.nodes.values() if n.role == "plan"}
    assert len(plans) == 7
    in_plan = [e for e in g.edges if e.role == "in_plan"]
    assert len(in_plan) == demo_kb.cypher("MATCH (:Action)-[r:IN_PLAN]->(:Plan) RETURN count(r) AS n")["n"][0]
    leads = {(e.source, e.target) for e in g.edges if e.role == "lead"}
    assert len(leads) == demo_kb.cypher("MATCH (:Organisation)-[r:LEADS]->(:Action) RETURN count(r) AS n")["n"][0]


@needs_browser
def test_png_of_a_page(demo_kb, tmp_path):
    page = tmp_path / "eco.html"
    page.write_text(build_map(demo_kb, geo=True), encoding="utf-8")
    png = screenshot(page, tmp_path / "eco.png", width=1280, height=720)
    assert struct.unpack(">II", png.read_bytes()[16:24]) == (1280, 720)
