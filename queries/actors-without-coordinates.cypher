// name: actors-without-coordinates
// description: >
//   Organisations without site coordinates: maps place them at their commune's centre when its outline is
//   loaded (eitgraph load geometry), approximately, or not at all. To complete with a SIRENE extract or
//   the « Latitude » / « Longitude » columns of the stakeholder list.
// parameters:
//   territory: {type: string, description: "code of a territory (commune, EPCI, PETR, DEP-68) the organisations are located in"}
MATCH (o:Organisation)
WHERE o.lat IS NULL OR o.lon IS NULL
OPTIONAL MATCH (o)-[:LOCATED_IN]->(c:Territory)
WITH o, c
WHERE $territory IS NULL OR c.code = $territory
   OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(:Territory {code: $territory}) }
RETURN o.id AS id, o.name AS name, o.kind AS kind, c.code AS insee, c.name AS commune,
       CASE WHEN c.centroid_lat IS NOT NULL THEN 'commune' ELSE 'none' END AS placed_on_maps
ORDER BY commune, name
