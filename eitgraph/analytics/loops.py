"""Bounded enumeration of simple directed cycles: the circular loops of an exchange network.

A *loop* is a simple directed cycle ``n0 → n1 → … → n(k-1) → n0`` of the exchange graph (no node
repeated). Its *length* is its number of edges, so a self-loop ``u → u`` has length 1 and a mutual
exchange ``a → b → a`` has length 2. Each loop is reported once, not once per rotation, as the
tuple of its nodes in traversal order starting from its *canonical* node (the smallest node id)
and without repeating that node at the end.

Pure Python, no database and no third-party dependency: the store extracts the edges with one
Cypher query and hands them over as ``(source, target)`` pairs (see DESIGN.md §2, "Heavy analytics
run in Python on an extracted subgraph").

Algorithm (a length-bounded variant of Johnson's scheme without blocking sets):

1. nodes are numbered; parallel edges collapse (a loop is a sequence of nodes); self-loops are
   set aside and reported as loops of length 1;
2. the graph is split into strongly connected components (iterative Tarjan, no recursion
   limit); a loop of length ≥ 2 lies inside one component, and components of one node cannot
   hold any;
3. inside a component, nodes are ranked with the busiest ones first (product of in- and
   out-degree in the component). For each start node ``s`` in rank order, a breadth-first search
   on the reversed component, restricted to nodes ranked after ``s``, gives ``dist(v → s)``
   exactly up to depth ``h = max_length // 2`` (and ``dist > h`` for the nodes it did not reach);
   an iterative depth-first search then extends simple paths from ``s`` through nodes ranked
   after ``s`` only, entering ``v`` as the ``d``-th edge only if ``d + dist(v → s) ≤ max_length``
   (with ``h + 1`` as the lower bound of an unknown distance), and closes a loop whenever a node
   at distance 1 (an in-neighbour of ``s``) joins the path. Every loop is found exactly once,
   from its first-ranked node; taking the hubs first keeps the later searches local. The search
   depth ``h`` meets the paths in the middle: the last ``h`` steps are pruned exactly, the first
   ones are cheap, and a full-depth search (``h = max_length - 1``) would cost far more than the
   paths it saves on sparse, local networks (measured: 2.4× slower on the benchmark graph);
4. loops are rotated to start at their smallest node id and sorted, so the result does not
   depend on the order of the edges.

The work is proportional to the number of bounded paths that can still be closed, which on a
territorial exchange network (mostly local exchanges, a few hubs) is a small multiple of the number
of loops: see ``benchmarks/loops.py``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable, Iterable, Sequence

from ..bulk import paused_gc

__all__ = ["canonical", "ranked_cycles", "simple_cycles"]


def _natural(value):
    return value


def _by_type(value):
    return (type(value).__module__, type(value).__qualname__, value)


def _by_repr(value):
    return (type(value).__module__, type(value).__qualname__, repr(value))


def _order_key(values: Sequence[Hashable]) -> Callable:
    """The sort key that orders ``values``: natural order (strings: code-point order) when the
    values are mutually comparable, else by type then value, else by type then ``repr``."""
    for key in (_natural, _by_type):
        try:
            sorted(values, key=key)
        except TypeError:
            continue
        return key
    return _by_repr


def canonical(cycle: Sequence[Hashable]) -> tuple:
    """The rotation of ``cycle`` that starts at its smallest node (the form used by
    :func:`simple_cycles`).

    >>> canonical(('c', 'a', 'b'))
    ('a', 'b', 'c')
    >>> canonical(['b', 'a'])
    ('a', 'b')
    >>> canonical(())
    ()
    """
    cycle = tuple(cycle)
    if not cycle:
        return cycle
    key = _order_key(cycle)
    start = cycle.index(min(cycle, key=key))
    return cycle[start:] + cycle[:start]


def _strongly_connected_components(succ: list[list[int]]) -> list[list[int]]:
    """Tarjan's algorithm, iterative: the strongly connected components of the graph whose
    successor lists are ``succ`` (nodes ``0 … len(succ) - 1``)."""
    n = len(succ)
    order = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    components: list[list[int]] = []
    counter = 0
    for root in range(n):
        if order[root] >= 0:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        work = [(root, iter(succ[root]))]
        while work:
            v, successors = work[-1]
            for w in successors:
                if order[w] < 0:
                    order[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append((w, iter(succ[w])))
                    break
                if on_stack[w] and order[w] < low[v]:
                    low[v] = order[w]
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    if low[v] < low[parent]:
                        low[parent] = low[v]
                if low[v] == order[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack[w] = False
                        component.append(w)
                        if w == v:
                            break
                    components.append(component)
    return components


# Long on purpose: the bounded search is one hot loop over local arrays (see benchmarks/loops.py).
def _component_cycles(out: list[list[int]], max_length: int) -> list[tuple[int, ...]]:
    """All simple cycles of length 2 … ``max_length`` of one strongly connected component.

    ``out[i]`` lists the successors of local node ``i`` inside the component, sorted in
    decreasing order, without self-loops. Each cycle comes out once, starting at its smallest
    local index.
    """
    m = len(out)
    inn: list[list[int]] = [[] for _ in range(m)]
    for u in range(m - 1, -1, -1):  # decreasing u, so every in-list is sorted decreasingly too
        for w in out[u]:
            inn[w].append(u)

    length = max_length
    horizon = max(1, length // 2)  # depth of the exact distances to the start node
    far = length + 1  # "not reached": stands for the lower bound of the current start node
    dist = [far] * m
    on_path = [False] * m
    found: list[tuple[int, ...]] = []
    emit = found.append

    for s in range(m - 1):
        # dist(v → s) by breadth-first search on the reversed graph, nodes > s, depth ≤ horizon.
        frontier = []
        for y in inn[s]:
            if y <= s:
                break
            dist[y] = 1
            frontier.append(y)
        if not frontier:
            continue
        touched = list(frontier)
        depth = 1
        while depth < horizon and frontier:
            depth += 1
            reached = []
            for x in frontier:
                for y in inn[x]:
                    if y <= s:
                        break
                    if dist[y] == far:
                        dist[y] = depth
                        reached.append(y)
            touched += reached
            frontier = reached
        # A node the search did not reach is at distance > depth, or unreachable if it stopped.
        lower = depth + 1 if frontier else far

        # Depth-first search of the simple paths s → … that can still close within the bound.
        # A loop closes as soon as a node at distance 1 (an in-neighbour of s) joins the path.
        path = [s]
        on_path[s] = True
        pending = [iter(out[s])]
        while pending:
            k = len(path)  # number of edges once the next node is appended
            extend = k + 2 <= length  # room for at least one more node after the next one
            pushed = False
            for w in pending[-1]:
                if w <= s:  # successor lists are decreasing: the rest is out of bounds
                    break
                dw = dist[w]
                if dw == far:
                    dw = lower
                if k + dw <= length and not on_path[w]:
                    if dw == 1:
                        emit((*path, w))
                    if extend:
                        path.append(w)
                        on_path[w] = True
                        pending.append(iter(out[w]))
                        pushed = True
                        break
            if not pushed:
                pending.pop()
                on_path[path.pop()] = False

        for y in touched:
            dist[y] = far
    return found


# Long: half of it is the docstring and its examples.
def simple_cycles(edges: Iterable[tuple[Hashable, Hashable]], max_length: int) -> list[tuple]:
    """Every simple directed cycle of length 1 … ``max_length`` of the graph given by ``edges``.

    ``edges`` is an iterable of ``(source, target)`` pairs of hashable node ids (normally
    strings). Parallel edges count once; a self-loop ``u → u`` is a cycle ``(u,)`` of length 1.
    Each cycle is returned once, as the tuple of its nodes in traversal order starting from its
    smallest node id (see :func:`canonical`), without repeating that node at the end. The list
    is sorted, so it does not depend on the order of ``edges``.

    >>> edges = [('a', 'b'), ('b', 'c'), ('c', 'a'), ('a', 'c'), ('c', 'a'), ('d', 'd')]
    >>> simple_cycles(edges, max_length=5)
    [('a', 'b', 'c'), ('a', 'c'), ('d',)]
    >>> simple_cycles(edges, max_length=2)
    [('a', 'c'), ('d',)]
    >>> simple_cycles([('x', 'y'), ('y', 'z')], max_length=5)
    []
    """
    with paused_gc():
        nodes, cycles = ranked_cycles(edges, max_length)
        return [tuple(nodes[r] for r in cycle) for cycle in cycles]


def _numbered(edges: Iterable[tuple[Hashable, Hashable]]) -> tuple[dict[Hashable, int], list[set[int]], set[int]]:
    """Nodes numbered in order of appearance, each node's successors by number, and the self-loops."""
    index: dict[Hashable, int] = {}
    successors: list[set[int]] = []
    self_loops: set[int] = set()
    for source, target in edges:
        u = index.get(source)
        if u is None:
            u = index[source] = len(successors)
            successors.append(set())
        v = index.get(target)
        if v is None:
            v = index[target] = len(successors)
            successors.append(set())
        if u == v:
            self_loops.add(u)
        else:
            successors[u].add(v)
    return index, successors, self_loops


def ranked_cycles(edges: Iterable[tuple[Hashable, Hashable]], max_length: int) -> tuple[list, list[tuple[int, ...]]]:
    """:func:`simple_cycles` as numbers: the nodes in order, and each cycle as the tuple of its nodes'
    positions in that list (sorted as :func:`simple_cycles` sorts them). Callers that index arrays by node
    skip building the tuples of names.

    >>> ranked_cycles([('b', 'a'), ('a', 'b'), ('c', 'c')], 5)
    (['a', 'b', 'c'], [(0, 1), (2,)])
    """
    if isinstance(max_length, bool):
        raise TypeError("max_length must be an integer, not a bool")
    max_length = operator.index(max_length)
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1, got {max_length}")

    with paused_gc():  # millions of tuples, none in a reference cycle
        return _ranked(edges, max_length)


def _ranked(edges: Iterable[tuple[Hashable, Hashable]], max_length: int) -> tuple[list, list[tuple[int, ...]]]:
    index, successors, self_loops = _numbered(edges)
    if not index:
        return [], []

    names = list(index)
    key = _order_key(names)
    by_rank = sorted(names, key=key)
    rank = [0] * len(names)
    for r, name in enumerate(by_rank):
        rank[index[name]] = r

    cycles: list[tuple[int, ...]] = [(rank[u],) for u in self_loops]
    if max_length >= 2:
        succ = [list(s) for s in successors]
        for component in _strongly_connected_components(succ):
            if len(component) < 2:
                continue
            members = set(component)
            inner = {u: [v for v in succ[u] if v in members] for u in component}
            in_degree = dict.fromkeys(component, 0)
            for targets in inner.values():
                for v in targets:
                    in_degree[v] += 1
            # Busiest nodes first: once a hub has been a start node it is out of all later searches.
            ordered = sorted(component, key=lambda u: (-in_degree[u] * len(inner[u]), rank[u]))
            local = {u: i for i, u in enumerate(ordered)}
            out = [sorted((local[v] for v in inner[u]), reverse=True) for u in ordered]
            to_rank = [rank[u] for u in ordered]
            for cycle in _component_cycles(out, max_length):
                ranks = [to_rank[i] for i in cycle]
                start = ranks.index(min(ranks))
                cycles.append(tuple(ranks[start:] + ranks[:start]))

    cycles.sort()
    return by_rank, cycles
