// name: circular-loops
// description: >
//   Closed loops of exchanges (SUPPLIES) between organisations, up to max_length steps, each loop
//   once: members in order from the smallest id, materials per step, bottleneck quantity and
//   statuses. Computed in Python on the extracted exchange graph; the Cypher below is the
//   reference for small graphs (it lists members only, up to 5 steps).
// engine: python
// parameters:
//   max_length: {type: integer, default: 5, min: 2, max: 12, description: "longest loop, in exchanges (Cypher form: at most 5)"}
//   status: {type: string, description: "existing, planned, potential or a comma-separated list (default: all)"}
//   territory: {type: string, description: "only loops whose members are all located in this territory"}
//   category: {type: string, description: "only exchanges of this material category"}
MATCH path = (a:Organisation)-[:SUPPLIES*1..5]->(a)
WHERE length(path) <= $max_length
  AND all(r IN relationships(path) WHERE ($status IS NULL OR r.status IN split($status, ','))
                                     AND ($category IS NULL OR r.category = $category))
  AND ($territory IS NULL OR all(n IN nodes(path) WHERE EXISTS {
        MATCH (n)-[:LOCATED_IN]->(c:Territory)
        WHERE c.code = $territory OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(:Territory {code: $territory}) } }))
// Each loop once: a simple path that starts from its smallest member id.
WITH path, [n IN nodes(path) | n.id] AS ids
WITH ids[0..length(path)] AS members
WHERE all(i IN range(0, size(members) - 1) WHERE members[0] <= members[i] AND NOT members[i] IN members[i + 1..])
RETURN DISTINCT members, size(members) AS length
ORDER BY length, members
