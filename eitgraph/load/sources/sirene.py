"""INSEE SIRENE StockEtablissement extracts → organisations keyed by SIRET."""

from __future__ import annotations

from ...model.geo import in_metropolitan_lambert93, lambert93_to_wgs84
from ...model.naf import naf_label, naf_section
from ...model.organisation_kinds import KINDS
from ..graphbatch import GraphBatch
from ..records import Record


def transform(records: list[Record], ctx) -> GraphBatch:
    batch = GraphBatch()
    include_closed = ctx.options.get("include_closed")  # a boolean option (loaders/sirene.yaml)
    kind = ctx.options.get("kind") or "company"
    if kind not in KINDS:
        ctx.problems.add(f"option kind={kind!r} is not a kind of organisation ({', '.join(KINDS)})")
        return batch
    communes = {r.get("insee") for r in records if r.get("insee")}
    known = ctx.existing("Territory", communes)
    for rec in records:
        siret, insee, state = rec.get("siret"), rec.get("insee"), (rec.get("state") or "").upper()
        if not siret or not insee or not state:  # missing values are already reported
            continue
        if state not in {"A", "F"}:
            ctx.problems.add(f"etatAdministratifEtablissement must be A or F, not {state!r}", rec.loc("state"))
            continue
        if state == "F" and not include_closed:
            continue
        if insee not in known:
            ctx.problems.add(f"commune code {insee!r} is not in the graph (load the territory first)",
                             rec.loc("insee"))
            continue
        lat = lon = None
        x, y = rec.get("x"), rec.get("y")
        if x is not None and y is not None:
            if in_metropolitan_lambert93(x, y):
                lat, lon = lambert93_to_wgs84(x, y)
                lat, lon = round(lat, 6), round(lon, 6)
            else:
                ctx.problems.add(f"coordinates ({x}, {y}) are not Lambert-93 in metropolitan France",
                                 rec.loc("x"))
        naf = rec.get("naf")
        name = rec.get("denomination") or rec.get("enseigne") or rec.get("unit_name") or f"Établissement {siret}"
        batch.node("Organisation", siret, {
            "name": name, "kind": kind, "siret": siret, "siren": rec.get("siren") or siret[:9],
            "naf": naf, "naf_label": naf_label(naf) if naf else None, "naf_section": naf_section(naf) if naf else None,
            "headcount_band": rec.get("headcount_band"), "commune_code": insee, "lat": lat, "lon": lon,
            "active": state == "A",
        }, [KINDS[kind].label], rec.loc("siret"))
        batch.rel("LOCATED_IN", "Organisation", siret, "Territory", insee, location=rec.loc("insee"))
    return batch
