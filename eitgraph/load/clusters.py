"""Which mentions of organisations, in all the files loaded, are one organisation.

Every file that names an organisation leaves a *mention* (its dataset, its key in the file, and what
the file says: SIRET, SIREN, commune, name, identifier). Organisations are the clusters of all
mentions, computed from all of them at once — so the graph does not depend on the order the files
were loaded in, and a file that stops naming an organisation can split what it had joined.

Rules (:mod:`eitgraph.load.identity` has the folding of names and the id of a cluster):

1. the same SIRET;
2. the same SIREN and commune;
3. the same identifier (« Identifiant », or a text written like one);
4. the same name and commune;
5. a name with no commune anywhere in its cluster joins the one cluster with a commune that has this
   name; with none, the clusters of that name without a commune are one; with several, it stays
   apart (reported: the name could be any of them);
6. a merge decision (``eitgraph merge``) joins the clusters of the mentions it lists.

Two mentions with different SIRETs (or SIRENs) are never joined by rules 2–6.

>>> ms = [Mention("a", "1", {"name": "Suez RV", "siret": "41163939500019", "commune_code": "68224"}),
...       Mention("b", "n:suez rv", {"name": "SUEZ RV"}),
...       Mention("c", "2", {"siret": "41163939500019"})]
>>> sorted(len(c) for c in cluster(ms))
[3]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .identity import name_key, usable_handle


@dataclass
class Mention:
    dataset: str
    pkey: str
    props: Mapping[str, Any]
    labels: tuple[str, ...] = ()
    where: str = ""
    host: str | None = None  # elementId of the node that holds it now (None: new)

    @property
    def ident(self) -> tuple[str, str]:
        return (self.dataset, self.pkey)


def evidence(props: Mapping[str, Any]) -> dict:
    siret = props.get("siret") or None
    siren = props.get("siren") or (siret[:9] if siret else None)
    handles = {h for h in (props.get("handle"), props.get("_handle"), props.get("id"), *(props.get("handles") or ()))
               if usable_handle(h)}
    names = {name_key(props["name"])} if props.get("name") else set()
    names |= set(props.get("aliases") or ())
    names.discard("")
    return {"siret": siret, "siren": siren, "commune": props.get("commune_code") or None, "handles": handles,
            "names": names}


class _Clusters:
    """Union-find over mentions, keeping each cluster's SIRETs and SIRENs to refuse conflicting joins."""

    def __init__(self, ev: list[dict]):
        self.parent = list(range(len(ev)))
        self.sirets = [{e["siret"]} - {None} for e in ev]
        self.sirens = [{e["siren"]} - {None} for e in ev]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def compatible(self, a: int, b: int, siren: bool = True) -> bool:
        ra, rb = self.find(a), self.find(b)
        if self.sirets[ra] and self.sirets[rb] and not (self.sirets[ra] & self.sirets[rb]):
            return False
        return not (siren and self.sirens[ra] and self.sirens[rb] and not (self.sirens[ra] & self.sirens[rb]))

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.sirets[ra] |= self.sirets[rb]
        self.sirens[ra] |= self.sirens[rb]

    def join_groups(self, groups: Mapping[Any, list[int]], siren: bool = True) -> None:
        for key in sorted(groups, key=repr):
            members = groups[key]
            for other in members[1:]:
                if self.compatible(members[0], other, siren):
                    self.union(members[0], other)


@dataclass
class Outcome:
    clusters: list[list[Mention]]
    ambiguous: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # mention -> cluster indexes


def cluster(mentions: list[Mention], same_as: Iterable[Iterable[tuple[str, str]]] = ()) -> list[list[Mention]]:
    return resolve(mentions, same_as).clusters


def resolve(mentions: list[Mention], same_as: Iterable[Iterable[tuple[str, str]]] = ()) -> Outcome:
    """Clusters of mentions (each sorted by dataset and key), in a stable order, and the mentions left
    apart because their name alone could be several organisations."""
    mentions = sorted(mentions, key=lambda m: m.ident)
    ev = [evidence(m.props) for m in mentions]
    uf = _Clusters(ev)
    _strong(uf, ev, {m.ident: i for i, m in enumerate(mentions)}, same_as)
    ambiguous = _by_name_only(uf, ev, len(mentions))
    members: dict[int, list[Mention]] = defaultdict(list)
    for i, m in enumerate(mentions):
        members[uf.find(i)].append(m)
    order = sorted(members, key=lambda r: mentions[r].ident)
    position = {r: k for k, r in enumerate(order)}
    out = Outcome([members[r] for r in order])
    for r, homes in ambiguous.items():
        for m in members[uf.find(r)]:
            out.ambiguous[m.ident] = sorted(position[uf.find(h)] for h in homes)
    return out


def _strong(uf: _Clusters, ev: list[dict], index: dict, same_as) -> None:
    """Rules 1–4 and the merge decisions, each applied to its groups in a fixed order."""

    def groups(key) -> dict:
        out: dict = defaultdict(list)
        for i, e in enumerate(ev):
            for k in key(e):
                out[k].append(i)
        return out

    uf.join_groups(groups(lambda e: [e["siret"]] if e["siret"] else []))
    uf.join_groups(groups(lambda e: [(e["siren"], e["commune"])] if e["siren"] and e["commune"] else []),
                   siren=False)
    uf.join_groups(groups(lambda e: sorted(e["handles"])))
    uf.join_groups(groups(lambda e: [(n, e["commune"]) for n in sorted(e["names"])] if e["commune"] else []))
    for group in same_as:  # decisions of 'eitgraph merge'
        members = [index[g] for g in map(tuple, group) if g in index]
        for other in members[1:]:
            uf.union(members[0], other)


def _by_name_only(uf: _Clusters, ev: list[dict], n: int) -> dict[int, set[int]]:
    """Rule 5, decided on the clusters the strong rules made, so that no order of files matters;
    returns the clusters left apart with the clusters they could be."""
    roots = sorted({uf.find(i) for i in range(n)})
    placed = {r: False for r in roots}
    names_of: dict[int, set[str]] = defaultdict(set)
    for i, e in enumerate(ev):
        r = uf.find(i)
        placed[r] = placed[r] or bool(e["commune"])
        names_of[r] |= e["names"]
    by_name: dict[str, list[int]] = defaultdict(list)
    for r in roots:
        for name in names_of[r]:
            by_name[name].append(r)
    ambiguous: dict[int, set[int]] = {}
    joins: list[tuple[int, int]] = []
    for r in (r for r in roots if not placed[r]):
        targets = set()
        for name in sorted(names_of[r]):
            homes = [x for x in by_name[name] if placed[x] and uf.compatible(r, x)]
            if len(homes) == 1:
                targets.add(homes[0])
            elif len(homes) > 1:
                ambiguous[r] = set(homes)
        if len(targets) == 1 and r not in ambiguous:
            joins.append((r, targets.pop()))
        elif len(targets) > 1:
            ambiguous[r] = targets
    joined = {a for a, _ in joins}
    for name in sorted(by_name):  # clusters of one name with no placed home are one organisation
        loose = [x for x in by_name[name] if not placed[x] and x not in ambiguous and x not in joined]
        joins += [(other, loose[0]) for other in loose[1:]]
    for a, b in joins:
        if uf.compatible(a, b):
            uf.union(a, b)
    return ambiguous
