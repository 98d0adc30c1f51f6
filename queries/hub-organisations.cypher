// name: hub-organisations
// description: >
//   Organisations central to the exchange network: degree and betweenness (networkx) on the
//   SUPPLIES graph, with the tonnes received and sent. The Cypher below gives degrees only.
// engine: python
// parameters:
//   status: {type: string, description: "existing, planned, potential or a comma-separated list (default: all)"}
//   territory: {type: string, description: "only exchanges between organisations of this territory"}
//   category: {type: string, description: "only exchanges of this material category"}
//   top: {type: integer, default: 20, description: "number of organisations listed"}
MATCH (o:Organisation)-[s:SUPPLIES]-(:Organisation)
WHERE ($status IS NULL OR s.status IN split($status, ',')) AND ($category IS NULL OR s.category = $category)
  AND ($territory IS NULL OR EXISTS {
        MATCH (o)-[:LOCATED_IN]->(c:Territory)
        WHERE c.code = $territory OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(:Territory {code: $territory}) } })
RETURN o.id AS id, o.name AS name, count(s) AS degree
ORDER BY degree DESC, id
LIMIT $top
