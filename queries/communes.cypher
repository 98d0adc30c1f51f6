// name: communes
// description: Communes with their EPCI and population, optionally within one EPCI (SIREN or name) or any territory (code, e.g. a PETR).
// parameters:
//   epci: {type: string, description: "SIREN or exact name of an EPCI, e.g. 200036465"}
//   territory: {type: string, description: "code of any territory containing the communes (EPCI, PETR, département DEP-68)"}
MATCH (c:Commune)-[:PART_OF]->(e:EPCI)
WHERE ($epci IS NULL OR e.code = $epci OR toLower(e.name) = toLower($epci))
  AND ($territory IS NULL OR e.code = $territory
       OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(t:Territory {code: $territory}) })
RETURN c.code AS insee, c.name AS commune, c.population AS population, e.code AS epci_siren, e.name AS epci
ORDER BY epci, commune
