"""The loop engine (eitgraph.analytics.loops): hand-made graphs, networkx as the reference on random
graphs, degenerate graphs and arbitrary string ids. No store needed."""

from __future__ import annotations

import doctest
import random

import networkx as nx
import pytest

from eitgraph.analytics import loops
from eitgraph.analytics.loops import canonical, simple_cycles


def reference(edges, max_length):
    """networkx's bounded enumeration, in canonical form."""
    graph = nx.DiGraph()
    graph.add_edges_from(edges)
    return {canonical(tuple(c)) for c in nx.simple_cycles(graph, length_bound=max_length)}


# --- hand-made graphs -------------------------------------------------------------------------

def test_triangle():
    edges = [("b", "c"), ("c", "a"), ("a", "b")]
    assert simple_cycles(edges, 3) == [("a", "b", "c")]
    assert simple_cycles(edges, 2) == []


def test_triangle_with_mutual_exchange_matches_docstring():
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("a", "c")]
    assert simple_cycles(edges, 5) == [("a", "b", "c"), ("a", "c")]


def test_two_overlapping_cycles():
    # a → b → c → a and b → d → e → b share the node b; a → b → d → e → b is not simple.
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("b", "d"), ("d", "e"), ("e", "b")]
    assert simple_cycles(edges, 5) == [("a", "b", "c"), ("b", "d", "e")]


def test_cycles_sharing_a_path():
    # Two routes back from c to a: c → a and c → d → a.
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "a")]
    assert simple_cycles(edges, 4) == [("a", "b", "c"), ("a", "b", "c", "d")]
    assert simple_cycles(edges, 3) == [("a", "b", "c")]


def test_rotation_starts_at_smallest_node_whatever_the_traversal():
    # Internally the hub h is the first start node; the loop is still reported from "a".
    edges = [("z", "h"), ("h", "a"), ("a", "z"), ("h", "b"), ("b", "h"), ("c", "h"), ("h", "c")]
    result = simple_cycles(edges, 3)
    assert result == [("a", "z", "h"), ("b", "h"), ("c", "h")]
    assert all(c == canonical(c) for c in result)


def test_self_loop_is_a_cycle_of_length_one():
    edges = [("a", "a"), ("a", "b"), ("b", "a")]
    assert simple_cycles(edges, 1) == [("a",)]
    assert simple_cycles(edges, 2) == [("a",), ("a", "b")]


def test_self_loop_on_a_node_outside_any_cycle():
    edges = [("x", "y"), ("y", "y"), ("y", "z")]
    assert simple_cycles(edges, 5) == [("y",)]


def test_parallel_edges_count_once():
    edges = [("a", "b"), ("a", "b"), ("b", "a"), ("b", "a"), ("b", "a"), ("c", "c"), ("c", "c")]
    assert simple_cycles(edges, 5) == [("a", "b"), ("c",)]


def test_disconnected_parts():
    edges = [("a", "b"), ("b", "a"),
             ("p", "q"), ("q", "r"), ("r", "p"),
             ("x", "y"), ("y", "z"),  # a path, no cycle
             ("b", "p")]  # joins two parts one way only: no cycle through it
    assert simple_cycles(edges, 5) == [("a", "b"), ("p", "q", "r")]


def test_cycle_longer_than_max_length_is_excluded():
    ring = [(f"n{i}", f"n{(i + 1) % 6}") for i in range(6)]
    chord = [("n0", "n3")]  # n0 → n3 → n4 → n5 → n0, length 4
    assert simple_cycles(ring + chord, 5) == [("n0", "n3", "n4", "n5")]
    assert simple_cycles(ring + chord, 6) == [("n0", "n1", "n2", "n3", "n4", "n5"),
                                               ("n0", "n3", "n4", "n5")]
    assert simple_cycles(ring + chord, 3) == []


def test_complete_digraph_counts():
    # K4 with both directions: C(4,2)·1 + C(4,3)·2 + C(4,4)·3! = 6 + 8 + 6 = 20 simple cycles.
    nodes = "abcd"
    edges = [(u, v) for u in nodes for v in nodes if u != v]
    counts = [len(simple_cycles(edges, k)) for k in range(1, 6)]
    assert counts == [0, 6, 14, 20, 20]


def test_result_does_not_depend_on_edge_order():
    rng = random.Random(7)
    edges = [(f"v{rng.randrange(15)}", f"v{rng.randrange(15)}") for _ in range(60)]
    expected = simple_cycles(edges, 5)
    assert expected  # the graph does have loops
    for _ in range(5):
        shuffled = edges[:]
        rng.shuffle(shuffled)
        assert simple_cycles(shuffled + shuffled[:10], 5) == expected
    assert simple_cycles(iter(edges), 5) == expected  # any iterable, consumed once


def test_long_ring_needs_no_recursion():
    n = 20_000
    ring = [(f"r{i:05d}", f"r{(i + 1) % n:05d}") for i in range(n)]
    assert simple_cycles(ring, 5) == []
    (cycle,) = simple_cycles(ring, n)
    assert len(cycle) == n and cycle[0] == "r00000" and cycle[-1] == f"r{n - 1:05d}"


# --- networkx as the reference on random graphs ------------------------------------------------

def random_graph(seed: int) -> list[tuple[str, str]]:
    """5–40 nodes, sparse to dense, with self-loops and parallel edges on some graphs."""
    rng = random.Random(seed)
    n = rng.randint(5, 40)
    mean_degree = rng.choice([0.7, 1.5, 2.5, 4.0]) if n > 12 else rng.uniform(1.0, 0.6 * n)
    p = min(1.0, mean_degree / n)
    self_loops = rng.random() < 0.5
    edges = [(f"n{u}", f"n{v}") for u in range(n) for v in range(n)
             if (u != v or self_loops) and rng.random() < p]
    if rng.random() < 0.3:
        edges += rng.sample(edges, len(edges) // 4)  # parallel edges
    rng.shuffle(edges)
    return edges


@pytest.mark.parametrize("seed", range(40))
def test_same_cycles_as_networkx(seed):
    edges = random_graph(seed)
    for k in range(1, 7):
        ours = simple_cycles(edges, k)
        assert len(ours) == len(set(ours)), "a loop returned twice"
        assert set(ours) == reference(edges, k)
        assert ours == sorted(ours)
        assert all(len(c) <= k for c in ours)


def test_random_graphs_cover_interesting_cases():
    """The property test above is not vacuous: its graphs hold self-loops, long loops, several
    strongly connected components and many loops."""
    graphs = [random_graph(seed) for seed in range(40)]
    found = [simple_cycles(edges, 6) for edges in graphs]
    assert sum(len(c) for c in found) > 1000
    assert any(any(len(c) == 1 for c in cycles) for cycles in found)
    assert sum(any(len(c) == 6 for c in cycles) for cycles in found) >= 10
    assert sum(not cycles for cycles in found) >= 1
    assert any(len({u for e in g for u in e}) >= 35 for g in graphs)
    assert any(sum(len(c) > 1 for c in nx.strongly_connected_components(nx.DiGraph(g))) >= 2
               for g in graphs)


def test_larger_local_graph_matches_networkx():
    """A few hundred nodes with clustered, mostly local exchanges and two hubs."""
    rng = random.Random(2024)
    edges = []
    for u in range(300):
        for _ in range(3):
            edges.append((f"o{u}", f"o{(u + rng.randint(-6, 6)) % 300}"))
        if rng.random() < 0.3:
            edges.append((f"o{u}", rng.choice(["hub-a", "hub-b"])))
    edges += [("hub-a", f"o{rng.randrange(300)}") for _ in range(10)]
    edges += [("hub-b", f"o{rng.randrange(300)}") for _ in range(10)]
    ours = simple_cycles(edges, 5)
    assert len(ours) > 500
    assert len(ours) == len(set(ours))
    assert set(ours) == reference(edges, 5)


# --- degenerate graphs -------------------------------------------------------------------------

def test_empty_graph():
    assert simple_cycles([], 5) == []
    assert simple_cycles(iter(()), 1) == []


def test_dag_has_no_cycles():
    dag = [(f"t{i}", f"t{j}") for i in range(30) for j in range(i + 1, 30) if (i * j) % 3 != 1]
    assert len(dag) > 200
    assert simple_cycles(dag, 10) == []
    assert reference(dag, 10) == set()


@pytest.mark.parametrize("bad", [0, -3])
def test_max_length_must_be_positive(bad):
    with pytest.raises(ValueError, match="max_length"):
        simple_cycles([("a", "b"), ("b", "a")], bad)


@pytest.mark.parametrize("bad", [True, 2.5, "5", None])
def test_max_length_must_be_an_integer(bad):
    with pytest.raises(TypeError):
        simple_cycles([("a", "b"), ("b", "a")], bad)


def test_edges_must_be_pairs():
    with pytest.raises(ValueError):
        simple_cycles([("a", "b", "c")], 3)


# --- node ids ----------------------------------------------------------------------------------

def test_arbitrary_string_ids():
    mill = "Scierie Müller & Fils"
    dump = "Déchèterie de Thann"
    plant = "  Chaufferie bois — réseau de chaleur  "
    coop = "Coopérative agricole d'Alsace"
    empty = ""
    edges = [(mill, plant), (plant, dump), (dump, mill),
             (coop, empty), (empty, coop), ("Énergie", "Énergie"),
             (mill, coop)]
    result = simple_cycles(edges, 5)
    # Canonical start: the smallest id in Python's string order ("" < "  …" < "C…" < "D…" < "S…").
    assert result == [("", coop), (plant, dump, mill), ("Énergie",)]
    assert set(result) == reference(edges, 5)


def test_sirets_and_non_string_ids():
    sirets = [("40483304800022", "38012986600029"), ("38012986600029", "40483304800022")]
    assert simple_cycles(sirets, 2) == [("38012986600029", "40483304800022")]
    numbers = [(10, 9), (9, 2), (2, 10), (9, 10)]
    assert simple_cycles(numbers, 3) == [(2, 10, 9), (9, 10)]
    mixed = [(1, "a"), ("a", 1), (("t", 1), 1), (1, ("t", 1))]
    result = simple_cycles(mixed, 2)
    assert {canonical(c) for c in result} == set(result) == reference(mixed, 2)
    assert len(result) == 2


# --- canonical and the documented examples ------------------------------------------------------

def test_canonical():
    assert canonical(("c", "a", "b")) == ("a", "b", "c")
    assert canonical(["a", "b"]) == ("a", "b")
    assert canonical(("x",)) == ("x",)
    assert canonical(()) == ()
    assert canonical((3, 1, 2)) == (1, 2, 3)
    # Rotation only, never reordering: the direction of the loop is kept.
    assert canonical(("b", "c", "a")) == ("a", "b", "c")
    assert canonical(("c", "b", "a")) == ("a", "c", "b")


def test_docstring_examples():
    result = doctest.testmod(loops, verbose=False)
    assert result.attempted >= 5
    assert result.failed == 0
