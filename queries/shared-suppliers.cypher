// name: shared-suppliers
// description: >
//   Suppliers or collectors serving at least `min_organisations` organisations for the same
//   material category, with the combined volume: candidates for mutualised purchasing or
//   collection. role = supplier (it supplies them) or collector (it receives from them).
// parameters:
//   min_organisations: {type: integer, default: 2, description: "lowest number of organisations served"}
//   category: {type: string, description: "one material category code, e.g. paper-cardboard"}
//   status: {type: string, description: "existing, planned or potential (default: all)"}
//   territory: {type: string, description: "only organisations served that are located in this territory"}
CALL () {
  MATCH (p:Organisation)-[s:SUPPLIES]->(o:Organisation) RETURN p, o, s, 'supplier' AS role
  UNION ALL
  MATCH (o:Organisation)-[s:SUPPLIES]->(p:Organisation) RETURN p, o, s, 'collector' AS role
}
WITH p, o, s, role
WHERE ($status IS NULL OR s.status = $status) AND ($category IS NULL OR s.category = $category)
  AND ($territory IS NULL OR EXISTS {
        MATCH (o)-[:LOCATED_IN]->(c:Territory)
        WHERE c.code = $territory OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(:Territory {code: $territory}) } })
WITH p, o, s, role ORDER BY o.name  // served in the same order whatever the store
WITH p, role, s.category AS category, count(DISTINCT o) AS organisations, collect(DISTINCT o.name) AS served,
     sum(s.quantity) AS volume, collect(DISTINCT s.unit) AS units
WHERE organisations >= $min_organisations
RETURN p.id AS id, p.name AS partner, p.kind AS kind, role, category, organisations, served, volume, units
ORDER BY organisations DESC, volume DESC, partner
