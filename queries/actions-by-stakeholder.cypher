// name: actions-by-stakeholder
// description: >
//   Who leads, partners, pilots or funds what, across plans: one row per stakeholder and role, with the
//   actions, the plans they sit in, and the funding shares (€ HT, each action once). Roles: pilote
//   (« Structure pilote »), service pilote, partenaire, financeur, personne pilote, élu référent.
// parameters:
//   stakeholder: {type: string, description: "one organisation, service or person id"}
//   plan: {type: string, description: "only actions of this plan id"}
//   role: {type: string, description: "only this role (pilote, service pilote, partenaire, financeur, personne pilote, élu référent)"}
CALL () {
  MATCH (o:Organisation)-[:LEADS]->(a:Action) RETURN o AS s, 'pilote' AS role, a, null AS amount
  UNION ALL
  MATCH (o:Service)-[:LEADS]->(a:Action) RETURN o AS s, 'service pilote' AS role, a, null AS amount
  UNION ALL
  MATCH (o:Organisation)-[:PARTNER_OF]->(a:Action) RETURN o AS s, 'partenaire' AS role, a, null AS amount
  UNION ALL
  MATCH (a:Action)-[f:FUNDED_BY]->(o:Organisation)
  WITH o, a, max(f.share) AS amount
  RETURN o AS s, 'financeur' AS role, a, amount
  UNION ALL
  MATCH (o:Person)-[:PILOTS]->(a:Action) RETURN o AS s, 'personne pilote' AS role, a, null AS amount
  UNION ALL
  MATCH (o:Person)-[:REFERENT_FOR]->(a:Action) RETURN o AS s, 'élu référent' AS role, a, null AS amount
}
WITH s, role, a, amount
WHERE ($stakeholder IS NULL OR s.id = $stakeholder) AND ($role IS NULL OR role = $role)
  AND ($plan IS NULL OR EXISTS { MATCH (a)-[:IN_PLAN]->(:Plan {id: $plan}) })
MATCH (a)-[:IN_PLAN]->(p:Plan)
// Sorted before collect(): the lists read in the same order whatever the store.
WITH s, role, a, amount, p ORDER BY p.name
WITH s, role, a, amount, collect(p.name) AS action_plans ORDER BY a.title
WITH s, role, count(a) AS actions, collect(a.title) AS titles, sum(coalesce(amount, 0.0)) AS amount,
     collect(action_plans) AS plan_lists
RETURN s.id AS id, s.name AS stakeholder, s.kind AS kind, role, actions, titles,
       reduce(acc = [], l IN plan_lists | acc + [x IN l WHERE NOT x IN acc]) AS plans,
       CASE WHEN role = 'financeur' THEN amount END AS amount
ORDER BY actions DESC, stakeholder, role
