// name: workshops
// description: >
//   Workshops, committees and training sessions with their attendance: organisations invited and
//   present, participants, attendance rate (%) and mean satisfaction (1–5). With a territory, only the
//   invitations of organisations located there are counted.
// parameters:
//   territory: {type: string, description: "code of a territory (commune, EPCI, PETR, DEP-68) the invited organisations are located in"}
//   kind: {type: string, description: "workshop, steering_committee, technical_committee, training, visit or meeting"}
MATCH (o:Organisation)-[:INVITED]->(w:Workshop)
WHERE $kind IS NULL OR w.kind = $kind
OPTIONAL MATCH (o)-[:LOCATED_IN]->(c:Territory)
WITH o, w, c
WHERE $territory IS NULL OR c.code = $territory
   OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(:Territory {code: $territory}) }
OPTIONAL MATCH (o)-[a:ATTENDED]->(w)
WITH w, count(DISTINCT o) AS invited,
     count(DISTINCT CASE WHEN a.participants > 0 THEN o END) AS present,
     sum(coalesce(a.participants, 0)) AS participants, avg(a.satisfaction) AS satisfaction
RETURN w.id AS id, w.title AS title, w.date AS date, w.kind AS kind, w.theme AS theme, invited, present,
       participants, round(1000.0 * present / invited) / 10 AS attendance_rate, round(100 * satisfaction) / 100 AS satisfaction
ORDER BY date, id
