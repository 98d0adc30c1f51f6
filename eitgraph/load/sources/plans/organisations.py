"""Names of organisations as plans write them → Organisation ids: found in the graph, mapped by the
sidecar, or new organisations with a kind guessed from their name.

Note: :class:`Names` is one of two organisation resolvers; the other is ``Directory`` in
``load/sources/diagnostics.py`` (also used by workshops). They disagree on a name several
organisations share: this one reports it as ambiguous, ``Directory`` takes the first. Both are left
as they were, to become one resolution with organisation ids (issue #11).
"""

from __future__ import annotations

from ....errors import Location
from ....model.organisation_kinds import KINDS
from ....values import fold
from ...graphbatch import GraphBatch
from ...identity import name_key
from .keywords import guess_kind
from .numbering import short_slug


class Names:
    """Turns names as written into organisation mentions, one per normalised name across plans.

    A name the sidecar maps to an organisation points at it; any other name is a mention (its name,
    a kind guessed from it) that :mod:`eitgraph.load.identity` matches with the organisations of the
    other files, or creates."""

    def __init__(self, ctx, aliases: dict[str, str], batch: GraphBatch):
        self.ctx = ctx
        self.aliases = aliases
        self.batch = batch
        self.id_part: dict[str, str] = {}  # batch key -> the text that names the lead in action ids

    def organisation(self, name: str, loc: Location) -> str | None:
        f = fold(name)
        if f in self.aliases:
            key = self.batch.ref("Organisation", self.aliases[f], loc, f"the sidecar maps {name!r} to it")
            self.id_part[key] = self.aliases[f]
            return key
        handle = short_slug(name)
        if not handle:
            return None
        key = "n:" + name_key(name)
        if key in self.batch.nodes.get("Organisation", {}):  # another spelling of a name already read
            return key
        kind = guess_kind(name)
        self.batch.node("Organisation", key, {"name": name, "kind": kind, "_handle": handle, "_created": True},
                        [KINDS[kind].label] if kind else [], loc)
        self.id_part.setdefault(key, handle)
        return key
