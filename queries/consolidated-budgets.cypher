// name: consolidated-budgets
// description: >
//   Budgets € HT by plan, plan axis, référentiel axis, pillar, material category and funder. An action
//   shared by several plans is counted once (its largest budget); naive_budget is what adding up the
//   plans separately gives, double_counting_avoided the difference; each dimension ends with a total
//   row (key *) counting every action once. Computed in Python; the Cypher below is the reference for
//   the budget by plan and the distinct-action total.
// engine: python
// parameters:
//   by: {type: string, default: all, description: "all, or among plan, plan_axis, referentiel_axis, pillar, category, funder (comma-separated)"}
CALL () {
  MATCH (a:Action)-[r:IN_PLAN]->(p:Plan)
  WITH p, a, coalesce(r.budget_total, a.budget_total, 0.0) AS budget,
       COUNT { (a)-[:IN_PLAN]->(:Plan) } AS plans
  RETURN 'plan' AS dimension, p.id AS key, p.name AS label, count(a) AS actions,
         sum(CASE WHEN plans > 1 THEN 1 ELSE 0 END) AS shared_actions, sum(budget) AS budget
  UNION ALL
  MATCH (a:Action)-[r:IN_PLAN]->(:Plan)
  WITH a, max(coalesce(r.budget_total, a.budget_total, 0.0)) AS once, sum(coalesce(r.budget_total, a.budget_total, 0.0)) AS naive,
       count(r) AS plans
  RETURN 'plan' AS dimension, '*' AS key, 'Total (chaque action comptée une fois)' AS label, count(a) AS actions,
         sum(CASE WHEN plans > 1 THEN 1 ELSE 0 END) AS shared_actions, sum(once) AS budget
}
WITH dimension, key, label, actions, shared_actions, budget
WHERE $by = 'all' OR $by CONTAINS dimension
RETURN dimension, key, label, actions, shared_actions, budget
ORDER BY key = '*', budget DESC
