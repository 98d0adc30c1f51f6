"""Linked data: the generated vocabulary and shapes, RDF export, import (loader kind ``rdf``), SHACL
validation and the round trip, on the Thur Doller example in the real embedded store."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV

import eitgraph
from eitgraph import shipped
from eitgraph.cli import cli
from eitgraph.errors import InputError, ValidationError
from eitgraph.load.spec import LoaderSpec
from eitgraph.model.graph import load_model
from eitgraph.model.vocabulary import EG, node_iri, vocabulary, vocabulary_turtle
from eitgraph.present.anonymity import alias_table
from eitgraph.rdf.export import serialize
from eitgraph.rdf.shapes import shapes, shapes_turtle

PREFIXES = "@prefix eg: <https://w3id.org/eitgraph/vocab#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"


# -- generated files ---------------------------------------------------------------------------------
def test_vocabulary_is_up_to_date():
    """schema/vocabulary.ttl is generated: python -c 'from eitgraph.model.vocabulary import vocabulary_turtle as v;
    open("schema/vocabulary.ttl", "w").write(v())'"""
    assert shipped.path("schema", "vocabulary.ttl").read_text(encoding="utf-8") == vocabulary_turtle()


def test_shapes_are_up_to_date():
    """schema/shapes.ttl is generated the same way from eitgraph.rdf.shapes.shapes_turtle."""
    assert shipped.path("schema", "shapes.ttl").read_text(encoding="utf-8") == shapes_turtle()


def test_vocabulary_covers_the_model_and_aligns():
    model, g = load_model(), vocabulary()
    for n in model.nodes.values():
        assert (EG[n.label], RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in g
        for sub in n.sublabels:
            assert (EG[sub], URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"), EG[n.label]) in g
    subclass = URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    assert (EG.Organisation, subclass, URIRef("https://schema.org/Organization")) in g
    assert (EG.Organisation, subclass, URIRef("http://www.w3.org/ns/org#Organization")) in g
    assert (EG.Territory, subclass, URIRef("https://schema.org/Place")) in g
    assert (EG.Dataset, subclass, PROV.Entity) in g
    assert (EG.supplies, RDF.type, URIRef("http://www.w3.org/2002/07/owl#ObjectProperty")) in g
    assert (EG.Supplies, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in g
    assert str(node_iri("Territory", "68334")) == "https://w3id.org/eitgraph/territory/68334"


def test_rdf_loader_writes_every_label_and_type_but_datasets():
    spec, model = LoaderSpec.load("rdf"), load_model()
    assert set(spec.writes_nodes) == set(model.nodes) - {"Dataset"}
    assert set(spec.writes_relationships) == set(model.relationships)


# -- the example, exported -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def exported(example_kb):
    return example_kb.to_rdf()


def counts(kb) -> tuple[dict, dict]:
    status = kb.status()
    return ({k: v for k, v in status["nodes"].items() if k != "Dataset"}, status["relationships"])


def test_export_uses_codes_and_keeps_provenance(exported):
    thann = node_iri("Territory", "68334")
    assert (thann, RDF.type, EG.Commune) in exported and (thann, RDF.type, EG.Territory) in exported
    assert (thann, EG.code, Literal("68334")) in exported
    assert (thann, EG.partOf, node_iri("Territory", "200036465")) in exported
    assert (thann, PROV.wasDerivedFrom, node_iri("Dataset", "territory:alsace")) in exported
    assert (node_iri("Dataset", "territory:alsace"), RDF.type, EG.Dataset) in exported
    supplies = list(exported.subjects(RDF.type, EG.Supplies))
    assert len(supplies) == 98
    assert all(exported.value(q, EG.material) is not None for q in supplies)


def test_shacl_validation_passes_on_the_export(exported):
    pyshacl = pytest.importorskip("pyshacl")
    conforms, _, text = pyshacl.validate(exported, shacl_graph=shapes())
    assert conforms, text


def test_shacl_catches_a_missing_key_and_a_bad_datatype():
    pyshacl = pytest.importorskip("pyshacl")
    bad = Graph().parse(data=PREFIXES + """
        <https://w3id.org/eitgraph/territory/1> a eg:Territory ; eg:name "No code" .
        <https://w3id.org/eitgraph/territory/2> a eg:Territory ; eg:code "2" ; eg:population "many" .
        """, format="turtle")
    conforms, _, text = pyshacl.validate(bad, shacl_graph=shapes())
    assert not conforms
    assert "eg:code" in text or "vocab#code" in text
    assert "population" in text


SPARQL_SHARED_SUPPLIERS = """
PREFIX eg: <https://w3id.org/eitgraph/vocab#>
SELECT ?supplier ?name (COUNT(DISTINCT ?client) AS ?clients) WHERE {
  ?q a eg:Supplies ; eg:from ?supplier ; eg:to ?client ; eg:category ?category .
  ?supplier eg:name ?name .
}
GROUP BY ?supplier ?name HAVING (COUNT(DISTINCT ?client) > 1)
ORDER BY DESC(?clients)
"""


def test_sparql_over_the_export(exported):
    rows = list(exported.query(SPARQL_SHARED_SUPPLIERS))
    assert rows and all(int(r.clients) > 1 for r in rows)


# -- round trip ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_round_trip(example_kb, new_kb, tmp_path, fmt):
    first = example_kb.to_rdf(provenance=False)
    path = tmp_path / f"thur-doller.{fmt}"
    path.write_text(serialize(first, fmt), encoding="utf-8")
    other = new_kb()
    report = other.load("rdf", path)
    assert report.written and not report.deleted
    second = other.to_rdf(provenance=False)
    assert len(first) == len(second)
    assert isomorphic(first, second)
    assert counts(other) == counts(example_kb)
    # the import is the provenance of what it wrote
    rows = other.store.records("MATCH (t:Territory {code: '68334'}) RETURN t.sources AS s")
    assert rows[0]["s"] == ["rdf:thur-doller"]
    assert (node_iri("Territory", "68334"), PROV.wasDerivedFrom, node_iri("Dataset", "rdf:thur-doller")) \
        in other.to_rdf()
    # idempotent: the same file again writes nothing
    assert other.load("rdf", path).unchanged


def test_reimporting_an_edited_file_replaces_what_it_wrote(example_kb, new_kb, tmp_path):
    g = example_kb.to_rdf(territory="200036465", provenance=False)
    path = tmp_path / "thann-cernay.ttl"
    path.write_text(serialize(g, "ttl"), encoding="utf-8")
    other = new_kb()
    other.load("rdf", path)
    n = counts(other)[0]["Territory"]
    g.remove((node_iri("Territory", "68334"), None, None))
    g.remove((None, None, node_iri("Territory", "68334")))
    path.write_text(serialize(g, "ttl"), encoding="utf-8")
    report = other.load("rdf", path)
    assert report.deleted.get("Territory") == 1
    assert counts(other)[0]["Territory"] == n - 1


def test_export_of_a_territory(example_kb):
    g = example_kb.to_rdf(territory="200036465")
    communes = set(g.subjects(RDF.type, EG.Commune))
    assert len(communes) == 16 and node_iri("Territory", "68334") in communes
    assert set(g.subjects(RDF.type, EG.EPCI)) == {node_iri("Territory", "200036465")}
    orgs = set(g.subjects(RDF.type, EG.Organisation))
    for org in orgs:
        assert g.value(org, EG.locatedIn) in communes
    with pytest.raises(eitgraph.EitgraphError, match="'99999' matches no territory"):   # as for every read
        example_kb.to_rdf(territory="99999")


def test_anonymized_export(example_kb, exported):
    """The export follows the one anonymisation policy (eitgraph.present.anonymity), as maps do: public
    institutions keep their names, every other organisation is under the alias a map gives it (it used to
    be « Organisation N » for every organisation); no person, identifier, coordinate, amount or description."""
    g = example_kb.to_rdf(anonymize=True)
    assert not set(g.subjects(RDF.type, EG.Person))
    for p in (EG.siret, EG.siren, EG.naf, EG.lat, EG.lon, EG.quantity, EG.cost, EG.email, EG.description):
        assert not set(g.triples((None, p, None))), p
    organisations = example_kb.graph.organisations()
    aliases = alias_table(organisations, "fr")
    shown = {str(n) for o in g.subjects(RDF.type, EG.Organisation) for n in g.objects(o, EG.name)}
    hidden = {o["name"] for o in organisations if o["id"] in aliases}
    public = {o["name"] for o in organisations if o["id"] not in aliases and o["name"]}
    assert public and not shown & hidden and public <= shown
    assert set(aliases.values()) <= shown
    assert len(set(g.subjects(RDF.type, EG.Organisation))) == len(set(exported.subjects(RDF.type, EG.Organisation)))


# -- bad input -----------------------------------------------------------------------------------------
def _load_text(kb, tmp_path, text, name="bad.ttl"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return kb.load("rdf", path)


def test_malformed_turtle_names_the_line(empty_kb, tmp_path):
    text = PREFIXES + '\n<https://w3id.org/eitgraph/territory/1> a eg:Territory ;\n  eg:code "1" ;\n  eg:name .\n'
    with pytest.raises(InputError, match=r"bad\.ttl: malformed Turtle at line 6"):
        _load_text(empty_kb, tmp_path, text)


def test_malformed_json_ld_names_the_line(empty_kb, tmp_path):
    text = '{\n  "@id": "https://w3id.org/eitgraph/territory/1",\n  "@type": [\n}\n'
    with pytest.raises(InputError, match=r"malformed JSON-LD at line 4"):
        _load_text(empty_kb, tmp_path, text, "bad.jsonld")


def test_malformed_ntriples_names_the_line(empty_kb, tmp_path):
    text = ('<https://w3id.org/eitgraph/territory/1> <https://w3id.org/eitgraph/vocab#code> "1" .\n'
            '<https://w3id.org/eitgraph/territory/1> <https://w3id.org/eitgraph/vocab#name> Thann .\n')
    with pytest.raises(InputError, match=r"malformed N-Triples at line 2"):
        _load_text(empty_kb, tmp_path, text, "bad.nt")


def test_unknown_classes_properties_and_bad_literals_are_all_reported(empty_kb, tmp_path):
    text = PREFIXES + """
<https://w3id.org/eitgraph/territory/1> a eg:Commune ; eg:code "1" ; eg:name "Un" ;
    eg:population "beaucoup"^^xsd:integer ; eg:colour "bleu" .
<https://w3id.org/eitgraph/territory/2> a eg:Territory ; eg:code "2" ; eg:members "12" ;
    eg:partOf <https://example.org/nowhere> .
<https://example.org/x> a eg:Factory ; eg:code "x" .
<https://example.org/y> a eg:Organisation ; eg:name "Sans identifiant" .
<https://example.org/q> a eg:Supplies ; eg:from <https://w3id.org/eitgraph/territory/1> ;
    eg:to <https://w3id.org/eitgraph/territory/2> ; eg:material "15 01 01" .
"""
    with pytest.raises(ValidationError) as err:
        _load_text(empty_kb, tmp_path, text)
    msg = str(err.value)
    assert "unknown property eg:colour" in msg
    assert "'beaucoup' is not a valid xsd:integer" in msg
    assert "eg:members of Territory: expected xsd:integer, got '12' (string)" in msg
    assert "unknown class eg:Factory" in msg
    assert "a Organisation needs exactly one eg:id (found 0)" in msg
    assert "<https://example.org/nowhere> is neither described in the file nor an eitgraph IRI" in msg
    assert "SUPPLIES does not go from Territory to Territory" in msg
    assert empty_kb.status()["nodes"].get("Territory", 0) == 0


def test_references_to_nodes_missing_from_the_graph_are_reported(empty_kb, tmp_path):
    text = PREFIXES + ('<https://w3id.org/eitgraph/territory/1> a eg:Commune ; eg:code "1" ;\n'
                       '    eg:partOf <https://w3id.org/eitgraph/territory/200036465> .\n')
    with pytest.raises(ValidationError, match="Territory '200036465' is not in the graph"):
        _load_text(empty_kb, tmp_path, text)


def test_a_neighbours_file_with_other_iris_merges_by_key(writable_kb, tmp_path):
    text = PREFIXES + """
<https://voisin.example/acteur/42> a eg:Company, <https://schema.org/Organization> ; eg:id "voisin-42" ;
    eg:name "Scierie voisine" ; eg:tags "bois", "pilote" ; eg:lat 47.8 ;
    eg:locatedIn <https://voisin.example/commune/thann> .
<https://voisin.example/commune/thann> a eg:Commune ; eg:code "68334" .
"""
    report = _load_text(writable_kb, tmp_path, text, "voisin.ttl")
    assert report.written == {"LOCATED_IN": 1, "Organisation": 1, "Territory": 1}
    rows = writable_kb.store.records(
        "MATCH (o:Organisation:Company {id: 'voisin-42'})-[:LOCATED_IN]->(c:Commune) "
        "RETURN o.tags AS tags, o.lat AS lat, c.name AS commune, c.sources AS sources")
    assert rows == [{"tags": ["bois", "pilote"], "lat": 47.8, "commune": "Thann",
                     "sources": ["territory:68", "rdf:voisin"]}]


# -- CLI -----------------------------------------------------------------------------------------------
def test_cli_export_and_load(example_kb, new_kb, store_dir, tmp_path):
    runner = CliRunner()

    def run(database, *args):
        return runner.invoke(cli, ["--data-dir", str(store_dir), "--database", database, *args],
                             catch_exceptions=False)

    out = tmp_path / "pays.jsonld"
    result = run(example_kb.config.database, "export", "rdf", "--territory", "PETR-THUR-DOLLER", "--anonymize",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output and "(jsonld)" in result.output
    g = Graph().parse(out, format="json-ld")
    assert len(set(g.subjects(RDF.type, EG.Commune))) == 46
    nt = tmp_path / "all.nt"
    assert run(example_kb.config.database, "export", "rdf", "--format", "nt", "--no-provenance",
               "--out", str(nt)).exit_code == 0
    other = new_kb()
    result = run(other.config.database, "load", "rdf", str(nt))
    assert result.exit_code == 0, result.output
    assert counts(other) == counts(example_kb)
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix eg: <https://w3id.org/eitgraph/vocab#> .\neg:a eg:b\n", encoding="utf-8")
    result = runner.invoke(cli, ["--data-dir", str(store_dir), "--database", other.config.database,
                                 "load", "rdf", str(bad)])
    assert result.exit_code == 1 and "malformed Turtle at line" in result.output
