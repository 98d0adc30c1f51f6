"""Ecological network analysis (ENA) of the exchange network: throughflow, cycling, path length, structure.

ENA (Finn 1976; Patten's network environ analysis as in NEA.m, Fath & Borrett 2006; the R package
enaR, Borrett & Lau 2014) treats a network of conserved flows at steady state as an input–output
system. :func:`analyse` is the pure computation on numpy arrays; :func:`network_analysis` builds the
arrays from the knowledge base (SUPPLIES edges and diagnostic flows) and runs it.

Conventions (those of enaR, whose published outputs the tests reproduce):

- ``flows[i, j]`` is the flow *from* i *to* j (row-to-column, the Ulanowicz / network-science
  orientation); ``inputs`` are the boundary imports z, ``outputs`` the boundary losses y (exports and
  respiration together: the Patten school does not tell them apart);
- throughflow ``T_j = Σ_i f_ij + z_j`` is taken on the input side, as enaR's ``enaFlow`` does;
- the direct flow intensities are ``G_ij = f_ji / T_j`` in Patten's column-to-row orientation (the
  fraction of j's throughflow that goes to i), and the integral (Leontief) matrix is
  ``N = (I − G)⁻¹``: ``n_ii − 1`` is the expected number of returns to i of a unit entering i, so
  ``(n_ii − 1) / n_ii`` is the cycled fraction of i's throughflow;
- two totals that the literature names inconsistently: ``throughflow_total`` = Σ T_i, Finn's total
  system throughflow (enaR ``TST``); ``total_system_throughput`` = internal flows + boundary inputs
  + boundary outputs, Hannon's and Ulanowicz's throughput T.. (enaR ``TSTp``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy.sparse.csgraph import connected_components

from ..errors import QueryError
from ..graphread import Exchange, Flow, GraphSource, edge_key, reader

__all__ = ["EnaResult", "NetworkAnalysis", "analyse", "network_analysis"]

STEADY_STATE_TOLERANCE = 0.05  # enaR's ssCheck default: in and out of every node within 5 %


@dataclass(frozen=True)
class EnaResult:
    """Whole-network ENA indicators; vectors follow the order of ``names``."""

    names: tuple[str, ...]
    nodes: int                        # n
    links: int                        # L: non-zero internal flows (a self-loop counts)
    connectance: float                # L / n²
    link_density: float               # L / n
    cyclicity: float                  # λ1(A), spectral radius of the adjacency matrix; 0 when acyclic
    throughflow: tuple[float, ...]    # T_i = Σ_j f_ji + z_i
    throughflow_total: float          # Σ T_i (Finn's TST, enaR "TST")
    total_system_throughput: float    # Σ f + Σ z + Σ y (Hannon's T.., enaR "TSTp")
    cycled_throughflow: float         # TST_c = Σ (n_ii − 1) / n_ii · T_i
    finn_cycling_index: float         # TST_c / TST
    average_path_length: float        # TST / Σ z (Finn 1976; enaR "APL")
    boundary_input: float             # Σ z, implicit inputs included
    boundary_output: float            # Σ y, implicit outputs included
    implicit_input: float             # inputs added to close the balance (close=True), else 0
    implicit_output: float            # outputs added to close the balance (close=True), else 0
    imbalance: tuple[float, ...]      # (inflow + z) − (outflow + y) of the data as given
    steady_state: bool                # every node balanced within the tolerance

    def as_dict(self) -> dict[str, Any]:
        """Plain Python values (lists for vectors), ready for JSON or a DataFrame row."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


def _arrays(flows, inputs, outputs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The three arrays as floats, or a QueryError saying what is wrong with them."""
    F, z, y = (np.asarray(a, dtype=float) for a in (flows, inputs, outputs))
    if F.ndim != 2 or F.shape[0] != F.shape[1]:
        raise QueryError(f"flows must be a square n×n matrix, got shape {F.shape}")
    n = F.shape[0]
    if n == 0:
        raise QueryError("empty network: ENA needs at least one node")
    for name, vec in (("inputs", z), ("outputs", y)):
        if vec.shape != (n,):
            raise QueryError(f"{name} must be a vector of {n} values (one per node), got shape {vec.shape}")
    for name, a in (("flows", F), ("inputs", z), ("outputs", y)):
        if not np.isfinite(a).all():
            raise QueryError(f"{name} hold a missing or infinite value")
        if (a < 0).any():
            raise QueryError(f"{name} hold a negative value ({a.min():g}); flows are non-negative quantities")
    return F, z, y


def _balanced(inflow: np.ndarray, outflow: np.ndarray, tolerance: float) -> bool:
    """enaR's ssCheck rule: |in − out| below ``tolerance`` of the node's larger side, for every node."""
    return bool((np.abs(inflow - outflow) <= tolerance * np.maximum(inflow, outflow)).all())


def _cyclicity(F: np.ndarray) -> float:
    """Spectral radius of the adjacency matrix, computed per strongly connected component.

    An acyclic graph has a nilpotent adjacency matrix whose numerical eigenvalues can be far from 0
    (≈ ε^(1/k) for a chain of k nodes), so the radius is taken only over components that hold a
    cycle (more than one node, or a self-loop); each one is irreducible, with a radius ≥ 1.
    """
    A = (F > 0).astype(float)
    count, labels = connected_components(A, directed=True, connection="strong")
    radius = 0.0
    for c in range(count):
        idx = np.flatnonzero(labels == c)
        sub = A[np.ix_(idx, idx)]
        if len(idx) > 1 or sub[0, 0]:
            radius = max(radius, float(np.abs(np.linalg.eigvals(sub)).max()))
    return radius


def _cycled(F: np.ndarray, T: np.ndarray) -> float:
    """TST_c from the diagonal of N = (I − G)⁻¹, G_ij = f_ji / T_j (a node without throughflow has G = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        G = np.where(T[None, :] > 0, F.T / T[None, :], 0.0)
    # With input-side throughflow, G is similar to [f_ij / T_j], whose columns sum to at most 1:
    # its spectral radius reaches 1 only on a cycle that no boundary input feeds, where (I − G)
    # has no inverse. Such flows cannot be at steady state.
    if np.abs(np.linalg.eigvals(G)).max() >= 1 - 1e-12:
        raise QueryError("some cycle of nodes is fed by no boundary input (its nodes receive only from one "
                         "another): not a steady state; add the missing inputs or use close=True")
    nii = np.diag(np.linalg.inv(np.eye(len(T)) - G))
    return float(np.sum((nii - 1) / nii * T))


def analyse(flows, inputs, outputs, names=None, *, close: bool = False,
            tolerance: float = STEADY_STATE_TOLERANCE) -> EnaResult:
    """Ecological network analysis of a flow network (enaR / NEA.m conventions, see the module docstring).

    ``flows[i, j]`` is the flow from node i to node j, ``inputs`` the boundary imports, ``outputs``
    the boundary losses (exports + respiration), all in one conserved unit per period.

    ENA assumes steady state. The balance of every node is reported (``imbalance``,
    ``steady_state`` with enaR's 5 % tolerance) and the analysis runs either way:

    - ``close=False`` (the literature's convention): throughflow is taken on the input side, as enaR
      does (``balance.override``), whatever the nodes send on or lose;
    - ``close=True``: each node's balance is closed by an implicit boundary flow (an unrecorded
      import where outputs exceed inputs, an unrecorded export otherwise), so T_i = max(in, out).
      This suits company diagnostics, which record wastes and by-products but rarely the raw
      materials and products that balance them; the added totals are ``implicit_input`` and
      ``implicit_output``.

    A two-node loop: a receives 10 from outside, sends 10 to b, b returns 5 and loses 5; a loses 5.

    >>> r = analyse([[0, 10], [5, 0]], inputs=[10, 0], outputs=[5, 5], names=["a", "b"])
    >>> r.throughflow, r.throughflow_total, r.total_system_throughput
    ((15.0, 10.0), 25.0, 35.0)
    >>> round(r.finn_cycling_index, 4), r.average_path_length, r.cyclicity, r.links, r.connectance
    (0.3333, 2.5, 1.0, 2, 0.5)
    >>> r.steady_state
    True
    """
    F, z, y = _arrays(flows, inputs, outputs)
    n = len(z)
    names = tuple(str(v) for v in (names if names is not None else range(n)))
    if len(names) != n:
        raise QueryError(f"{len(names)} names for {n} nodes")
    inflow, outflow = F.sum(axis=0) + z, F.sum(axis=1) + y
    imbalance = inflow - outflow
    extra_in = np.clip(-imbalance, 0, None) if close else np.zeros(n)
    extra_out = np.clip(imbalance, 0, None) if close else np.zeros(n)
    z, y = z + extra_in, y + extra_out
    if z.sum() <= 0:
        raise QueryError("no boundary input: ENA needs material entering the network from outside")
    T = F.sum(axis=0) + z
    tst = float(T.sum())
    tst_c = _cycled(F, T)
    links = int(np.count_nonzero(F))
    return EnaResult(
        names=names, nodes=n, links=links, connectance=links / n**2, link_density=links / n,
        cyclicity=_cyclicity(F), throughflow=tuple(float(t) for t in T), throughflow_total=tst,
        total_system_throughput=float(F.sum() + z.sum() + y.sum()), cycled_throughflow=tst_c,
        finn_cycling_index=tst_c / tst, average_path_length=tst / float(z.sum()),
        boundary_input=float(z.sum()), boundary_output=float(y.sum()),
        implicit_input=float(extra_in.sum()), implicit_output=float(extra_out.sum()),
        imbalance=tuple(float(d) for d in imbalance), steady_state=_balanced(inflow, outflow, tolerance),
    )


# -- the knowledge base's exchange network ---------------------------------------------------------

@dataclass(frozen=True)
class NetworkAnalysis:
    """ENA of the exchange network of a knowledge base, with what went into it."""

    ena: EnaResult
    territory: str | None
    category: str | None
    unit: str
    status: str | list | None
    exchanges: int            # SUPPLIES edges matching the filters
    exchanges_used: int       # those with a quantity in ``unit``: the internal flows
    exchanges_left_out: int   # those without a quantity or in another unit
    boundary_flows: int       # diagnostic flows counted as boundary inputs or outputs

    @property
    def coverage(self) -> float:
        """Share of the matching exchanges that the analysis could quantify."""
        return self.exchanges_used / self.exchanges

    def as_dict(self) -> dict[str, Any]:
        meta = {k: getattr(self, k) for k in ("territory", "category", "unit", "status", "exchanges",
                                              "exchanges_used", "exchanges_left_out", "boundary_flows")}
        return {**meta, "coverage": self.coverage, **self.ena.as_dict()}


def _scope(territory, category, unit, status) -> str:
    parts = [f"territory {territory!r}" if territory else "the whole graph",
             f"category {category!r}" if category else "all categories", f"unit {unit!r}"]
    if status:
        parts.append(f"status {status!r}")
    return ", ".join(parts)


def network_analysis(graph: GraphSource, territory: str | None = None, category: str | None = None, unit: str = "t/an",
                     status=None, *, close: bool = True) -> NetworkAnalysis:
    """ENA of the exchange network: organisations as nodes, SUPPLIES quantities as internal flows.

    Internal flows: the SUPPLIES edges matching ``status``, ``category`` and ``territory`` (both ends
    inside) whose quantity is in ``unit`` (normalised units such as ``t/an``, ``MWh/an``); parallel
    edges (one per material) are summed. Edges without a quantity or in another unit are left out and
    counted (``exchanges_left_out``, ``coverage``). The nodes are the ends of the edges kept.

    Boundary flows come from the diagnostics: every flow (INPUTS / OUTPUTS) of a node, in ``unit``
    and, if given, of ``category``, that is *not* one of the network's edges is a boundary import
    (``in``) or export (``out``) of that node — a flow without partner, with a partner outside the
    network, or whose exchange the filters leave out (a potential exchange analysed with
    ``status='existing'`` still leaves the network today). A flow naming a partner *is* the SUPPLIES
    edge (site → partner for an output, partner → site for an input, same material); when that edge
    matches the filters it is already an internal flow and is not counted again, whether or not it
    could be quantified.

    Diagnostics rarely balance (the products and raw materials that close a site's balance are not
    recorded), so by default (``close=True``) each node's balance is closed by implicit boundary
    flows, reported in ``ena.implicit_input`` / ``ena.implicit_output`` (see :func:`analyse`).
    """
    graph = reader(graph)
    rows = graph.exchanges(status, territory, category)
    flows = graph.flows(territory)
    return network_of(rows, flows, territory=territory, category=category, unit=unit, status=status, close=close)


def network_of(rows: list[Exchange], flows: list[Flow], territory: str | None = None, category: str | None = None,
               unit: str = "t/an", status=None, *, close: bool = True) -> NetworkAnalysis:
    """:func:`network_analysis` of exchanges and diagnostic flows already extracted (and filtered);
    ``territory``, ``category`` and ``status`` only describe them. ``flows`` may hold more organisations
    than the network: only those of its nodes count."""
    used = [r for r in rows if r["quantity"] is not None and r["unit"] == unit]
    if not used:
        raise QueryError(f"no exchange to analyse in {_scope(territory, category, unit, status)}: "
                         f"{len(rows)} exchange(s) match, none with a quantity in {unit}")
    ids = sorted({r["source"] for r in used} | {r["target"] for r in used})
    index = {k: i for i, k in enumerate(ids)}
    F, z, y = np.zeros((len(ids), len(ids))), np.zeros(len(ids)), np.zeros(len(ids))
    for r in used:
        F[index[r["source"]], index[r["target"]]] += r["quantity"]
    internal = {(r["source"], r["target"], r["material"]) for r in rows}
    boundary = [f for f in flows
                if f["id"] in index and f["unit"] == unit and f["quantity"] is not None
                and (category is None or f["category"] == category)
                and not (f["partner"] and edge_key(f) in internal)]
    for f in boundary:
        (z if f["direction"] == "in" else y)[index[f["id"]]] += f["quantity"]
    return NetworkAnalysis(
        ena=analyse(F, z, y, ids, close=close), territory=territory, category=category, unit=unit,
        status=status, exchanges=len(rows), exchanges_used=len(used), exchanges_left_out=len(rows) - len(used),
        boundary_flows=len(boundary))
