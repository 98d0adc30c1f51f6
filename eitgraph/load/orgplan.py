"""The organisations part of a load's plan: every mention of every file clustered again, each
cluster's node written as a fresh load of the final files would write it.

A load changes the mentions of one dataset. The clusters of all mentions are computed anew
(:mod:`eitgraph.load.clusters`) and compared with the nodes: a cluster keeps the node that already
holds most of its mentions (the one with its id first), a new cluster gets a new node, a node no
cluster keeps is deleted; each node's values, labels, id and contributions are recomputed from its
cluster. When a node is deleted, or loses or gains mentions of other files, the relationships other
datasets attached to it may now belong elsewhere: those datasets are planned again in the same
transaction (the *cascade*, see :class:`eitgraph.load.loading.Loader`).

Stored on each organisation, ``contributions`` keeps every mention:
``{dataset: {"m": {key in the file: {"p": values, "l": sub-labels, "w": "file, row"}}}}``.
"""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from typing import Any

from . import identity
from .clusters import Mention, resolve
from .contributions import Contribution, encode_value, merge
from .notes import Note

ORG = "Organisation"
PRIVATE = ("_created",)  # what a mention says for this load only (notes), not stored


def mentions_of(eid: str, props: dict, labels: tuple[str, ...]) -> list[Mention]:
    """The mentions a node holds (older stores: one per dataset; nodes written outside eitgraph: the
    node itself, which anchors its cluster)."""
    sources = props.get("sources") or []
    if not sources:
        values = {k: v for k, v in props.items() if k not in ("id",)}
        return [Mention("", eid, values, labels, "", eid)]
    raw = json.loads(props["contributions"]) if props.get("contributions") else {}
    out = []
    for d in sources:
        entry = raw.get(d)
        if entry is None:  # an element of one dataset from before contributions were kept
            values = {k: v for k, v in props.items() if k not in ("id", "handles", "aliases", "source", "sources",
                                                                   "loaded_at", "contributions")}
            out.append(Mention(d, "", values, labels, "", eid))
        elif "m" in entry:
            for pkey, m in entry["m"].items():
                out.append(Mention(d, pkey, m.get("p", {}), tuple(m.get("l", ())), m.get("w", ""), eid))
        else:
            out.append(Mention(d, "", entry.get("p", {}), tuple(entry.get("l", ())), entry.get("w", ""), eid))
    return out


def encode_mentions(ms: list[Mention]) -> str:
    data: dict[str, dict] = {}
    for m in sorted(ms, key=lambda m: m.ident):
        if not m.dataset:
            continue
        entry = {"p": dict(sorted(m.props.items())), "l": list(m.labels)}
        if m.where:
            entry["w"] = m.where
        data.setdefault(m.dataset, {"m": {}})["m"][m.pkey] = entry
    return json.dumps(data, default=encode_value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def contributions(ms: list[Mention]) -> dict[str, Contribution]:
    """Each dataset's contribution to one organisation: its mentions' values, key by key."""
    out: dict[str, Contribution] = {}
    by_dataset: dict[str, list[Mention]] = defaultdict(list)
    for m in sorted(ms, key=lambda m: m.ident):
        by_dataset[m.dataset].append(m)
    for d, group in by_dataset.items():
        props: dict[str, Any] = {}
        labels: tuple[str, ...] = ()
        for m in group:
            for k, v in m.props.items():
                if not k.startswith("_"):
                    props.setdefault(k, v)
            labels = labels or m.labels
        out[d] = Contribution(props, labels, group[0].where)
    return out


class OrganisationPlan:
    """Plans the organisations of one load (``planner`` is the load's :class:`writeplan.Planner`)."""

    def __init__(self, planner, batch, same_as):
        self.p = planner
        self.batch = batch
        self.same_as = same_as

    def run(self) -> None:
        p, d = self.p, self.p.d
        rows = self.batch.nodes.get(ORG, {})
        everyone = [p._node(r) for r in p._collect(p.qb.all_nodes(ORG))]
        by_eid = {el.eid: el for el in everyone}
        p.plan.owned_before += sum(1 for el in everyone if d in el.sources)
        stored = [m for el in everyone for m in mentions_of(el.eid, el.props, el.labels)]
        old_host = {m.pkey: m.host for m in stored if m.dataset == d}
        others = [m for m in stored if m.dataset != d]
        new = [Mention(d, pkey, {k: v for k, v in row.props.items() if k not in PRIVATE}, tuple(row.sublabels),
                       _where(row.location), old_host.get(pkey)) for pkey, row in rows.items()]
        self._conflicts(new, others)
        self.outcome = resolve(others + new, self.same_as)
        states = []
        for k, ms in enumerate(self.outcome.clusters):
            contribs = contributions(ms)
            merged = merge(contribs, p.prec.order(contribs))
            derive_org(merged, contribs)
            states.append((k, ms, contribs, merged))
        self.ids_of = {k: merged.props["id"] for k, _ms, _c, merged in states}
        node_of, claimed = self._assign(states, self._continuity(stored, others, new), by_eid)
        deleted = [el.eid for el in everyone if el.eid not in claimed]
        self.changed_nodes = self._changed(stored, states, node_of, by_eid, deleted)
        self._write_all(states, node_of, by_eid)
        for eid in deleted:
            if by_eid[eid].sources:  # a node written outside eitgraph's loaders is left alone
                p.plan.node_deletes[ORG].append(eid)
                p.plan.deleted[ORG] += 1
        self._notes(rows, states, node_of, by_eid)
        self._references(states, node_of)

    def _assign(self, states, inherited: dict, by_eid: dict) -> tuple[dict[int, Any], dict[str, int]]:
        """Each cluster's node: one that holds its mentions, else a new one. Nodes written outside
        eitgraph first (never rewritten), then the one with the cluster's id, then the one holding most
        of its mentions; clusters take their pick in the order of their ids."""
        claimed: dict[str, int] = {}
        node_of: dict[int, Any] = {}
        for k, ms, _contribs, merged in sorted(states, key=lambda s: (s[3].props["id"], s[0])):
            hosts: dict[str, int] = defaultdict(int)
            for m in ms:
                if m.host:
                    hosts[m.host] += 1
                for host in inherited.get(m.ident, ()):
                    hosts[host] += 1
            key = merged.props["id"]
            ranked = sorted(hosts, key=lambda e: (by_eid[e].sources != [], by_eid[e].props.get("id") != key,
                                                  -hosts[e], by_eid[e].props.get("id") or ""))
            pick = next((e for e in ranked if e not in claimed), None)
            if pick is None:
                node_of[k] = ("new", ORG, f"cluster:{k}")
            else:
                claimed[pick] = k
                node_of[k] = pick
        return node_of, claimed

    def _changed(self, stored, states, node_of, by_eid, deleted) -> list[str]:
        """Nodes deleted, or whose mentions of other files change: the relationships other datasets
        attached to them may now belong elsewhere (the cascade)."""
        d = self.p.d
        before: dict = defaultdict(set)
        for m in stored:
            if m.dataset != d:
                before[m.host].add(m.ident)
        after: dict = defaultdict(set)
        for k, ms, _c, _m in states:
            for m in ms:
                if m.dataset != d:
                    after[node_of[k]].add(m.ident)
        return sorted({e for e in by_eid if before.get(e, set()) != after.get(e, set())} | set(deleted))

    def _write_all(self, states, node_of, by_eid) -> None:
        p, d = self.p, self.p.d
        ids: dict[str, int] = {}
        for k, ms, contribs, merged in states:
            key = merged.props["id"]
            if key in ids:
                both = ms + self.outcome.clusters[ids[key]]
                names = sorted({str(m.props.get("name")) for m in both if m.props.get("name")})
                p.problems.add(f"two different organisations would get the id {key!r} ({', '.join(names)}); give one "
                               "of them its SIRET or its commune")
            ids[key] = k
            target = node_of[k]
            el = by_eid.get(target) if isinstance(target, str) else None
            self._write(el, target, ms, contribs, merged)
            if any(m.dataset == d for m in ms):
                p.plan.written[ORG] += 1
            for m in ms:
                if m.dataset == d:
                    p.refs[ORG][m.pkey] = target

    def _continuity(self, stored: list[Mention], others: list[Mention], new: list[Mention]) -> dict:
        """Nodes the dataset's earlier mentions held, for the new mentions they are the same as (a list
        whose companies gain their SIRET keeps its organisations, and the links other files made to
        them). Found by clustering the earlier mentions with the rest, apart from the real clusters."""
        old = [Mention(self.p.d + "\x00before", m.pkey, m.props, m.labels, m.where, m.host)
               for m in stored if m.dataset == self.p.d]
        if not old:
            return {}
        out: dict = defaultdict(set)
        for ms in resolve(others + new + old, self.same_as).clusters:
            hosts = {m.host for m in ms if m.dataset.endswith("\x00before") and m.host}
            if hosts:
                for m in ms:
                    if m.dataset == self.p.d:
                        out[m.ident] |= hosts
        return out

    # -- writing one cluster's node ----------------------------------------------------------------------
    def _write(self, el, ref, ms, contribs, merged) -> None:
        p = self.p
        props = dict(merged.props)
        props["sources"] = list(merged.sources)
        props["source"] = merged.source
        props["loaded_at"] = p.now
        props["contributions"] = encode_mentions(ms)
        key = props["id"]
        p.final_key[ref] = key
        if el is None:
            p.plan.node_creates[(ORG, merged.labels)].append({"ref": ref, "key": key, "props": props})
            p.plan.changed[ORG] += 1
            return
        if not el.sources:
            return  # a node written outside eitgraph's loaders: matched, never rewritten
        if el.props.get("id") != key:
            p.rekeyed[el.props.get("id")] = key
        if {k: v for k, v in props.items() if k != "loaded_at"} != {k: v for k, v in el.props.items()
                                                                     if k != "loaded_at"}:
            p.plan.node_updates.append({"id": el.eid, "props": props})
            p.plan.changed[ORG] += 1
        if tuple(merged.labels) != tuple(el.labels):
            p.plan.relabels.append({"id": el.eid, "label": ORG, "final": list(merged.labels),
                                    "remove": sorted(set(el.labels) - set(merged.labels)),
                                    "add": sorted(set(merged.labels) - set(el.labels))})

    # -- checks and warnings ---------------------------------------------------------------------------------
    def _conflicts(self, new: list[Mention], others: list[Mention]) -> None:
        """A file giving an organisation another SIRET than another file does: one of them is wrong."""
        by_handle, by_place = defaultdict(list), defaultdict(list)
        for m in others:
            ev = m.props
            if not ev.get("siret"):
                continue
            for h in (ev.get("handle"), ev.get("id")):
                if identity.usable_handle(h):
                    by_handle[h].append(m)
            if ev.get("name") and ev.get("commune_code"):
                by_place[(identity.name_key(ev["name"]), ev["commune_code"])].append(m)
        rows = self.batch.nodes.get(ORG, {})
        for m in new:
            siret = m.props.get("siret")
            if not siret:
                continue
            clash = [o for o in by_handle.get(m.props.get("handle"), []) if o.props["siret"] != siret]
            if m.props.get("name") and m.props.get("commune_code"):
                clash += [o for o in by_place.get((identity.name_key(m.props["name"]), m.props["commune_code"]), [])
                          if o.props["siret"][:9] != siret[:9] and o not in clash]
            for o in clash:
                where = ", ".join(x for x in (self.p.files.get(o.dataset) or o.dataset, o.where) if x)
                self.p.problems.add(f"{m.props.get('name')!r} has SIRET {siret} here, but {where} gives "
                                    f"the same organisation ({o.props.get('name')}) SIRET {o.props['siret']}: "
                                    "correct the wrong one", rows[m.pkey].location)

    def _notes(self, rows, states, node_of, by_eid) -> None:
        p, d = self.p, self.p.d
        name_of = {k: merged.props.get("name") or merged.props["id"] for k, _ms, _c, merged in states}
        alone = {}
        names_elsewhere = {}
        for _k, ms, _c, merged in states:
            datasets = {m.dataset for m in ms}
            for m in ms:
                if m.dataset == d:
                    alone[m.pkey] = datasets == {d}
            if datasets - {d}:
                name = merged.props.get("name")
                if name:
                    names_elsewhere[identity.name_key(name)] = (name, merged.props["id"])
        for pkey, row in rows.items():
            ident = (d, pkey)
            if ident in self.outcome.ambiguous:
                names = ", ".join(sorted({str(name_of[k]) for k in self.outcome.ambiguous[ident]}))
                p.plan.notes.append(Note("ambiguous", f"{row.props.get('name')!r} could be any of {names}: kept as a "
                                         "separate organisation; add its SIRET or commune", row.location))
            elif alone.get(pkey) and row.props.get("_created"):
                close = difflib.get_close_matches(identity.name_key(row.props.get("name") or ""), list(names_elsewhere),
                                                  n=1, cutoff=0.85)
                hint = ""
                if close:
                    name, oid = names_elsewhere[close[0]]
                    hint = f"; close to {name!r} (id {oid}), merge them if they are the same"
                p.plan.notes.append(Note("created", f"organisation {row.props.get('name')!r} is in no other file: "
                                         f"created from this one{hint}", row.location))
            elif not alone.get(pkey) and not row.props.get("commune_code") and not row.props.get("siret") \
                    and not identity.usable_handle(row.props.get("handle")) and row.props.get("name"):
                p.plan.notes.append(Note("name_match", f"{row.props.get('name')!r} is matched with an organisation of "
                                         "another file on its name only", row.location))

    # -- organisations the batch points at by text ------------------------------------------------------------
    def _references(self, states, node_of) -> None:
        p, batch = self.p, self.batch
        pointed = {**{k: (k, loc) for k, loc in batch.end_keys(ORG).items()}, **batch.refs.get(ORG, {})}
        if not pointed:
            return
        finder = identity.Directory()
        for k, ms, _c, merged in states:
            known = identity.Known(node_of[k], merged.props["id"])
            for m in ms:
                known.add(m.props)
                if m.dataset == p.d:
                    known.handles.add(m.pkey)
            known.handles.add(merged.props["id"])
            known.display = merged.props.get("name") or merged.props["id"]
            finder.add(known)
        for key, (text, loc) in pointed.items():
            hit, ambiguous = finder.find(text)
            if hit is not None:
                p.refs[ORG][key] = hit.ref
            elif ambiguous:
                names = ", ".join(sorted({f"{k.display} ({k.id})" for k in ambiguous}))
                p.problems.add(f"{text!r} names several organisations: {names}; write its id or SIRET", loc)
            else:
                close = finder.similar(text)
                hint = (f"; did you mean {close.display!r} (id {close.id})?" if close else
                        "; " + batch.hints.get(key, "load the stakeholder list first, or check the spelling"))
                p.problems.add(f"organisation {text!r} is not loaded (no organisation has this id, SIRET or "
                               f"name){hint}", loc)


def derive_org(merged, contribs: dict[str, Contribution]) -> None:
    """An organisation's id, handles and aliases from all its contributions. An identifier a file
    gives (« Identifiant », or the id an RDF export carried) is a handle."""
    props = merged.props
    ordered = [contribs[d] for d in merged.sources]

    def given(c: Contribution) -> list[str]:
        return [h for h in (c.props.get("handle"), c.props.get("id")) if h]

    handles = sorted({h for c in ordered for h in (*given(c), *(c.props.get("handles") or ()))})
    aliases = sorted({identity.name_key(c.props["name"]) for c in ordered if c.props.get("name")}
                     | {a for c in ordered for a in c.props.get("aliases") or ()})
    first = next((h for c in ordered for h in given(c) if identity.usable_handle(h)), None)
    props["handles"] = handles or None
    props["aliases"] = aliases or None
    if first:
        props["handle"] = first
    for k in [k for k, v in props.items() if v is None]:
        del props[k]
    props["id"] = identity.org_id(props)


def _where(loc) -> str:
    """Where a mention sits in its file (« row 5 », « sheet 'Acteurs', row 5 »). The file's name is the
    dataset's, kept on its Dataset node: a new version under another name changes no organisation."""
    return ", ".join(x for x in (f"sheet {loc.sheet!r}" if loc.sheet else "",
                                 f"row {loc.row}" if loc.row is not None else "") if x)
