// name: plan-vs-flows
// description: >
//   Plans against the diagnostics: for each material category, the flows diagnosed (outputs and inputs
//   per unit, organisations, share of all flows in that unit) and the actions that target it. « flux
//   important qu'aucune action ne cible » lists large flows (share ≥ min_share) no action targets;
//   « actions sans flux diagnostiqué » lists actions on categories without flows. Computed in Python;
//   the Cypher below is the reference for quantities and targeting actions per category.
// engine: python
// parameters:
//   min_share: {type: number, default: 0.05, max: 1, description: "share of all flows of the same unit above which a flow is large"}
//   territory: {type: string, description: "only flows of organisations located in this territory"}
MATCH (o:Organisation)-[f:OUTPUTS|INPUTS]->(:Material)
WHERE f.category IS NOT NULL AND f.quantity IS NOT NULL AND $min_share >= 0
  AND ($territory IS NULL OR EXISTS {
        MATCH (o)-[:LOCATED_IN]->(c:Territory)
        WHERE c.code = $territory OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(:Territory {code: $territory}) } })
WITH f.category AS category, f.unit AS unit,
     sum(CASE WHEN type(f) = 'OUTPUTS' THEN f.quantity ELSE 0.0 END) AS output_quantity,
     sum(CASE WHEN type(f) = 'INPUTS' THEN f.quantity ELSE 0.0 END) AS input_quantity,
     count(DISTINCT o) AS organisations
OPTIONAL MATCH (a:Action)-[:TARGETS]->(:MaterialCategory {code: category})
WITH category, unit, output_quantity, input_quantity, organisations, a ORDER BY a.title  // titles in order
RETURN category, unit, output_quantity, input_quantity, organisations, count(DISTINCT a) AS actions,
       collect(DISTINCT a.title) AS action_titles
ORDER BY output_quantity + input_quantity DESC
