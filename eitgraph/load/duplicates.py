"""Organisations that are probably one: listed for the officer, merged on request.

Loads already match organisations by SIRET, SIREN + commune, identifier and name (see
:mod:`eitgraph.identity`); what is left are spellings no rule can safely join (« Suez » and « SUEZ
RV Nord-Est »), or one name in two communes. :func:`probable_duplicates` lists them with the reason;
:func:`merge` makes one organisation of two on request: every dataset's contribution and every
relationship of the second moves to the first, and the decision is kept (dataset
``decisions:same-as``) so that later loads of either file name the merged organisation.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections import defaultdict

import pandas as pd

from .contributions import Contribution, contributions_of, stored_props
from .contributions import merge as merge_values
from ..errors import EitgraphError
from .identity import name_key
from .spec import kind_ranks
from .writeplan import Precedence, derive_org

DECISIONS = "decisions:same-as"
COLUMNS = ["id", "name", "commune", "other_id", "other_name", "other_commune", "reason", "similarity"]


def probable_duplicates(store, cutoff: float = 0.85) -> pd.DataFrame:
    """Pairs of organisations that are probably one, most similar first."""
    rows = store.records("MATCH (o:Organisation) RETURN o.id AS id, o.name AS name, o.commune_code AS commune, "
                         "o.siret AS siret, o.aliases AS aliases")
    blocks: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        r["key"] = name_key(r["name"] or "")
        for word in set(r["key"].split()[:2]):
            blocks[word].append(r)
    pairs: dict[tuple, tuple] = {}
    for members in blocks.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if a["id"] == b["id"] or (a["siret"] and b["siret"] and a["siret"] != b["siret"]):
                    continue
                same_place = not a["commune"] or not b["commune"] or a["commune"] == b["commune"]
                score = difflib.SequenceMatcher(None, a["key"], b["key"]).ratio()
                if a["key"] == b["key"]:
                    reason = "same name" + ("" if same_place else ", different communes")
                elif score >= cutoff and same_place:
                    reason = "close names"
                elif same_place and (a["key"] in b["key"] or b["key"] in a["key"]) and min(len(a["key"]), len(b["key"])) >= 4:
                    reason = "one name contains the other"
                else:
                    continue
                first, second = sorted((a, b), key=lambda r: r["id"])
                pairs[(first["id"], second["id"])] = (first, second, reason, round(score, 3))
    out = [[a["id"], a["name"], a["commune"], b["id"], b["name"], b["commune"], reason, score]
           for a, b, reason, score in pairs.values()]
    df = pd.DataFrame(out, columns=COLUMNS)
    return df.sort_values(["similarity", "id"], ascending=[False, True], ignore_index=True)


def merge(store, model, keep: str, other: str) -> dict:
    """Make one organisation of ``keep`` and ``other`` (ids); returns what moved."""
    if keep == other:
        raise EitgraphError("give two different organisations to merge")
    now = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")

    def work(tx):
        found = {r["p"]["id"]: r for r in tx.run(
            "MATCH (o:Organisation) WHERE o.id IN $ids RETURN elementId(o) AS e, labels(o) AS l, properties(o) AS p",
            ids=[keep, other]).data()}
        for oid in (keep, other):
            if oid not in found:
                raise EitgraphError(f"no organisation has the id {oid!r} ('eitgraph duplicates' lists candidates)")
        a, b = found[keep], found[other]
        if a["p"].get("siret") and b["p"].get("siret") and a["p"]["siret"] != b["p"]["siret"]:
            raise EitgraphError(f"{keep} and {other} have different SIRETs: two establishments, not one organisation")
        contribs = dict(contributions_of(a["p"], ("id", "handles", "aliases")) or {})
        for d, c in (contributions_of(b["p"], ("id", "handles", "aliases")) or {}).items():
            if d in contribs:  # one file named both: its values for the kept one first
                mine = contribs[d]
                contribs[d] = Contribution({**c.props, **mine.props}, tuple(set(mine.labels) | set(c.labels)),
                                           mine.where)
            else:
                contribs[d] = c
        # The decision itself: the second organisation's identifiers and names stay known, so that the
        # next load of a file naming it finds the merged one.
        old = contribs.get(DECISIONS)
        handles = sorted({*(old.props.get("handles", []) if old else []), other, *(b["p"].get("handles") or [])})
        aliases = sorted({*(old.props.get("aliases", []) if old else []), *(b["p"].get("aliases") or [])})
        contribs[DECISIONS] = Contribution({"handles": handles, "aliases": aliases})
        kinds = dict(tx.run("MATCH (d:Dataset) RETURN d.id AS id, d.kind AS k").values())
        kinds[DECISIONS] = "same-as"
        prec = Precedence(kinds, {**kind_ranks(), "same-as": 95})
        merged = merge_values(contribs, prec.order(contribs))
        derive_org(merged, contribs)
        props = stored_props(merged, contribs, now, keep_contributions=True)
        degree = tx.run("MATCH (s) WHERE elementId(s) = $e MATCH (s)-[x]-(o) WHERE elementId(o) <> $k "
                        "RETURN count(x) AS n", e=b["e"], k=a["e"]).single()["n"]
        moved = _move_relationships(tx, model, b["e"], a["e"])
        if moved != degree:  # never delete a relationship that was not copied
            raise EitgraphError(f"merging {other} into {keep}: {degree} relationships to move, {moved} copied; "
                                "nothing was changed")
        _merge_twins(tx, model, a["e"], prec)
        tx.run("MATCH (o) WHERE elementId(o) = $e DETACH DELETE o", e=b["e"]).consume()
        tx.run("MATCH (o) WHERE elementId(o) = $e SET o = $p", e=a["e"], p=props).consume()
        history = tx.run("MATCH (d:Dataset {id: $id}) RETURN d.history AS h", id=DECISIONS).single()
        events = json.loads(history["h"]) if history and history["h"] else []
        events.append({"at": now, "action": "merge", "keep": keep, "other": other, "state": len(events)})
        tx.run("MERGE (d:Dataset {id: $id}) SET d.kind = 'same-as', d.file = 'eitgraph merge', d.history = $h, "
               "d.changed_at = $now, d.loaded_at = $now, d.dropped = false", id=DECISIONS, h=json.dumps(events),
               now=now).consume()
        return {"kept": props["id"], "relationships": moved}

    return store.transaction(work, what=f"merging {other} into {keep}")


def _move_relationships(tx, model, src: str, dst: str) -> int:
    """Every relationship of node ``src`` recreated on ``dst`` (same type, properties, other end).
    Each statement starts from the node found by elementId: ArcadeDB finds no row when the
    elementId filter is on the far end of a pattern."""
    moved = 0
    for rtype, rel in model.relationships.items():
        if "Organisation" in rel.sources:
            moved += tx.run(f"MATCH (s) WHERE elementId(s) = $src MATCH (s)-[x:{rtype}]->(b) WHERE elementId(b) <> $dst "
                            f"MATCH (d) WHERE elementId(d) = $dst CREATE (d)-[y:{rtype}]->(b) SET y = properties(x) "
                            "RETURN count(y) AS n", src=src, dst=dst).single()["n"]
        if "Organisation" in rel.targets:
            moved += tx.run(f"MATCH (s) WHERE elementId(s) = $src MATCH (b)-[x:{rtype}]->(s) WHERE elementId(b) <> $dst "
                            f"MATCH (d) WHERE elementId(d) = $dst CREATE (b)-[y:{rtype}]->(d) SET y = properties(x) "
                            "RETURN count(y) AS n", src=src, dst=dst).single()["n"]
    return moved


def _merge_twins(tx, model, node: str, prec: Precedence) -> None:
    """Relationships the two organisations both had (same type, other end and key) become one, with
    the contributions of both."""
    for rtype, rel in model.relationships.items():
        for pattern, end in (("(n)-[x:{t}]->(b)", "b"), ("(b)-[x:{t}]->(n)", "b")):
            rows = tx.run(f"MATCH {pattern.format(t=rtype)} WHERE elementId(n) = $n "
                          f"RETURN elementId(x) AS x, elementId({end}) AS b, properties(x) AS p", n=node).data()
            groups: dict[tuple, list[dict]] = defaultdict(list)
            for r in rows:
                groups[(r["b"], r["p"].get(rel.key) if rel.key else None)].append(r)
            for twins in groups.values():
                if len(twins) < 2:
                    continue
                contribs: dict[str, Contribution] = {}
                for t in twins:
                    for d, c in (contributions_of(t["p"], (), rel.key) or {}).items():
                        contribs.setdefault(d, c)
                merged = merge_values(contribs, prec.order(contribs))
                if rel.key:
                    merged.props[rel.key] = twins[0]["p"].get(rel.key)
                props = stored_props(merged, contribs, twins[0]["p"].get("loaded_at") or "")
                tx.run("MATCH ()-[x]->() WHERE elementId(x) = $x SET x = $p", x=twins[0]["x"], p=props).consume()
                for t in twins[1:]:
                    tx.run("MATCH ()-[x]->() WHERE elementId(x) = $x DELETE x", x=t["x"]).consume()
