// name: stakeholder-matrix
// description: >
//   Classifies actors from impact on the territory × ease of mobilisation × current relation
//   (ADEME guide, Pays Voironnais matrix). potential = impact × ease (1–9).
//   « à contacter d'urgence »: potential ≥ urgent_min and relation aucune/ponctuelle/unknown;
//   « lien à entretenir »: relation ponctuelle or régulière and potential ≥ maintain_min;
//   « rester en veille »: the rest; « non évalué » when impact or ease is missing.
// parameters:
//   territory: {type: string, description: "code of a territory (EPCI, PETR, DEP-68) the actors are located in"}
//   urgent_min: {type: integer, default: 6, description: "lowest impact × ease for « à contacter d'urgence »"}
//   maintain_min: {type: integer, default: 3, description: "lowest impact × ease for « lien à entretenir »"}
//   lang: {type: string, default: fr, description: "fr or en, for the class labels"}
MATCH (o:Organisation)
OPTIONAL MATCH (o)-[:LOCATED_IN]->(c:Territory)
WITH o, c
WHERE $territory IS NULL OR c.code = $territory
   OR EXISTS { MATCH (c)-[:PART_OF*1..3]->(t:Territory {code: $territory}) }
WITH o, c, o.impact * o.ease AS potential
WITH o, c, potential,
     CASE
       WHEN potential IS NULL THEN 'unrated'
       WHEN potential >= $urgent_min AND coalesce(o.relation, 'aucune') IN ['aucune', 'ponctuelle'] THEN 'urgent'
       WHEN o.relation IN ['ponctuelle', 'régulière'] AND potential >= $maintain_min THEN 'maintain'
       ELSE 'watch'
     END AS class
RETURN o.id AS id, o.name AS name, o.kind AS kind, c.name AS commune, o.perimeter AS perimeter,
       o.impact AS impact, o.ease AS ease, potential, o.relation AS relation,
       CASE $lang WHEN 'en' THEN
         CASE class WHEN 'urgent' THEN 'contact urgently' WHEN 'maintain' THEN 'maintain the link'
                    WHEN 'watch' THEN 'keep watching' ELSE 'not rated' END
       ELSE
         CASE class WHEN 'urgent' THEN "à contacter d'urgence" WHEN 'maintain' THEN 'lien à entretenir'
                    WHEN 'watch' THEN 'rester en veille' ELSE 'non évalué' END
       END AS classe
ORDER BY CASE class WHEN 'urgent' THEN 0 WHEN 'maintain' THEN 1 WHEN 'watch' THEN 2 ELSE 3 END,
         potential DESC, name
