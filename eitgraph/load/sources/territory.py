"""BANATIC-style EPCI perimeters → départements, EPCI, communes and PART_OF."""

from __future__ import annotations

from ...errors import ConfigError
from ...model.departements import DEPARTEMENTS
from ...values import fold
from ..graphbatch import GraphBatch
from ..records import Record

EPCI_NATURES = {"CC", "CA", "CU", "METRO", "MET69"}


def transform(records: list[Record], ctx) -> GraphBatch:
    epci_filter = {fold(v) for v in ctx.options.get("epci") or []}  # list options (loaders/territory.yaml)
    dep_filter = {v.zfill(2) for v in ctx.options.get("departement") or []}
    batch = GraphBatch()
    kept = 0
    for rec in records:
        siren, name, dep = rec.get("siren"), rec.get("name"), rec.get("departement")
        if siren is None or rec.get("insee") is None:
            continue  # the bad cell is already reported
        if epci_filter and fold(siren) not in epci_filter and fold(name or "") not in epci_filter:
            continue
        if dep_filter and dep not in dep_filter:
            continue
        kept += 1
        nature = (rec.get("nature") or "").upper()
        if nature not in EPCI_NATURES:
            ctx.problems.add(f"unknown EPCI nature {rec.get('nature')!r}; expected one of "
                             f"{', '.join(sorted(EPCI_NATURES))}", rec.loc("nature"))
        batch.node("Territory", siren, {
            "name": name, "kind": "epci", "nature": nature, "siren": siren, "departement": dep,
            "financing": rec.get("financing"), "members": rec.get("members"),
            "population": rec.get("population"), "population_municipale": rec.get("population_municipale"),
        }, ["EPCI"], rec.loc("siren"))
        commune_dep = rec.get("commune_departement") or dep
        for code in {dep, commune_dep}:
            batch.node("Territory", f"DEP-{code}", {"name": DEPARTEMENTS.get(code, f"Département {code}"),
                                                   "kind": "departement", "departement": code},
                       ["Departement"], rec.loc("departement"))
        insee = rec.get("insee")
        batch.node("Territory", insee, {
            "name": rec.get("commune_name"), "kind": "commune", "departement": commune_dep,
            "siren": rec.get("commune_siren"), "population": rec.get("commune_population"),
            "population_municipale": rec.get("commune_population_municipale"),
        }, ["Commune"], rec.loc("insee"))
        batch.rel("PART_OF", "Territory", insee, "Territory", siren, location=rec.loc("insee"))
        batch.rel("PART_OF", "Territory", insee, "Territory", f"DEP-{commune_dep}", location=rec.loc("insee"))
        batch.rel("PART_OF", "Territory", siren, "Territory", f"DEP-{dep}", location=rec.loc("siren"))
    if records and not kept and not ctx.problems:
        shown = {k: ", ".join(ctx.options.get(k) or []) for k in ("epci", "departement")}
        raise ConfigError(f"{ctx.table.file}: no row matches the filter "
                          f"(epci={shown['epci']}, departement={shown['departement']})")
    return batch
