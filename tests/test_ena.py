"""Ecological network analysis: published values of a classic ecosystem model, hand-checked figures
of a small exchange loop loaded into the real embedded store, and the Thur Doller example."""

import numpy as np
import pytest

from eitgraph import shipped
from eitgraph.analytics.ena import analyse, network_analysis
from eitgraph.errors import QueryError

# -- published values ---------------------------------------------------------------------------

# Oyster reef energy-flow model, kcal m⁻² d⁻¹ (Dame & Patten 1981, Mar. Ecol. Prog. Ser. 5:115), as
# distributed in SCOR format with enaR's development repository: MKLau/enaR_development, data/oyster.dat
# (flows "i j value", boundary input to node 1, all outputs given as respiration).
OYSTER_NODES = ["Filter Feeders", "Microbiota", "Meiofauna", "Deposit Feeders", "Predators", "Deposited Detritus"]
OYSTER_FLOWS = [(6, 2, 8.1721), (2, 3, 1.2060), (6, 3, 7.2745), (2, 4, 1.2060), (3, 4, 0.6609), (6, 4, 0.6431),
                (1, 5, 0.5135), (4, 5, 0.1721), (1, 6, 15.791), (3, 6, 4.2403), (4, 6, 1.9076), (5, 6, 0.3262)]
OYSTER_INPUTS = [41.47, 0, 0, 0, 0, 0]
OYSTER_OUTPUTS = [25.165, 5.76, 3.5794, 0.4303, 0.3594, 6.1759]

# enaR's output for this model, printed by the package vignette (SEELab/enaR, vignettes/enaR-vignette.tex,
# Sweave output of `enaStructure(oyster)$ns` and `enaFlow(oyster)$ns`); the flow statistics are also
# Table 1 of Borrett & Lau (2014) "enaR: an R package for Ecosystem Network Analysis", Methods Ecol. Evol.
# 5:1206-1213 (manuscript: MKLau/enaR_development, docs/doc/main-mee13.tex). enaR names: Boundary, TST,
# TSTp, APL, FCI, mode2.F (cycled flow); n, L, C, LD, lam1A.
OYSTER_PUBLISHED = {
    "boundary_input": 41.47, "throughflow_total": 83.5833, "total_system_throughput": 125.0533,
    "average_path_length": 2.015512, "finn_cycling_index": 0.1101686, "cycled_throughflow": 9.208256,
    "connectance": 0.3333333, "link_density": 2, "cyclicity": 2.147899,
}


def oyster(**options):
    F = np.zeros((6, 6))
    for i, j, value in OYSTER_FLOWS:
        F[i - 1, j - 1] = value
    return analyse(F, OYSTER_INPUTS, OYSTER_OUTPUTS, OYSTER_NODES, **options)


def digits(value: float) -> float:
    """Half a unit of the last of the 7 significant digits R prints."""
    return 0.5 * 10.0 ** (np.floor(np.log10(abs(value))) - 6)


def test_oyster_reef_reproduces_enaR_published_statistics():
    r = oyster()
    assert (r.nodes, r.links) == (6, 12)
    for field, published in OYSTER_PUBLISHED.items():
        assert getattr(r, field) == pytest.approx(published, abs=digits(published)), field
    assert r.steady_state  # the published model balances to 5·10⁻⁴ kcal m⁻² d⁻¹


def test_throughflow_is_taken_on_the_input_side():
    # enaR's vignette prints G (row-to-column), e.g. Meiofauna → Deposited Detritus 0.5000059 =
    # 4.2403 / T(Meiofauna) with T = inflow + input = 1.2060 + 7.2745 (the output side gives 8.4806).
    r = oyster()
    assert r.throughflow[2] == pytest.approx(8.4805, abs=1e-12)
    assert 4.2403 / r.throughflow[2] == pytest.approx(0.5000059, abs=5e-8)
    assert r.imbalance[5] == pytest.approx(22.2651 - 22.2656)


def test_closing_the_balance_moves_a_balanced_model_only_by_its_rounding():
    r = oyster(close=True)
    assert r.implicit_input == pytest.approx(1e-4 + 5e-4)
    assert r.finn_cycling_index == pytest.approx(OYSTER_PUBLISHED["finn_cycling_index"], rel=1e-4)


# -- the pure function ----------------------------------------------------------------------------

def test_acyclic_chain_has_no_cycling_and_zero_cyclicity():
    n = 25  # long enough for numerical eigenvalues of a nilpotent matrix to stray far from 0
    F = np.diag(np.full(n - 1, 10.0), k=1)
    r = analyse(F, [10] + [0] * (n - 1), [0] * (n - 1) + [10])
    assert r.cyclicity == 0 and r.finn_cycling_index == 0
    assert r.average_path_length == n and r.throughflow_total == 10 * n


def test_a_self_loop_is_a_link_and_a_cycle():
    r = analyse([[5]], [10], [10])
    assert (r.links, r.cyclicity, r.connectance) == (1, 1.0, 1.0)
    assert r.finn_cycling_index == pytest.approx(5 / 15)  # n_11 = 1 / (1 − 5/15); (n − 1)/n = 1/3


def test_unbalanced_data_is_reported_or_closed():
    flows, inputs, outputs = [[0, 8], [0, 0]], [10, 0], [1, 5]  # a keeps 1, b receives 8 and loses 5
    r = analyse(flows, inputs, outputs)
    assert not r.steady_state and r.imbalance == (1.0, 3.0)
    assert r.throughflow == (10.0, 8.0) and r.implicit_output == 0
    closed = analyse(flows, inputs, outputs, close=True)
    assert closed.implicit_output == 4 and closed.boundary_output == 10 and closed.throughflow == (10.0, 8.0)
    # a ⇄ b exchange 5 and receive nothing else, c lives apart: no steady state feeds that cycle.
    unfed = [[0, 5, 0], [5, 0, 0], [0, 0, 0]], [0, 0, 1], [1, 0, 1]
    with pytest.raises(QueryError, match="fed by no boundary input"):
        analyse(*unfed)
    assert analyse(*unfed, close=True).implicit_input == 1  # a loses 1: an unrecorded import closes it


@pytest.mark.parametrize("args, message", [
    (([[1, 2]], [1], [1]), "square"),
    ((np.zeros((0, 0)), [], []), "empty network"),
    (([[0, 1], [0, 0]], [1], [1, 1]), "inputs must be a vector of 2"),
    (([[0, -1], [0, 0]], [1, 0], [0, 1]), "negative"),
    (([[0, 1], [0, 0]], [1, np.nan], [0, 1]), "missing or infinite"),
    (([[0, 1], [1, 0]], [0, 0], [0, 0]), "no boundary input"),
])
def test_bad_arrays_are_clear_errors(args, message):
    with pytest.raises(QueryError, match=message):
        analyse(*args)


def test_as_dict_is_plain_values():
    d = oyster().as_dict()
    assert d["names"][0] == "Filter Feeders" and isinstance(d["throughflow"], list)
    assert d["finn_cycling_index"] == pytest.approx(0.1101686, abs=5e-8)


# -- the knowledge base's exchange network --------------------------------------------------------

# a, b, c in the CC de Thann-Cernay (200036465), e in Mulhouse: a loop a → b → c → a of wood.
ACTORS = """Identifiant;Raison sociale;Type d'acteur;Code INSEE;Latitude;Longitude
a;Alpha Scierie;Entreprise;68334;47,808;7,103
b;Beta Palettes;Entreprise;68063;47,807;7,176
c;Gamma Chaufferie;Entreprise;68348;47,803;7,124
e;Epsilon Recyclage;Opérateur déchets;68224;47,750;7,336
"""
DIAG = """Site;Sens;Matière;Code déchet;Catégorie;Quantité;Unité;Période;Traitement actuel;\
Fournisseur / collecteur;Statut de l'échange
a;entrant;grumes;;wood;100;t;an;;;
a;sortant;palettes;15 01 03;;60;t;an;réemploi;b;existant
b;entrant;palettes;15 01 03;;60;t;an;;a;existant
b;sortant;copeaux;03 01 05;;30;t;an;valorisation énergétique;c;existant
c;sortant;sciure;03 01 05;;10;t;an;recyclage;a;existant
b;sortant;chutes;17 02 01;;25;t;an;recyclage;e;existant
c;sortant;écorces;03 01 01;;15;t;an;valorisation énergétique;;
a;sortant;chutes de sciage;03 01 05;;5;t;an;;c;potentiel
a;sortant;chaleur fatale;;heat;200;MWh;an;rejet au milieu;b;potentiel
c;sortant;emballages;15 01 01;;;;;;b;existant
"""


@pytest.fixture(scope="module")
def loop_kb(new_kb, haut_rhin, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ena")
    kb = new_kb()
    kb.load("territory", haut_rhin, departement="68")
    kb.load("materials", shipped.path("reference", "list_of_waste.csv"))
    for kind, name, text in (("stakeholders", "acteurs.csv", ACTORS), ("diagnostics", "diag.csv", DIAG)):
        (tmp / name).write_text(text, encoding="utf-8")
        kb.load(kind, tmp / name)
    return kb


def test_existing_exchanges_by_hand(loop_kb):
    res = network_analysis(loop_kb, status="existing")
    r = res.ena
    # Existing: a→b 60 (diagnosed at both ends, counted once), b→c 30, c→a 10, b→e 25, and c→b without
    # quantity (left out). Boundary: a imports 100, c exports 15 (no partner), a's potential 5 t to c.
    assert (res.exchanges, res.exchanges_used, res.exchanges_left_out, res.boundary_flows) == (5, 4, 1, 3)
    assert res.coverage == 0.8
    assert r.names == ("a", "b", "c", "e") and (r.nodes, r.links) == (4, 4)
    assert r.imbalance == (45.0, 5.0, 5.0, 25.0)  # in − out: products are not in the diagnostics
    assert not r.steady_state and r.implicit_output == 80 and r.implicit_input == 0
    assert r.throughflow == (110.0, 60.0, 30.0, 25.0) and r.throughflow_total == 225
    assert r.boundary_input == 100 and r.boundary_output == 100 and r.total_system_throughput == 125 + 200
    assert r.average_path_length == 2.25
    # One cycle a→b→c→a, return probability (60/110)(30/60)(10/30) = 1/11 for each of its nodes,
    # so (n_ii − 1)/n_ii = 1/11 and TST_c = (110 + 60 + 30)/11.
    assert r.cycled_throughflow == pytest.approx(200 / 11)
    assert r.finn_cycling_index == pytest.approx(200 / 11 / 225)
    assert r.cyclicity == pytest.approx(1.0) and r.connectance == 0.25 and r.link_density == 1


def test_potential_exchanges_join_the_network(loop_kb):
    r = network_analysis(loop_kb).ena
    # a→c 5 becomes internal and c receives 35. First-return probabilities (n_ii − 1)/n_ii:
    # a: (60/110)(30/60)(10/35) + (5/110)(10/35) = 1/11; c: (10/35)(5/110 + (60/110)(30/60)) = 1/11;
    # b: (30/60)·h_c where h_c = (10/35)·h_a, h_a = 60/110 + (5/110)·h_c (b is reached from a, possibly
    # after turns of the a → c → a loop), so h_a = 21/38, h_c = 3/19 and b returns with 3/38.
    assert r.throughflow == (110.0, 60.0, 35.0, 25.0) and r.links == 5
    assert r.cycled_throughflow == pytest.approx((110 + 35) / 11 + 60 * 3 / 38)
    assert r.finn_cycling_index == pytest.approx(((110 + 35) / 11 + 60 * 3 / 38) / 230)


def test_territory_turns_outside_partners_into_boundary_flows(loop_kb):
    res = network_analysis(loop_kb, territory="200036465", status="existing", category="wood")
    r = res.ena
    assert r.names == ("a", "b", "c") and res.exchanges == 3  # b→e leaves; c→b is paper, not wood
    assert r.boundary_output - r.implicit_output == 5 + 25 + 15
    assert r.throughflow == (110.0, 60.0, 30.0) and r.finn_cycling_index == pytest.approx(1 / 11)
    assert res.as_dict()["territory"] == "200036465" and res.as_dict()["finn_cycling_index"] == r.finn_cycling_index


def test_other_units_are_analysed_apart(loop_kb):
    with pytest.raises(QueryError, match="0 exchange"):
        network_analysis(loop_kb, category="heat", unit="MWh/an", status="existing")
    res = network_analysis(loop_kb, category="heat", unit="MWh/an")
    assert res.ena.names == ("a", "b") and res.ena.throughflow_total == 200 + 200
    assert res.ena.finn_cycling_index == 0 and res.ena.cyclicity == 0


def test_an_empty_network_names_its_scope(loop_kb):
    with pytest.raises(QueryError, match=r"category 'paper-cardboard'.*1 exchange.*none with a quantity in t/an"):
        network_analysis(loop_kb, category="paper-cardboard")
    with pytest.raises(QueryError, match="territory '200066009'"):
        network_analysis(loop_kb, territory="200066009")


# -- the Thur Doller example ----------------------------------------------------------------------

def test_thur_doller_exchange_network(example_kb):
    res = network_analysis(example_kb, territory="PETR-THUR-DOLLER")
    r = res.ena
    internal = example_kb.cypher("MATCH (a:Organisation)-[s:SUPPLIES]->(b:Organisation) WHERE s.unit = 't/an' "
                              "AND s.quantity IS NOT NULL RETURN a.id AS a, b.id AS b, s.quantity AS q")
    inside = set(r.names)
    assert r.total_system_throughput - r.boundary_input - r.boundary_output == pytest.approx(
        internal[internal["a"].isin(inside) & internal["b"].isin(inside)]["q"].sum())
    assert res.exchanges_used + res.exchanges_left_out == res.exchanges and 0 < res.coverage <= 1
    assert 0 <= r.finn_cycling_index < 1 and r.average_path_length >= 1
    assert r.throughflow_total >= r.boundary_input > 0
