"""Flow-matching question: substitution candidates, outputs of one site that could replace inputs of another
nearby, found by an exact search with bounded work (nearest neighbours in position and log-quantity)."""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np
import pandas as pd

from ..graphread import Flow, GraphSource, reader
from ..model.materials import compatibilities

SUBSTITUTION_COLUMNS = ["output_org", "output_name", "output_material", "output_quantity", "input_org", "input_name",
                        "input_material", "input_quantity", "unit", "match", "note", "distance_km",
                        "quantity_match", "score", "rank"]
MATCH_WEIGHT = {"same code": 1.0, "same category": 0.8, "compatible": 0.6}
MATCH_KINDS = ("same code", "same category", "compatible")
EARTH_KM = 6371.0088


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _column(rows: list[dict], key: str, dtype=object) -> np.ndarray:
    if dtype is float:
        return np.array([np.nan if r[key] is None else r[key] for r in rows], dtype=float)
    out = np.empty(len(rows), dtype=object)
    out[:] = [r[key] for r in rows]
    return out


def _chord(km):
    """Straight-line distance on the unit sphere of a great-circle distance."""
    return 2 * np.sin(np.asarray(km) / EARTH_KM / 2)


def _km(chord):
    return 2 * EARTH_KM * np.arcsin(np.minimum(np.asarray(chord) / 2, 1.0))


def flows(graph: GraphSource, territory: str | None = None) -> list[Flow]:
    """The diagnostic flows the search reads: its one read, kept apart so that tests and benchmarks can
    feed it flows of their own."""
    return reader(graph).flows(territory)


def substitution_candidates(graph: GraphSource, radius_km: float = 30.0, top: int = 10, territory: str | None = None,
                            category: str | None = None) -> pd.DataFrame:
    """Outputs of A that could replace inputs of B within ``radius_km``: same LoW code, same category,
    or a declared compatibility; ranked by match kind, quantity match and distance, ``top`` per output.

    Exact, with bounded work: nearest-neighbour searches in (position, log-quantity) per category,
    unit and material are widened only while an upper bound of the unseen inputs' scores can still
    beat an output's current ``top``-th score (exhaustive within the radius for the few that stay open).
    """
    all_flows = flows(graph, territory)
    outs = [f for f in all_flows if f["direction"] == "out" and f["lat"] is not None
            and (category is None or f["category"] == category)]
    ins = sorted((f for f in all_flows if f["direction"] == "in" and f["lat"] is not None),
                 key=lambda f: (f["id"], f["material"] or "", f["label"] or ""))
    if not outs or not ins or top < 1:
        return pd.DataFrame(columns=SUBSTITUTION_COLUMNS)
    search = _Search(outs, ins, radius_km, top, compatibilities())
    search.run()
    return search.frame()


# Search constants. The bounds are compared with MARGIN of slack so floating-point noise never certifies.
LOGQ_KM = 25.0          # one unit of log-quantity weighs like this distance in the (position, quantity) metric
LOGQ_CAP = 10.0         # searches by quantity stop at e**10 of quantity ratio: exhaustive after that
TABLE, ARCS = 16384, 128  # resolution of the bound table
ROUNDS = (16, 32, 64, 256)  # neighbours per (output, source) in successive rounds, then exhaustive within the radius
CELLS = 1 << 20         # (output, neighbour) cells per query batch: bounds the memory of a round
MARGIN = 1e-9
MATERIAL_GAP = 16.0     # material coordinate step, above any search reach: a search never leaves its material
ALL_UNITS = -1          # unit key of outputs without a usable quantity: every input of the category


class _Source:
    """Inputs of one category searched for one kind of output: either with a usable quantity in the
    output's unit (searched by position and log-quantity) or the rest (quantity match 0.5, by
    position); either all of them (weight of the category) or the output's material only (weight 1)."""

    def __init__(self, members: np.ndarray, by_quantity: bool, same_code: bool, search: _Search):
        from scipy.spatial import cKDTree

        self.members, self.by_quantity, self.same_code, self.inputs = members, by_quantity, same_code, search.i
        self.tree = cKDTree(self._coords(search.i, members, by_quantity))
        self.materials = np.unique(search.i["material"][members])

    @cached_property
    def flat(self):
        """The tree by position alone (the exhaustive searches within the radius)."""
        from scipy.spatial import cKDTree

        return cKDTree(self._coords(self.inputs, self.members, False)) if self.by_quantity else self.tree

    def _coords(self, side: dict, idx: np.ndarray, quantity: bool) -> np.ndarray:
        cols = [side["xyz"][idx]]
        if quantity:
            cols.append(side["logq"][idx, None] * (LOGQ_KM / EARTH_KM))
        if self.same_code:
            cols.append(side["mat"][idx, None] * MATERIAL_GAP)
        return np.hstack(cols)

    def points(self, search: _Search, outputs: np.ndarray, flat: bool = False) -> np.ndarray:
        return self._coords(search.o, outputs, self.by_quantity and not flat)


class _Search:
    """The running ``top`` of every output, the (output, source) pairs still open and how far each
    has been searched; arrays per output (``o``) and per input (``i``) with integer codes."""

    def __init__(self, outs: list[dict], ins: list[dict], radius_km: float, top: int, compat: dict):
        self.outs, self.ins, self.radius, self.top = outs, ins, radius_km, top
        self.rho = float(_chord(min(radius_km, math.pi * EARTH_KM))) * (1 + 1e-9)  # the radius as a chord, a hair wide
        self.o, self.i, self.uniques = {"rows": outs}, {"rows": ins}, {}
        for key in ("id", "material", "unit", "category"):  # integer codes shared by both sides
            self.o["raw " + key], self.i["raw " + key] = _column(outs, key), _column(ins, key)
            codes, uniques = pd.factorize(np.concatenate([self.o["raw " + key], self.i["raw " + key]]),
                                          use_na_sentinel=False)
            self.o[key], self.i[key] = codes[:len(outs)], codes[len(outs):]
            self.uniques[key] = uniques
        for side, rows in ((self.o, outs), (self.i, ins)):
            side["mat"] = side["material"].astype(float)
            side["q"] = _column(rows, "quantity", float)
            with np.errstate(invalid="ignore", divide="ignore"):
                side["usable"] = side["q"] > 0
                side["logq"] = np.where(side["usable"], np.log(np.where(side["usable"], side["q"], 1.0)), 0.0)
            side["xyz"] = _unit_vectors(_column(rows, "lat", float), _column(rows, "lon", float))
        cats = list(self.uniques["category"])
        # kind of a different-code match, by (output category, input category): 1 same category, 2 compatible
        self.kind = np.zeros((len(cats), len(cats)), dtype=np.int8)
        self.notes = np.full((len(cats), len(cats)), "", dtype=object)
        for a, ca in enumerate(cats):
            for b, cb in enumerate(cats):
                if (ca, cb) in compat:
                    self.kind[a, b], self.notes[a, b] = 2, compat[(ca, cb)]
                elif a == b:
                    self.kind[a, b] = 1
        self.weights = np.array([MATCH_WEIGHT[m] for m in MATCH_KINDS])
        self.score = np.full((len(outs), top), -1.0)
        self.dist = np.full((len(outs), top), np.inf)
        self.cand = np.full((len(outs), top), len(ins))
        self._pairs()

    # -- exact scores ----------------------------------------------------------------------------
    def scores(self, o: np.ndarray, c: np.ndarray):
        """Score, distance, kind, quantity match and validity of outputs ``o`` × inputs ``c`` (broadcast)."""
        so, si = self.o, self.i
        d = so["xyz"][o] - si["xyz"][c]
        km = _km(np.sqrt(d[..., 0] * d[..., 0] + d[..., 1] * d[..., 1] + d[..., 2] * d[..., 2]))
        pair_kind = self.kind[so["category"][o], si["category"][c]]  # 0: not a target category
        kind = np.where(si["material"][c] == so["material"][o], 0, pair_kind)
        qo, qi = so["q"][o], si["q"][c]
        comparable = (so["unit"][o] == si["unit"][c]) & so["usable"][o] & si["usable"][c]
        with np.errstate(invalid="ignore", divide="ignore"):
            qmatch = np.where(comparable, np.minimum(qo, qi) / np.maximum(qo, qi), 0.5)
        score = self.weights[kind] * (0.5 + 0.5 * qmatch) * (1 - 0.5 * km / self.radius)
        valid = (pair_kind > 0) & (si["id"][c] != so["id"][o])
        return score, km, kind, qmatch, valid & (km <= self.radius)

    # -- (output, source) pairs ------------------------------------------------------------------
    def _pairs(self):
        """One pair per output and source it must search, grouped by source (built once, shared by the
        outputs of a category and unit). A pair's weight bounds its source's inputs: those of the output's
        material weigh 1 but are also in the same-material source, whose pair bounds them."""
        so, si = self.o, self.i
        ukey = np.where(so["usable"], so["unit"], ALL_UNITS)
        groups = pd.DataFrame({"c": so["category"], "u": ukey}).groupby(["c", "u"]).indices
        self.sources, cache = [], {}
        po, ps, pw, first = [], [], [], []
        for (oc, u), rows in groups.items():
            for tc in np.flatnonzero(self.kind[oc] > 0):
                in_cat = si["category"] == tc
                usable = in_cat & si["usable"] & (si["unit"] == u)
                # inputs whose quantity compares with the output's, and the others (quantity match 0.5)
                parts = [(True, usable), (False, in_cat & ~usable)] if u != ALL_UNITS else [(False, in_cat)]
                for by_quantity, mask in parts:
                    for same_code in (True, False):
                        key = (tc, u, by_quantity, same_code)
                        if key not in cache:
                            members = np.flatnonzero(mask)
                            cache[key] = len(self.sources) if len(members) else None
                            if len(members):
                                self.sources.append(_Source(members, by_quantity, same_code, self))
                        if cache[key] is None:
                            continue
                        w = 1.0 if same_code else self.weights[self.kind[oc, tc]]
                        which = rows
                        if same_code:  # only outputs whose material the source holds
                            which = rows[np.isin(so["material"][rows], self.sources[cache[key]].materials)]
                        po.append(which)
                        ps.append(np.full(len(which), cache[key]))
                        pw.append(np.full(len(which), w))
                        # the first round searches with quantity (or without, if the output has none)
                        first.append(np.full(len(which), by_quantity or u == ALL_UNITS))
        ps = np.concatenate(ps) if ps else np.zeros(0, dtype=int)
        order = np.argsort(ps, kind="stable")
        self.ps = ps[order]
        self.po, self.pw, self.first = (np.concatenate(a)[order] if a else np.zeros(0) for a in (po, pw, first))
        self.reach = np.zeros(len(self.po))  # unseen inputs of the pair's source are at least this far
        self.by_source = np.searchsorted(self.ps, np.arange(len(self.sources) + 1))
        self.by_quantity = np.array([s.by_quantity for s in self.sources], dtype=bool)
        self._table()

    # -- bounds ----------------------------------------------------------------------------------
    def _spatial(self, reach: np.ndarray) -> np.ndarray:
        """(1 − 0.5·km / radius) at a chord distance, 0 beyond the radius."""
        km = _km(np.where(np.isinf(reach), 2.0, reach))
        return np.where(km > self.radius, 0.0, 1 - 0.5 * km / self.radius)

    def _table(self):
        """Upper bound of (0.5 + 0.5·quantity match) × (1 − 0.5·km / radius) over inputs at distance
        ≥ D in the (position, log-quantity) space, D² = chord² + (scale·Δlog)², tabulated (decreasing):
        cut the quarter circle of radius D into arcs; on an arc the chord and Δlog are at least their
        values at its ends."""
        lam = LOGQ_KM / EARTH_KM
        self.grid = np.linspace(0.0, math.hypot(self.rho, lam * LOGQ_CAP), TABLE)
        t = np.linspace(0.0, math.pi / 2, ARCS + 1)
        quantity = 0.5 + 0.5 * np.exp(-self.grid[:, None] * np.sin(t[:-1]) / lam)
        self.table = (self._spatial(self.grid[:, None] * np.cos(t[1:])) * quantity).max(axis=1)

    def _bound(self, pairs: np.ndarray, reach: np.ndarray | None = None) -> np.ndarray:
        """Upper bound of the score of an input of the pair's source not seen yet (reach ≤ its distance).
        Without quantity every input of a source scores 0.75 × weight × the distance factor."""
        reach = self.reach[pairs] if reach is None else reach
        by_quantity = self.by_quantity[self.ps[pairs]]
        g = np.where(by_quantity, self.table[np.searchsorted(self.grid, reach, side="right") - 1],
                     0.75 * self._spatial(reach))
        return np.where(np.isinf(reach), 0.0, self.pw[pairs] * g)

    def _open(self, pairs: np.ndarray) -> np.ndarray:
        return pairs[self._bound(pairs) + MARGIN >= self.score[self.po[pairs], -1]]

    def _cap(self, pairs: np.ndarray, source: _Source) -> float:
        """A reach after which every pair of the batch is certified: the search radius of the batch."""
        need = (self.score[self.po[pairs], -1] - MARGIN) / self.pw[pairs]
        if source.by_quantity:
            at = np.searchsorted(-self.table, -need, side="right")
            return float(self.grid[min(int(at.max()), TABLE - 1)])
        km = 2 * self.radius * (1 - need.min() / 0.75)
        return self.rho if km >= self.radius else float(_chord(max(km, 0.0))) * (1 + 1e-6) + 1e-12

    # -- searches --------------------------------------------------------------------------------
    def run(self):
        # same-material sources first in a round: weight 1, they raise the thresholds the others face
        order = sorted(range(len(self.sources)), key=lambda s: not self.sources[s].same_code)
        for r, k in enumerate(ROUNDS):
            for s in order:
                pairs = np.arange(self.by_source[s], self.by_source[s + 1])
                pairs = self._open(pairs[self.first[pairs]] if r == 0 else pairs)
                if len(pairs):
                    self._nearest(s, pairs, k)
        for s in range(len(self.sources)):
            pairs = self._open(np.arange(self.by_source[s], self.by_source[s + 1]))
            if len(pairs):
                self._exhaustive(s, pairs)
        self.sources.clear()  # free the trees before the result is built

    def _nearest(self, s: int, pairs: np.ndarray, k: int):
        source = self.sources[s]
        n = len(source.members)
        k = min(k, n)
        cap = self._cap(pairs, source)
        for chunk in np.array_split(pairs, -(-len(pairs) * k // CELLS)):
            points = source.points(self, self.po[chunk])
            d, j = source.tree.query(points, k=k, distance_upper_bound=cap, workers=-1)
            d, j = d.reshape(len(chunk), k), j.reshape(len(chunk), k)
            found = j < n
            reach = np.where(found[:, -1], np.inf if k == n else d[:, -1], cap)
            self.reach[chunk] = np.maximum(self.reach[chunk], reach)
            self._offer(self.po[chunk], source.members[np.where(found, j, 0)], found)
            self._untie(source, chunk, points, k)

    def _untie(self, source: _Source, pairs: np.ndarray, points: np.ndarray, k: int):
        """A pair whose ``top``-th score is the bound itself (an input of the source at the reach) stays
        open while inputs at exactly that distance may be unseen: if no more than ``k`` inputs lie a
        hair beyond the reach, all of those were seen, and the wider reach certifies it."""
        wider = self.reach[pairs] * (1 + 1e-6)
        thr = self.score[self.po[pairs], -1]
        tied = np.flatnonzero(np.isfinite(wider) & (self._bound(pairs) + MARGIN >= thr)
                              & (self._bound(pairs, wider) + MARGIN < thr))
        if len(tied):
            counts = source.tree.query_ball_point(points[tied], r=wider[tied], return_length=True)
            seen = tied[counts <= k]
            self.reach[pairs[seen]] = wider[seen]

    def _exhaustive(self, s: int, pairs: np.ndarray):
        """Every input of the source within the radius, for pairs the bounds could not certify."""
        source = self.sources[s]
        points = source.points(self, self.po[pairs], flat=True)
        counts = np.maximum(source.flat.query_ball_point(points, r=self.rho, return_length=True), 1)
        order = np.argsort(counts, kind="stable")
        counts = counts[order]
        start = 0
        while start < len(order):
            # batch rows of similar counts: rows × largest count ≤ CELLS
            fits = (np.arange(1, len(order) - start + 1) * counts[start:]) <= CELLS
            end = start + max(1, int(np.argmin(fits)) if not fits.all() else len(fits))
            rows, k = order[start:end], int(counts[end - 1])
            _, j = source.flat.query(points[rows], k=k, distance_upper_bound=self.rho, workers=-1)
            j = j.reshape(len(rows), k)
            found = j < len(source.members)
            self._offer(self.po[pairs[rows]], source.members[np.where(found, j, 0)], found)
            start = end
        self.reach[pairs] = np.inf

    # -- running top ----------------------------------------------------------------------------
    def _offer(self, rows: np.ndarray, cand: np.ndarray, found: np.ndarray):
        """Merge candidates (one row of ``cand`` per output in ``rows``, distinct) into the running top."""
        score, km, *_, valid = self.scores(rows[:, None], cand)
        keep = found & valid & (score >= self.score[rows, -1][:, None])  # below the top-th: cannot enter
        some = keep.any(axis=1)
        if not some.any():
            return
        rows, keep, score, km, cand = rows[some], keep[some], score[some], km[some], cand[some]
        width = int(keep.sum(axis=1).max())
        pack = np.argsort(~keep, axis=1, kind="stable")[:, :width]
        keep = np.take_along_axis(keep, pack, 1)
        score = np.where(keep, np.take_along_axis(score, pack, 1), -1.0)
        km = np.where(keep, np.take_along_axis(km, pack, 1), np.inf)
        cand = np.where(keep, np.take_along_axis(cand, pack, 1), len(self.ins))
        self._merge(rows, score, km, cand)

    def _merge(self, rows, score, km, cand):
        s, d, c = (np.concatenate([a[rows], b], axis=1) for a, b in
                   ((self.score, score), (self.dist, km), (self.cand, cand)))
        order = np.lexsort((c, d, -s), axis=1)
        s, d, c = (np.take_along_axis(a, order, 1) for a in (s, d, c))
        # an input found twice (two sources, two rounds) has the same key twice: keep one
        dup = np.zeros(s.shape, dtype=bool)
        dup[:, 1:] = (c[:, 1:] == c[:, :-1]) & (s[:, 1:] >= 0)
        first = np.argsort(dup, axis=1, kind="stable")[:, :self.top]
        self.score[rows], self.dist[rows], self.cand[rows] = (np.take_along_axis(a, first, 1) for a in (s, d, c))

    # -- result ----------------------------------------------------------------------------------
    def frame(self) -> pd.DataFrame:
        r, c = np.nonzero(self.score >= 0)
        score, dist = np.round(self.score[r, c], 3), np.round(self.dist[r, c], 1)
        # best first, then nearest, then by organisation ids; stable: output order, then rank
        org_rank = np.argsort(np.argsort(self.uniques["id"]))
        j = self.cand[r, c]
        order = np.lexsort((org_rank[self.i["id"][j]], org_rank[self.o["id"][r]], dist, -score))
        r, c, j, score, dist = r[order], c[order], j[order], score[order], dist[order]
        *_, kind, qmatch, _ = self.scores(r, j)
        # Columns by fancy indexing: millions of rows at regional scale, no Python loop per row.
        col = {(side, key): s["raw " + key][idx] for side, s, idx in (("o", self.o, r), ("i", self.i, j))
               for key in ("id", "unit")}
        for side, s, idx in (("o", self.o, r), ("i", self.i, j)):
            col[side, "name"], col[side, "label"] = (_column(s["rows"], key)[idx] for key in ("name", "label"))
            col[side, "quantity"] = s["q"][idx]
        unit = col["o", "unit"]
        differ = unit != col["i", "unit"]
        unit[differ] = _pair(unit[differ], col["i", "unit"][differ])
        note = np.where(kind == 2, self.notes[self.o["category"][r], self.i["category"][j]], "")
        return pd.DataFrame({
            "output_org": col["o", "id"], "output_name": col["o", "name"], "output_material": col["o", "label"],
            "output_quantity": col["o", "quantity"], "input_org": col["i", "id"], "input_name": col["i", "name"],
            "input_material": col["i", "label"], "input_quantity": col["i", "quantity"], "unit": unit,
            "match": np.array(MATCH_KINDS, dtype=object)[kind], "note": note.astype(object),
            "distance_km": dist, "quantity_match": np.round(qmatch, 2), "score": score, "rank": c + 1,
        }, columns=SUBSTITUTION_COLUMNS)


def _pair(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise « a / b » of two unit columns (None shown as an empty unit)."""
    out = np.empty(len(a), dtype=object)
    out[:] = [f"{x or ''} / {y or ''}" for x, y in zip(a, b, strict=True)]
    return out
