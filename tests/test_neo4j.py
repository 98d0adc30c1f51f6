"""The same knowledge base on a real Neo4j server: each pinned version (or each server of
``EITGRAPH_TEST_NEO4J``) over ``bolt://`` and ``neo4j://`` URIs, compared with the embedded store.

Every Neo4j leg starts from an empty database (data, constraints and indexes dropped), opens the
knowledge base through ``eitgraph.open(uri, …)``, runs ``init`` again, loads the Thur Doller example
and answers every catalogue query with each of its engines; each answer must equal the embedded
store's: same columns, same rows in any order (lists inside cells in the same order). A deprecation
notification from the server fails the test that caused it.
See tests/neo4jserver.py for how servers are found or started, and when these tests skip.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from urllib.parse import urlsplit, urlunsplit

import neo4j
import pandas as pd
import pytest
from neo4jserver import Notifications, keys
from test_reload_invariant import dump

import eitgraph
from eitgraph import shipped

pytestmark = pytest.mark.neo4j

SCHEMES = ("bolt", "neo4j")
LEGS = [(key, scheme) for key in keys() for scheme in SCHEMES]
PETR = "PETR-THUR-DOLLER"

# Parameters per catalogue query: the defaults first, then the cases the embedded tests use.
# "@plan", "@stakeholder" and "@site" are taken from the data (the first plan id, the first action lead, the
# first organisation with a diagnostic flow).
CASES: dict[str, list[dict]] = {
    "actions-by-stakeholder": [{}, {"role": "financeur"}, {"plan": "@plan"}, {"stakeholder": "@stakeholder"}],
    "circular-loops": [{}, {"max_length": 3}, {"status": "existing"}, {"territory": PETR},
                       {"category": "wood"}],
    "communes": [{}, {"epci": "200036465"}, {"epci": "CC de la Vallée de Saint-Amarin"}, {"territory": PETR}],
    "consolidated-budgets": [{}, {"by": "plan"}, {"by": "funder,category"}],
    "flows-by-category": [{}, {"direction": "out"}, {"territory": PETR, "direction": "in"}],
    "hub-organisations": [{}, {"status": "existing", "top": 5}, {"territory": PETR, "category": "wood"}],
    "mutualisation-candidates": [{}, {"territory": PETR, "direction": "out"},
                                 {"min_organisations": 3, "category": "paper-cardboard"}],
    "organisations": [{}, {"tag": "pilote EIT"}, {"kind": "company", "territory": PETR}],
    "organisations-by-kind": [{}, {"territory": "200036465"}],
    "plan-action-overlaps": [{}, {"kind": "shared"}, {"threshold": 0.3, "plan": "@plan"}],
    "plan-vs-flows": [{}, {"territory": PETR, "min_share": 0.1}],
    "referentiel-coverage": [{}, {"level": 3}],
    "shared-suppliers": [{}, {"min_organisations": 3, "status": "existing"}, {"territory": PETR}],
    "stakeholder-matrix": [{}, {"territory": PETR, "urgent_min": 9}, {"lang": "en"}],
    "substitution-candidates": [{}, {"radius_km": 30, "top": 100}, {"territory": PETR, "category": "wood"}],
    "synergy-leads": [{}, {"territory": PETR}, {"status": "implemented"}],
    "plan-actions": [{}, {"territory": PETR}, {"status": "in_progress"}],
    "workshops": [{}, {"territory": PETR}, {"kind": "steering_committee"}],
    "organisation-flows": [{"organisation": "@site"}],
    # The example places every organisation: an empty answer, compared with parameters only.
    "actors-without-coordinates": [{"territory": "200036465"}, {"territory": PETR}],
    "actors-without-diagnostics": [{}, {"territory": PETR, "kind": "ess"}],
}


def _catalogue():
    from eitgraph.catalogue import Catalogue

    return Catalogue()


QUERY_CASES = [
    pytest.param(name, params, engine, id=f"{name}-{i}-{engine}")
    for name, cases in CASES.items()
    for i, params in enumerate(cases)
    for engine in (("python", "cypher") if _catalogue().get(name).python else ("cypher",))
]


# -- comparing answers ------------------------------------------------------------------------------
def canonical(value, ordered: bool = True):
    """A hashable, comparable form of a cell: numbers rounded (sums may add up in another order),
    NaN as None, lists in order (or sorted when ``ordered`` is false), dates as ISO text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return round(float(value), 6)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        items = [canonical(v, ordered) for v in value]
        return tuple(items if ordered else sorted(items, key=repr))
    if isinstance(value, dict):
        return tuple(sorted((k, canonical(v, ordered)) for k, v in value.items()))
    if hasattr(value, "item"):  # numpy scalars
        return canonical(value.item(), ordered)
    return value


def rows(df: pd.DataFrame, ordered: bool = True) -> list[tuple]:
    return sorted((tuple(canonical(v, ordered) for v in row) for row in df.itertuples(index=False)), key=repr)


def assert_same_frame(got: pd.DataFrame, expected: pd.DataFrame, what: str, ordered_lists: bool = True) -> None:
    """Same columns in the same order, same rows in any order; lists inside cells compared in order
    unless ``ordered_lists`` is false (``collect()`` promises no order)."""
    assert list(got.columns) == list(expected.columns), f"{what}: columns differ"
    got_rows, expected_rows = rows(got, ordered_lists), rows(expected, ordered_lists)
    if got_rows != expected_rows:
        missing = [r for r in expected_rows if r not in got_rows][:5]
        extra = [r for r in got_rows if r not in expected_rows][:5]
        same_sets = ordered_lists and rows(got, ordered=False) == rows(expected, ordered=False)
        pytest.fail(f"{what}: {len(got)} rows on Neo4j, {len(expected)} embedded"
                    f"{' (only the order inside lists differs)' if same_sets else ''}; "
                    f"embedded only: {missing}; Neo4j only: {extra}", pytrace=False)


# -- the embedded reference and the Neo4j legs ----------------------------------------------------
@pytest.fixture(scope="module")
def embedded(new_kb):
    """The example on the embedded store, and its answers, computed once and shared by every leg."""
    kb = new_kb()
    reports = kb.load_manifest(eitgraph.example_manifest())
    return {"kb": kb, "reports": reports, "answers": {}}


def embedded_answer(embedded, name: str, params: dict, engine: str) -> pd.DataFrame:
    key = (name, repr(sorted(params.items())), engine)
    if key not in embedded["answers"]:
        embedded["answers"][key] = embedded["kb"].query(name, engine=engine, **params)
    return embedded["answers"][key]


def resolve(params: dict, embedded) -> dict:
    kb = embedded["kb"]
    out = dict(params)
    for name, value in params.items():
        if value == "@plan":
            out[name] = kb.cypher("MATCH (p:Plan) RETURN p.id AS id ORDER BY id LIMIT 1")["id"][0]
        elif value == "@stakeholder":
            out[name] = kb.cypher("MATCH (o)-[:LEADS]->(:Action) RETURN o.id AS id ORDER BY id LIMIT 1")["id"][0]
        elif value == "@site":
            out[name] = kb.cypher("MATCH (o:Organisation)-[:OUTPUTS]->() RETURN DISTINCT o.id AS id ORDER BY id "
                                  "LIMIT 1")["id"][0]
    return out


def clear(uri: str, auth) -> None:
    """An empty default database: no data, no constraints, no indexes but the built-in look-up ones."""
    with neo4j.GraphDatabase.driver(uri, auth=auth) as driver:
        with driver.session() as session:  # CALL … IN TRANSACTIONS needs an auto-commit transaction
            # Relationships first: detaching thousands of hubs at once can exceed a server's transaction memory.
            session.run("MATCH ()-[x]->() CALL (x) { DELETE x } IN TRANSACTIONS OF 10000 ROWS").consume()
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        for rec in driver.execute_query("SHOW CONSTRAINTS YIELD name").records:
            driver.execute_query(f"DROP CONSTRAINT `{rec['name']}`")
        for rec in driver.execute_query("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'").records:
            driver.execute_query(f"DROP INDEX `{rec['name']}`")
        left = driver.execute_query("MATCH (n) RETURN count(n) AS n").records[0]["n"]
        assert left == 0


def with_scheme(uri: str, scheme: str) -> str:
    parts = urlsplit(uri)
    return urlunsplit((scheme, *parts[1:]))


@pytest.fixture(scope="module", params=LEGS, ids=[f"{key}-{scheme}" for key, scheme in LEGS])
def leg(request, neo4j_servers):
    """One Neo4j version over one URI scheme, with the example loaded from an empty database."""
    key, scheme = request.param
    server = neo4j_servers.get(key)  # skips (or fails, when required) if no server can run here
    uri = with_scheme(server.uri, scheme)
    clear(uri, server.auth)
    user, password = server.auth or (None, None)
    with Notifications() as notes:
        kb = eitgraph.open(uri, username=user, password=password)
        try:
            first_init = kb.init()
            reports = kb.load_manifest(eitgraph.example_manifest())
            setup_notes = list(notes.seen)
            notes.clear()
            yield {"key": key, "scheme": scheme, "uri": uri, "auth": server.auth, "kb": kb, "reports": reports,
                   "first_init": first_init, "setup_notes": setup_notes, "notes": notes}
        finally:
            kb.close()


@pytest.fixture()
def kb(leg):
    """The leg's knowledge base; the test fails on any deprecation notification it caused."""
    notes = leg["notes"]
    notes.clear()
    yield leg["kb"]
    deprecations = notes.deprecations()
    notes.clear()
    assert not deprecations, f"the server reported deprecations: {deprecations}"


# -- tests ---------------------------------------------------------------------------------------
def test_every_catalogue_query_is_compared():
    assert set(CASES) == set(_catalogue().names())


def test_deprecation_notifications_are_caught(leg):
    """The notification capture itself: a deprecated function is reported (so silence means none)."""
    notes = leg["notes"]
    notes.clear()
    leg["kb"].cypher("MATCH (n:Commune) RETURN id(n) AS i LIMIT 1")
    found = notes.deprecations()
    notes.clear()
    assert found and found[0]["gql_status"].startswith("01N"), found


def test_connected_to_the_right_server(kb, leg):
    version = kb.cypher("CALL dbms.components() YIELD name, versions WHERE name = 'Neo4j Kernel' "
                        "RETURN versions[0] AS v")["v"][0]
    assert version.split(".")[0] == leg["key"].split(".")[0]  # 5.26.x for "5.26", 2026.xx.x for "2026"
    assert kb.store.driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1


def test_open_creates_the_schema_and_init_is_idempotent(kb, leg, embedded):
    model = kb.model
    expected = {stmt.split()[2] for stmt in model.schema_statements()}
    constraints = kb.cypher("SHOW CONSTRAINTS")
    indexes = kb.cypher("SHOW INDEXES")
    assert expected <= set(constraints["name"]) | set(indexes["name"])
    # Each uniqueness constraint is on its label's key.
    by_name = constraints.set_index("name")
    for stmt in model.constraint_statements():
        label, key = re.search(r"FOR \(n:(\w+)\) REQUIRE n\.(\w+) IS UNIQUE", stmt).groups()
        row = by_name.loc[stmt.split()[2]]
        assert (list(row["labelsOrTypes"]), list(row["properties"])) == ([label], [key]), stmt
    assert leg["first_init"] == []  # open() had applied everything
    assert kb.init() == [] and kb.init() == []
    # The same constraints and indexes as the embedded store has.
    emb = embedded["kb"]
    emb_names = set(emb.cypher("SHOW CONSTRAINTS")["name"]) | set(emb.cypher("SHOW INDEXES")["name"])
    assert expected <= emb_names


def test_a_duplicate_key_is_refused(kb):
    code = kb.cypher("MATCH (c:Commune) RETURN c.code AS code LIMIT 1")["code"][0]
    with pytest.raises(eitgraph.StoreError, match="uniqueness constraint"):
        kb.store.execute("CREATE (:Territory {code: $code})", {"code": code})


def test_setup_raised_no_deprecation(leg):
    assert not [n for n in leg["setup_notes"] if n["classification"] == "DEPRECATION"], leg["setup_notes"]


def test_loads_report_what_the_embedded_store_wrote(kb, leg, embedded):
    got = [(r.dataset, r.kind, r.rows, r.written, r.deleted, r.unchanged) for r in leg["reports"]]
    expected = [(r.dataset, r.kind, r.rows, r.written, r.deleted, r.unchanged) for r in embedded["reports"]]
    assert got == expected


def test_status_counts_match(kb, embedded):
    got, expected = kb.status(), embedded["kb"].status()
    assert got["nodes"] == expected["nodes"]
    assert got["relationships"] == expected["relationships"]
    assert sum(got["nodes"].values()) > 1000
    assert [(d["dataset"], d["kind"], d["rows"], d["sha256"]) for d in got["datasets"]] == \
           [(d["dataset"], d["kind"], d["rows"], d["sha256"]) for d in expected["datasets"]]


@pytest.mark.parametrize(("name", "params", "engine"), QUERY_CASES)
def test_catalogue_query_matches_embedded(kb, embedded, name, params, engine):
    params = resolve(params, embedded)
    expected = embedded_answer(embedded, name, params, engine)
    got = kb.query(name, engine=engine, **params)
    assert_same_frame(got, expected, f"{name} {params} ({engine})")
    if not params:  # with its defaults, every query has something to say about the example
        assert len(got) > 0, name


def test_indicators_match(kb, embedded):
    for territory in (None, PETR):
        got = kb.indicators(territory=territory)
        expected = embedded["kb"].indicators(territory=territory)
        assert len(got) > 20
        assert_same_frame(got, expected, f"indicators of {territory or 'everything'}")


@pytest.mark.parametrize("failure", ["python", "store"])
def test_a_failed_write_transaction_leaves_nothing(kb, failure):
    probe = {"id": "rollback-probe"}
    code = kb.cypher("MATCH (c:Commune) RETURN c.code AS code LIMIT 1")["code"][0]

    def work(tx):
        tx.run("CREATE (:Organisation {id: $id, name: 'probe'})", probe).consume()
        assert tx.run("MATCH (o:Organisation {id: $id}) RETURN count(o) AS n", probe).single()["n"] == 1
        if failure == "python":
            raise RuntimeError("simulated failure after a write")
        tx.run("CREATE (:Territory {code: $code})", {"code": code}).consume()  # a duplicate key

    with pytest.raises(RuntimeError if failure == "python" else eitgraph.StoreError):
        kb.store.transaction(work)
    assert kb.cypher("MATCH (o:Organisation {id: $id}) RETURN count(o) AS n", **probe)["n"][0] == 0


def test_a_read_follows_the_writes_of_this_process(kb):
    """Write transactions and reads share the driver's bookmark manager (on a cluster a follower answers
    only once it has what the bookmark names)."""
    before = set(kb.store.bookmarks.get_bookmarks())
    kb.store.transaction(lambda tx: tx.run("CREATE (:BookmarkProbe {at: 1})").consume())
    after = set(kb.store.bookmarks.get_bookmarks())
    assert after and after != before
    try:
        assert kb.store.records("MATCH (p:BookmarkProbe) RETURN count(p) AS n")[0]["n"] == 1
    finally:
        kb.store.transaction(lambda tx: tx.run("MATCH (p:BookmarkProbe) DELETE p").consume())


def test_reloading_the_example_changes_nothing(kb):
    before = kb.status()
    reports = kb.load_manifest(eitgraph.example_manifest())
    assert all(r.unchanged for r in reports)
    after = kb.status()
    assert (before["nodes"], before["relationships"]) == (after["nodes"], after["relationships"])


# -- reload, drop, undo and failures, step by step, against the embedded store ------------------------
# These run last in each leg: the scenario empties the leg's database first (Neo4j Community has one).
def _outcome(call) -> tuple:
    """What a load, drop or undo reported, or the error it raised (class and message)."""
    try:
        r = call()
    except Exception as exc:  # the same refusal on both stores is part of the comparison
        # eitgraph's own messages must be the same; the engines word their own errors differently.
        from_store = isinstance(exc, (eitgraph.QueryError, eitgraph.StoreError))
        return ("error", type(exc).__name__, None if from_store else str(exc))
    return ("report", r.dataset, r.kind, r.rows, r.written, r.changed, r.deleted, r.unchanged, r.undone,
            sorted(n.code for n in r.notes))


def _state(kb) -> tuple:
    nodes, rels, _ = dump(kb)
    datasets = [(d["dataset"], d["kind"], d["rows"], d["sha256"], d["holds"], d["versions"], d["dropped"])
                for d in kb.datasets(include_dropped=True)]
    return nodes, rels, datasets


def scenario(kb, files, monkeypatch) -> list[tuple[str, tuple, tuple]]:
    """Loads, reloads, a dry run, a drop, undos, refusals and two failures inside the write transaction
    (in Python and in the store); each step's outcome and the graph after it."""
    from eitgraph.load.loading import Loader

    steps = []

    def step(name, call):
        steps.append((name, _outcome(call), _state(kb)))

    kb.load("territory", files["territory"], dataset_id="territory:68", departement="68")
    kb.load("materials", shipped.path("reference", "list_of_waste.csv"))
    step("stakeholders v1", lambda: kb.load("stakeholders", files["v1"], dataset_id="acteurs"))
    step("same file again", lambda: kb.load("stakeholders", files["v1"], dataset_id="acteurs"))
    step("v2 dry run", lambda: kb.load("stakeholders", files["v2"], dataset_id="acteurs", dry_run=True))
    step("v2: fewer rows, SIRETs", lambda: kb.load("stakeholders", files["v2"], dataset_id="acteurs"))
    step("diagnostics", lambda: kb.load("diagnostics", files["diag"], create_missing=True))
    step("truncated diagnostics refused", lambda: kb.load("diagnostics", files["diag_cut"], create_missing=True))
    step("drop the list", lambda: kb.drop("acteurs"))
    step("undo the drop", lambda: kb.undo())
    step("undo v2", lambda: kb.undo())
    step("drop cutting links refused", lambda: kb.drop("acteurs", force=True))

    def fail_after(how):
        original = Loader._apply

        def failing(self, tx, *args, **kwargs):
            original(self, tx, *args, **kwargs)
            if how == "python":
                raise RuntimeError("simulated crash after writing")
            tx.run("THIS IS NOT CYPHER").consume()

        return failing

    for how in ("python", "store"):
        monkeypatch.setattr(Loader, "_apply", fail_after(how))
        step(f"failure in {how} during a reload", lambda: kb.load("stakeholders", files["v3"], dataset_id="acteurs"))
        monkeypatch.undo()

    def flaky(original, attempts):
        def once_transient(self, tx, *args, **kwargs):
            original(self, tx, *args, **kwargs)
            attempts.append(1)
            if len(attempts) == 1:  # what a leader switch or a deadlock looks like to the driver
                raise neo4j.exceptions.SessionExpired("simulated: the leader changed")

        return once_transient

    attempts = []
    monkeypatch.setattr(Loader, "_apply", flaky(Loader._apply, attempts))
    step("a transient error is retried", lambda: kb.load("stakeholders", files["v3"], dataset_id="acteurs"))
    monkeypatch.undo()
    assert len(attempts) == 2
    step("v3 again: unchanged", lambda: kb.load("stakeholders", files["v3"], dataset_id="acteurs"))
    return steps


@pytest.fixture(scope="module")
def scenario_files(tmp_path_factory, haut_rhin):
    from test_trust import COMPANIES, FLOWS, company_list, diagnostics

    root = tmp_path_factory.mktemp("neo4j-scenario")
    for sub in ("v1", "v2", "v3", "d1", "d2"):  # one file name per dataset, as an officer's versions
        (root / sub).mkdir()
    return {"territory": haut_rhin,
            "v1": company_list(root / "v1" / "acteurs.csv", with_siret=False),
            "v2": company_list(root / "v2" / "acteurs.csv", rows=COMPANIES[:4]),
            "v3": company_list(root / "v3" / "acteurs.csv", rows=COMPANIES[1:]),
            "diag": diagnostics(root / "d1" / "diagnostics.csv"),
            "diag_cut": diagnostics(root / "d2" / "diagnostics.csv", FLOWS[:1])}


def on_embedded(new_kb, files: dict, run):
    """``run(kb, files, monkeypatch)`` on a new embedded knowledge base, its patches undone afterwards."""
    mp = pytest.MonkeyPatch()
    try:
        return run(new_kb(), files, mp)
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def embedded_scenario(new_kb, scenario_files):
    return on_embedded(new_kb, scenario_files, scenario)


def test_reload_drop_undo_and_failures_match_the_embedded_store(kb, leg, embedded_scenario, scenario_files,
                                                                  monkeypatch):
    clear(leg["uri"], leg["auth"])
    kb.init()
    got = scenario(kb, scenario_files, monkeypatch)
    assert [s[0] for s in got] == [s[0] for s in embedded_scenario]
    for (name, outcome, state), (_, expected_outcome, expected_state) in zip(got, embedded_scenario, strict=True):
        assert outcome == expected_outcome, name
        assert state[2] == expected_state[2], f"{name}: datasets differ"
        assert state[0] == expected_state[0], f"{name}: nodes differ"
        assert state[1] == expected_state[1], f"{name}: relationships differ"
    outcomes = dict((name, outcome) for name, outcome, _ in got)
    # The scenario does exercise what it names.
    assert outcomes["same file again"][7] is True
    assert outcomes["truncated diagnostics refused"][:2] == ("error", "LoadAborted")
    assert outcomes["failure in python during a reload"][:2] == ("error", "RuntimeError")
    assert outcomes["failure in store during a reload"][:2] == ("error", "QueryError")
    assert outcomes["a transient error is retried"][0] == "report" and outcomes["v3 again: unchanged"][7] is True
    states = {name: state for name, _, state in got}
    assert states["failure in store during a reload"] == states["drop cutting links refused"]
    assert states["v2 dry run"] == states["same file again"]


# -- a load too big for one transaction, its parts written side by side ------------------------------------
def parts_scenario(kb, files, monkeypatch, fail=None) -> dict[str, tuple]:
    """A diagnostics load and a reload of it, each bigger than the loader's transaction size (cut down to four
    writes), so written in parts; ``fail()`` runs before them (a first load that must leave nothing)."""
    kb.load("territory", files["territory"], dataset_id="territory:68", departement="68")
    kb.load("materials", shipped.path("reference", "list_of_waste.csv"))
    kb.load("stakeholders", files["v1"], dataset_id="acteurs")
    monkeypatch.setattr(kb.loader, "commit_every", 4)
    monkeypatch.setattr(kb.loader, "batch_size", 2)
    states = {"before": _state(kb)}
    if fail is not None:
        fail()
        states["after the failure"] = _state(kb)
    kb.load("diagnostics", files["diag"], create_missing=True)
    states["diagnostics"] = _state(kb)
    kb.load("diagnostics", files["diag_cut"], create_missing=True, force=True)
    states["cut"] = _state(kb)
    return states


@pytest.fixture(scope="module")
def embedded_parts(new_kb, scenario_files):
    return on_embedded(new_kb, scenario_files, parts_scenario)


def test_a_load_in_parts_is_written_side_by_side(kb, leg, embedded_parts, scenario_files, monkeypatch):
    """Neo4j writes the relationship parts of a big load in two sessions at once: the graph is the one the
    embedded store gets in one session, a transient error in a part runs that part again, and a failure in
    a part leaves nothing of the load."""
    from eitgraph.load import planwriter, sidebyside

    clear(leg["uri"], leg["auth"])
    kb.init()
    sizes, calls = [], []
    real_side_by_side, real_write = planwriter.side_by_side, sidebyside._write

    def spy(store, writer, todo, tick, sessions=sidebyside.SESSIONS):
        todo = list(todo)
        sizes.append([sum(len(rows) for _, rows, _ in part) for part in todo])
        return real_side_by_side(store, writer, iter(todo), tick, sessions)

    def fails_at(n: int, exc: Exception):
        def write(tx, part):
            calls.append(len(part))
            if len(calls) == n:
                raise exc
            real_write(tx, part)
        return write

    def failing_load():
        monkeypatch.setattr(sidebyside, "_write", fails_at(3, RuntimeError("simulated crash in a part")))
        with pytest.raises(RuntimeError, match="simulated crash"):
            kb.load("diagnostics", scenario_files["diag"], create_missing=True)
        assert kb.loader.pending() == []
        calls.clear()
        # What a deadlock between the two sessions, or a leader switch, looks like to the driver.
        monkeypatch.setattr(sidebyside, "_write", fails_at(2, neo4j.exceptions.SessionExpired("simulated")))

    monkeypatch.setattr(planwriter, "side_by_side", spy)
    got = parts_scenario(kb, scenario_files, monkeypatch, failing_load)
    assert len(sizes) >= 2 and len(sizes[1]) >= 3 and max(sizes[1]) <= 4, sizes  # parts of at most four rows
    assert len(calls) > len(sizes[1]), calls  # the part that met the transient error ran again
    assert got["after the failure"] == got["before"]
    assert got["diagnostics"] == embedded_parts["diagnostics"]
    assert got["cut"] == embedded_parts["cut"]
    assert got["cut"] != got["diagnostics"]
