// name: flows-by-category
// description: >
//   Diagnostic flows by material category, direction and current treatment: how much goes
//   where (quantities per year in the canonical unit), how many flows, how many with a quantity.
//   Shows how much still goes to landfill or incineration.
// parameters:
//   territory: {type: string, description: "code of a territory (EPCI, PETR, DEP-68) the sites are located in"}
//   direction: {type: string, description: "in or out"}
MATCH (o:Organisation)-[f:OUTPUTS|INPUTS]->(m:Material)
WHERE $direction IS NULL OR (type(f) = 'OUTPUTS') = ($direction = 'out')
OPTIONAL MATCH (o)-[:LOCATED_IN]->(c:Territory)
WITH o, f, c
WHERE $territory IS NULL OR c.code = $territory
   OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(t:Territory {code: $territory}) }
OPTIONAL MATCH (k:MaterialCategory {code: f.category})
RETURN f.category AS category, k.label AS label, CASE type(f) WHEN 'OUTPUTS' THEN 'out' ELSE 'in' END AS direction,
       coalesce(f.treatment, '') AS treatment, f.unit AS unit, sum(f.quantity) AS quantity,
       count(f) AS flows, count(f.quantity) AS with_quantity, count(DISTINCT o) AS organisations
ORDER BY category, direction, quantity DESC
