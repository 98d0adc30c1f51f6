// name: substitution-candidates
// description: >
//   Outputs of one organisation that could replace inputs of another nearby: same List of Waste
//   code, same category, or a declared compatibility (wood waste → biomass fuel, cardboard →
//   wedging, waste heat → energy…, see schema/material-categories.yaml), within radius_km
//   (haversine on coordinates), ranked by match kind, quantity match and distance, top per output.
//   Computed in Python with a spatial index; the Cypher below is the reference for same-code and
//   same-category matches.
// engine: python
// parameters:
//   radius_km: {type: number, default: 30, description: "largest distance between the two sites"}
//   top: {type: integer, default: 10, description: "candidates kept per output"}
//   territory: {type: string, description: "only organisations located in this territory"}
//   category: {type: string, description: "only outputs of this category"}
MATCH (a:Organisation)-[o:OUTPUTS]->(m:Material), (b:Organisation)-[i:INPUTS]->(n:Material)
WHERE a <> b AND (m = n OR o.category = i.category) AND ($category IS NULL OR o.category = $category)
  AND a.lat IS NOT NULL AND b.lat IS NOT NULL
WITH a, b, o, i, m, n,
     2 * 6371.0088 * asin(sqrt(sin(radians(b.lat - a.lat) / 2) ^ 2
       + cos(radians(a.lat)) * cos(radians(b.lat)) * sin(radians(b.lon - a.lon) / 2) ^ 2)) AS distance_km
WHERE distance_km <= $radius_km
  AND ($territory IS NULL OR all(x IN [a, b] WHERE EXISTS {
        MATCH (x)-[:LOCATED_IN]->(c:Territory)
        WHERE c.code = $territory OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(:Territory {code: $territory}) } }))
RETURN a.id AS output_org, o.label AS output_material, b.id AS input_org, i.label AS input_material,
       CASE WHEN m = n THEN 'same code' ELSE 'same category' END AS match, round(distance_km * 10) / 10 AS distance_km
ORDER BY output_org, distance_km, output_material, input_org, input_material  // ties broken: LIMIT keeps the same rows
LIMIT $top
