"""Raw write ceiling of the store over Bolt, without eitgraph's loader (issue #3).

    python benchmarks/store_ceiling.py [--rows 100000] [--batch 5000] [--hubs 20] [--heap 4g]
                                       [--workdir DIR] [--only NAME[,NAME…]]

Opens the project's :class:`~eitgraph.store.Store` on a fresh embedded data folder
(``--workdir``, default a temporary one; ``NEO4J_URI`` is ignored) and times, each in one
transaction with ``UNWIND`` batches of ``--batch`` rows, the simplest statements a loader needs:

* ``nodes``: ``UNWIND $rows AS r CREATE (:X {k: r.k})`` (``X.k`` unique);
* ``nodes+props``: the same with six properties through ``SET n += r.props``;
* ``rels``: ``MATCH (a:X {k: r.a}) MATCH (b:X {k: r.b}) CREATE (a)-[:R]->(b)``, random pairs;
* ``rels+props``: the same, with ``SET x += r.props``;
* ``rels-hubs``: like ``rels`` but every target is one of ``--hubs`` nodes (super-nodes, like
  Material nodes that every OUTPUTS/INPUTS points to);
* ``rels-by-id``: ``MATCH (a) WHERE id(a) = r.a …``, ends given by the internal id read back
  after creating the nodes (what a loader could do instead of matching by key);
* ``rels-by-elementid``: the same with ``elementId(a) = r.a`` (Neo4j 5's non-deprecated form);
* ``rels+props-inline``: like ``rels+props`` with the properties in the CREATE pattern
  (``{name: r.props.name, …}``) instead of a ``SET`` after it;
* ``lookup``: ``MATCH (n:X {k: r.k}) RETURN n.k`` (existence look-up).

Each statement first runs on a tenth of its rows in a rolled-back transaction (JIT warm-up).
Prints rows/s per statement and the load average: on a shared machine the figures move by half
from one run to the next, so compare statements within a run, or the best of several runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

from eitgraph.config import StoreConfig
from eitgraph.store import Store


def props(i: int) -> dict:
    return {"name": f"thing {i}", "kind": "company", "quantity": i * 0.5, "unit": "t",
            "flag": i % 2 == 0, "code": f"{i % 1000:04d}"}


STATEMENTS = {
    "nodes": "UNWIND $rows AS r CREATE (:X {k: r.k})",
    "nodes+props": "UNWIND $rows AS r CREATE (n:Y {k: r.k}) SET n += r.props",
    "lookup": "UNWIND $rows AS r MATCH (n:X {k: r.k}) RETURN n.k AS k",
    "rels": "UNWIND $rows AS r MATCH (a:X {k: r.a}) MATCH (b:X {k: r.b}) CREATE (a)-[:R]->(b)",
    "rels+props": "UNWIND $rows AS r MATCH (a:X {k: r.a}) MATCH (b:X {k: r.b}) CREATE (a)-[x:R2]->(b) "
                  "SET x += r.props",
    "rels-hubs": "UNWIND $rows AS r MATCH (a:X {k: r.a}) MATCH (b:X {k: r.b}) CREATE (a)-[:H]->(b)",
    "rels-by-id": "UNWIND $rows AS r MATCH (a) WHERE id(a) = r.a MATCH (b) WHERE id(b) = r.b "
                  "CREATE (a)-[:I]->(b)",
    "rels-by-elementid": "UNWIND $rows AS r MATCH (a) WHERE elementId(a) = r.a MATCH (b) WHERE elementId(b) = r.b "
                         "CREATE (a)-[:E]->(b)",
    "rels+props-inline": "UNWIND $rows AS r MATCH (a:X {k: r.a}) MATCH (b:X {k: r.b}) CREATE (a)-[x:R3 {"
                         + ", ".join(f"{k}: r.props.{k}" for k in props(0)) + "}]->(b)",
}


class _Rollback(Exception):
    pass


def timed(store: Store, cypher: str, rows: list, batch: int, commit: bool = True) -> float:
    def work(tx):
        for i in range(0, len(rows), batch):
            list(tx.run(cypher, rows=rows[i:i + batch]))
        if not commit:
            raise _Rollback
    t = time.perf_counter()
    with contextlib.suppress(_Rollback):
        store.transaction(work)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--hubs", type=int, default=20)
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--only", help="comma-separated statement names (nodes is always run first)")
    args = parser.parse_args()
    names = list(STATEMENTS) if not args.only else ["nodes", *[n for n in args.only.split(",") if n != "nodes"]]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="eitgraph-ceiling-"))
    shutil.rmtree(work / "store", ignore_errors=True)
    store = Store(StoreConfig.resolve(data_dir=work / "store", heap=args.heap, env={}))
    rng = random.Random(1)
    n = args.rows
    try:
        for label in ("X", "Y"):
            store.execute(f"CREATE CONSTRAINT {label.lower()}_k IF NOT EXISTS FOR (n:{label}) REQUIRE n.k IS UNIQUE")
        print(f"{n} rows, batches of {args.batch}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
        for name in names:
            if name == "nodes":
                rows = [{"k": f"k{i}"} for i in range(n)]
            elif name == "nodes+props":
                rows = [{"k": f"k{i}", "props": props(i)} for i in range(n)]
            elif name == "lookup":
                rows = [{"k": f"k{rng.randrange(n)}"} for _ in range(n)]
            elif name in ("rels", "rels+props", "rels+props-inline"):
                rows = [{"a": f"k{rng.randrange(n)}", "b": f"k{rng.randrange(n)}", "props": props(i)} for i in range(n)]
            elif name == "rels-hubs":
                rows = [{"a": f"k{rng.randrange(n)}", "b": f"k{rng.randrange(args.hubs)}"} for _ in range(n)]
            else:  # rels-by-id, rels-by-elementid
                fn = "id" if name == "rels-by-id" else "elementId"
                t = time.perf_counter()
                ids = [r["i"] for r in store.records(f"MATCH (n:X) RETURN {fn}(n) AS i")]
                print(f"  reading {len(ids)} ids: {time.perf_counter() - t:.1f} s (e.g. {ids[0]!r})")
                rows = [{"a": rng.choice(ids), "b": rng.choice(ids)} for _ in range(n)]
            # Warm the JIT on a tenth of the rows in a transaction that is rolled back: the first
            # statements of a fresh JVM otherwise run interpreted and look slower than they are.
            timed(store, STATEMENTS[name], rows[:max(1, n // 10)], args.batch, commit=False)
            seconds = timed(store, STATEMENTS[name], rows, args.batch)
            print(f"  {name:12s} {seconds:6.1f} s  {n / seconds:9,.0f} rows/s  load {os.getloadavg()[0]:.2f}",
                  flush=True)
        counts = store.records("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n")
        print("  relationships:", {r["t"]: r["n"] for r in counts})
    finally:
        store.close()
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
