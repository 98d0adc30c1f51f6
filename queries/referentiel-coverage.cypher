// name: referentiel-coverage
// description: >
//   For each axis and orientation of the référentiel économie circulaire: the actions that contribute
//   (to it or to one of its sub-actions and tasks), their statuses and plans, and the points their items
//   could cover (points_potential) or cover already (points_done: actions « réalisé »), each item once.
//   Computed in Python; the Cypher below is the reference for the actions per item.
// engine: python
// parameters:
//   level: {type: integer, default: 2, min: 1, max: 3, description: "deepest level listed: 1 axes, 2 orientations, 3 sub-actions"}
//   referentiel: {type: string, default: eci, description: "référentiel prefix of the Measure ids"}
MATCH (m:Measure)
WHERE m.referentiel = $referentiel AND m.level <= $level
OPTIONAL MATCH (a:Action)-[:CONTRIBUTES_TO]->(x:Measure)
WHERE x.referentiel = $referentiel AND (x.number = m.number OR x.number STARTS WITH m.number + '.')
OPTIONAL MATCH (a)-[:IN_PLAN]->(p:Plan)
WITH m, a, p ORDER BY a.title, p.name  // the lists in the same order whatever the store
RETURN m.id AS measure, m.number AS number, m.name AS name, m.level AS level, m.points AS points,
       count(DISTINCT a) AS actions, collect(DISTINCT a.title) AS titles, collect(DISTINCT p.name) AS plans
ORDER BY measure
