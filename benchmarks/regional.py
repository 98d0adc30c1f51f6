"""Regional targets of issue #3, end to end on the embedded store with a synthetic Alsace region.

    python benchmarks/regional.py [--orgs 26000] [--exchanges 260000] [--flow-rows 500000]
                                  [--seed 42] [--workdir DIR] [--scale 1.0]
                                  [--nx-budget 600] [--query-budget 1800] [--heap 4g]

1. Generates, on a fixed seed, in ``--workdir``:
   * ``sirene.csv``: a SIRENE StockEtablissement extract (official column names) of ``orgs``
     active establishments with valid Luhn SIRETs, in the real communes of départements 67 and
     68 (``reference/perimetre-epci-a-fp.csv``), drawn by commune population, with Lambert-93
     coordinates clustered around a synthetic centroid per commune (itself around a centre per
     EPCI; Strasbourg, Colmar and Mulhouse at their real places);
   * ``diagnostics.csv``: ``flow-rows`` flow rows (headers of ``loaders/diagnostics.yaml``);
     ``exchanges`` of them name a supplier or collector by SIRET, one per distinct directed pair
     of organisations, so the SUPPLIES graph has exactly ``exchanges`` edges: mostly inside the
     commune or with the nearest communes, a heavy-tailed activity and a few hubs (collectors,
     wholesalers) that receive from across the region. List of Waste codes come from
     ``reference/list_of_waste.csv``, units fit the category (t, kg, m3, MWh), statuses mix
     existant / prévu / potentiel; no two rows share (site, direction, material label, partner).
2. Loads territory (67, 68), materials, the SIRENE file, then the diagnostics into a fresh
   embedded store in the workdir; wall time, rows read per second, the share spent validating
   (``Loader.validate``: checks and transform) and the Cypher statements that dominate the write
   transaction. The ≥ 10,000 rows/s target is checked on the regional data as a whole (SIRENE + diagnostics rows over
   their load time); each file's own rate is shown. At small ``--scale`` fixed costs per load
   (statement compilation, commit) dominate and the rate is not meaningful.
3. ``circular-loops`` (max_length=5) end to end, then ``networkx.simple_cycles(length_bound=5)``
   on the same extracted edges in a subprocess with a time budget; loop sets compared after
   canonical rotation. A timed-out networkx gives a lower bound of the speed-up.
4. ``substitution-candidates`` (30 km, top 10): time, rows, peak memory. The process hosts the
   JVM, so ``ru_maxrss`` includes the store's heap and the earlier loads; the step's own peak is
   also given (VmHWM reset through /proc/self/clear_refs just before the step).
5. A results table; exit status 1 if a target is missed.

``--scale`` multiplies the three sizes (0.02 and 0.1 for quick runs); ``--load-only`` stops after 2.

``--neo4j 5.26`` (a key of ``scripts/neo4j-harness/versions.txt``, whose server
``scripts/neo4j-test-server`` started) or ``--neo4j bolt://…`` also loads the same files into that Neo4j
(emptied first) after the embedded store, and times ``circular-loops`` there: load rates and loop
times side by side, in the same run. ``circular-loops`` end to end is also given as a multiple of
the loop enumeration alone on the same edges (target ≤ 2.5×).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import math
import os
import pickle
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

import eitgraph
from eitgraph import shipped as resources
from eitgraph.analytics.loops import canonical, simple_cycles
from eitgraph.analytics.network import exchanges as extract_exchanges
from eitgraph.model.materials import categories, category_of_low, waste_codes
from eitgraph.values import luhn_complete, luhn_ok, slug

TARGET_ROWS_PER_S = 10_000
TARGET_LOOPS_S = 10.0  # issue #14 (was 30 s in #3)
TARGET_SPEEDUP = 20.0
TARGET_SUBST_S = 60.0
TARGET_MEMORY_MB = 4096.0
TARGET_LOAD_MEMORY_MB = 3072.0  # issue #14: the loads, JVM included
TARGET_LOOPS_OVER_ENGINE = 2.5
MAX_LENGTH = 5

DEPARTEMENTS = ("67", "68")
BOX_X = (960_000.0, 1_080_000.0)  # Lambert-93, metres: Alsace and a margin
BOX_Y = (6_720_000.0, 6_890_000.0)
DEP_BOX = {"67": ((990_000.0, 1_075_000.0), (6_795_000.0, 6_885_000.0)),
           "68": ((975_000.0, 1_040_000.0), (6_725_000.0, 6_805_000.0))}
ANCHORS = {"67482": (1_050_300.0, 6_840_800.0),  # Strasbourg
           "68066": (1_024_000.0, 6_784_500.0),  # Colmar
           "68224": (1_026_500.0, 6_748_300.0)}  # Mulhouse
COMMUNE_SPREAD_KM = 2.2  # per sqrt(communes of the EPCI): communes around their EPCI centre
ESTABLISHMENT_SPREAD_M = 700.0  # establishments around their commune centroid

# Exchange network (same structure as benchmarks/loops.py, on real communes).
NEAREST = 6  # communes counted as "nearby"
P_LOCAL, P_NEARBY = 0.40, 0.30  # the rest goes anywhere in the region, mostly to hubs
HUB_SHARE = 0.004  # collectors, waste operators, wholesalers
HUB_IN_BOOST = 40.0  # hubs receive from many ...
ACTIVITY_TAIL = 2.5  # Pareto index of the activity of organisations

P_EXCHANGE_AS_OUTPUT = 0.5  # an exchange u → v is written as u's "sortant" row (else v's "entrant" row)
P_NO_CODE = 0.06  # flows given by category only (heat, energy, water, gases)
STATUSES = (("existant", 0.6), ("prévu", 0.2), ("potentiel", 0.2))
TREATMENTS = (("recyclage", 0.35), ("valorisation énergétique", 0.15), ("enfouissement", 0.12),
              ("incinération", 0.1), ("réemploi", 0.08), ("compostage", 0.06), ("méthanisation", 0.05),
              ("traitement physico-chimique", 0.06), ("stockage", 0.03))
# Frequent EIT flows (the rest is drawn from the whole List of Waste).
COMMON_CODES = ("15 01 01", "15 01 02", "15 01 03", "15 01 04", "15 01 06", "12 01 01", "12 01 02",
                "12 01 03", "12 01 05", "12 01 09", "13 02 05", "02 02 03", "02 03 04", "02 07 04",
                "20 01 08", "20 01 25", "03 01 05", "03 01 04", "17 02 01", "17 04 05", "17 01 07",
                "19 12 04", "19 12 07", "16 02 14", "16 06 01", "08 01 11", "14 06 03", "07 02 13",
                "04 02 22", "10 01 01", "19 08 05", "02 01 03", "20 03 01", "15 02 02", "16 01 03")
P_COMMON = 0.7
NO_CODE_FLOWS = (("chaleur fatale basse température", "heat"), ("vapeur excédentaire", "heat"),
                 ("chaleur de process", "heat"), ("électricité photovoltaïque", "energy"),
                 ("biogaz", "energy"), ("eau de refroidissement", "water"), ("eaux pluviales", "water"),
                 ("eau de process", "water"), ("CO2 de process", "gases"), ("hydrogène", "gases"),
                 ("azote", "gases"))
HEADCOUNT = (("NN", 0.2), ("00", 0.1), ("01", 0.15), ("02", 0.12), ("03", 0.1), ("11", 0.1), ("12", 0.08),
             ("21", 0.06), ("22", 0.04), ("31", 0.025), ("32", 0.015), ("41", 0.007), ("42", 0.003))
NAF_SECTION_WEIGHT = {"A": 2, "C": 10, "D": 1, "E": 8, "F": 3, "G": 3, "H": 2, "I": 1, "M": 0.5, "N": 0.5}
NAME_WORDS = ("Ateliers", "Établissements", "Société", "Industries", "Transports", "Recyclage", "Services",
              "Métallerie", "Menuiserie", "Plasturgie", "Brasserie", "Fonderie", "Imprimerie", "Tissage",
              "Laiterie", "Papeterie", "Chaudronnerie", "Logistique", "Environnement", "Agro")

SIRENE_COLUMNS = ("siren", "nic", "siret", "etatAdministratifEtablissement", "denominationUsuelleEtablissement",
                  "trancheEffectifsEtablissement", "codeCommuneEtablissement", "libelleCommuneEtablissement",
                  "activitePrincipaleEtablissement", "nomenclatureActivitePrincipaleEtablissement",
                  "coordonneeLambertAbscisseEtablissement", "coordonneeLambertOrdonneeEtablissement")
DIAGNOSTIC_COLUMNS = ("Site", "Sens", "Matière", "Code déchet", "Catégorie", "Quantité", "Unité", "Période",
                      "Traitement actuel", "Fournisseur / collecteur", "Statut de l'échange")


# -- generator --------------------------------------------------------------------------------
def read_communes() -> list[dict]:
    """Communes of the EPCI whose siège is in 67 or 68 (what the territory loader keeps)."""
    path = resources.path("reference", "perimetre-epci-a-fp.csv")
    out, seen = [], set()
    with open(path, encoding="cp1252", newline="") as fh:
        for r in csv.DictReader(fh, delimiter=";"):
            if r["dept"] not in DEPARTEMENTS or r["insee"] in seen or not r["insee"].startswith(DEPARTEMENTS):
                continue
            seen.add(r["insee"])
            pop = int(re.sub(r"\D", "", r.get("ptot_2025") or "") or 0)
            out.append({"insee": r["insee"], "name": r["nom_membre"], "epci": r["siren"], "dep": r["insee"][:2],
                        "population": max(pop, 1)})
    return out


def _weighted(rng, items, size):
    values = [v for v, _ in items]
    p = np.array([w for _, w in items], dtype=float)
    return [values[i] for i in rng.choice(len(values), size=size, p=p / p.sum())]


def place_communes(communes: list[dict], rng) -> np.ndarray:
    """Synthetic commune centroids (Lambert-93): around a centre per EPCI inside its département."""
    by_epci: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(communes):
        by_epci[c["epci"]].append(i)
    xy = np.zeros((len(communes), 2))
    for _, members in sorted(by_epci.items()):
        anchor = next((ANCHORS[communes[i]["insee"]] for i in members if communes[i]["insee"] in ANCHORS), None)
        dep = communes[members[0]]["dep"]
        (x0, x1), (y0, y1) = DEP_BOX[dep]
        centre = np.array(anchor) if anchor else np.array([rng.uniform(x0, x1), rng.uniform(y0, y1)])
        spread = COMMUNE_SPREAD_KM * 1000 * math.sqrt(len(members))
        pts = centre + rng.normal(0.0, spread, size=(len(members), 2))
        for i, p in zip(members, pts, strict=True):
            xy[i] = ANCHORS.get(communes[i]["insee"], p)
    xy[:, 0] = xy[:, 0].clip(*BOX_X)
    xy[:, 1] = xy[:, 1].clip(*BOX_Y)
    return xy


def naf_codes(rng) -> tuple[list[str], np.ndarray]:
    from eitgraph.model.naf import naf_section

    with open(resources.path("reference", "naf_rev2.csv"), encoding="utf-8", newline="") as fh:
        codes = [r["code"] for r in csv.DictReader(fh) if re.fullmatch(r"\d{4}[A-Z]", r["code"])]
    codes = [f"{c[:2]}.{c[2:]}" for c in codes]
    w = np.array([NAF_SECTION_WEIGHT.get(naf_section(c), 0.2) for c in codes])
    return codes, w / w.sum()


def generate_organisations(n_orgs: int, rng) -> dict:
    """Establishments (SIRET, commune, coordinates, activity), grouped by commune."""
    communes = read_communes()
    cxy = place_communes(communes, rng)
    pop = np.array([c["population"] for c in communes], dtype=float)
    counts = rng.multinomial(n_orgs, pop / pop.sum())
    commune = np.repeat(np.arange(len(communes)), counts)  # organisation -> commune index
    xy = cxy[commune] + rng.normal(0.0, ESTABLISHMENT_SPREAD_M, size=(n_orgs, 2))
    xy[:, 0] = xy[:, 0].clip(*BOX_X)
    xy[:, 1] = xy[:, 1].clip(*BOX_Y)
    bodies = rng.choice(9 * 10**7, size=n_orgs, replace=False) + 10**7
    sirets = []
    for b in bodies.tolist():
        siren = luhn_complete(f"{b}")
        nic4 = f"{int(rng.integers(1, 40)):04d}"
        siret = luhn_complete(siren + nic4)
        assert luhn_ok(siren) and luhn_ok(siret)
        sirets.append(siret)
    naf, naf_p = naf_codes(rng)
    return {"communes": communes, "commune_xy": cxy, "commune": commune, "xy": xy, "siret": sirets,
            "naf": [naf[i] for i in rng.choice(len(naf), size=n_orgs, p=naf_p)],
            "headcount": _weighted(rng, HEADCOUNT, n_orgs),
            "name": [f"{NAME_WORDS[int(rng.integers(len(NAME_WORDS)))]} {communes[c]['name']} {i + 1}"
                     for i, c in enumerate(commune.tolist())]}


def exchange_pairs(orgs: dict, n_edges: int, rng) -> tuple[list[tuple[int, int]], np.ndarray, np.ndarray]:
    """``n_edges`` distinct directed pairs (supplier, receiver) of organisation indices; also the
    out- and in-weights of the organisations (reused for the flows without partner)."""
    from scipy.spatial import cKDTree

    commune = orgs["commune"]
    n_orgs = len(commune)
    n_communes = len(orgs["communes"])
    start = np.searchsorted(commune, np.arange(n_communes + 1))  # orgs of commune c: start[c]:start[c+1]
    occupied = np.flatnonzero(start[1:] > start[:-1])
    k = min(NEAREST, len(occupied) - 1)
    nearest = np.zeros((n_communes, max(k, 1)), dtype=np.int64)
    if k > 0:
        tree = cKDTree(orgs["commune_xy"][occupied])
        _, idx = tree.query(orgs["commune_xy"][occupied], k=k + 1)
        nearest[occupied] = occupied[idx[:, 1:]]

    activity = rng.pareto(ACTIVITY_TAIL, n_orgs) + 1.0
    hubs = rng.choice(n_orgs, size=max(1, int(HUB_SHARE * n_orgs)), replace=False)
    in_activity = activity.copy()
    in_activity[hubs] *= HUB_IN_BOOST
    out_w = activity * rng.lognormal(0.0, 0.5, n_orgs)
    in_w = in_activity * rng.lognormal(0.0, 0.5, n_orgs)
    out_p = out_w / out_w.sum()
    in_cum = np.cumsum(in_w)
    in_before = np.concatenate(([0.0], in_cum))

    def receivers_in(cs: np.ndarray) -> np.ndarray:
        low, high = in_before[start[cs]], in_before[start[cs + 1]]
        picked = np.searchsorted(in_cum, low + rng.random(len(cs)) * (high - low), side="right")
        return np.clip(picked, start[cs], start[cs + 1] - 1)

    seen: set[tuple[int, int]] = set()
    pairs: list[tuple[int, int]] = []
    max_pairs = n_orgs * (n_orgs - 1)
    n_edges = min(n_edges, max_pairs)
    while len(pairs) < n_edges:
        size = max(1000, int(1.3 * (n_edges - len(pairs))))
        src = rng.choice(n_orgs, size=size, p=out_p)
        mode = rng.random(size)
        local = mode < P_LOCAL
        nearby = (mode >= P_LOCAL) & (mode < P_LOCAL + P_NEARBY) & (k > 0)
        anywhere = ~(local | nearby)
        dst = np.empty(size, dtype=np.int64)
        dst[local] = receivers_in(commune[src[local]])
        if k > 0:
            dst[nearby] = receivers_in(nearest[commune[src[nearby]], rng.integers(0, k, int(nearby.sum()))])
        dst[anywhere] = np.searchsorted(in_cum, rng.random(int(anywhere.sum())) * in_cum[-1],
                                        side="right").clip(0, n_orgs - 1)
        for u, v in zip(src.tolist(), dst.tolist(), strict=True):
            if u != v and (u, v) not in seen:
                seen.add((u, v))
                pairs.append((u, v))
                if len(pairs) == n_edges:
                    break
    return pairs, out_w, in_w


class MaterialDraw:
    """Draws flows: (label, LoW code or "", category, unit, quantity text, period)."""

    def __init__(self, rng):
        self.rng = rng
        codes = waste_codes()
        self.all = sorted(codes)
        self.common = [c for c in COMMON_CODES if c in codes]
        self.info = {c: (codes[c].label, codes[c].hazardous, category_of_low(c)) for c in self.all}
        self.dims = {k: c.dimensions for k, c in categories().items()}

    def draw(self, n: int) -> list[tuple]:
        rng = self.rng
        out = []
        no_code = rng.random(n) < P_NO_CODE
        common = rng.random(n) < P_COMMON
        pick_common = rng.integers(0, len(self.common), n)
        pick_all = rng.integers(0, len(self.all), n)
        pick_free = rng.integers(0, len(NO_CODE_FLOWS), n)
        qty = rng.lognormal(math.log(15.0), 1.3, n)
        u = rng.random(n)
        for i in range(n):
            if no_code[i]:
                label, category = NO_CODE_FLOWS[pick_free[i]]
                code = ""
            else:
                code = self.common[pick_common[i]] if common[i] else self.all[pick_all[i]]
                label, hazardous, category = self.info[code]
                if hazardous:
                    code += "*"
            dims = [d for d in self.dims[category] if d != "count"]
            dim = dims[0] if len(dims) == 1 or u[i] < 0.8 else dims[1]
            q = float(qty[i])
            if dim == "mass":
                unit = "kg" if u[i] < 0.25 else "t"
                if unit == "kg":
                    q *= 1000
            elif dim == "volume":
                unit, q = "m3", q * 3
            else:
                unit, q = "MWh", q * 20
            period = "mois" if u[i] > 0.85 else "an"
            if period == "mois":
                q /= 12
            text = f"{q:.0f}" if q >= 100 else f"{q:.2f}".replace(".", ",")
            if text in ("0", "0,00"):
                text = "0,01"
            out.append((label, code, category, unit, text, period))
        return out


def write_sirene(path: Path, orgs: dict) -> int:
    communes = orgs["communes"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(SIRENE_COLUMNS)
        for i, siret in enumerate(orgs["siret"]):
            c = communes[orgs["commune"][i]]
            x, y = orgs["xy"][i]
            w.writerow((siret[:9], siret[9:], siret, "A", orgs["name"][i], orgs["headcount"][i], c["insee"],
                        c["name"].upper(), orgs["naf"][i], "NAFRev2", f"{x:.1f}", f"{y:.1f}"))
    return len(orgs["siret"])


def write_diagnostics(path: Path, orgs: dict, pairs: list[tuple[int, int]], n_rows: int,
                      out_w: np.ndarray, in_w: np.ndarray, rng) -> dict:
    """One row per exchange pair (with the partner's SIRET), then flows without a partner."""
    sirets = orgs["siret"]
    draw = MaterialDraw(rng)
    n_rows = max(n_rows, len(pairs))
    keys: set[tuple] = set()  # (site, direction, slug(label), partner): the loader's flow identity
    rows = []
    flows = draw.draw(len(pairs))
    as_output = rng.random(len(pairs)) < P_EXCHANGE_AS_OUTPUT
    statuses = _weighted(rng, STATUSES, len(pairs))
    treatments = _weighted(rng, TREATMENTS, n_rows)
    for k, (u, v) in enumerate(pairs):
        label, code, category, unit, qty, period = flows[k]
        site, sens, partner = (u, "sortant", v) if as_output[k] else (v, "entrant", u)
        key = (site, sens, slug(label), partner)
        assert key not in keys  # pairs are distinct, so (site, direction, partner) is unique
        keys.add(key)
        rows.append((sirets[site], sens, label, code, category if not code or rng.random() < 0.5 else "", qty, unit,
                     period, treatments[k] if sens == "sortant" else "", sirets[partner], statuses[k]))
    # Flows without partner: sites by activity, outputs and inputs alike.
    site_p = (out_w + in_w) / (out_w + in_w).sum()
    missing = n_rows - len(rows)
    while missing > 0:
        size = int(missing * 1.2) + 100
        sites = rng.choice(len(sirets), size=size, p=site_p)
        dirs = rng.random(size) < 0.5
        for s, out, flow in zip(sites.tolist(), dirs.tolist(), draw.draw(size), strict=True):
            label, code, category, unit, qty, period = flow
            sens = "sortant" if out else "entrant"
            key = (s, sens, slug(label), None)
            if key in keys:
                continue
            keys.add(key)
            rows.append((sirets[s], sens, label, code, category if not code or rng.random() < 0.5 else "", qty, unit,
                         period, treatments[len(rows) % len(treatments)] if out else "", "", ""))
            missing -= 1
            if not missing:
                break
    order = rng.permutation(len(rows))  # a diagnostics file is not sorted by exchange
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(DIAGNOSTIC_COLUMNS)
        for i in order.tolist():
            w.writerow(rows[i])
    return {"rows": len(rows), "with_partner": len(pairs)}


# -- measurement helpers ------------------------------------------------------------------------
def rss_mb() -> tuple[float, float]:
    """(current RSS, high-water mark since the last reset) of this process, in MB."""
    cur = hwm = float("nan")
    with contextlib.suppress(OSError), open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                cur = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    return cur, hwm


def reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_note() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


class Budget(Exception):
    pass


@contextlib.contextmanager
def time_budget(seconds: int):
    """Raise Budget in the main thread after ``seconds`` (0: no limit)."""
    if not seconds:
        yield
        return

    def on_alarm(*_):
        raise Budget(f"more than {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


class _Eager:
    """A consumed result that still answers ``consume``, ``single`` and iteration."""

    def __init__(self, records, summary):
        self._records, self._summary = records, summary

    def consume(self):
        return self._summary

    def single(self):
        return self._records[0] if self._records else None

    def __iter__(self):
        return iter(self._records)


class _TimedTx:
    def __init__(self, tx, profile: dict):
        self._tx, self._profile = tx, profile

    def run(self, query, parameters=None, **kwargs):
        t = time.perf_counter()
        result = self._tx.run(query, parameters, **kwargs)
        records = list(result)
        summary = result.consume()
        entry = self._profile.setdefault(" ".join(query.split()), [0.0, 0, 0])
        entry[0] += time.perf_counter() - t
        entry[1] += 1
        rows = (parameters or {}).get("rows") or kwargs.get("rows") or (parameters or {}).get("keys") \
            or kwargs.get("keys") or ()
        entry[2] += len(rows)
        return _Eager(records, summary)

    def __getattr__(self, name):
        return getattr(self._tx, name)


def instrument(kb) -> dict:
    """Time ``Loader.validate`` (checks + transform, what ``load`` runs before writing) and every statement
    of the write transaction, without touching the library (instance attributes only)."""
    stats = {"prepare": 0.0, "statements": {}}
    prepare, transaction = kb.loader.validate, kb.store.transaction

    def timed_prepare(*args, **kwargs):
        t = time.perf_counter()
        try:
            return prepare(*args, **kwargs)
        finally:
            stats["prepare"] += time.perf_counter() - t

    def timed_transaction(work, what="write", **kwargs):
        return transaction(lambda tx: work(_TimedTx(tx, stats["statements"])), what, **kwargs)

    kb.loader.validate = timed_prepare
    kb.store.transaction = timed_transaction
    return stats


NX_CHILD = r"""
import pickle, signal, sys, time
import networkx as nx
from eitgraph.analytics.loops import canonical

class Stop(Exception):
    pass

def on_term(*_):
    raise Stop

edges_path, out_path, bound = sys.argv[1], sys.argv[2], int(sys.argv[3])
signal.signal(signal.SIGTERM, on_term)
t0 = time.perf_counter()
with open(edges_path) as fh:
    edges = [tuple(line.split()) for line in fh if line.strip()]
g = nx.DiGraph()
g.add_edges_from(edges)
build = time.perf_counter() - t0
cycles, done, last = [], False, time.perf_counter()
t1 = time.perf_counter()
try:
    for c in nx.simple_cycles(g, length_bound=bound):
        cycles.append(c)
        if len(cycles) % 5000 == 0 and time.perf_counter() - last > 10:
            last = time.perf_counter()
            print(f"progress {len(cycles)} {last - t1:.1f}", flush=True)
    done = True
except Stop:
    pass
enum = time.perf_counter() - t1
signal.signal(signal.SIGTERM, signal.SIG_DFL)
with open(out_path, "wb") as fh:
    pickle.dump({"done": done, "build": build, "enum": enum, "count": len(cycles),
                 "cycles": {canonical(c) for c in cycles}}, fh)
print(f"finished done={done} count={len(cycles)} build={build:.1f} enum={enum:.1f}", flush=True)
"""


def run_networkx(pairs: list[tuple[str, str]], workdir: Path, budget: float) -> dict:
    """networkx.simple_cycles in a child process; SIGTERM after ``budget`` seconds (partial result)."""
    edges_path, out_path, log_path = workdir / "nx-edges.txt", workdir / "nx-cycles.pickle", workdir / "nx.log"
    with open(edges_path, "w") as fh:
        fh.writelines(f"{u} {v}\n" for u, v in pairs)
    out_path.unlink(missing_ok=True)
    started = time.monotonic()
    with open(log_path, "w") as log:
        child = subprocess.Popen([sys.executable, "-c", NX_CHILD, str(edges_path), str(out_path), str(MAX_LENGTH)],
                                 stdout=log, stderr=subprocess.STDOUT)
        timed_out = False
        try:
            child.wait(timeout=budget)
        except subprocess.TimeoutExpired:
            timed_out = True
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=300)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    wall = time.monotonic() - started
    result = {"wall": wall, "timed_out": timed_out, "log": log_path.read_text()}
    if out_path.exists():
        with open(out_path, "rb") as fh:
            result.update(pickle.load(fh))
    return result


# -- the run ------------------------------------------------------------------------------------
class Results:
    def __init__(self):
        self.rows: list[tuple[str, str, str, bool | None]] = []

    def add(self, step: str, figure: str, target: str = "", ok: bool | None = None) -> None:
        self.rows.append((step, figure, target, ok))
        mark = "" if ok is None else ("ok" if ok else "MISSED")
        print(f"  -> {step}: {figure} {('(target ' + target + ')') if target else ''} {mark}", flush=True)

    def table(self) -> str:
        w = [max(len(r[i]) for r in [*self.rows, ("step", "figure", "target", None)]) for i in range(3)]
        lines = [f"{'step':<{w[0]}}  {'figure':<{w[1]}}  {'target':<{w[2]}}  result",
                 "-" * (sum(w) + 14)]
        for step, figure, target, ok in self.rows:
            lines.append(f"{step:<{w[0]}}  {figure:<{w[1]}}  {target:<{w[2]}}  "
                         f"{'' if ok is None else ('ok' if ok else 'MISSED')}")
        return "\n".join(lines)

    def missed(self) -> bool:
        return any(ok is False for *_, ok in self.rows)


def print_profile(stats: dict, top: int = 6) -> None:
    items = sorted(stats["statements"].items(), key=lambda kv: -kv[1][0])
    total = sum(v[0] for _, v in items)
    print(f"     validate + transform {stats['prepare']:.1f} s; "
          f"write transaction statements {total:.1f} s in {sum(v[1] for _, v in items)} calls")
    for text, (sec, calls, rows) in items[:top]:
        rate = f", {rows / sec:,.0f} rows/s" if rows and sec > 0 else ""
        print(f"       {sec:7.1f} s  {calls:5d} calls  {rows:8d} rows{rate}  {text[:110]}")


def timed_load(kb, results: Results, kind: str, path: Path, where: str = "embedded",
               **options) -> tuple[int, float]:
    """Load one file, print its profile, add its rate to the results; (rows, seconds)."""
    stats = instrument(kb)
    t = time.perf_counter()
    report = kb.load(kind, path, **options)
    wall = time.perf_counter() - t
    rate = report.rows / wall if wall > 0 else float("inf")
    print(f"   {report.summary()}", flush=True)
    print_profile(stats)
    results.add(f"load {kind} ({where})", f"{report.rows} rows in {wall:.1f} s = {rate:,.0f} rows/s "
                f"(validation {stats['prepare']:.1f} s) [{load_note()}]")
    # Undo the instrumentation (instance attributes shadow the class methods).
    del kb.loader.validate
    del kb.store.transaction
    return report.rows, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=26_000)
    parser.add_argument("--exchanges", type=int, default=260_000)
    parser.add_argument("--flow-rows", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "eitgraph-regional")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the three sizes")
    parser.add_argument("--heap", default="4g", help="JVM heap of the embedded store")
    parser.add_argument("--nx-budget", type=float, default=600.0,
                        help="seconds after which networkx is stopped (the speed-up is then a lower bound)")
    parser.add_argument("--query-budget", type=int, default=1800,
                        help="seconds after which an in-process query step is abandoned (0: no limit)")
    parser.add_argument("--load-only", action="store_true", help="stop after step 2 (the loads)")
    parser.add_argument("--neo4j", help="also load into this Neo4j: a URI, or a key of the pinned versions")
    args = parser.parse_args()
    n_orgs = max(10, round(args.orgs * args.scale))
    n_edges = max(10, round(args.exchanges * args.scale))
    n_rows = max(n_edges, round(args.flow_rows * args.scale))
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    store_dir = work / "store"
    shutil.rmtree(store_dir, ignore_errors=True)
    results = Results()
    print(f"regional benchmark: {n_orgs} organisations, {n_edges} exchanges, {n_rows} flow rows, "
          f"seed {args.seed}, workdir {work}; {os.cpu_count()} CPUs, {load_note()}", flush=True)

    # 1. generate
    t = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    orgs = generate_organisations(n_orgs, rng)
    pairs, out_w, in_w = exchange_pairs(orgs, n_edges, np.random.default_rng(args.seed + 1))
    sirene_path, diag_path = work / "sirene.csv", work / "diagnostics.csv"
    write_sirene(sirene_path, orgs)
    info = write_diagnostics(diag_path, orgs, pairs, n_rows, out_w, in_w, np.random.default_rng(args.seed + 2))
    indeg = np.bincount([v for _, v in pairs], minlength=n_orgs)
    outdeg = np.bincount([u for u, _ in pairs], minlength=n_orgs)
    print(f"1. generated in {time.perf_counter() - t:.1f} s: {n_orgs} establishments in "
          f"{len(set(orgs['commune'].tolist()))} communes; {info['rows']} flow rows, {info['with_partner']} "
          f"with a partner; SUPPLIES in-degree max {indeg.max()} / p99 {np.percentile(indeg, 99):.0f} / "
          f"mean {indeg.mean():.1f}, out-degree max {outdeg.max()}", flush=True)

    # 2. load
    print(f"2. loading into {store_dir} (heap {args.heap})", flush=True)
    t = time.perf_counter()
    # The store runs in this process: its heap counts in the memory figures below.
    kb = eitgraph.open(data_dir=store_dir, heap=args.heap, in_process=True)
    results.add("store start", f"{time.perf_counter() - t:.1f} s")
    try:
        load_all(kb, results, sirene_path, diag_path, "embedded")
        if args.neo4j:
            neo = open_neo4j(args.neo4j)
            try:
                print(f"2b. loading the same files into {neo.config.describe()}", flush=True)
                load_all(neo, results, sirene_path, diag_path, "Neo4j")
                if not args.load_only:
                    loops_end_to_end(neo, results, "Neo4j")
            finally:
                neo.close()
        if args.load_only:
            results.add("process max RSS (ru_maxrss)", f"{maxrss_mb():,.0f} MB (loads and the JVM, heap {args.heap})",
                        f"<= {TARGET_LOAD_MEMORY_MB:,.0f} MB", maxrss_mb() <= TARGET_LOAD_MEMORY_MB)
            return int(results.missed())
        return run_queries(kb, args, work, results)
    finally:
        kb.close()
        print("\n" + results.table(), flush=True)


def load_all(kb, results: Results, sirene_path: Path, diag_path: Path, where: str) -> None:
    timed_load(kb, results, "territory", resources.path("reference", "perimetre-epci-a-fp.csv"), where,
               departement="67,68")
    timed_load(kb, results, "materials", resources.path("reference", "list_of_waste.csv"), where)
    # The target is on the generated regional data as a whole; each file's own rate is shown above.
    loads = [timed_load(kb, results, "sirene", sirene_path, where),
             timed_load(kb, results, "diagnostics", diag_path, where)]
    rows, wall = sum(n for n, _ in loads), sum(w for _, w in loads)
    results.add(f"load regional data ({where})", f"{rows} rows (SIRENE + diagnostics) in {wall:.1f} s = "
                f"{rows / wall:,.0f} rows/s", f">= {TARGET_ROWS_PER_S:,} rows/s", rows / wall >= TARGET_ROWS_PER_S)
    status = kb.status()
    print(f"   graph: {status['nodes']} {status['relationships']}", flush=True)


def open_neo4j(given: str):
    """A knowledge base on an emptied Neo4j: a URI, or a pinned version started by scripts/neo4j-test-server."""
    import importlib.machinery
    import importlib.util

    user = password = None
    uri = given
    if "://" not in given:
        script_path = Path(__file__).resolve().parent.parent / "scripts" / "neo4j-test-server"
        loader = importlib.machinery.SourceFileLoader("neo4j_test_server", str(script_path))
        spec = importlib.util.spec_from_loader(loader.name, loader)
        script = importlib.util.module_from_spec(spec)
        loader.exec_module(script)
        version = next(v for k, v, _ in script.pinned() if given in (k, v))
        state = script.state_dir(version)
        uri, password = script.read(state / "uri"), script.read(state / "password")
        user = "neo4j" if password else None
        if not uri:
            raise SystemExit(f"no Neo4j {given} running: scripts/neo4j-test-server start --version {given}")
    import neo4j

    with neo4j.GraphDatabase.driver(uri, auth=(user, password) if user else None) as driver, \
            driver.session() as session:
        # Relationships first: a thousand hubs detached at once exceed a 1 GB server's transaction memory.
        session.run("MATCH ()-[x]->() CALL (x) { DELETE x } IN TRANSACTIONS OF 10000 ROWS").consume()
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    return eitgraph.open(uri, username=user, password=password)


def loops_end_to_end(kb, results: Results, where: str, repeats: int = 3) -> float:
    """``circular-loops`` through the catalogue, and the enumeration alone on the same edges, alternated
    ``repeats`` times; the ratio is of the best of each (the machines are shared: a single pair of timings
    says more about the neighbours than about the code)."""
    timings: dict[str, list[float]] = {"engine": [], "extract": [], "enum": []}
    for _ in range(repeats):
        t = time.perf_counter()
        loops = kb.query("circular-loops", max_length=MAX_LENGTH)
        timings["engine"].append(time.perf_counter() - t)
        t = time.perf_counter()
        columns = kb.graph.exchange_columns()
        timings["extract"].append(time.perf_counter() - t)
        pairs = set(zip(columns["source"], columns["target"], strict=True))
        t = time.perf_counter()
        mine = simple_cycles(pairs, MAX_LENGTH)
        timings["enum"].append(time.perf_counter() - t)
        assert len(mine) == len(loops)
        del loops, mine
    engine_s, extract_s, enum_s = (min(timings[k]) for k in ("engine", "extract", "enum"))
    ratio = engine_s / enum_s if enum_s > 0 else float("inf")
    each = ", ".join(f"{e:.2f}/{n:.2f}" for e, n in zip(timings["engine"], timings["enum"], strict=True))
    results.add(f"circular-loops end to end / enumeration ({where})",
                f"{engine_s:.2f} s / {enum_s:.2f} s = {ratio:.2f}x, best of {repeats} ({each}; {len(pairs)} pairs; "
                f"extraction {extract_s:.2f} s, {len(columns['source'])} SUPPLIES) [{load_note()}]",
                f"<= {TARGET_LOOPS_OVER_ENGINE}x", ratio <= TARGET_LOOPS_OVER_ENGINE)
    return engine_s


def run_queries(kb, args, work: Path, results: Results) -> int:
    # 3. circular loops, engine end to end, then networkx on the same edges
    print(f"3. circular-loops max_length={MAX_LENGTH} [{load_note()}]", flush=True)
    t = time.perf_counter()
    try:
        with time_budget(args.query_budget):
            loops = kb.query("circular-loops", max_length=MAX_LENGTH)
    except Budget as exc:
        results.add("circular-loops", f"stopped: {exc}", f"<= {TARGET_LOOPS_S:.0f} s", False)
        return 1
    engine_s = time.perf_counter() - t
    by_len = loops["length"].value_counts().sort_index().to_dict() if len(loops) else {}
    results.add("circular-loops", f"{engine_s:.1f} s, {len(loops)} loops {by_len} [{load_note()}]",
                f"<= {TARGET_LOOPS_S:.0f} s", engine_s <= TARGET_LOOPS_S)
    # Where the time goes: extraction over Bolt vs enumeration vs building the rows.
    t = time.perf_counter()
    edges = extract_exchanges(kb)
    extract_s = time.perf_counter() - t
    pairs = sorted({(e["source"], e["target"]) for e in edges})
    t = time.perf_counter()
    mine = simple_cycles(pairs, MAX_LENGTH)
    enum_s = time.perf_counter() - t
    print(f"   profile: extraction {extract_s:.1f} s ({len(edges)} SUPPLIES, {len(pairs)} pairs), enumeration "
          f"{enum_s:.1f} s ({len(mine)} loops), rows/names/DataFrame ≈ {engine_s - extract_s - enum_s:.1f} s",
          flush=True)
    engine_set = {canonical(m) for m in loops["members"]}
    del mine
    loops_end_to_end(kb, results, "embedded")
    print(f"   networkx.simple_cycles(length_bound={MAX_LENGTH}) in a subprocess, budget {args.nx_budget:.0f} s "
          f"[{load_note()}]", flush=True)
    nx_res = run_networkx(pairs, work, args.nx_budget)
    if "enum" not in nx_res:
        results.add("networkx", f"failed: {nx_res['log'][-500:]}", "", False)
        return 1
    nx_s = nx_res["build"] + nx_res["enum"]
    ratio = nx_s / engine_s if engine_s > 0 else float("inf")
    if nx_res["done"]:
        same = nx_res["cycles"] == engine_set
        results.add("same loop set as networkx", f"{'identical' if same else 'DIFFERENT'}: networkx "
                    f"{len(nx_res['cycles'])}, engine {len(engine_set)}"
                    + ("" if same else f" (only networkx {len(nx_res['cycles'] - engine_set)}, "
                       f"only engine {len(engine_set - nx_res['cycles'])})"), "identical", same)
        results.add("speed-up vs networkx", f"{ratio:.1f}x (networkx {nx_s:.1f} s incl. build "
                    f"{nx_res['build']:.1f} s; pure enumeration {nx_res['enum'] / max(enum_s, 1e-9):.1f}x)",
                    f">= {TARGET_SPEEDUP:.0f}x", ratio >= TARGET_SPEEDUP)
    else:
        # Only a partial check is possible: every loop networkx found must be one of the engine's.
        subset = nx_res["cycles"] <= engine_set
        results.add("same loop set as networkx", f"partial: networkx stopped after {nx_s:.1f} s with "
                    f"{nx_res['count']} loops, {'all' if subset else 'NOT all'} in the engine's {len(engine_set)}",
                    "identical", None if subset else False)
        pace = nx_res["count"] / nx_res["enum"] if nx_res["count"] and nx_res["enum"] > 0 else 0.0
        guess = (f"; at its pace networkx would need ~{len(engine_set) / pace:,.0f} s, ~"
                 f"{len(engine_set) / pace / engine_s:,.0f}x (extrapolated)" if pace else "")
        results.add("speed-up vs networkx", f">= {ratio:.1f}x (lower bound: networkx stopped at {nx_s:.1f} s, "
                    f"{nx_res['count']}/{len(engine_set)} loops found{guess})", f">= {TARGET_SPEEDUP:.0f}x",
                    True if ratio >= TARGET_SPEEDUP else None)
    del nx_res

    # 4. substitution candidates
    print(f"4. substitution-candidates radius_km=30 top=10 [{load_note()}]", flush=True)
    hwm_reset = reset_hwm()
    before, _ = rss_mb()
    t = time.perf_counter()
    try:
        with time_budget(args.query_budget):
            subst = kb.query("substitution-candidates", radius_km=30, top=10)
    except Budget as exc:
        results.add("substitution-candidates", f"stopped: {exc}", f"<= {TARGET_SUBST_S:.0f} s", False)
        return 1
    subst_s = time.perf_counter() - t
    _, step_peak = rss_mb()
    life_peak = maxrss_mb()
    results.add("substitution-candidates", f"{subst_s:.1f} s, {len(subst)} rows, "
                f"{subst['output_org'].nunique() if len(subst) else 0} outputs matched [{load_note()}]",
                f"<= {TARGET_SUBST_S:.0f} s", subst_s <= TARGET_SUBST_S)
    if hwm_reset:
        results.add("substitution peak RSS (step)", f"{step_peak:,.0f} MB (RSS before {before:,.0f} MB, "
                    "JVM included)", f"<= {TARGET_MEMORY_MB:,.0f} MB", step_peak <= TARGET_MEMORY_MB)
    results.add("process max RSS (ru_maxrss)", f"{life_peak:,.0f} MB (JVM heap {args.heap} and loads included)",
                f"<= {TARGET_MEMORY_MB:,.0f} MB", life_peak <= TARGET_MEMORY_MB)
    return 1 if results.missed() else 0


if __name__ == "__main__":
    sys.exit(main())
