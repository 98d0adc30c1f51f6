"""Organisations that are probably one: listed for the officer, merged on request.

Loads already match organisations by SIRET, SIREN + commune, identifier and name (see
:mod:`eitgraph.identity`); what is left are spellings no rule can safely join (« Suez » and « SUEZ
RV Nord-Est »), or one name in two communes. :func:`probable_duplicates` lists them with the reason;
:func:`merge` makes one organisation of two on request: every dataset's contribution and every
relationship of the second moves to the first, and the decision is kept (dataset
``decisions:same-as``) so that later loads of either file name the merged organisation.
"""

from __future__ import annotations

import difflib
from collections import defaultdict

import pandas as pd

from ..errors import EitgraphError
from .identity import name_key
from .orgplan import mentions_of

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
                elif same_place and (a["key"] in b["key"] or b["key"] in a["key"]) \
                        and min(len(a["key"]), len(b["key"])) >= 4:
                    reason = "one name contains the other"
                else:
                    continue
                first, second = sorted((a, b), key=lambda r: r["id"])
                pairs[(first["id"], second["id"])] = (first, second, reason, round(score, 3))
    out = [[a["id"], a["name"], a["commune"], b["id"], b["name"], b["commune"], reason, score]
           for a, b, reason, score in pairs.values()]
    df = pd.DataFrame(out, columns=COLUMNS)
    return df.sort_values(["similarity", "id"], ascending=[False, True], ignore_index=True)


def merge(loader, keep: str, other: str) -> dict:
    """Make one organisation of ``keep`` and ``other`` (ids): the decision lists the mentions of both
    (each file's key for them) and is kept as dataset ``decisions:same-as``; the organisations are
    clustered again with it, so later loads of either file keep them one."""
    if keep == other:
        raise EitgraphError("give two different organisations to merge")
    rows = {r["p"]["id"]: r for r in loader.store.records(
        "MATCH (o:Organisation) WHERE o.id IN $ids RETURN elementId(o) AS e, labels(o) AS l, properties(o) AS p",
        {"ids": [keep, other]})}
    for oid in (keep, other):
        if oid not in rows:
            raise EitgraphError(f"no organisation has the id {oid!r} ('eitgraph duplicates' lists candidates)")
    a, b = rows[keep], rows[other]
    if a["p"].get("siret") and b["p"].get("siret") and a["p"]["siret"] != b["p"]["siret"]:
        raise EitgraphError(f"{keep} and {other} have different SIRETs: two establishments, not one organisation")
    group = sorted({m.ident for r in (a, b) for m in mentions_of(r["e"], r["p"], tuple(r["l"])) if m.dataset})
    if not group:
        raise EitgraphError(f"{keep} and {other} were not written by eitgraph's loaders; nothing to merge")
    report, kept = loader.decide(group)
    return {"kept": kept, "report": report}
