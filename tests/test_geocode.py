"""Coordinates (issue #13, item 6): organisations without coordinates listed, and placed on request by the
national address base's batch CSV service — here a local stand-in that speaks its documented format
(multipart upload of a CSV to /search/csv/, the same CSV back with latitude, longitude, result_label,
result_score, result_type, result_citycode, result_status). Never the network."""

from __future__ import annotations

import csv
import email.parser
import email.policy
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from loadhelpers import recs, write_csv

from eitgraph.load.geocoding import GeocodeUnavailable, geocode

# What the stand-in knows: the address as sent (columns joined) → (lat, lon, type, score, label, citycode)
KNOWN = {
    "12 rue de la Gare Thann": (47.8072, 7.1036, "housenumber", 0.93, "12 Rue de la Gare 68800 Thann", "68334"),
    "Zone industrielle Cernay": (47.7995, 7.1794, "street", 0.71, "Zone Industrielle 68700 Cernay", "68063"),
}


class StandIn(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802 - http.server's name
        if not self.path.rstrip("/").endswith("/search/csv"):
            self.send_error(404)
            return
        body = self.rfile.read(int(self.headers["Content-Length"]))
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body)
        fields: dict[str, list[str]] = {}
        data = b""
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name == "data":
                data = part.get_payload(decode=True)
            else:
                fields.setdefault(name, []).append(part.get_content().strip())
        StandIn.requests.append(fields)
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
        out = io.StringIO()
        names = list(rows[0]) + ["latitude", "longitude", "result_label", "result_score", "result_score_next",
                                 "result_type", "result_id", "result_citycode", "result_status"]
        writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        for r in rows:
            query = " ".join(r[c] for c in fields["columns"] if r[c])
            hit = KNOWN.get(query)
            if hit and (not r.get(fields["citycode"][0]) or r[fields["citycode"][0]] == hit[5]):
                lat, lon, kind, score, label, city = hit
                writer.writerow({**r, "latitude": lat, "longitude": lon, "result_label": label, "result_score": score,
                                 "result_type": kind, "result_citycode": city, "result_status": "ok"})
            else:
                writer.writerow({**r, "result_status": "not-found"})
        payload = out.getvalue().encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/csv; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture(scope="module")
def ban():
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/search/csv/"
    server.shutdown()


def the_list(path, with_coordinates=False):
    rows = [["Nom de l'entreprise", "Adresse", "Code postal", "Ville", "Latitude", "Longitude"],
            ["Tissage Thann", "12 rue de la Gare", "68800", "Thann", *(["47.81", "7.10"] if with_coordinates else ["", ""])],
            ["Fonderie Cernay", "Zone industrielle", "68700", "Cernay", "", ""],
            ["Scierie perdue", "Lieu-dit du Grand Nulle Part", "68290", "Masevaux", "", ""],
            ["Ferme Sentheim", "", "68780", "Sentheim", "47.755", "7.053"]]
    return write_csv(path, rows)


def placed(kb) -> dict[str, dict]:
    return {r["name"]: r for r in recs(kb.cypher(
        "MATCH (o:Organisation) RETURN o.name AS name, o.lat AS lat, o.lon AS lon, o.coordinates_from AS source, "
        "o.coordinates_approximate AS approximate, o.coordinates_score AS score"))}


def test_geocoding_places_the_organisations_without_coordinates(writable_kb, ban, tmp_path):
    kb = writable_kb
    kb.load("stakeholders", the_list(tmp_path / "entreprises.csv"))
    missing = kb.status()["without_coordinates"]
    assert missing["count"] == 3 and {o["name"] for o in missing["first"]} == {
        "Tissage Thann", "Fonderie Cernay", "Scierie perdue"}
    StandIn.requests.clear()
    report = kb.geocode(url=ban)
    assert (report.candidates, report.found, report.approximate, report.not_found) == (3, 2, 1, ["Scierie perdue"])
    assert StandIn.requests[0]["columns"] == ["adresse", "ville"]
    assert StandIn.requests[0]["postcode"] == ["code_postal"] and StandIn.requests[0]["citycode"] == ["code_insee"]
    got = placed(kb)
    assert (got["Tissage Thann"]["lat"], got["Tissage Thann"]["source"], got["Tissage Thann"]["approximate"]) == (
        47.8072, "geocode", False)
    assert got["Fonderie Cernay"]["approximate"] is True and got["Fonderie Cernay"]["score"] == 0.71
    assert got["Ferme Sentheim"]["source"] == "file" and got["Ferme Sentheim"]["approximate"] is False
    after = kb.status()["without_coordinates"]
    assert (after["count"], after["approximate"]) == (1, 1)
    assert [d["dataset"] for d in kb.datasets()][-1] == "geocode:ban"

    # Asked once: a second run answers from the cache.
    StandIn.requests.clear()
    again = kb.geocode(url=ban)
    assert not StandIn.requests and again.from_cache == 3 and again.found == 2

    # A file's coordinates win over geocoded ones; dropping the geocoding takes its coordinates away.
    kb.load("stakeholders", the_list(tmp_path / "entreprises.csv", with_coordinates=True))
    assert placed(kb)["Tissage Thann"]["lat"] == 47.81 and placed(kb)["Tissage Thann"]["source"] == "file"
    kb.drop("geocode:ban", force=True)
    got = placed(kb)
    assert got["Fonderie Cernay"]["lat"] is None and got["Fonderie Cernay"]["source"] is None
    assert kb.cypher("MATCH (o:Organisation) RETURN count(o) AS n")["n"][0] == 4


def test_offline_is_one_clear_message(writable_kb, tmp_path):
    kb = writable_kb
    kb.load("stakeholders", the_list(tmp_path / "entreprises.csv"))
    with pytest.raises(GeocodeUnavailable, match="cannot be reached at http://127.0.0.1:9/search/csv/ .*are you offline"):
        geocode(kb, url="http://127.0.0.1:9/search/csv/", cache_path=tmp_path / "cache.json")
    assert placed(kb)["Tissage Thann"]["lat"] is None and not [d for d in kb.datasets() if d["kind"] == "geocode"]


def test_the_command_shows_progress_and_status_lists_the_rest(ban, tmp_path, haut_rhin):
    from click.testing import CliRunner

    from eitgraph.cli import cli
    runner = CliRunner()
    data = ["--data-dir", str(tmp_path / "store")]
    assert runner.invoke(cli, [*data, "load", "territory", str(haut_rhin), "-o", "departement=68"]).exit_code == 0
    assert runner.invoke(cli, [*data, "load", str(the_list(tmp_path / "entreprises.csv"))]).exit_code == 0
    out = runner.invoke(cli, [*data, "status"])
    assert "Organisations without coordinates (maps cannot place them): 3" in out.output
    assert "eitgraph geocode" in out.output
    out = runner.invoke(cli, [*data, "geocode", "--url", ban])
    assert out.exit_code == 0, out.output
    assert "2 placed (1 only approximately" in out.output and "Not found: Scierie perdue" in out.output
    out = runner.invoke(cli, [*data, "status"])
    assert "without coordinates (maps cannot place them): 1" in out.output and "only approximately" in out.output
