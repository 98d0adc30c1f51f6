// name: organisations
// description: Organisations (stakeholders) with kind, sector and commune; filter by kind, tag or territory.
// parameters:
//   kind: {type: string, description: "company, public_body, ess, consular, state_service, consultancy, waste_operator, funder, network, education"}
//   tag: {type: string, description: "only organisations carrying this tag, e.g. 'pilote EIT'"}
//   territory: {type: string, description: "code of a territory (commune, EPCI, PETR, DEP-68) the organisation is located in"}
MATCH (o:Organisation)
WHERE ($kind IS NULL OR o.kind = $kind)
  AND ($tag IS NULL OR $tag IN coalesce(o.tags, []))
OPTIONAL MATCH (o)-[:LOCATED_IN]->(c:Territory)
WITH o, c
WHERE $territory IS NULL OR c.code = $territory
   OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(t:Territory {code: $territory}) }
RETURN o.id AS id, o.name AS name, o.kind AS kind, o.naf AS naf, o.naf_label AS activity,
       o.filiere AS filiere, c.code AS insee, c.name AS commune, o.perimeter AS perimeter, o.tags AS tags
ORDER BY kind, name
