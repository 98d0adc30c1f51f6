"""Geographic context, offline first: the ``geometry`` source kind (GeoJSON, GeoPackage, shapefile; WGS84 or
Lambert-93) on the stand-in outlines of tests/data/geo, actors without coordinates placed at their
commune's centre and flagged, and ``--geo`` maps in a real headless Chromium: outlines and place names
drawn, scale bar and north shown, no network request unless online tiles are asked for."""

from __future__ import annotations

import json
import math
import sqlite3
import struct
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_maps import assert_clean, open_page, page_nodes

import eitgraph
from eitgraph.analytics.viewgraph import MapEdge, MapGraph, MapNode
from eitgraph.errors import InputError
from eitgraph.maps import build_map, placement_notes
from eitgraph.maps.geo import GeoContext
from eitgraph.maps.render import PageOptions, build_page

SAMPLE = Path(__file__).parent / "data" / "geo" / "communes-68-sample.geojson"
PETR = "PETR-THUR-DOLLER"


@pytest.fixture(scope="module")
def geo_kb(new_kb):
    """The example, the stand-in outlines, an actor in Thann without coordinates and one nowhere."""
    kb = new_kb()
    kb.load_manifest(eitgraph.example_manifest())
    kb.load("geometry", SAMPLE)
    kb.cypher("MATCH (c:Territory {code: '68334'}) CREATE (o:Organisation:Company {id: 'sans-coordonnees', "
              "name: 'Atelier Sans Coordonnées', kind: 'company'})-[:LOCATED_IN]->(c)")
    kb.cypher("CREATE (:Organisation:Company {id: 'nulle-part', name: 'Société Nulle Part', kind: 'company'})")
    kb.cypher("MATCH (a:Organisation {id: 'sans-coordonnees'}), (b:Organisation {id: 'du-pont-de-nemours-cernay'}) "
              "CREATE (a)-[:SUPPLIES {material: 'y', label: 'Palettes', category: 'wood', quantity: 3.0, "
              "unit: 't/an', status: 'existing'}]->(b)")
    return kb


def lambert93(lat: float, lon: float) -> tuple[float, float]:
    """The forward Lambert-93 projection (the inverse is eitgraph.model.geo's), for writing test files."""
    n, c, xs, ys, e = 0.7256077650532670, 11754255.426096, 700000.0, 12655612.049876, 0.0818191910428158
    phi = math.radians(lat)
    iso = math.log(math.tan(math.pi / 4 + phi / 2) * ((1 - e * math.sin(phi)) / (1 + e * math.sin(phi))) ** (e / 2))
    r, gamma = c * math.exp(-n * iso), n * (math.radians(lon) - math.radians(3))
    return xs + r * math.sin(gamma), ys - r * math.cos(gamma)


def test_geojson_outlines_reach_the_communes_and_leave_with_their_dataset(writable_kb):
    kb = writable_kb
    report = kb.load("geometry", SAMPLE)
    assert any(n.code == "outlines_simplified" for n in report.notes)
    rows = kb.cypher("MATCH (c:Commune) WHERE c.outline IS NOT NULL RETURN c.code AS code, c.name AS name, "
                     "c.centroid_lat AS lat, c.centroid_lon AS lon, c.area_km2 AS area, c.outline AS outline")
    assert len(rows) == 46
    thann = rows.set_index("code").loc["68334"]
    assert thann["name"] == "Thann" and 47.7 < thann["lat"] < 47.9 and 7.0 < thann["lon"] < 7.2
    assert thann["area"] > 1 and json.loads(thann["outline"])[0][0][0] == json.loads(thann["outline"])[0][0][-1]
    # The territory file's names win (precedence), and the communes stay when the outlines go.
    kb.drop("geometry:communes-68-sample")
    left = kb.cypher("MATCH (c:Commune {code: '68334'}) RETURN c.outline AS outline, c.name AS name")
    assert left["name"][0] == "Thann" and left["outline"][0] is None


def test_geopackage_and_shapefile_in_lambert93_give_the_same_outlines(writable_kb, tmp_path):
    shapefile = pytest.importorskip("shapefile")
    features = json.loads(SAMPLE.read_text(encoding="utf-8"))["features"][:5]
    # A GeoPackage in Lambert-93 (srs 2154), geometry as GeoPackage header + WKB MultiPolygon.
    gpkg = tmp_path / "ADMINEXPRESS.gpkg"
    db = sqlite3.connect(gpkg)
    db.execute("CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, srs_id INTEGER)")
    db.execute("INSERT INTO gpkg_geometry_columns VALUES ('commune', 'geom', 2154)")
    db.execute('CREATE TABLE commune (fid INTEGER PRIMARY KEY, geom BLOB, "INSEE_COM" TEXT, "NOM" TEXT, '
               '"INSEE_DEP" TEXT)')
    shp = shapefile.Writer(str(tmp_path / "COMMUNE"), shapeType=shapefile.POLYGON, encoding="utf-8")
    shp.field("INSEE_COM", "C", 5)
    shp.field("NOM", "C", 80)
    for f in features:
        rings = [[lambert93(lat, lon) for lon, lat in ring] for polygon in f["geometry"]["coordinates"]
                 for ring in polygon]
        wkb = struct.pack("<BII", 1, 6, len(rings)) + b"".join(
            struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(r)) + b"".join(struct.pack("<dd", *p) for p in r)
            for r in rings)
        db.execute("INSERT INTO commune (geom, INSEE_COM, NOM, INSEE_DEP) VALUES (?, ?, ?, ?)",
                   (b"GP\x00\x01" + struct.pack("<i", 2154) + wkb, f["properties"]["INSEE_COM"],
                    f["properties"]["NOM"], "68"))
        shp.poly([[list(p) for p in r] for r in rings])
        shp.record(f["properties"]["INSEE_COM"], f["properties"]["NOM"])
    db.commit()
    db.close()
    shp.close()
    (tmp_path / "COMMUNE.prj").write_text('PROJCS["RGF93_Lambert_93",GEOGCS["GCS_RGF_1993"]]', encoding="utf-8")
    (tmp_path / "COMMUNE.cpg").write_text("UTF-8", encoding="ascii")
    for path in (gpkg, tmp_path / "COMMUNE.shp"):
        writable_kb.load("geometry", path)
        got = writable_kb.cypher("MATCH (c:Commune) WHERE c.code IN $codes RETURN c.code AS code, "
                                 "c.centroid_lat AS lat, c.centroid_lon AS lon",
                                 codes=[f["properties"]["INSEE_COM"] for f in features])
        assert len(got) == 5
    from eitgraph.model.shapes import centroid

    expected = centroid(features[0]["geometry"]["coordinates"])
    first = got.set_index("code").loc[features[0]["properties"]["INSEE_COM"]]
    assert first["lon"] == pytest.approx(expected[0], abs=1e-4) and first["lat"] == pytest.approx(expected[1], abs=1e-4)


def test_bad_geometry_files_say_what_to_do(empty_kb, tmp_path):
    projected = tmp_path / "l93.geojson"
    projected.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "INSEE_COM": "68334"}, "geometry": {"type": "Polygon", "coordinates": [[[1e6, 6.7e6], [1e6 + 10, 6.7e6],
                                                                               [1e6, 6.7e6 + 10], [1e6, 6.7e6]]]}}]}))
    with pytest.raises(InputError, match="ogr2ogr"):
        empty_kb.load("geometry", projected)
    points = tmp_path / "points.geojson"
    points.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "INSEE_COM": "68334"}, "geometry": {"type": "Point", "coordinates": [7.1, 47.8]}}]}))
    with pytest.raises(InputError, match="Polygon or MultiPolygon"):
        empty_kb.load("geometry", points)


def test_geo_map_draws_outlines_names_scale_and_north_offline(browser, geo_kb, tmp_path):
    page = build_map(geo_kb, "ecosystem", territory=PETR, geo=True)
    assert "Atelier Sans Coordonnées" in page
    assert any("placed at the centre of their commune" in n for n in page.notes)
    assert_clean(open_page(browser, page, tmp_path))
    data = browser.execute_script("var d = JSON.parse(document.getElementById('map-data').textContent);"
                                  "return {outlines: d.geo.outlines.length, inside: d.geo.outlines.filter("
                                  "o => o.in).length};")
    assert data == {"outlines": 46, "inside": 46}
    assert browser.execute_script("return window.eitgraphMap.placeNames") >= 20   # names drawn without overlap
    # The outlines are drawn: pixels of the commune fills (pale tints), not only white.
    tinted = browser.execute_script(
        "var c = document.querySelector('#map canvas'); var x = c.getContext('2d');"
        "var d = x.getImageData(0, 0, c.width, c.height).data, n = 0;"
        "for (var i = 0; i < d.length; i += 4 * 97) { if (d[i] < 250 && d[i] > 200 && d[i+3] > 0) n++; } return n")
    assert tinted > 500
    assert browser.find_element("id", "north").is_displayed()
    scale = browser.find_element("id", "scale-text").text
    assert scale.endswith(" km") and browser.find_element("id", "scale").is_displayed()
    notes = browser.find_element("id", "notes").text
    assert "centre de leur commune" in notes
    node = next(n for n in page_nodes(browser) if n["key"] == "sans-coordonnees")
    assert "approchée" in node["tip"]


def test_geo_map_without_outlines_says_how_to_get_them():
    g = MapGraph("ecosystem")
    g.add_node(MapNode("a", "A", "company", lat=47.8, lon=7.1, placed="site"))
    g.add_node(MapNode("b", "B", "company"))
    assert [k for k, _ in placement_notes(g, GeoContext())] == ["geo_no_outlines", "geo_unplaced"]
    page = build_page(g, PageOptions(geo=True, context=GeoContext()))
    assert '"mpp": ' in page  # the page still works: dots and a scale bar, no base map


def test_tiles_only_when_asked_for(browser, geo_kb, tmp_path):
    plain = build_map(geo_kb, "loops", territory=PETR, geo=True)
    assert "openstreetmap" not in plain and "geopf" not in plain
    assert_clean(open_page(browser, plain, tmp_path, "plain.html"))
    tiled = build_map(geo_kb, "loops", territory=PETR, geo=True, tiles="osm")
    assert "img-src data: blob: https://tile.openstreetmap.org" in tiled
    log = open_page(browser, tiled, tmp_path, "tiled.html")
    time.sleep(0.5)
    from browserhelpers import page_log

    remote = log["remote"] + page_log(browser)["remote"]
    assert remote and all(u.startswith("https://tile.openstreetmap.org/") for u in remote)
    assert "© OpenStreetMap contributors" in browser.find_element("id", "attribution").text


def test_cli_warns_about_approximate_and_missing_positions(geo_kb, store_dir, tmp_path):
    from eitgraph.cli import cli

    out = tmp_path / "geo.html"
    result = CliRunner().invoke(cli, ["--data-dir", str(store_dir), "--database", geo_kb.config.database, "map",
                                      "--geo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Warning: 1 actor(s) without coordinates placed at the centre of their commune" in result.output
    assert "Warning: 1 actor(s) with neither coordinates nor a commune outline" in result.output


def square(x: float, y: float, points: int) -> list:
    """A ring of ``points`` points around a 0.02° square (a commune-sized outline)."""
    ring = []
    for i in range(points):
        t = 2 * math.pi * i / points
        ring.append([round(x + 0.01 * math.cos(t) + 0.002 * math.sin(9 * t), 5),
                     round(y + 0.007 * math.sin(t), 5)])
    return [[[*ring, ring[0]]]]


def test_a_geo_map_with_200_commune_outlines_stays_under_5_mb(browser, tmp_path):
    outlines, g = [], MapGraph("ecosystem")
    for i in range(200):
        lon, lat = 7.0 + 0.02 * (i % 20), 47.6 + 0.014 * (i // 20)
        outlines.append({"code": f"68{i:03d}", "name": f"Commune {i}", "kind": "commune", "population": i,
                         "outline": json.dumps(square(lon, lat, 300)), "lat": lat, "lon": lon, "epci": "200036465"})
        g.add_node(MapNode(f"o{i}", f"Acteur {i}", "company", lat=lat, lon=lon, placed="site",
                           commune=(f"68{i:03d}", f"Commune {i}")))
        if i:
            g.add_edge(MapEdge(f"o{i - 1}", f"o{i}", category="wood", quantity=10.0, unit="t/an", status="existing"))
    context = GeoContext(outlines, {o["code"] for o in outlines}, (7.0, 47.6, 7.4, 47.74))
    page = build_page(g, PageOptions(geo=True, context=context))
    size = len(page.encode("utf-8"))
    print(f"geo map, 200 outlines of 300 points: {size / 1e6:.2f} MB")
    assert size <= 5_000_000
    result = open_page(browser, page, tmp_path, "big-geo.html")
    assert_clean(result)
