// name: actors-without-diagnostics
// description: >
//   Organisations with no diagnosed flow yet (no OUTPUTS or INPUTS): the companies still to audit. Says
//   whether they already take part in a synergy lead or attended a meeting.
// parameters:
//   territory: {type: string, description: "code of a territory (commune, EPCI, PETR, DEP-68) the organisations are located in"}
//   kind: {type: string, default: company, description: "organisation kind (company by default)"}
MATCH (o:Organisation)
WHERE ($kind IS NULL OR o.kind = $kind) AND NOT EXISTS { MATCH (o)-[:OUTPUTS|INPUTS]->(:Material) }
OPTIONAL MATCH (o)-[:LOCATED_IN]->(c:Territory)
WITH o, c
WHERE $territory IS NULL OR c.code = $territory
   OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(:Territory {code: $territory}) }
RETURN o.id AS id, o.name AS name, o.kind AS kind, o.naf AS naf, c.name AS commune,
       EXISTS { MATCH (o)-[:PARTY_TO]->(:Synergy) } AS in_synergy,
       EXISTS { MATCH (o)-[:ATTENDED]->(:Workshop) } AS attended
ORDER BY commune, name
