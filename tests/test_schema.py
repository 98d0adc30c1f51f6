from eitgraph import shipped
from eitgraph.load.registry import SOURCES
from eitgraph.load.spec import LoaderSpec, available_kinds
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


def test_every_source_kind_has_a_spec_and_a_registered_transform():
    """loaders/<kind>.yaml and eitgraph/load/registry.py name the same kinds; each spec writes only
    labels and relationship types of the model."""
    model = load_model()
    assert sorted(SOURCES) == available_kinds()
    for kind in available_kinds():
        spec = LoaderSpec.load(kind)
        assert spec.transform is SOURCES[kind].transform
        assert set(spec.writes_nodes) <= set(model.nodes), kind
        assert set(spec.writes_relationships) <= set(model.relationships), kind
