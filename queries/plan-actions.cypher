// name: plan-actions
// description: >
//   Plan actions with their plans, status, budget (€ HT, an action shared by plans once) and lead; with a
//   territory, the actions an organisation located there leads, partners or funds.
// parameters:
//   territory: {type: string, description: "code of a territory (commune, EPCI, PETR, DEP-68) an organisation involved is located in"}
//   status: {type: string, description: "planned, to_discuss, in_progress, done, late, paused, blocked or abandoned"}
MATCH (a:Action)-[:IN_PLAN]->(p:Plan)
WHERE $status IS NULL OR a.status = $status
// Sorted before collect(): the lists read in the same order whatever the store.
WITH a, coalesce(p.name, p.id) AS plan ORDER BY plan
WITH a, collect(DISTINCT plan) AS plans
WHERE $territory IS NULL OR EXISTS {
  MATCH (o:Organisation)-[:LOCATED_IN]->(c:Territory)
  WHERE (c.code = $territory OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(:Territory {code: $territory}) })
    AND (EXISTS { MATCH (o)-[:LEADS|PARTNER_OF]->(a) } OR EXISTS { MATCH (a)-[:FUNDED_BY]->(o) })
}
OPTIONAL MATCH (l)-[:LEADS]->(a)
WITH a, plans, l.name AS lead ORDER BY lead
RETURN a.id AS id, a.title AS title, plans, size(plans) AS plan_count, a.status AS status,
       a.budget_total AS budget, collect(DISTINCT lead) AS leads
ORDER BY budget DESC, title
