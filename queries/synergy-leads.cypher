// name: synergy-leads
// description: >
//   The synergy leads for the officer's follow-up: title, theme, type, status, material category, the
//   organisations taking part with their roles, and the jobs and training recorded. With a territory,
//   only the leads in which an organisation located there takes part.
// parameters:
//   territory: {type: string, description: "code of a territory (commune, EPCI, PETR, DEP-68) an organisation taking part is located in"}
//   status: {type: string, description: "idea, study, implemented or abandoned"}
MATCH (s:Synergy)
WHERE $status IS NULL OR s.status = $status
OPTIONAL MATCH (o:Organisation)-[p:PARTY_TO]->(s)
OPTIONAL MATCH (o)-[:LOCATED_IN]->(c:Territory)
WITH s, o, p,
     $territory IS NULL OR c.code = $territory
       OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(:Territory {code: $territory}) } AS inside
// Sorted before collect(): the lists read in the same order whatever the store.
ORDER BY o.name, p.role
WITH s, collect(CASE WHEN o IS NULL THEN null ELSE o.name + coalesce(' (' + p.role + ')', '') END) AS parties,
     count(o) AS organisations, sum(CASE WHEN inside AND o IS NOT NULL THEN 1 ELSE 0 END) AS inside
WHERE $territory IS NULL OR inside > 0
RETURN s.id AS id, s.title AS title, s.theme AS theme, s.type AS type, s.status AS status,
       s.category AS category, organisations, parties, s.jobs AS jobs, s.trainings AS trainings
ORDER BY id
