from eitgraph import shipped
from eitgraph.model.graph import load_model


def test_schema_document_is_up_to_date():
    """schema/schema.md is generated from schema/model.yaml: run `eitgraph schema --doc schema/schema.md`."""
    doc = shipped.path("schema", "schema.md").read_text(encoding="utf-8")
    assert doc == load_model().markdown()


def test_every_key_has_a_uniqueness_constraint_in_the_store(territory_kb):
    rows = territory_kb.store.records("SHOW CONSTRAINTS")
    constrained = {(r["labelsOrTypes"][0], r["properties"][0]) for r in rows}
    for node in load_model().nodes.values():
        assert (node.label, node.key) in constrained


def test_init_is_idempotent(territory_kb):
    assert territory_kb.init() == []


def test_relationships_refer_to_declared_labels():
    model = load_model()
    for rel in model.relationships.values():
        for label in (*rel.sources, *rel.targets):
            assert label in model.nodes
