"""The ``circular-loops`` query: closed loops of exchanges, computed on the extracted graph."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from ..bulk import paused_gc
from ..graphread import EXCHANGE_FIELDS, Exchange, GraphSource, reader
from .loops import ranked_cycles

COLUMNS = ["loop", "length", "members", "names", "materials", "categories", "bottleneck", "unit", "statuses"]


def circular_loops(graph: GraphSource, max_length: int = 5, status=None, territory: str | None = None,
                   category: str | None = None) -> pd.DataFrame:
    """Each simple directed loop of SUPPLIES once (members from the smallest id), with its materials,
    the smallest exchanged quantity along it (when all steps share a unit) and the statuses met."""
    graph = reader(graph)
    # The loops need the pairs only: while they are enumerated here, the store reads the exchanges' details and
    # the names in two other threads (on the regional graph the details take as long to read as the loops to
    # find: the two overlap on two cores). The collector is paused for the whole query: it would otherwise
    # walk the hundreds of thousands of rows being built, again and again, for no garbage.
    with paused_gc(), ThreadPoolExecutor(2) as pool:
        names = pool.submit(graph.organisation_names)
        pairs = graph.exchange_pairs(status, territory, category)
        # Not before the pairs: the store would share its cores between the two reads.
        details = pool.submit(graph.exchange_columns, status, territory, category)
        ranked = ranked_cycles(pairs, max_length)
        del pairs
        columns = details.result()
        try:
            return _loops(ranked, columns, names.result)
        except _Changed:  # a load committed between the two reads: the loops of the details alone
            return loops_of_columns(graph, columns, max_length)


def loops_of(graph: GraphSource, edges: list[Exchange], max_length: int = 5) -> pd.DataFrame:
    """:func:`circular_loops` of exchanges already extracted and filtered (``graph`` names the members)."""
    columns = {name: [e[name] for e in edges] for name in EXCHANGE_FIELDS}
    return loops_of_columns(graph, columns, max_length)


def loops_of_columns(graph: GraphSource, columns: dict[str, list], max_length: int = 5) -> pd.DataFrame:
    """:func:`loops_of` with the exchanges given column-wise (:meth:`GraphRead.exchange_columns`).

    The loops come from the (source, target) pairs alone, as rows of node numbers. Then every exchange
    between two nodes of a loop is summarised once per pair (a *step*: its materials, its categories and
    statuses as bit sets, the summed quantity when all share a unit), and each length's loops become two
    integer matrices (members, steps) from which every column is taken at once with numpy: no Python
    loop per loop row, which on a regional graph (hundreds of thousands of loops) cost more than finding
    them. The ``categories`` and ``statuses`` cells of loops with the same sets are one shared list.
    """
    with paused_gc():
        ranked = ranked_cycles(zip(columns["source"], columns["target"], strict=True), max_length)

        # Every organisation's name in one scan: cheaper than looking up the members of hundreds of
        # thousands of loops by id.
        return _loops(ranked, columns, reader(graph).organisation_names)


def _loops(ranked: tuple[list, list[tuple[int, ...]]], columns: dict[str, list], names) -> pd.DataFrame:
    """The rows of the loops ``ranked`` (:func:`ranked_cycles`), with the exchanges' details (``columns``)
    and the organisations' names (``names()``: id → name)."""
    nodes, cycles = ranked
    if not cycles:
        return pd.DataFrame({name: [] for name in COLUMNS}, columns=COLUMNS)
    lengths = np.fromiter(map(len, cycles), dtype=np.int64, count=len(cycles))
    order = np.argsort(lengths, kind="stable")  # by length, then members (the cycles come sorted)
    # All members in one flat array: each length's matrix is gathered from it by offsets.
    flat = np.fromiter(itertools.chain.from_iterable(cycles), dtype=np.int64, count=int(lengths.sum()))
    offsets = np.cumsum(lengths) - lengths
    steps = _Steps(columns, nodes)
    node_ids = np.array(nodes, dtype=object)
    known = names()
    node_names = np.array([known.get(n, n) for n in nodes], dtype=object)
    unit_or_none = np.array([*steps.unit_names, None], dtype=object)  # index -1: None
    out: dict[str, list] = {name: [] for name in COLUMNS}
    bounds = np.searchsorted(lengths[order], np.unique(lengths), side="right").tolist()
    for a, b in zip([0, *bounds[:-1]], bounds, strict=True):
        picked = order[a:b]
        m = flat[offsets[picked][:, None] + np.arange(lengths[picked[0]])]
        s = steps.of(m)
        out["length"].extend([m.shape[1]] * m.shape[0])
        out["members"].extend(node_ids[m].tolist())
        out["names"].extend(node_names[m].tolist())
        out["materials"].extend(steps.materials[s].tolist())
        out["categories"].extend(_named(np.bitwise_or.reduce(steps.categories[s], axis=1), steps.category_names))
        out["statuses"].extend(_named(np.bitwise_or.reduce(steps.statuses[s], axis=1), steps.status_names))
        units = steps.units[s]
        valid = (units[:, 0] >= 0) & (units == units[:, :1]).all(axis=1)
        bottleneck = steps.quantities[s].min(axis=1).astype(object)
        bottleneck[~valid] = None
        out["bottleneck"].extend(bottleneck.tolist())
        out["unit"].extend(unit_or_none[np.where(valid, units[:, 0], -1)].tolist())
    out["loop"] = range(1, len(out["length"]) + 1)
    return pd.DataFrame(out, columns=COLUMNS)


def _named(masks: np.ndarray, names: list[str]) -> list[list[str]]:
    """The sorted names of each bit set. Rows with the same set share one list (a few hundred distinct
    sets for hundreds of thousands of loops): read the cells, do not change them in place."""
    distinct, inverse = np.unique(masks, return_inverse=True)
    lists = np.empty(len(distinct), dtype=object)
    lists[:] = [[name for k, name in enumerate(names) if mask >> k & 1] for mask in distinct.tolist()]
    return lists[inverse.ravel()].tolist()


class _Steps:
    """Everything exchanged from one node to the next, summarised once per pair, in arrays indexed by
    step number (pairs coded ``source * n + target`` on the nodes' numbers)."""

    def __init__(self, columns: dict[str, list], nodes: list):
        index = {name: i for i, name in enumerate(nodes)}
        n = self.n = max(len(nodes), 1)
        src, tgt = (np.fromiter(map(index.get, columns[end], itertools.repeat(-1)), dtype=np.int64,
                                count=len(columns[end])) for end in ("source", "target"))
        rows = np.flatnonzero((src >= 0) & (tgt >= 0))
        codes = src[rows] * n + tgt[rows]
        order = np.argsort(codes, kind="stable")
        rows, codes = rows[order], codes[order]
        self.codes, starts = np.unique(codes, return_index=True)
        self._where = pd.Index(self.codes)  # a hash of the codes: 10x faster than searchsorted on millions of steps

        def column(name: str) -> np.ndarray:  # fromiter: a column of lists stays one-dimensional
            return np.fromiter(columns[name], dtype=object, count=len(columns[name]))[rows]

        material, label, category = column("material"), column("label"), column("category")
        unit, status = column("unit"), column("status")
        # Each text column coded once in C (pd.factorize) rather than looked up value by value in Python.
        status_code, self.status_names = _coded(status, bool)
        category_code, self.category_names = _coded(category, bool)
        units, self.unit_names = _coded(unit, lambda v: v is not None)
        # Per exchange, then reduced per step (consecutive runs of one code).
        self.statuses = np.bitwise_or.reduceat(_bits(status_code), starts)
        self.categories = np.bitwise_or.reduceat(_bits(category_code), starts)
        quantities = np.asarray(columns["quantity"], dtype=float)[rows]  # None becomes NaN
        low, high = np.minimum.reduceat(units, starts), np.maximum.reduceat(units, starts)
        missing = np.add.reduceat(np.isnan(quantities), starts)
        # A step has a quantity when every exchange of it has one, in one unit; one without a unit leaves
        # its loops without a bottleneck.
        self.units = np.where((low == high) & (missing == 0), low, -1)
        self.quantities = np.where(self.units >= 0, np.add.reduceat(np.nan_to_num(quantities), starts), np.nan)
        words = np.where(label.astype(bool), label, material)  # the label, else the code
        # Most steps are one exchange: its word. The others join their distinct words.
        self.materials = words[starts]
        sizes = np.diff(starts, append=len(words))
        for i, a, size in zip(*(x.tolist() for x in (np.flatnonzero(sizes > 1), starts[sizes > 1],
                                                      sizes[sizes > 1])), strict=True):
            self.materials[i] = " + ".join(sorted(set(words[a:a + size].tolist())))

    def of(self, members: np.ndarray) -> np.ndarray:
        """The step numbers of each loop (a row of node numbers, in order, closing on the first)."""
        codes = members * self.n + np.roll(members, -1, axis=1)
        found = self._where.get_indexer(codes.ravel()).reshape(codes.shape)
        if (found < 0).any():
            raise _Changed
        return found


def _coded(values: np.ndarray, kept) -> tuple[np.ndarray, list]:
    """The position of each value among the sorted distinct values ``kept`` accepts, -1 for the others."""
    codes, distinct = pd.factorize(values)  # None: -1
    distinct = distinct.tolist()
    names = sorted(v for v in distinct if kept(v))
    position = {v: k for k, v in enumerate(names)}
    remap = np.array([position.get(v, -1) for v in distinct] + [-1], dtype=np.int64)  # code -1: the last
    return remap[codes], names


def _bits(codes: np.ndarray) -> np.ndarray:
    """1 << code, 0 where the code is -1."""
    return np.where(codes >= 0, np.left_shift(1, np.maximum(codes, 0)), 0).astype(np.int64)


class _Changed(Exception):
    """A pair of a loop has no exchange in the details read (the graph changed between two reads)."""
