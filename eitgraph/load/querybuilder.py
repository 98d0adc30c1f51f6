"""Write queries generated from the graph model.

Labels and relationship types are spliced into Cypher only after checking them
against the model; every value travels as a parameter.

>>> qb = QueryBuilder()
>>> print(qb.create_nodes("Organisation", ("Company",), ["name"]))
UNWIND $rows AS r CREATE (n:Organisation:Company {id: r.key, `name`: r.props.`name`, source: $source, sources: [$source], loaded_at: $loaded_at}) RETURN collect([r.key, elementId(n)]) AS found
"""

from __future__ import annotations

from ..model.graph import PROVENANCE, Model, load_model

# `source` names the last dataset that wrote the element; when that dataset lets go of an
# element another dataset still owns, `source` passes to one of the remaining owners.
_RELEASE = ("{v}.source = CASE WHEN {v}.source = $source THEN last([s IN {v}.sources WHERE s <> $source]) "
            "ELSE {v}.source END, {v}.sources = [s IN {v}.sources WHERE s <> $source]")
# Writes run after the load released its dataset from everything, so appending its id is enough.
_STAMP = "{v}.source = $source, {v}.sources = coalesce({v}.sources, []) + $source, {v}.loaded_at = $loaded_at"


def _fields(props, skip=()) -> str:
    """``name: r.props.name, `` for each property name (back-quoted: names are not checked)."""
    out = ""
    for p in sorted(set(props) - set(skip) - set(PROVENANCE)):
        q = "`" + p.replace("`", "``") + "`"
        out += f"{q}: r.props.{q}, "
    return out


# What a load stamps on everything it creates: the same three values on every row, sent once as parameters.
# Measured on the embedded store (26,000 SUPPLIES, best of 6 after warm-up): 15 % faster than in every row.
SHARED = ("source", "sources", "loaded_at")


def _full_fields(props, shared: bool) -> str:
    """``name: r.props.name`` for each property name (names with a back-quote are not written), the shared
    provenance from parameters when ``shared``."""
    names = sorted(set(props) - set(SHARED)) if shared else sorted(props)
    fields = [f"`{p}`: r.props.`{p}`" for p in names if "`" not in p]
    if shared:
        fields += [f"{p}: ${p}" for p in SHARED]
    return ", ".join(fields)


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
    # Writes address nodes by the elementId the look-up (or the CREATE) returned: in ArcadeDB a
    # relationship CREATE matching both ends by elementId runs about 1.3 times as fast as by key
    # index, and 1.6 times with the properties in the pattern instead of a SET (best of 5 runs of
    # 20,000 rows); Neo4j plans elementId equality as a direct seek too.
    def existing_keys(self, label: str) -> str:
        """[key, elementId] pairs of the nodes with these keys, in one record: the driver takes
        about as long to handle a record per row as ArcadeDB takes to find it."""
        key = self._node(label).key
        return f"UNWIND $keys AS k MATCH (n:{label} {{{key}: k}}) RETURN collect([n.{key}, elementId(n)]) AS found"

    def create_nodes(self, label: str, sublabels=(), props=()) -> str:
        # CREATE with every label at once: ArcadeDB cannot add a label to a vertex
        # created earlier in the same transaction, and a multi-label MERGE does not
        # use the key index there. Properties go in the pattern (``props``: the names the
        # rows may carry; a missing one is null, which CREATE skips): a SET after the CREATE
        # writes each record a second time. The elementIds come back in one record (see
        # existing_keys); looking up nodes created in the same transaction is slow in ArcadeDB.
        key = self._node(label).key
        fields = _fields(props, skip={key})
        return (f"UNWIND $rows AS r CREATE (n:{label}{self._sublabels(label, sublabels)} "
                f"{{{key}: r.key, {fields}source: $source, sources: [$source], loaded_at: $loaded_at}}) "
                f"RETURN collect([r.key, elementId(n)]) AS found")

    def update_nodes(self, label: str, sublabels=()) -> str:
        self._node(label)
        labels = self._sublabels(label, sublabels)
        set_labels = f"n{labels}, " if labels else ""
        return (f"UNWIND $rows AS r MATCH (n) WHERE elementId(n) = r.id "
                f"SET {set_labels}n += r.props, " + _STAMP.format(v="n"))

    # -- relationships -------------------------------------------------------
    def _rel_key(self, rtype: str, from_label: str, to_label: str) -> str | None:
        rel = self._rel(rtype)
        for label in (from_label, to_label):
            self._node(label)
        if from_label not in rel.sources or to_label not in rel.targets:
            raise ValueError(f"{rtype} does not go from {from_label} to {to_label} in the graph model")
        return rel.key

    def any_rel(self, rtype: str) -> str:
        """Whether the graph holds any relationship of a type (none: nothing to look up)."""
        self._rel(rtype)
        return f"MATCH ()-[x:{rtype}]->() RETURN 1 AS found LIMIT 1"

    # Relationships are written in two steps: update those that exist (returning which rows, in one
    # record), then CREATE the others. Measured in ArcadeDB, a keyed MERGE that also maintains the provenance
    # list runs at about half the speed of CREATE.
    def create_rels(self, rtype: str, from_label: str, to_label: str, props=()) -> str:
        key = self._rel_key(rtype, from_label, to_label)
        fields = (f"{key}: r.rkey, " if key else "") + _fields(props, skip={key})
        return (f"UNWIND $rows AS r MATCH (a) WHERE elementId(a) = r.a MATCH (b) WHERE elementId(b) = r.b "
                f"CREATE (a)-[x:{rtype} {{{fields}source: $source, sources: [$source], loaded_at: $loaded_at}}]->(b)")

    def update_rels(self, rtype: str, from_label: str, to_label: str) -> str:
        key = self._rel_key(rtype, from_label, to_label)
        where = f" WHERE x.{key} = r.rkey" if key else ""
        return (f"UNWIND $rows AS r MATCH (a) WHERE elementId(a) = r.a MATCH (b) WHERE elementId(b) = r.b "
                f"MATCH (a)-[x:{rtype}]->(b){where} SET x += r.props, " + _STAMP.format(v="x")
                + " RETURN collect(DISTINCT r.i) AS done")

    # -- the write plan (see writeplan) ----------------------------------------------------------
    # Reads return their rows as one list in one record: the driver takes about as long to handle a
    # record per row as ArcadeDB takes to find it.
    def owned_nodes(self, label: str) -> str:
        self._node(label)
        return (f"MATCH (n:{label}) WHERE $source IN n.sources "
                "RETURN collect([elementId(n), labels(n), properties(n)]) AS rows")

    def all_nodes(self, label: str) -> str:
        self._node(label)
        return f"MATCH (n:{label}) RETURN collect([elementId(n), labels(n), properties(n)]) AS rows"

    def nodes_by_key(self, label: str) -> str:
        key = self._node(label).key
        return (f"UNWIND $keys AS k MATCH (n:{label} {{{key}: k}}) "
                "RETURN collect([elementId(n), labels(n), properties(n)]) AS rows")

    def owned_rels(self, rtype: str) -> str:
        self._rel(rtype)
        return (f"MATCH (a)-[x:{rtype}]->(b) WHERE $source IN x.sources "
                "RETURN collect([elementId(x), elementId(a), elementId(b), properties(x)]) AS rows")

    def rels_between(self, rtype: str) -> str:
        self._rel(rtype)
        return (f"UNWIND $rows AS r MATCH (a) WHERE elementId(a) = r.a MATCH (a)-[x:{rtype}]->(b) "
                "WHERE elementId(b) = r.b RETURN collect([elementId(x), r.a, r.b, properties(x)]) AS rows")

    def rels_with_value(self, rtype: str, prop: str) -> str:
        rel = self._rel(rtype)
        if prop not in rel.properties:
            raise ValueError(f"{prop!r} is not a property of {rtype}")
        return (f"MATCH (a)-[x:{rtype}]->(b) WHERE x.`{prop}` IN $values "
                "RETURN collect([elementId(x), elementId(a), elementId(b), properties(x)]) AS rows")

    def dependents(self) -> str:
        """Relationships of other datasets attached to nodes about to be deleted."""
        return ("UNWIND $ids AS i MATCH (n) WHERE elementId(n) = i MATCH (n)-[x]-() "
                "WHERE any(s IN coalesce(x.sources, []) WHERE s <> $source) "
                "RETURN collect([labels(n), coalesce(n.id, n.code), coalesce(n.name, n.title), type(x), x.sources]) "
                "AS rows")

    def create_full_nodes(self, label: str, sublabels=(), props=(), shared: bool = False) -> str:
        """CREATE nodes with every property (provenance included) in the pattern; returns [i, elementId].
        ``shared``: the rows leave out ``source``, ``sources`` and ``loaded_at``, which come from the
        parameters of the same names (see :func:`_full_fields`)."""
        key = self._node(label).key
        fields = _full_fields(set(props) - {key}, shared)
        return (f"UNWIND $rows AS r CREATE (n:{label}{self._sublabels(label, sublabels)} "
                f"{{{key}: r.key, {fields}}}) RETURN collect([r.i, elementId(n)]) AS found")

    def replace_nodes(self) -> str:
        """Every property of a node replaced (one a file no longer gives disappears)."""
        return "UNWIND $rows AS r MATCH (n) WHERE elementId(n) = r.id SET n = r.props"

    def relabel_nodes(self, label: str, remove=(), add=()) -> str:
        rm, ad = self._sublabels(label, remove), self._sublabels(label, add)
        clauses = (f" REMOVE n{rm}" if rm else "") + (f" SET n{ad}" if ad else "")
        return f"UNWIND $ids AS i MATCH (n) WHERE elementId(n) = i{clauses}"

    def recreate_node(self, label: str, sublabels, rel_types_out, rel_types_in) -> str:
        """A node recreated with other labels, its relationships copied (ArcadeDB changes a vertex's
        labels only once per transaction, so a change that removes and adds labels recreates it)."""
        key = self._node(label).key
        # The old vertex gives up its key first: ArcadeDB checks the unique index at once for a vertex
        # already changed in the transaction.
        lines = [f"MATCH (o) WHERE elementId(o) = $id WITH o, properties(o) AS p SET o.{key} = '~old:' + o.{key} "
                 f"CREATE (n:{label}{self._sublabels(label, sublabels)}) SET n = p WITH o, n"]
        for rt in rel_types_out:
            self._rel(rt)
            lines.append(f"CALL (o, n) {{ MATCH (o)-[x:{rt}]->(b) WHERE b <> o CREATE (n)-[y:{rt}]->(b) "
                         "SET y = properties(x) RETURN count(*) AS c_out }")
        for rt in rel_types_in:
            self._rel(rt)
            lines.append(f"CALL (o, n) {{ MATCH (b)-[x:{rt}]->(o) WHERE b <> o CREATE (b)-[y:{rt}]->(n) "
                         "SET y = properties(x) RETURN count(*) AS c_in }")
        lines.append("DETACH DELETE o RETURN elementId(n) AS id")
        return " ".join(lines)

    def delete_nodes(self) -> str:
        return "UNWIND $ids AS i MATCH (n) WHERE elementId(n) = i DETACH DELETE n"

    def create_full_rels(self, rtype: str, from_label: str, to_label: str, props=(), shared: bool = False) -> str:
        """CREATE relationships between ends given by elementId (``shared``: as in create_full_nodes)."""
        self._rel_key(rtype, from_label, to_label)
        return (f"UNWIND $rows AS r MATCH (a) WHERE elementId(a) = r.a MATCH (b) WHERE elementId(b) = r.b "
                f"CREATE (a)-[x:{rtype} {{{_full_fields(props, shared)}}}]->(b)")

    def replace_rels(self, rtype: str) -> str:
        self._rel(rtype)
        return (f"UNWIND $rows AS r MATCH (a) WHERE elementId(a) = r.a MATCH (a)-[x:{rtype}]->() "
                "WHERE elementId(x) = r.x SET x = r.props")

    def delete_rels(self, rtype: str) -> str:
        self._rel(rtype)
        return (f"UNWIND $rows AS r MATCH (a) WHERE elementId(a) = r.a MATCH (a)-[x:{rtype}]->() "
                "WHERE elementId(x) = r.x DELETE x")

    # -- cleanup -------------------------------------------------------------
    def release_nodes(self, label: str) -> str:
        """Take the dataset off every node it wrote (what it writes again gets it back); how many."""
        self._node(label)
        return f"MATCH (n:{label}) WHERE $source IN n.sources SET " + _RELEASE.format(v="n") + " RETURN count(n) AS n"

    def release_rels(self, rtype: str) -> str:
        self._rel(rtype)
        return (f"MATCH ()-[x:{rtype}]->() WHERE $source IN x.sources SET " + _RELEASE.format(v="x")
                + " RETURN count(x) AS n")

    def count_orphan_nodes(self, label: str) -> str:
        self._node(label)
        return f"MATCH (n:{label}) WHERE n.sources = [] RETURN count(n) AS n"

    def delete_orphan_nodes(self, label: str) -> str:
        self._node(label)
        return f"MATCH (n:{label}) WHERE n.sources = [] DETACH DELETE n"

    def delete_orphan_rels(self, rtype: str) -> str:
        self._rel(rtype)
        return f"MATCH ()-[x:{rtype}]->() WHERE x.sources = [] DELETE x RETURN count(*) AS n"
