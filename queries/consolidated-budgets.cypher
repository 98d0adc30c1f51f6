// name: consolidated-budgets
// description: >
//   Budgets € HT by plan, plan axis, référentiel axis, pillar, material category and funder. An action
//   shared by several plans is counted once (its largest budget); naive_budget is what adding up the
//   plans separately gives, double_counting_avoided the difference; each dimension ends with a total
//   row (key *) counting every action once. A sous-action's budget is not added when its parent action
//   has a budget (the parent's is taken to include it). Computed in Python; the Cypher below is the
//   reference for the budget by plan and the distinct-action total.
// engine: python
// parameters:
//   by: {type: string, default: all, description: "all, or among plan, plan_axis, referentiel_axis, pillar, category, funder (comma-separated)"}
CALL () {
  MATCH (a:Action)-[r:IN_PLAN]->(p:Plan)
  WITH p, a, r, COUNT { MATCH (a)-[:SUB_ACTION_OF]->(q:Action)-[rq:IN_PLAN]->(:Plan)
                        WHERE coalesce(rq.budget_total, q.budget_total) IS NOT NULL } > 0 AS within_parent
  WITH p, a, CASE WHEN within_parent THEN 0.0 ELSE coalesce(r.budget_total, a.budget_total, 0.0) END AS budget,
       COUNT { (a)-[:IN_PLAN]->(:Plan) } AS plans
  RETURN 'plan' AS dimension, p.id AS key, p.name AS label, count(a) AS actions,
         sum(CASE WHEN plans > 1 THEN 1 ELSE 0 END) AS shared_actions, sum(budget) AS budget
  UNION ALL
  MATCH (a:Action)-[r:IN_PLAN]->(:Plan)
  WITH a, r, COUNT { MATCH (a)-[:SUB_ACTION_OF]->(q:Action)-[rq:IN_PLAN]->(:Plan)
                     WHERE coalesce(rq.budget_total, q.budget_total) IS NOT NULL } > 0 AS within_parent
  WITH a, r, CASE WHEN within_parent THEN 0.0 ELSE coalesce(r.budget_total, a.budget_total, 0.0) END AS budget
  WITH a, max(budget) AS once, sum(budget) AS naive, count(r) AS plans
  RETURN 'plan' AS dimension, '*' AS key, 'Total (chaque action comptée une fois)' AS label, count(a) AS actions,
         sum(CASE WHEN plans > 1 THEN 1 ELSE 0 END) AS shared_actions, sum(once) AS budget
}
WITH dimension, key, label, actions, shared_actions, budget
WHERE $by = 'all' OR $by CONTAINS dimension
RETURN dimension, key, label, actions, shared_actions, budget
ORDER BY key = '*', budget DESC
