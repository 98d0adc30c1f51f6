"""Helpers shared by the loader tests: real input files and graph snapshots."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from eitgraph.values import luhn_complete


def make_siret(siren8: str, nic4: str) -> str:
    """A valid SIRET from 8 SIREN digits and 4 NIC digits (both check digits computed)."""
    siren = luhn_complete(siren8)
    return luhn_complete(siren + nic4)


def write_csv(path: Path, rows: list[list], delimiter: str = ";", encoding: str = "utf-8",
              newline: str = "\r\n") -> Path:
    """Write rows (the first one is the header) as a real CSV file, quoting only when needed."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(
        [["" if v is None else str(v) for v in row] for row in rows])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def snapshot(kb) -> dict:
    """Counts per label and relationship type, and the datasets loaded (with their checksums)."""
    status = kb.status()
    return {"nodes": status["nodes"], "relationships": status["relationships"],
            "datasets": sorted((d["dataset"], d["sha256"]) for d in status["datasets"])}


def dataset_exists(kb, dataset_id: str) -> bool:
    return kb.cypher("MATCH (d:Dataset {id: $id}) RETURN count(d) AS n", id=dataset_id)["n"][0] > 0


def owned_by(kb, dataset_id: str) -> int:
    """Nodes and relationships that carry ``dataset_id`` among their sources."""
    n = kb.cypher("MATCH (n) WHERE $s IN n.sources RETURN count(n) AS n", s=dataset_id)["n"][0]
    r = kb.cypher("MATCH ()-[r]->() WHERE $s IN r.sources RETURN count(r) AS n", s=dataset_id)["n"][0]
    return n + r


def org_names(kb) -> dict[str, str]:
    df = kb.cypher("MATCH (o:Organisation) RETURN o.id AS id, o.name AS name")
    if df.empty:   # the embedded store sends no column names with an empty result
        return {}
    return dict(zip(df["id"], df["name"], strict=True))


def recs(df) -> list[dict]:
    """A DataFrame's rows as dicts, with missing values as None (pandas shows them as NaN)."""
    return df.astype(object).where(df.notna(), None).to_dict("records")


def fingerprint(kb) -> tuple[dict, dict, str]:
    """Counts per label and relationship type, and one hash of every property of every node and
    relationship (with their labels, types and ends): equal fingerprints, the same graph."""
    import hashlib
    import json

    status = kb.status()
    nodes = kb.cypher("MATCH (n) RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS p")
    rels = kb.cypher("MATCH (a)-[r]->(b) RETURN elementId(a) AS a, type(r) AS t, elementId(b) AS b, "
                     "properties(r) AS p")

    def dump(row) -> str:
        return json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)

    lines = sorted(dump({"id": r.id, "labels": sorted(r.labels), "p": r.p}) for r in nodes.itertuples(index=False))
    lines += sorted(dump({"a": r.a, "t": r.t, "b": r.b, "p": r.p}) for r in rels.itertuples(index=False))
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    return status["nodes"], status["relationships"], digest
