"""Reload ≡ fresh load, property-tested in the real embedded store.

For any sequence of loads (and drops) of any versions of stakeholder lists, diagnostics and synergy
files, the graph must equal the graph obtained by loading only the final versions into an empty store
— in the order they were first loaded, in that order with the synergy files (which name organisations
other files must provide) last, and in the reverse order, whichever of these can load at all (at least
one must) — ignoring ``loaded_at``. A load that fails must leave the graph exactly as it was.

The files are written the way officers write them: French headers, ``;``, sometimes cp1252,
organisations sometimes with their SIRET or an « Identifiant », sometimes only a name, collectors
named in diagnostics and missing from lists (or added to a list later), spellings that differ in case
and accents, and each new version saved under a new file name.

One rule of the generator, the limit of what is proven: two different organisations never share a
name (a name-only mention is then unambiguous; the ambiguous case is tested on its own in
test_trust.py). A diagnostic may name one site by its name on one row and its identifier or SIRET on
another: only another file (a list giving both) makes them one organisation, whatever the order.
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from loadhelpers import make_siret, write_csv

from eitgraph import shipped
from eitgraph.errors import EitgraphError

BASE = ("territory:cc", "materials:low")
COMMUNES = ["68063", "68334", "68348", "68376", "68011", "68066"]


class Org:
    def __init__(self, name, siret, commune, kind, ident, spelling=None):
        self.name, self.siret, self.commune, self.kind, self.ident = name, siret, commune, kind, ident
        self.spelling = spelling or name.upper()


ORGS = [
    Org("Alpha Chimie", make_siret("40012345", "0011"), "68334", "Entreprise", "alpha"),
    Org("Beta Emballages", None, "68063", "Entreprise", "beta"),
    Org("Gamma Bois", make_siret("40054321", "0016"), "68348", "Entreprise", "gamma"),
    Org("Delta Textile", None, "68063", "Entreprise", "delta"),
    Org("Ressourcerie Émeraude", None, "68376", "Association", "emeraude", "ressourcerie emeraude"),
    Org("Suez RV", make_siret("41163939", "0001"), "68011", "Opérateur déchets", "suez"),
    Org("Paprec Est", None, "68066", "Opérateur déchets", "paprec"),
    Org("GAEC du Moulin", None, "68334", "Entreprise", "gaec-moulin", "Gaec du moulin"),
]
OTHER_KIND = {"Entreprise": "Association", "Association": "Entreprise", "Opérateur déchets": "Entreprise"}
MATERIALS = [("cartons", "15 01 01", ""), ("palettes", "15 01 03", ""), ("biodéchets", "20 01 08", ""),
             ("chaleur fatale", "", "heat"), ("copeaux", "03 01 05", "")]
CONTACTS = ["Marie Dupont", "Paul Martin", None]

LIST_HEADER = ["Identifiant", "Raison sociale", "N° SIRET", "Type d'acteur", "Code INSEE", "Contact", "Instance"]
DIAG_HEADER = ["Site", "Sens", "Matière", "Code déchet", "Catégorie", "Quantité", "Unité", "Fournisseur / collecteur",
               "Statut de l'échange"]
SYN_HEADER = ["Identifiant", "Titre", "Type", "Statut", "Organisations"]


# -- file versions ------------------------------------------------------------------------------------
@st.composite
def list_version(draw):
    rows = []
    for i in sorted(draw(st.sets(st.integers(0, len(ORGS) - 1), min_size=1, max_size=6))):
        o = ORGS[i]
        ident = o.ident if draw(st.booleans()) else ""
        siret = o.siret if o.siret and draw(st.booleans()) else ""
        kind = o.kind if draw(st.integers(0, 3)) else OTHER_KIND[o.kind]
        name = o.name if draw(st.booleans()) else o.spelling
        contact = draw(st.sampled_from(CONTACTS))
        body = "COPIL EIT" if contact and draw(st.booleans()) else ""
        rows.append([ident, name, siret, kind, o.commune, contact or "", body])
    return ("stakeholders", rows)


@st.composite
def diag_version(draw):
    rows, seen = [], set()
    for _ in range(draw(st.integers(1, 5))):
        site = draw(st.sampled_from(ORGS[:5]))
        label, code, cat = draw(st.sampled_from(MATERIALS))
        direction = draw(st.sampled_from(["sortant", "entrant"]))
        partner = draw(st.sampled_from([None, *ORGS]))
        if partner is site:
            partner = None
        key = (site.name, direction, label, partner.name if partner else None)
        if key in seen:
            continue
        seen.add(key)
        how = draw(st.integers(0, 2))  # by its name, its identifier or its SIRET, row by row
        site_text = site.siret if (how == 2 and site.siret) else (site.ident if how == 1 else site.name)
        partner_text = "" if partner is None else (partner.name if draw(st.booleans()) else partner.spelling)
        unit = "MWh" if cat == "heat" else "t"
        quantity = draw(st.sampled_from(["3", "12,5", "1 200", ""]))
        status = draw(st.sampled_from(["existant", "potentiel", ""])) if partner else ""
        rows.append([site_text, direction, label, code, cat, quantity, unit if quantity else "", partner_text, status])
    return ("diagnostics", rows)


@st.composite
def synergy_version(draw):
    rows = []
    for i in range(draw(st.integers(1, 2))):
        parties = draw(st.lists(st.sampled_from(ORGS[:5]), min_size=1, max_size=2, unique_by=lambda o: o.name))
        refs = "|".join(f"{o.name}:{'porteur' if j == 0 else 'partenaire'}" for j, o in enumerate(parties))
        rows.append([f"S{i + 1}", f"Piste {i + 1}", "mutualisation", draw(st.sampled_from(["idée", "étude"])), refs])
    return ("synergies", rows)


DATASETS = {"stakeholders:liste-a": list_version(), "stakeholders:liste-b": list_version(),
            "diagnostics:diag-1": diag_version(), "diagnostics:diag-2": diag_version(),
            "synergies:pistes": synergy_version()}


# Lists and diagnostics more often than synergies (which fail when they name no loaded organisation).
WEIGHTED = ["stakeholders:liste-a"] * 3 + ["stakeholders:liste-b"] * 2 + ["diagnostics:diag-1"] * 3 + \
    ["diagnostics:diag-2"] * 2 + ["synergies:pistes"]


@st.composite
def sequences(draw):
    steps, loaded = [], []
    for _ in range(draw(st.integers(2, 8))):
        if loaded and draw(st.integers(0, 9)) == 0:
            steps.append(("drop", draw(st.sampled_from(loaded)), None))
            continue
        dataset = draw(st.sampled_from(WEIGHTED))
        steps.append(("load", dataset, draw(DATASETS[dataset])))
        loaded.append(dataset)
    return steps


def write_version(tmp, dataset: str, n: int, version) -> tuple[str, object]:
    kind, rows = version
    name = dataset.split(":")[1]
    header = {"stakeholders": LIST_HEADER, "diagnostics": DIAG_HEADER, "synergies": SYN_HEADER}[kind]
    encoding = "cp1252" if n % 3 == 1 else "utf-8"
    # Each version saved under a new name, as officers do (liste-a-v2.csv…); the dataset id stays.
    path = write_csv(tmp / f"{name}-v{n}.csv", [header, *rows], encoding=encoding)
    return kind, path


# -- the graph, as a comparable value ---------------------------------------------------------------------
def dump(kb, everything: bool = True) -> tuple:
    """Nodes, relationships and datasets as sorted tuples. Without ``everything``, the elements that
    only the base datasets hold are counted instead of listed (a fast check between steps)."""
    model = kb.model
    key_of = {label: node.key for label, node in model.nodes.items()}

    def ident(labels, props):
        label = next(lb for lb in labels if lb in key_of)
        return (label, props.get(key_of[label]))

    nodes, datasets = [], []
    where = "" if everything else " WHERE n:Dataset OR any(s IN coalesce(n.sources, []) WHERE NOT s IN $base)"
    rwhere = "" if everything else " WHERE any(s IN coalesce(x.sources, []) WHERE NOT s IN $base)"
    params = {"base": list(BASE)}
    for r in kb.store.records(f"MATCH (n){where} RETURN labels(n) AS l, properties(n) AS p", params):
        props = {k: v for k, v in r["p"].items() if k != "loaded_at"}
        if "Dataset" in r["l"]:
            if not props.get("dropped"):
                # The counts are the load's report (a later file may join two of its organisations):
                # what must match is which labels and types the dataset holds.
                held = tuple(sorted(json.loads(props.get("counts") or "{}")))
                datasets.append((*(props.get(k) for k in ("id", "kind", "sha256", "rows", "options")), held))
            continue
        nodes.append((tuple(sorted(r["l"])), repr(sorted(props.items()))))
    rels = []
    for r in kb.store.records(f"MATCH (a)-[x]->(b){rwhere} RETURN labels(a) AS la, properties(a) AS pa, type(x) AS t, "
                              "labels(b) AS lb, properties(b) AS pb, properties(x) AS p", params):
        props = {k: v for k, v in r["p"].items() if k != "loaded_at"}
        rels.append((ident(r["la"], r["pa"]), r["t"], ident(r["lb"], r["pb"]), repr(sorted(props.items()))))
    if not everything:
        counts = kb.store.records("MATCH (n) WHERE NOT n:Dataset RETURN count(n) AS n "
                                  "UNION ALL MATCH ()-[x]->() RETURN count(x) AS n")
        datasets.append(("counts", *(r["n"] for r in counts)))
    return sorted(nodes), sorted(rels), sorted(datasets)


def reset(kb, base_dump, check: bool = False) -> None:
    """Back to the base datasets only (territory and materials); ``check``: element by element."""
    kb.store.execute("MATCH (d:Dataset) WHERE NOT d.id IN $base DETACH DELETE d", {"base": list(BASE)})
    kb.store.execute("MATCH (n) WHERE NOT n:Dataset AND NOT any(s IN coalesce(n.sources, []) WHERE s IN $base) "
                     "DETACH DELETE n", {"base": list(BASE)})
    kb.store.execute("MATCH ()-[x]->() WHERE NOT any(s IN coalesce(x.sources, []) WHERE s IN $base) DELETE x",
                     {"base": list(BASE)})
    if check:
        assert dump(kb) == base_dump[0], "the base datasets were changed by a load of another dataset"
    else:
        assert dump(kb, everything=False) == base_dump[1], "the base datasets were changed by another load"


class Base(tuple):
    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example
        return "<territory and materials>"


@pytest.fixture(scope="module")
def base(new_kb):
    kb = new_kb()
    kb.load("territory", shipped.path("reference", "perimetre-epci-a-fp.csv"), dataset_id=BASE[0],
            epci="200036465")
    kb.load("materials", shipped.path("reference", "list_of_waste.csv"), dataset_id=BASE[1])
    return Base((kb, (dump(kb), dump(kb, everything=False))))


def run(kb, tmp, step_files, dataset, kind, path):
    options = {"create_missing": True} if kind == "diagnostics" else {}
    return kb.load(kind, path, dataset_id=dataset, force=True, **options)


EXAMPLES = int(os.environ.get("EITGRAPH_PBT_EXAMPLES", "200"))


# Shrinking a failing sequence takes minutes in a real store: on request only (EITGRAPH_PBT_SHRINK=1).
PHASES = [p for p in Phase if p is not Phase.shrink or os.environ.get("EITGRAPH_PBT_SHRINK")]


@settings(max_examples=EXAMPLES, deadline=None, database=None, phases=PHASES,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(steps=sequences())
def test_any_sequence_of_loads_equals_a_fresh_load_of_the_final_files(base, tmp_path_factory, steps):
    kb, base_dump = base
    tmp = tmp_path_factory.mktemp("versions")
    reset(kb, base_dump, check=True)  # what the previous example left changed nothing of the base
    final: dict[str, tuple] = {}  # dataset -> (kind, path) of its last successful version
    order: list[str] = []
    for n, (action, dataset, version) in enumerate(steps):
        before = dump(kb, everything=False)
        try:
            if action == "drop":
                kb.drop(dataset, force=True)
                final.pop(dataset, None)
                continue
            kind, path = write_version(tmp, dataset, n, version)
            run(kb, tmp, None, dataset, kind, path)
            final[dataset] = (kind, path)
            if dataset not in order:
                order.append(dataset)
        except EitgraphError:
            assert dump(kb, everything=False) == before, f"a failed {action} of {dataset} changed the graph"
    after_sequence = dump(kb, everything=False)
    datasets = [d for d in order if d in final]
    event(f"{len(datasets)} datasets in the end")
    event(f"{len(after_sequence[0])} nodes in the end" if len(after_sequence[0]) < 10 else "10+ nodes in the end")

    # The order of first appearance may load a synergy file before the only final file that names one of its
    # organisations (liste-b named it when the synergies were loaded, its last version no longer does, liste-a
    # does): the same order with the files that name others last always can. Every order that loads must give
    # the graph the sequence gave; at least one must load.
    named_last = [d for d in datasets if not d.startswith("synergies:")] + \
        [d for d in datasets if d.startswith("synergies:")]
    failures = {}
    for attempt in dict.fromkeys(map(tuple, (datasets, named_last, reversed(datasets)))):
        reset(kb, base_dump)
        try:
            for dataset in attempt:
                kind, path = final[dataset]
                run(kb, tmp, None, dataset, kind, path)
        except EitgraphError as exc:
            failures[attempt] = str(exc)
            continue  # a file loaded before what it names: not comparable
        fresh = dump(kb, everything=False)
        assert fresh == after_sequence, _explain(after_sequence, fresh, attempt)
    assert tuple(named_last) not in failures, ("a fresh load of the final files fails where the sequence loaded: "
                                               f"{failures[tuple(named_last)]}")


def _explain(seq, fresh, attempt) -> str:
    lines = [f"fresh load in order {attempt} differs from the sequence:"]
    for what, a, b in zip(("nodes", "relationships", "datasets"), seq, fresh, strict=True):
        for item in sorted(set(a) - set(b))[:5]:
            lines.append(f"  only after the sequence ({what}): {item}")
        for item in sorted(set(b) - set(a))[:5]:
            lines.append(f"  only in the fresh load ({what}): {item}")
    return "\n".join(lines)
