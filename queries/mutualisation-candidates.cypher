// name: mutualisation-candidates
// description: >
//   Organisations producing the same waste category (joint collection) or needing the same input
//   (joint purchasing) with different collectors or suppliers: combined volume and distances.
//   Computed in Python; the Cypher below lists the same groups without distances.
// engine: python
// parameters:
//   territory: {type: string, description: "code of the territory (EPCI, PETR…) whose organisations are grouped"}
//   min_organisations: {type: integer, default: 2, description: "smallest group"}
//   direction: {type: string, description: "out (joint collection) or in (joint purchasing)"}
//   category: {type: string, description: "one material category code"}
MATCH (o:Organisation)-[f:OUTPUTS|INPUTS]->(:Material)
WITH o, f, CASE type(f) WHEN 'OUTPUTS' THEN 'out' ELSE 'in' END AS direction
WHERE ($direction IS NULL OR direction = $direction) AND ($category IS NULL OR f.category = $category)
  AND ($territory IS NULL OR EXISTS {
        MATCH (o)-[:LOCATED_IN]->(c:Territory)
        WHERE c.code = $territory OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(:Territory {code: $territory}) } })
WITH o, f, direction ORDER BY o.name  // names in the same order whatever the store
WITH direction, f.category AS category, f.unit AS unit, count(DISTINCT o) AS organisations,
     collect(DISTINCT o.name) AS names, collect(DISTINCT coalesce(f.partner, '(aucun) ' + o.id)) AS partners,
     sum(f.quantity) AS combined_quantity
WHERE organisations >= $min_organisations AND size(partners) >= 2
RETURN direction, category, unit, organisations, names, size(partners) AS distinct_partners, combined_quantity
ORDER BY organisations DESC, combined_quantity DESC
