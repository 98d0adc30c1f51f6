import pytest

from eitgraph.catalogue import Catalogue, Parameter, parse_query_file
from eitgraph.errors import QueryError


def test_every_query_declares_name_description_and_its_parameters():
    cat = Catalogue()
    assert {"communes", "organisations", "organisations-by-kind", "stakeholder-matrix"} <= set(cat.names())
    for q in cat:
        assert q.description.strip(), q.name
        assert q.path.name == f"{q.name}.cypher"


def test_undeclared_parameter_is_an_error_naming_it():
    q = Catalogue().get("communes")
    with pytest.raises(QueryError, match="'epcii'"):
        q.bind({"epcii": "200036465"})


def test_missing_required_parameter_is_an_error_naming_it(tmp_path):
    f = tmp_path / "q.cypher"
    f.write_text("// name: needs-code\n// description: test\n// parameters:\n"
                 "//   code: {type: string, required: true, description: an INSEE code}\n"
                 "MATCH (c:Commune {code: $code}) RETURN c.name AS name\n", encoding="utf-8")
    q = parse_query_file(f)
    with pytest.raises(QueryError, match="'code'"):
        q.bind({})
    assert q.bind({"code": "68334"}) == {"code": "68334"}


def test_a_query_using_an_undeclared_parameter_is_rejected(tmp_path):
    f = tmp_path / "bad.cypher"
    f.write_text("// name: bad\n// description: x\nMATCH (n) WHERE n.code = $code RETURN n\n", encoding="utf-8")
    with pytest.raises(QueryError, match="undeclared parameter"):
        parse_query_file(f)


def test_types_are_coerced_from_cli_text():
    q = Catalogue().get("stakeholder-matrix")
    assert q.bind({"urgent_min": "8"})["urgent_min"] == 8
    with pytest.raises(QueryError, match="urgent_min"):
        q.bind({"urgent_min": "beaucoup"})


def test_boolean_and_list_parameters_read_values_as_loaders_do():
    # One boolean reading for columns, options and parameters: an unknown word is an error (a parameter
    # used to take anything but 1/true/yes/oui/vrai for false), and lists drop empty items.
    flag, items = Parameter("flag", "boolean"), Parameter("items", "list")
    assert (flag.coerce("non"), flag.coerce("Oui"), flag.coerce("off")) == (False, True, False)
    with pytest.raises(QueryError, match="'flag' must be of type boolean"):
        flag.coerce("peut-être")
    assert items.coerce("a, b,,c") == ["a", "b", "c"]


def test_unknown_query_is_an_error(territory_kb):
    with pytest.raises(QueryError, match="unknown query"):
        territory_kb.query("no-such-question")


def test_parameters_reach_cypher_as_values(territory_kb):
    hostile = "200036465' OR 1=1 //"
    assert territory_kb.query("communes", epci=hostile).empty
    assert len(territory_kb.query("communes", epci="200036465")) == 16


def test_empty_results_keep_their_columns(empty_kb):
    df = empty_kb.query("organisations", tag="pilote EIT")
    assert df.empty
    assert list(df.columns) == ["id", "name", "kind", "naf", "activity", "filiere", "insee", "commune",
                                "perimeter", "tags"]
    assert list(empty_kb.query("stakeholder-matrix").columns)[-1] == "classe"
