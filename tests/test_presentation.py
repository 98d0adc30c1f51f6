"""Maps for a meeting room, in a real headless Chromium: the legend shows the shapes and colours the map
draws (every view), labels are at least 14 px at 1024×768 at the default zoom, the ecosystem view groups
actors above 40 nodes and opens a group on click, presentation mode folds the panels, the plans view
shows roles and makes shared actions stand out, the still image has no controls, and a 2,000-node map
settles within 5 s."""

from __future__ import annotations

import random
import struct

import pytest
from test_maps import assert_clean, demo_kb, open_page  # noqa: F401 (the module's example fixture)

from eitgraph.analytics.viewgraph import MapEdge, MapGraph, MapNode
from eitgraph.maps import build_map, map_graph
from eitgraph.maps.png import screenshot
from eitgraph.maps.render import PageOptions, build_page

VIEWS = [("ecosystem", {}), ("ecosystem", {"geo": True}), ("loops", {}), ("synergies", {}), ("plans", {}),
         ("material", {"category": "wood"}), ("ecosystem", {"aggregate_by": "category"})]

DRAWN = """
var net = window.eitgraphMap.network, out = [];
Object.keys(net.body.nodes).forEach(function (id) {
  var n = net.body.nodes[id];
  if (!n.options.hidden && net.body.nodeIndices.indexOf(id) >= 0) {
    out.push([n.options.shape, n.options.color.background.toLowerCase(), !!n.options.shapeProperties.borderDashes]);
  }
});
return out;"""
LEGEND = ("return [...document.querySelectorAll('#legend .legend-item')].map(li => [li.dataset.shape, "
          "li.dataset.colour.toLowerCase()])")


@pytest.fixture()
def small_window(browser):
    browser.set_window_size(1024, 768)
    yield browser
    browser.set_window_size(1600, 1000)


@pytest.mark.parametrize(("view", "options"), VIEWS, ids=[f"{v}-{'-'.join(map(str, o.values())) or 'default'}"
                                                          for v, o in VIEWS])
def test_the_legend_shows_what_the_map_draws(browser, demo_kb, tmp_path, view, options):  # noqa: F811
    assert_clean(open_page(browser, build_map(demo_kb, view, **options), tmp_path))
    drawn = {(shape, colour) for shape, colour, _ in browser.execute_script(DRAWN)}
    legend = {tuple(x) for x in browser.execute_script(LEGEND)}
    assert drawn and drawn <= legend, drawn - legend
    if any(dashed for _, _, dashed in browser.execute_script(DRAWN)):
        assert browser.execute_script("return !!document.querySelector('#legend [data-colour=\"#ffffff\"]')")
    edge_colours = set(browser.execute_script(
        "return window.eitgraphMap.edges.get().map(e => e.color.color.toLowerCase())"))
    line_colours = {c for s, c in legend if s == "line"}
    assert edge_colours <= line_colours | {"#333333"}, edge_colours - line_colours


@pytest.mark.parametrize("view", ["ecosystem", "plans", "loops", "synergies"])
def test_labels_are_at_least_14px_at_1024x768(small_window, demo_kb, tmp_path, view):  # noqa: F811
    assert_clean(open_page(small_window, build_map(demo_kb, view, presentation=True), tmp_path))
    sizes = small_window.execute_script(
        "var net = window.eitgraphMap.network, s = net.getScale(), out = [];"
        "net.body.nodeIndices.forEach(function (id) { var n = net.body.nodes[id];"
        "  if (n.options.label && !n.options.hidden) out.push(n.options.font.size * s); });"
        "net.body.edgeIndices.forEach(function (id) { var e = net.body.edges[id];"
        "  if (e.options.label && !e.options.hidden) out.push(e.options.font.size * s); });"
        "return out;")
    assert sizes and min(sizes) >= 14 - 1e-6, min(sizes)


def test_ecosystem_above_40_nodes_groups_actors_and_opens_a_group_on_click(browser, demo_kb, tmp_path):  # noqa: F811
    g = map_graph(demo_kb, "ecosystem")
    assert len(g.nodes) > 40
    assert_clean(open_page(browser, build_map(demo_kb, "ecosystem"), tmp_path))
    clusters = browser.execute_script(
        "var net = window.eitgraphMap.network; return net.body.nodeIndices.filter(id => net.isCluster(id))")
    assert clusters and browser.execute_script("return window.eitgraphMap.groupedBy") == "commune"
    shown = browser.execute_script("return window.eitgraphMap.network.body.nodeIndices.length")
    assert shown < len(g.nodes)
    # A click on a group opens it.
    browser.execute_script("var net = window.eitgraphMap.network; net.body.emitter.emit('click', "
                           "{nodes: [arguments[0]], edges: []})", clusters[0])
    assert browser.execute_script("return window.eitgraphMap.network.body.nodeIndices.length") > shown
    # The user's choice: by sector, then none.
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", "group-by")).select_by_value("sector")
    assert browser.execute_script("return window.eitgraphMap.groupedBy") == "sector"
    Select(browser.find_element("id", "group-by")).select_by_value("")
    assert browser.execute_script("return window.eitgraphMap.network.body.nodeIndices.length") == len(g.nodes)


def test_presentation_mode_folds_the_panels_and_has_full_screen(browser, demo_kb, tmp_path):  # noqa: F811
    assert_clean(open_page(browser, build_map(demo_kb, "loops", presentation=True), tmp_path))
    for panel in ("filters-panel", "legend-panel", "sources-panel"):
        assert browser.execute_script(f"return document.getElementById('{panel}').open") is False
    assert browser.find_element("id", "fullscreen-button").is_displayed()
    area = browser.execute_script("var r = document.getElementById('map').getBoundingClientRect();"
                                  "return r.width * r.height / (innerWidth * innerHeight)")
    assert area > 0.8
    browser.find_element("id", "present-button").click()  # back to the working layout
    assert browser.execute_script("return document.getElementById('legend-panel').open") is True


def test_plans_view_shows_roles_and_shared_actions(browser, demo_kb, tmp_path):  # noqa: F811
    assert_clean(open_page(browser, build_map(demo_kb, "plans"), tmp_path))
    legend = browser.find_element("id", "legend").text
    for word in ("porteur", "partenaire", "financeur", "Action commune à plusieurs plans"):
        assert word in legend, word
    shared = browser.execute_script(
        "return window.eitgraphMap.nodes.get().filter(n => n.f.kind === 'action_shared')"
        ".map(n => [n.size, n.borderWidth, n.fullLabel])")
    single = browser.execute_script(
        "return window.eitgraphMap.nodes.get().filter(n => n.f.kind === 'action').map(n => n.size)")
    assert shared and min(s for s, _, _ in shared) > max(single)
    assert all("plans)" in label for _, _, label in shared)
    dashes = browser.execute_script("return window.eitgraphMap.edges.get().filter(e => e.facts.some("
                                    "f => f[1] === 'partenaire')).map(e => e.dashes)")
    assert dashes and all(dashes)


def test_png_is_the_map_alone_at_1920x1080(demo_kb, tmp_path, browser):  # noqa: F811
    page = tmp_path / "eco.html"
    page.write_text(build_map(demo_kb, "loops"), encoding="utf-8")
    png = screenshot(page, tmp_path / "eco.png")
    assert struct.unpack(">II", png.read_bytes()[16:24]) == (1920, 1080)
    browser.get(page.as_uri() + "#map-only")
    for control in ("toolbar", "present-button", "fullscreen-button", "search"):
        assert not browser.find_element("id", control).is_displayed(), control
    assert browser.find_element("id", "map-title").is_displayed()


def big_graph(n: int = 2000, edges: int = 4000) -> MapGraph:
    rng = random.Random(3)
    g = MapGraph("ecosystem")
    for i in range(n):
        g.add_node(MapNode(f"o{i}", f"Organisation {i}", rng.choice(["company", "ess", "public_body"]),
                           commune=(f"68{i % 120:03d}", f"Commune {i % 120}"), categories={"wood"}))
    for _ in range(edges):
        a, b = rng.randrange(n), rng.randrange(n)
        g.add_edge(MapEdge(f"o{a}", f"o{b}", category="wood", quantity=rng.random() * 100, unit="t/an",
                           status="existing"))
    return g


def test_a_2000_node_map_in_presentation_mode_settles_within_5_s(small_window, tmp_path):
    page = build_page(big_graph(), PageOptions(presentation=True))
    assert_clean(open_page(small_window, page, tmp_path, "big.html", timeout=60))
    settled = small_window.execute_script("return window.eitgraphMap.stabilisedMs")
    print(f"2,000 nodes, presentation mode: ready in {settled} ms")
    assert settled <= 5000
