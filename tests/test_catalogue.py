import pytest

from eitgraph.analytics.queries import PYTHON_QUERIES
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


# -- every Python-backed query against its reference Cypher, on the example -------------------------

def _rows(df, columns) -> set[tuple]:
    """The rows of ``columns`` as hashable tuples (lists become tuples, floats are rounded)."""
    def cell(v):
        if isinstance(v, list):
            return tuple(v)
        return round(float(v), 3) if isinstance(v, float) else v
    return {tuple(cell(v) for v in row) for row in df[columns].itertuples(index=False)}


def _same_loops(py, cy):
    assert _rows(py, ["members"]) == _rows(cy, ["members"])


def _same_budgets(py, cy):
    columns = ["dimension", "key", "actions", "shared_actions", "budget"]
    assert _rows(cy, columns) <= _rows(py, columns)


def _same_hubs(py, cy):
    assert set(py["id"]) == set(cy["id"])
    relationships = dict(zip(cy["id"], cy["degree"], strict=True))
    assert all(relationships[i] >= d for i, d in zip(py["id"], py["degree"], strict=True))   # neighbours ≤ edges


def _same_mutualisation(py, cy):
    columns = ["direction", "category", "unit", "organisations", "distinct_partners", "combined_quantity"]
    assert _rows(py, columns) == _rows(cy, columns)


def _same_overlaps(py, cy):
    columns = ["overlap", "action_1", "action_2"]
    assert _rows(py[py["overlap"] != "quasi-doublon"], columns) == _rows(cy, columns)


def _same_plan_flows(py, cy):
    columns = ["category", "unit", "output_quantity", "input_quantity", "organisations", "actions"]
    assert _rows(py[py["unit"].notna()], columns) == _rows(cy, columns)


def _same_coverage(py, cy):
    columns = ["measure", "number", "level", "points", "actions"]
    assert _rows(py, columns) == _rows(cy, columns)


def _same_substitutions(py, cy):
    assert _rows(cy, ["output_org", "input_org"]) <= _rows(py, ["output_org", "input_org"])


SAME_ANSWER = {
    "circular-loops": ({}, _same_loops),
    "consolidated-budgets": ({}, _same_budgets),
    "hub-organisations": ({"top": 1000}, _same_hubs),
    "mutualisation-candidates": ({"territory": "PETR-THUR-DOLLER"}, _same_mutualisation),
    "plan-action-overlaps": ({}, _same_overlaps),
    "plan-vs-flows": ({"territory": "PETR-THUR-DOLLER"}, _same_plan_flows),
    "referentiel-coverage": ({}, _same_coverage),
    "substitution-candidates": ({"top": 100}, _same_substitutions),
}


def test_python_queries_are_registered_and_declared():
    assert {q.name for q in Catalogue() if q.python} == set(PYTHON_QUERIES) == set(SAME_ANSWER)


@pytest.mark.parametrize("name", sorted(SAME_ANSWER))
def test_python_engine_agrees_with_its_reference_cypher_on_the_example(example_kb, name):
    params, same = SAME_ANSWER[name]
    py, cy = example_kb.query(name, **params), example_kb.query(name, engine="cypher", **params)
    assert not py.empty and not cy.empty
    same(py, cy)
