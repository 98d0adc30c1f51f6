"""Coordinates for organisations without any, from the national address base (Base Adresse Nationale), on
request (``eitgraph geocode``): opt-in and never needed by the rest of eitgraph (DESIGN §8, geography offline
first).

The addresses go to the BAN's batch service as INSEE documents it: a multipart POST of a CSV file (``data``)
to ``…/search/csv/``, naming the columns that make the address (``columns``, repeated) and the columns that
restrict the search (``postcode``, ``citycode``); the answer is the same CSV with ``latitude``,
``longitude``, ``result_label``, ``result_score``, ``result_type``, ``result_citycode``, ``result_status``…
appended. Answers are kept in a cache beside the store (``<data>/geocode-cache.json``), so that only new
addresses are sent again.

The coordinates found are written as a dataset of their own (kind ``geocode``, file
``<data>/geocode/ban.csv``): reload, drop and undo apply to them like to any file, and coordinates a loaded
file gives always win over them (the kind comes last in precedence).
"""

from __future__ import annotations

import csv
import io
import json
import os
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EitgraphError

DEFAULT_URL = "https://api-adresse.data.gouv.fr/search/csv/"
URL_VARIABLE = "EITGRAPH_BAN_URL"
CHUNK = 2000  # addresses per request (the service takes files of up to 50 MB)
FIELDS = ("id", "adresse", "code_postal", "code_insee", "ville")
RESULT = ("latitude", "longitude", "result_label", "result_score", "result_type", "result_citycode", "result_status")
# Organisations to place: no coordinates, or coordinates an earlier geocoding gave; with something to search.
CANDIDATES = (
    "MATCH (o:Organisation) WHERE (o.lat IS NULL OR o.coordinates_from = 'geocode') "
    "AND (o.address IS NOT NULL OR o.postal_code IS NOT NULL OR o.commune_code IS NOT NULL) "
    "OPTIONAL MATCH (o)-[:LOCATED_IN]->(c:Commune) "
    "RETURN o.id AS id, o.siret AS siret, o.name AS name, o.address AS address, o.postal_code AS postal_code, "
    "coalesce(c.code, o.commune_code) AS commune, c.name AS commune_name ORDER BY o.id"
)


class GeocodeUnavailable(EitgraphError):
    """The address service cannot be reached (offline, blocked, down)."""


@dataclass
class GeocodeReport:
    candidates: int = 0
    from_cache: int = 0
    asked: int = 0
    found: int = 0
    approximate: int = 0
    not_found: list[str] = field(default_factory=list)   # names
    file: Path | None = None
    load: object | None = None                           # the LoadReport of the geocode dataset

    def summary(self) -> str:
        head = (f"{self.candidates} organisations without coordinates from a file: {self.found} placed "
                f"({self.approximate} only approximately: street or commune), {len(self.not_found)} not found; "
                f"{self.asked} addresses asked to the national address base, {self.from_cache} from the cache")
        return head


def _key(row: dict) -> str:
    return "|".join(row.get(k) or "" for k in FIELDS[1:])


class Cache:
    """Answers of the address service by query, in a JSON file."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.data: dict[str, dict] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except (OSError, ValueError):
            self.data = {}

    def get(self, row: dict) -> dict | None:
        return self.data.get(_key(row))

    def put(self, row: dict, answer: dict) -> None:
        self.data[_key(row)] = answer

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


def _multipart(fields: list[tuple[str, str]], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "eitgraph-" + uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields:
        out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n".encode())
    out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"data\"; filename=\"{filename}\"\r\n"
              "Content-Type: text/csv\r\n\r\n".encode())
    out.write(content)
    out.write(f"\r\n--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def ask(url: str, rows: list[dict], timeout: float = 120) -> list[dict]:
    """One request to the batch service: the rows' answers, in order."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: r.get(k) or "" for k in FIELDS} for r in rows)
    body, ctype = _multipart([("columns", "adresse"), ("columns", "ville"), ("postcode", "code_postal"),
                              ("citycode", "code_insee")], "adresses.csv", buf.getvalue().encode("utf-8"))
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": ctype,
                                                                           "User-Agent": "eitgraph"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode("utf-8-sig")
    except urllib.error.HTTPError as exc:
        raise GeocodeUnavailable(f"the national address base answered {exc.code} {exc.reason} ({url})") from None
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise GeocodeUnavailable(f"the national address base cannot be reached at {url} ({reason}): are you "
                                 "offline? Nothing was changed; the addresses already answered are kept in the "
                                 "cache. Run eitgraph geocode again once online (or give --url for your own "
                                 "instance of the address service).") from None
    answers = list(csv.DictReader(io.StringIO(text)))
    by_id = {a.get("id"): a for a in answers}
    if len(by_id) != len(rows) or any(r["id"] not in by_id for r in rows):
        raise GeocodeUnavailable(f"the national address base answered {len(answers)} rows for {len(rows)} "
                                 f"addresses ({url}); not the batch format expected")
    return [{k: by_id[r["id"]].get(k) for k in RESULT} for r in rows]


def geocode(kb, url: str | None = None, cache_path: Path | None = None, min_score: float = 0.5,
            progress: Callable[[int, int], None] | None = None, dry_run: bool = False) -> GeocodeReport:
    """Place the organisations without coordinates and load what was found as the dataset ``geocode:ban``."""
    url = url or os.environ.get(URL_VARIABLE) or DEFAULT_URL
    data_dir = Path(kb.config.data_dir)
    cache = Cache(cache_path or data_dir / "geocode-cache.json")
    report = GeocodeReport()
    rows = []
    for r in kb.store.records(CANDIDATES, {}):
        rows.append({"id": r["id"], "adresse": r["address"] or "", "code_postal": r["postal_code"] or "",
                     "code_insee": r["commune"] or "", "ville": r["commune_name"] or "",
                     "_siret": r["siret"], "_name": r["name"]})
    report.candidates = len(rows)
    todo = [r for r in rows if cache.get(r) is None]
    report.from_cache = len(rows) - len(todo)
    done = 0
    try:
        for i in range(0, len(todo), CHUNK):
            chunk = todo[i:i + CHUNK]
            for row, answer in zip(chunk, ask(url, chunk), strict=True):
                cache.put(row, answer)
            done += len(chunk)
            report.asked = done
            if progress:
                progress(done, len(todo))
    finally:
        cache.save()
    out = []
    for row in rows:
        answer = cache.get(row) or {}
        try:
            score = float(answer.get("result_score") or 0)
            lat, lon = float(answer.get("latitude") or "nan"), float(answer.get("longitude") or "nan")
        except ValueError:
            score, lat, lon = 0.0, float("nan"), float("nan")
        if answer.get("result_status") not in (None, "", "ok") or score < min_score or lat != lat or lon != lon:
            report.not_found.append(row["_name"] or row["id"])
            continue
        approximate = (answer.get("result_type") or "") != "housenumber"
        report.found += 1
        report.approximate += approximate
        out.append({"id": row["id"], "siret": row["_siret"] or "", "name": row["_name"] or "", "code_insee": row["code_insee"],
                    "latitude": f"{lat:.6f}", "longitude": f"{lon:.6f}", "result_score": f"{score:.4f}",
                    "result_type": answer.get("result_type") or "", "result_label": answer.get("result_label") or ""})
    folder = data_dir / "geocode"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ban.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "siret", "name", "code_insee", "latitude", "longitude", "result_score",
                                                "result_type", "result_label"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    report.file = path
    loaded = kb.store.records("MATCH (d:Dataset {id: 'geocode:ban'}) WHERE NOT coalesce(d.dropped, false) "
                              "RETURN d.id AS id", {})
    if out:
        report.load = kb.load("geocode", path, dataset_id="geocode:ban", dry_run=dry_run, force=True)
    elif loaded:  # nothing placed any more: the dataset goes
        report.load = kb.drop("geocode:ban", dry_run=dry_run, force=True)
    return report
