// name: organisation-flows
// description: >
//   One organisation's diagnosed flows (what it takes in and throws out, with the current treatment and
//   the partner) and its exchanges with other organisations (supplies and receives, with their status).
//   Quantities per year in the canonical unit.
// parameters:
//   organisation: {type: string, required: true, description: "the organisation's id, SIRET or exact name"}
MATCH (o:Organisation)
WHERE o.id = $organisation OR o.siret = $organisation OR toLower(o.name) = toLower($organisation)
CALL (o) {
  MATCH (o)-[f:OUTPUTS|INPUTS]->(m:Material)
  OPTIONAL MATCH (p:Organisation {id: f.partner})
  RETURN CASE type(f) WHEN 'OUTPUTS' THEN 'out' ELSE 'in' END AS direction, coalesce(f.label, m.label) AS material,
         m.code AS material_code, f.category AS category, f.quantity AS quantity, f.unit AS unit,
         f.treatment AS treatment, p.name AS partner, null AS status
  UNION ALL
  MATCH (o)-[s:SUPPLIES]->(p:Organisation)
  RETURN 'supplies' AS direction, coalesce(s.label, s.material) AS material, s.material AS material_code,
         s.category AS category, s.quantity AS quantity, s.unit AS unit, null AS treatment, p.name AS partner,
         s.status AS status
  UNION ALL
  MATCH (p:Organisation)-[s:SUPPLIES]->(o)
  RETURN 'receives' AS direction, coalesce(s.label, s.material) AS material, s.material AS material_code,
         s.category AS category, s.quantity AS quantity, s.unit AS unit, null AS treatment, p.name AS partner,
         s.status AS status
}
RETURN o.name AS organisation, direction, material, material_code, category, quantity, unit, treatment, partner,
       status
ORDER BY direction, category, material
