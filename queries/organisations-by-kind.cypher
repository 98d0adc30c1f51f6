// name: organisations-by-kind
// description: Number of organisations per kind of actor, optionally within a territory.
// parameters:
//   territory: {type: string, description: "code of a territory (commune, EPCI, PETR, DEP-68)"}
MATCH (o:Organisation)
OPTIONAL MATCH (o)-[:LOCATED_IN]->(c:Territory)
WITH o, c
WHERE $territory IS NULL OR c.code = $territory
   OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(t:Territory {code: $territory}) }
RETURN coalesce(o.kind, 'unknown') AS kind, count(DISTINCT o) AS organisations
ORDER BY organisations DESC, kind
