// name: plan-action-overlaps
// description: >
//   Overlaps between plans, one row per pair with the reason: (a) « même action » — one fiche action
//   in two plans; (b) « quasi-doublon » — different actions of different plans whose titles and
//   descriptions are similar (TF-IDF cosine, 0.7 × titles + 0.3 × titles and descriptions, score ≥
//   threshold); (c) actions of different plans with the same material category, the same lead
//   (organisation or service) or the same référentiel item. Computed in Python; the Cypher below is the
//   reference for (a) and (c) (it has no similarity score).
// engine: python
// parameters:
//   threshold: {type: number, default: 0.5, max: 1, description: "lowest similarity score for near-duplicates (0–1)"}
//   kind: {type: string, default: all, description: "all, shared, similar, context, or a comma-separated list"}
//   plan: {type: string, description: "only overlaps involving this plan id"}
CALL () {
  MATCH (a:Action)-[:IN_PLAN]->(p1:Plan), (a)-[:IN_PLAN]->(p2:Plan)
  WHERE p1.id < p2.id
  RETURN 'même action' AS overlap, a AS a1, p1, a AS a2, p2, 'la même fiche action figure dans les deux plans' AS reason
  UNION ALL
  MATCH (p1:Plan)<-[:IN_PLAN]-(a1:Action)-[:TARGETS]->(c:MaterialCategory)<-[:TARGETS]-(a2:Action)-[:IN_PLAN]->(p2:Plan)
  WHERE a1.id < a2.id AND p1.id <> p2.id
  RETURN 'même catégorie de matière' AS overlap, a1, p1, a2, p2, 'les deux actions ciblent la catégorie ' + c.code AS reason
  UNION ALL
  MATCH (p1:Plan)<-[:IN_PLAN]-(a1:Action)<-[:LEADS]-(o)-[:LEADS]->(a2:Action)-[:IN_PLAN]->(p2:Plan)
  WHERE a1.id < a2.id AND p1.id <> p2.id
  RETURN 'même pilote' AS overlap, a1, p1, a2, p2, 'les deux actions sont pilotées par ' + o.name AS reason
  UNION ALL
  MATCH (p1:Plan)<-[:IN_PLAN]-(a1:Action)-[:CONTRIBUTES_TO]->(m:ReferentielItem)<-[:CONTRIBUTES_TO]-(a2:Action)-[:IN_PLAN]->(p2:Plan)
  WHERE a1.id < a2.id AND p1.id <> p2.id
  RETURN 'même mesure du référentiel' AS overlap, a1, p1, a2, p2, 'les deux actions contribuent à ' + m.id AS reason
}
WITH overlap, a1, p1, a2, p2, reason
WHERE ($plan IS NULL OR p1.id = $plan OR p2.id = $plan)
  AND ($kind = 'all' OR ($kind CONTAINS 'shared' AND overlap = 'même action')
       OR ($kind CONTAINS 'context' AND overlap <> 'même action')) AND $threshold >= 0
RETURN DISTINCT overlap, a1.id AS action_1, a1.title AS title_1, p1.id AS plan_1, a2.id AS action_2,
       a2.title AS title_2, p2.id AS plan_2, reason
ORDER BY overlap, action_1, action_2, plan_1, plan_2
