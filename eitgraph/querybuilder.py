"""Write queries generated from the graph model.

Labels and relationship types are spliced into Cypher only after checking them
against the model; every value travels as a parameter.

>>> qb = QueryBuilder()
>>> print(qb.create_nodes("Organisation", ("Company",)))
UNWIND $rows AS r CREATE (n:Organisation:Company {id: r.key}) SET n += r.props, n.source = $source, n.sources = [$source], n.loaded_at = $loaded_at
"""

from __future__ import annotations

from .schema import Model, load_model

# `source` names the last dataset that wrote the element; when that dataset lets go of an
# element another dataset still owns, `source` passes to one of the remaining owners.
_RELEASE = ("{v}.source = CASE WHEN {v}.source = $source THEN last([s IN {v}.sources WHERE s <> $source]) "
            "ELSE {v}.source END, {v}.sources = [s IN {v}.sources WHERE s <> $source]")
# Writes run after the load released its dataset from everything, so appending its id is enough.
_STAMP = "{v}.source = $source, {v}.sources = coalesce({v}.sources, []) + $source, {v}.loaded_at = $loaded_at"


class QueryBuilder:
    def __init__(self, model: Model | None = None):
        self.model = model or load_model()

    def _node(self, label: str):
        if label not in self.model.nodes:
            raise ValueError(f"{label!r} is not a key label of the graph model")
        return self.model.nodes[label]

    def _sublabels(self, label: str, sublabels) -> str:
        node = self._node(label)
        for s in sublabels:
            if s not in node.sublabels:
                raise ValueError(f"{s!r} is not a sub-label of {label}")
        return "".join(f":{s}" for s in sorted(sublabels))

    def _rel(self, rtype: str):
        if rtype not in self.model.relationships:
            raise ValueError(f"{rtype!r} is not a relationship type of the graph model")
        return self.model.relationships[rtype]

    # -- nodes -------------------------------------------------------------
    def existing_keys(self, label: str) -> str:
        key = self._node(label).key
        return f"UNWIND $keys AS k MATCH (n:{label} {{{key}: k}}) RETURN n.{key} AS key"

    def create_nodes(self, label: str, sublabels=()) -> str:
        # CREATE with every label at once: ArcadeDB cannot add a label to a vertex
        # created earlier in the same transaction, and a multi-label MERGE does not
        # use the key index there.
        key = self._node(label).key
        return (f"UNWIND $rows AS r CREATE (n:{label}{self._sublabels(label, sublabels)} {{{key}: r.key}}) "
                f"SET n += r.props, n.source = $source, n.sources = [$source], n.loaded_at = $loaded_at")

    def update_nodes(self, label: str, sublabels=()) -> str:
        key = self._node(label).key
        labels = self._sublabels(label, sublabels)
        set_labels = f"n{labels}, " if labels else ""
        return (f"UNWIND $rows AS r MATCH (n:{label} {{{key}: r.key}}) "
                f"SET {set_labels}n += r.props, " + _STAMP.format(v="n"))

    # -- relationships -------------------------------------------------------
    def _rel_parts(self, rtype: str, from_label: str, to_label: str) -> tuple[str, str, str]:
        rel = self._rel(rtype)
        if from_label not in rel.sources or to_label not in rel.targets:
            raise ValueError(f"{rtype} does not go from {from_label} to {to_label} in the graph model")
        key = f" {{{rel.key}: r.rkey}}" if rel.key else ""
        return self._node(from_label).key, self._node(to_label).key, key

    # Relationships are written in two steps: find which already exist (cheap when few do), then
    # CREATE the others and update those. Measured in ArcadeDB, a keyed MERGE that also maintains
    # the provenance list runs at about half the speed of CREATE.
    def existing_rels(self, rtype: str, from_label: str, to_label: str) -> str:
        fk, tk, key = self._rel_parts(rtype, from_label, to_label)
        return (f"UNWIND $rows AS r MATCH (a:{from_label} {{{fk}: r.from}}) "
                f"MATCH (a)-[x:{rtype}{key}]->(b:{to_label}) WHERE b.{tk} = r.to RETURN DISTINCT r.i AS i")

    def create_rels(self, rtype: str, from_label: str, to_label: str) -> str:
        fk, tk, key = self._rel_parts(rtype, from_label, to_label)
        return (f"UNWIND $rows AS r MATCH (a:{from_label} {{{fk}: r.from}}) MATCH (b:{to_label} {{{tk}: r.to}}) "
                f"CREATE (a)-[x:{rtype}{key}]->(b) "
                f"SET x += r.props, x.source = $source, x.sources = [$source], x.loaded_at = $loaded_at")

    def update_rels(self, rtype: str, from_label: str, to_label: str) -> str:
        fk, tk, key = self._rel_parts(rtype, from_label, to_label)
        return (f"UNWIND $rows AS r MATCH (a:{from_label} {{{fk}: r.from}}) "
                f"MATCH (a)-[x:{rtype}{key}]->(b:{to_label}) WHERE b.{tk} = r.to "
                f"SET x += r.props, " + _STAMP.format(v="x"))

    # -- cleanup -------------------------------------------------------------
    def count_owned_nodes(self, label: str) -> str:
        self._node(label)
        return f"MATCH (n:{label}) WHERE $source IN n.sources RETURN count(n) AS n"

    def release_nodes(self, label: str) -> str:
        """Take the dataset off every node it wrote; what it writes again gets it back."""
        self._node(label)
        return f"MATCH (n:{label}) WHERE $source IN n.sources SET " + _RELEASE.format(v="n")

    def release_rels(self, rtype: str) -> str:
        self._rel(rtype)
        return f"MATCH ()-[x:{rtype}]->() WHERE $source IN x.sources SET " + _RELEASE.format(v="x")

    def count_orphan_nodes(self, label: str) -> str:
        self._node(label)
        return f"MATCH (n:{label}) WHERE n.sources = [] RETURN count(n) AS n"

    def delete_orphan_nodes(self, label: str) -> str:
        self._node(label)
        return f"MATCH (n:{label}) WHERE n.sources = [] DETACH DELETE n"

    def delete_orphan_rels(self, rtype: str) -> str:
        self._rel(rtype)
        return f"MATCH ()-[x:{rtype}]->() WHERE x.sources = [] DELETE x RETURN count(*) AS n"
