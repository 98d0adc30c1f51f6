"""How the exchanges (SUPPLIES) are read in bulk: the Cypher, and the element ids of their ends turned
into organisation ids.

Measured on the embedded store with the 260,000 exchanges of the regional benchmark (``benchmarks/
regional.py``), each choice below at least halves a read:

* one record holding every edge as a list: the driver decodes one big list much faster than a record per
  edge (and ``collect([…])`` keeps the nulls that ``collect(x)`` would drop, so the columns stay aligned);
* a filter clause only when one is asked for: the store otherwise evaluates ``$x IS NULL OR …`` for every
  relationship;
* no labels on the ends: the model has SUPPLIES only from an Organisation to an Organisation, and checking
  them makes the store read each end's record for its type;
* the ends as element ids, which come with the relationship, where ``a.id`` reads each end's record;
  one small read of the organisations maps them to ids;
* the pairs alone as two flat lists (ids are never null, so ``collect`` keeps them aligned): a list per row
  is twice as slow to build and send. Together, 0.25 s instead of 1.8 s.

>>> exchanges_query("count(s) AS n", by_status=True, by_category=True)
'MATCH (a)-[s:SUPPLIES]->(b) WHERE s.status IN $statuses AND s.category = $category RETURN count(s) AS n'
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import QueryError

_SUPPLIES = "MATCH (a)-[s:SUPPLIES]->(b) "
_BY_STATUS = "s.status IN $statuses"
_BY_CATEGORY = "s.category = $category"
EXCHANGE_COLUMNS = ("collect([elementId(a), elementId(b), s.material, s.label, s.category, s.quantity, s.unit, "
                    "s.status]) AS rows")
PAIR_COLUMNS = "collect(elementId(a)) AS sources, collect(elementId(b)) AS targets"
ORGANISATION_KEYS = "MATCH (o:Organisation) RETURN collect(elementId(o)) AS keys, collect(o.id) AS ids"

Raw = Callable[[str, dict], list[dict]]


def exchanges_query(columns: str, by_status: bool, by_category: bool = False) -> str:
    """The Cypher that returns ``columns`` of the SUPPLIES kept by the filters asked for."""
    where = [c for c, on in ((_BY_STATUS, by_status), (_BY_CATEGORY, by_category)) if on]
    return _SUPPLIES + (f"WHERE {' AND '.join(where)} " if where else "") + f"RETURN {columns}"


def by_element_id(raw: Raw, query: str, params: dict, ends: Callable[[list[dict]], set[str]]) -> tuple[list, dict]:
    """The records of ``query``, whose ``ends(records)`` are organisations' element ids, and the map of those
    to the organisations' ids. An element id holds only within one read: the map is read before and after
    the query, and a load that changed it in between (a different map, an end not in it) means reading
    again."""
    for _ in range(3):
        before = organisation_keys(raw)
        found = raw(query, params)
        after = organisation_keys(raw)
        if before == after and after.keys() >= ends(found):
            return found, after
    raise QueryError("the exchanges kept changing while they were read (loads running?): try again")


def organisation_keys(raw: Raw) -> dict[str, str]:
    """Element id → id of every organisation."""
    return {k: i for r in raw(ORGANISATION_KEYS, {}) for k, i in zip(r["keys"], r["ids"], strict=True)}
