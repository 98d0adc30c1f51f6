"""A plan's axes as Territoires en Transitions builds them: an action's path is the non-empty cells of
« Axe », « Sous-axe » and « Sous-sous axe » on its own row (no inheritance from the row above; a merged
cell counts as filled), and an axis is the exact text path of its names (TeT's key: the names joined by
``::``), so « 1. Énergie » and « 1. Énergie␠ » are two axes, as in TeT.

Axis ids are the plan id and the slugs of the path (``pcaet:1-energie/1-1-sobriete``); when two exact
paths of one plan give the same slugs, each of them gets a short hash of its exact text.

>>> ids = axis_ids("p", [("1. Énergie", "1.1. Sobriété"), ("1. Énergie ",)])
>>> sorted(ids.values())
['p:1-energie~96dc07', 'p:1-energie~f927e8', 'p:1-energie~f927e8/1-1-sobriete']
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict

from ...graphbatch import GraphBatch
from ...records import Record
from .numbering import parse_axis, short_slug

AXIS_COLUMNS = ("axis", "sub_axis", "sub_sub_axis")
SEPARATOR = "::"  # TeT's axisFormatter


def serialize(path: tuple[str, ...]) -> str:
    return SEPARATOR.join(path)


def shown(path: tuple[str, ...]) -> str:
    """« Axe 1 › Sous-axe 1.1 », or « without axis »."""
    return " › ".join(f"« {name} »" for name in path) if path else "without axis"


def prefixes(path: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [path[:i] for i in range(1, len(path) + 1)]


def axis_ids(plan_id: str, paths) -> dict[tuple[str, ...], str]:
    """Id of every axis (every prefix of every path), readable and unique per exact path."""
    every = sorted({p for path in paths for p in prefixes(tuple(path))}, key=lambda p: (len(p), p))
    out: dict[tuple[str, ...], str] = {}
    for depth in sorted({len(p) for p in every}):  # parents first: a child's id starts with its parent's
        groups: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for p in every:
            if len(p) == depth:
                head = out[p[:-1]] + "/" if depth > 1 else f"{plan_id}:"
                groups[head + (short_slug(p[-1], 40) or "axe")].append(p)
        for rid, members in groups.items():
            for p in members:
                out[p] = rid if len(members) == 1 else rid + "~" + hashlib.sha1(serialize(p).encode()).hexdigest()[:6]
    return out


def loose(text: str) -> str:
    """Case, accents and spaces ignored (punctuation kept): « 1. Énergie␠ » ~ « 1. energie ».

    >>> loose(" 1. Énergie "), loose("Dates — JJ-MM") == loose("Dates — JJ/MM")
    ('1. energie', False)
    """
    text = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def near_identical(paths) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Pairs of distinct axes under one parent whose names differ only by spaces, case or accents."""
    seen: dict[tuple, tuple[str, ...]] = {}
    pairs = []
    for p in sorted({p for path in paths for p in prefixes(tuple(path))}, key=lambda p: (len(p), p)):
        key = (p[:-1], loose(p[-1]))
        if key in seen and seen[key] != p:
            pairs.append((seen[key], p))
        seen.setdefault(key, p)
    return pairs


def write_axes(rec: Record, batch: GraphBatch, plan_id: str, ids: dict, path: tuple[str, ...],
               columns: tuple[str, ...]) -> str | None:
    """The axes of a row's path under the plan; the id of the deepest, or None without axis."""
    parent = None
    for level, (p, col) in enumerate(zip(prefixes(path), columns, strict=True), start=1):
        axis_id = ids[p]
        batch.node("Axis", axis_id, {"plan": plan_id, "name": p[-1], "number": parse_axis(p[-1])[0], "level": level,
                                     "path": serialize(p)}, location=rec.loc(col))
        if parent:
            batch.rel("SUBAXIS_OF", "Axis", axis_id, "Axis", parent, location=rec.loc(col))
        else:
            batch.rel("AXIS_OF", "Axis", axis_id, "Plan", plan_id, location=rec.loc(col))
        parent = axis_id
    return parent
