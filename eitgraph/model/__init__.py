"""The domain model: the graph model (:mod:`.graph`, from ``schema/model.yaml``) and the vocabularies its
values come from: organisation kinds, material categories and the EU List of Waste with units, NAF
codes, départements, and coordinates (Lambert-93, distances)."""
