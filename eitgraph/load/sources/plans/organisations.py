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
from ....values import fold, slug
from ...graphbatch import GraphBatch
from .keywords import guess_kind
from .numbering import short_slug


class Names:
    """Turns names as written into node ids, one node per normalised name across plans."""

    def __init__(self, ctx, aliases: dict[str, str]):
        self.ctx = ctx
        self.aliases = aliases
        rows = ctx.lookup("MATCH (o:Organisation) RETURN o.id AS id, o.name AS name", {})
        self.org_ids = {r["id"] for r in rows}
        self.org_by_name: dict[str, set[str]] = {}
        for r in rows:
            if r["name"]:
                self.org_by_name.setdefault(fold(r["name"]), set()).add(r["id"])
        self.new_orgs: dict[str, tuple[str, str | None]] = {}
        self.used_orgs: set[str] = set()

    def organisation(self, name: str, loc: Location) -> str | None:
        f = fold(name)
        if f in self.aliases:
            oid = self.aliases[f]
            if oid not in self.org_ids and oid not in self.new_orgs:
                self.ctx.problems.add(f"the sidecar maps {name!r} to organisation {oid!r}, which is not in the graph",
                                      loc)
                return None
        elif name in self.org_ids:
            oid = name
        elif slug(name) in self.org_ids:
            oid = slug(name)
        elif len(self.org_by_name.get(f, ())) == 1:
            oid = next(iter(self.org_by_name[f]))
        elif self.org_by_name.get(f):
            self.ctx.problems.add(f"organisation name {name!r} is ambiguous ({', '.join(sorted(self.org_by_name[f]))});"
                                  " use its id or map it in the sidecar's 'organisations'", loc)
            return None
        else:
            oid = short_slug(name)
            if not oid:
                return None
            self.new_orgs.setdefault(oid, (name, guess_kind(name)))
        self.used_orgs.add(oid)
        return oid

    def write(self, batch: GraphBatch) -> None:
        for oid in sorted(self.used_orgs):
            if oid in self.new_orgs:
                name, kind = self.new_orgs[oid]
                batch.node("Organisation", oid, {"name": name, "kind": kind}, [KINDS[kind].label] if kind else [],
                           self.ctx.table.location())
            else:  # already in the graph: this plan only takes a share of it, so it stays while referenced
                batch.node("Organisation", oid, {}, (), self.ctx.table.location())
