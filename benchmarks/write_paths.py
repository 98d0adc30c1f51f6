"""Write paths compared on the embedded ArcadeDB and on Neo4j, in one run (issue #14, item 4).

    python benchmarks/write_paths.py [--nodes 20000] [--rels 60000] [--batch 5000] [--repeat 3]
                                     [--neo4j bolt://127.0.0.1:7687 | --neo4j 5.26] [--user U --password P]

What a load writes, in the shapes eitgraph's write transaction uses (one transaction per path, ``UNWIND``
batches): ``--nodes`` new organisations (half of them with a sub-label, a dozen properties, a list and a
JSON text among them) each ``LOCATED_IN`` one of 500 existing communes, and ``--rels`` new ``SUPPLIES``
relationships between random pairs of the new organisations, with six properties. Three paths:

* ``elementid`` — today's path, shaped by ArcadeDB's limits: ``CREATE`` the nodes with every property
  in the pattern and every label at once, returning their element ids in one record; relationships
  ``CREATE``d between ends matched by element id (existing communes by the element id the plan read);
* ``merge-key`` — single-label ``MERGE`` on the unique key, properties and sub-labels ``SET`` after;
  relationships ``MERGE``d between ends matched by key;
* ``create-key`` — ``CREATE`` as in ``elementid`` but nothing returned; relationships ``CREATE``d
  between ends matched by key;
* ``create-mixed`` — ``CREATE`` without returning anything; relationships ``CREATE``d between new ends
  matched by key and existing ends (the communes) by the element id the plan read: what eitgraph's
  write plan can give (it knows the element ids of what exists, the keys of what it creates).

Each path runs ``--repeat`` times on an empty database with the model's constraints, the paths taking
turns (a first run on a tenth of the data warms each store's JIT and is not counted); the median and
best times, rows/s and the ratios to ``elementid`` are printed per store, with the load average: on a
shared machine single runs move by half, so compare within a run. ``--neo4j 5.26``
takes the URI (and password) of a server started by ``scripts/neo4j-test-server``.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import neo4j

ROOT = Path(__file__).resolve().parent.parent
COMMUNES = 500


def data(n_nodes: int, n_rels: int, seed: int = 7) -> dict:
    rng = random.Random(seed)
    orgs = []
    for i in range(n_nodes):
        props = {"id": f"org-{i:07d}", "name": f"Entreprise {i}", "siret": f"{i:014d}", "siren": f"{i:09d}",
                 "commune_code": f"c{i % COMMUNES:05d}", "kind": "company", "naf": "25.62B",
                 "lat": 47.7 + rng.random() / 10, "lon": 7.1 + rng.random() / 10, "tags": ["pilote", "EIT"],
                 "contributions": json.dumps({"sirene:x": {"name": f"Entreprise {i}"}}), "source": "sirene:x",
                 "sources": ["sirene:x"], "loaded_at": "2026-11-29T00:00:00+00:00"}
        orgs.append({"key": props["id"], "props": props, "subs": ("Company",) if i % 2 else ()})
    pairs = set()
    while len(pairs) < n_rels:
        a, b = rng.randrange(n_nodes), rng.randrange(n_nodes)
        if a != b:
            pairs.add((a, b))
    supplies = [{"a": orgs[a]["key"], "b": orgs[b]["key"],
                 "props": {"category": "wood", "quantity": float(a % 97), "unit": "t", "status": "existing",
                           "source": "diagnostics:x", "sources": ["diagnostics:x"]}} for a, b in sorted(pairs)]
    located = [{"a": o["key"], "b": o["props"]["commune_code"],
                "props": {"source": "sirene:x", "sources": ["sirene:x"]}} for o in orgs]
    return {"orgs": orgs, "supplies": supplies, "located": located}


def _fields(names) -> str:
    return ", ".join(f"`{p}`: r.props.`{p}`" for p in sorted(names))


def _chunks(rows, size):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def run_path(tx, path: str, d: dict, batch: int, communes: dict[str, str], arcadedb: bool) -> None:
    org_names = {p for o in d["orgs"] for p in o["props"]} - {"id"}
    rel_names = {p for r in d["supplies"] for p in r["props"]}
    loc_names = {p for r in d["located"] for p in r["props"]}
    groups: dict[tuple, list] = {}
    for o in d["orgs"]:
        groups.setdefault(o["subs"], []).append(o)
    eid: dict[str, str] = {}
    for subs, rows in groups.items():
        labels = "".join(f":{s}" for s in subs)
        for chunk in _chunks(rows, batch):
            if path == "elementid":
                q = (f"UNWIND $rows AS r CREATE (n:Organisation{labels} {{id: r.key, {_fields(org_names)}}}) "
                     "RETURN collect([r.key, elementId(n)]) AS found")
                for rec in tx.run(q, rows=chunk):
                    eid.update(dict(rec["found"]))
            elif path == "merge-key" and arcadedb:
                # ArcadeDB cannot add a label to a vertex created in the same transaction: every label in
                # the MERGE pattern (which does not use the key index there).
                q = f"UNWIND $rows AS r MERGE (n:Organisation{labels} {{id: r.key}}) SET n += r.props"
                tx.run(q, rows=chunk).consume()
            elif path == "merge-key":
                sets = f", n{labels}" if labels else ""
                q = f"UNWIND $rows AS r MERGE (n:Organisation {{id: r.key}}) SET n += r.props{sets}"
                tx.run(q, rows=chunk).consume()
            else:  # create-key, create-mixed
                q = f"UNWIND $rows AS r CREATE (n:Organisation{labels} {{id: r.key, {_fields(org_names)}}})"
                tx.run(q, rows=chunk).consume()
    for rtype, rows, names, to_label, to_key in (("SUPPLIES", d["supplies"], rel_names, "Organisation", "id"),
                                                  ("LOCATED_IN", d["located"], loc_names, "Territory", "code")):
        for chunk in _chunks(rows, batch):
            if path == "elementid":
                ready = [{"a": eid[r["a"]], "b": eid[r["b"]] if to_label == "Organisation" else communes[r["b"]],
                          "props": r["props"]} for r in chunk]
                q = ("UNWIND $rows AS r MATCH (a) WHERE elementId(a) = r.a MATCH (b) WHERE elementId(b) = r.b "
                     f"CREATE (a)-[x:{rtype} {{{_fields(names)}}}]->(b)")
                tx.run(q, rows=ready).consume()
            elif path == "merge-key":
                q = (f"UNWIND $rows AS r MATCH (a:Organisation {{id: r.a}}) MATCH (b:{to_label} {{{to_key}: r.b}}) "
                     f"MERGE (a)-[x:{rtype}]->(b) SET x = r.props")
                tx.run(q, rows=chunk).consume()
            elif path == "create-mixed" and to_label != "Organisation":
                ready = [{"a": r["a"], "b": communes[r["b"]], "props": r["props"]} for r in chunk]
                q = (f"UNWIND $rows AS r MATCH (a:Organisation {{id: r.a}}) MATCH (b) WHERE elementId(b) = r.b "
                     f"CREATE (a)-[x:{rtype} {{{_fields(names)}}}]->(b)")
                tx.run(q, rows=ready).consume()
            else:
                q = (f"UNWIND $rows AS r MATCH (a:Organisation {{id: r.a}}) MATCH (b:{to_label} {{{to_key}: r.b}}) "
                     f"CREATE (a)-[x:{rtype} {{{_fields(names)}}}]->(b)")
                tx.run(q, rows=chunk).consume()


SCHEMA = ["CREATE CONSTRAINT organisation_id_unique IF NOT EXISTS FOR (n:Organisation) REQUIRE n.id IS UNIQUE",
          "CREATE CONSTRAINT territory_code_unique IF NOT EXISTS FOR (n:Territory) REQUIRE n.code IS UNIQUE"]


class Target:
    """One store: a fresh empty database with the constraints before each run."""

    def __init__(self, name: str, uri: str, auth, database: str | None, reset):
        self.name, self.uri, self.auth, self.database, self._reset = name, uri, auth, database, reset
        self.driver = neo4j.GraphDatabase.driver(uri, auth=auth)
        self.arcadedb = "arcadedb" in (self.driver.get_server_info().agent or "").lower()

    def fresh(self) -> None:
        self.database = self._reset(self)
        for stmt in SCHEMA:
            self.driver.execute_query(stmt, database_=self.database)
        rows = [{"code": f"c{i:05d}", "name": f"Commune {i}"} for i in range(COMMUNES)]
        self.driver.execute_query("UNWIND $rows AS r CREATE (:Territory:Commune {code: r.code, name: r.name})",
                                  rows=rows, database_=self.database)

    def communes(self) -> dict[str, str]:
        res = self.driver.execute_query("MATCH (c:Territory) RETURN collect([c.code, elementId(c)]) AS m",
                                        database_=self.database)
        return dict(res.records[0]["m"])

    def time(self, path: str, d: dict, batch: int) -> float:
        self.fresh()
        communes = self.communes()
        started = time.perf_counter()
        with self.driver.session(database=self.database) as session:
            session.execute_write(lambda tx: run_path(tx, path, d, batch, communes, self.arcadedb))
        elapsed = time.perf_counter() - started
        n = self.driver.execute_query("MATCH ()-[x]->() RETURN count(x) AS n", database_=self.database).records[0]["n"]
        assert n == len(d["supplies"]) + len(d["located"]), (path, n)
        return elapsed


def _script():
    loader = importlib.machinery.SourceFileLoader("neo4j_test_server", str(ROOT / "scripts" / "neo4j-test-server"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def neo4j_target(given: str, user: str | None, password: str | None) -> Target:
    if "://" not in given:  # a version key: the server scripts/neo4j-test-server started
        script = _script()
        version = next(v for k, v, _ in script.pinned() if given in (k, v))
        state = script.state_dir(version)
        uri, pw = script.read(state / "uri"), script.read(state / "password")
        if not uri:
            raise SystemExit(f"no Neo4j {given} running: scripts/neo4j-test-server start --version {given}")
        auth = ("neo4j", pw) if pw else ((user, password) if user else None)
    else:
        uri, auth = given, ((user, password) if user else None)

    def reset(target: Target) -> str | None:
        with target.driver.session(database=target.database) as s:
            s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        return target.database

    target = Target(f"Neo4j {given}", uri, auth, None, reset)
    agent = target.driver.get_server_info().agent
    target.name = f"{agent}"
    return target


def embedded_target(folder: Path) -> tuple[Target, object]:
    from eitgraph.store import embedded

    server = embedded.EmbeddedServer(folder, "2g")
    assert server.try_lock()
    endpoint = server.start()

    def reset(target: Target) -> str:
        name = f"w{uuid.uuid4().hex[:10]}"
        server.ensure_database(name)
        return name

    return Target("embedded ArcadeDB", endpoint.uri, (endpoint.username, endpoint.password), None, reset), server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=20_000)
    parser.add_argument("--rels", type=int, default=60_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--neo4j", default="5.26", help="URI, or a key of scripts/neo4j-harness/versions.txt")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--paths", default="elementid,merge-key,create-key,create-mixed")
    args = parser.parse_args()
    paths = args.paths.split(",")
    d = data(args.nodes, args.rels)
    rows = len(d["orgs"]) + len(d["supplies"]) + len(d["located"])
    print(f"write paths: {len(d['orgs'])} nodes, {len(d['supplies'])} SUPPLIES, {len(d['located'])} LOCATED_IN "
          f"({rows} rows), batch {args.batch}, best of {args.repeat - 1} after a warm-up; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="eitgraph-write-paths-"))
    emb, server = embedded_target(folder)
    targets = [emb, neo4j_target(args.neo4j, args.user, args.password)]
    results: dict[str, dict[str, list[float]]] = {}
    try:
        for target in targets:
            results[target.name] = {}
            small = data(max(100, args.nodes // 10), max(100, args.rels // 10), seed=1)
            for path in paths:  # warm-up: every statement shape once
                target.time(path, small, args.batch)
            for _ in range(args.repeat - 1):
                for path in paths:  # interleaved, so that a busy moment hits every path
                    t = target.time(path, d, args.batch)
                    results[target.name].setdefault(path, []).append(t)
                    print(f"  {target.name:<40} {path:<11} {t:7.2f} s  {rows / t:>9,.0f} rows/s "
                          f"(load {os.getloadavg()[0]:.1f})", flush=True)
    finally:
        for target in targets:
            target.driver.close()
        server.stop()
    print("\nmedian and best times, rows/s (median), and speed relative to the elementid path (higher is "
          "faster; median, best):")
    for name, by_path in results.items():
        base = statistics.median(by_path["elementid"]) if "elementid" in by_path else None
        base_best = min(by_path["elementid"]) if "elementid" in by_path else None
        for path, times in by_path.items():
            med, best = statistics.median(times), min(times)
            ratio = f"{base / med:5.2f}x {base_best / best:5.2f}x" if base else ""
            print(f"  {name:<40} {path:<12} {med:7.2f} s {best:7.2f} s  {rows / med:>9,.0f} rows/s  {ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
