"""INSEE SIRENE stock files as INSEE publishes them → establishments (organisations keyed by SIRET) and
legal units (``LegalUnit`` nodes keyed by SIREN).

One kind, ``sirene``, reads both stock files; which one a file is comes from its header:

* ``StockEtablissement`` (``siret`` and ``codeCommuneEtablissement``): one organisation per
  establishment, located in its commune. Activity codes keep their nomenclature (NAFRev2, NAFRev1,
  NAF1993, NAP); only NAFRev2 codes are checked against NAF rév. 2 and get a label and a section.
  Closed establishments (``F``) are skipped and counted unless ``include_closed``; partially diffusible
  rows (``P``) load with what is public (``[ND]`` is never a value); arrondissements municipaux and old
  commune codes resolve to today's commune; coordinates come from the legal projection of the
  territory (Lambert-93, UTM in the DROM).
* ``StockUniteLegale`` (``siren`` and ``…UniteLegale`` columns): one ``LegalUnit`` per unit with its
  legal name (``denominationUniteLegale``, or ``prenom1UniteLegale nomUniteLegale`` for individuals),
  legal category, ESS flag and company size. An establishment with no name of its own
  (enseigne, dénomination usuelle) takes its unit's name, whichever file is loaded first (see
  :mod:`eitgraph.load.units`).
* History files (``dateFin``) and other SIRENE files are refused with a message.

The national files (tens of millions of rows, zipped) are streamed: the reader keeps only the rows of
the territory asked for (``departement``, ``territory``, or by default the communes already in the
graph) and only the columns the loader reads, so memory follows what is kept, not the file's size.
"""

from __future__ import annotations

import re

from ...errors import ConfigError
from ...model.communes import departement_of, reference
from ...model.geo import legal_to_wgs84
from ...model.legal import kind_of_legal_category, legal_category_code
from ...model.naf import naf_label, naf_section
from ...model.organisation_kinds import KINDS
from ...values import parse_naf
from ..coordinates import located
from ..graphbatch import GraphBatch
from ..records import Record
from ..units import placeholder
from .sirene_files import NOMENCLATURES, SireneTable

# -- transform -------------------------------------------------------------------------------------

def _notes(table: SireneTable, ctx) -> None:
    where = ctx.table.location()
    s = table.skipped
    what = "establishments" if table.layout == "establishments" else "legal units"
    if s.get("closed"):
        state = "closed (etatAdministratifEtablissement = F)" if table.layout == "establishments" \
            else "ceased (etatAdministratifUniteLegale = C)"
        ctx.note("sirene_closed", f"{s['closed']:,} {state} {what} of {table.filter_text} skipped "
                 "(-o include_closed=true loads them, marked active: false)", where)
    if s.get("outside"):
        ctx.note("sirene_outside", f"{s['outside']:,} {what} outside {table.filter_text} left out", where)
    if s.get("abroad"):
        ctx.note("sirene_abroad", f"{s['abroad']:,} establishments abroad (no commune code) skipped", where)
    if s.get("not_in_graph"):
        shown = ", ".join(table.examples.get("not_in_graph", []))
        ctx.note("sirene_commune_not_loaded", f"{s['not_in_graph']:,} establishments skipped: their commune is not "
                 f"in the graph ({shown}…); load their territory first (eitgraph load territory "
                 "perimetre-epci-a-fp.csv -o departement=…), or -o strict=true to make this an error", where)
    if s.get("unknown_commune"):
        shown = ", ".join(table.examples.get("unknown_commune", []))
        ctx.note("sirene_unknown_commune", f"{s['unknown_commune']:,} establishments skipped: their commune code is "
                 f"not in the Code officiel géographique ({shown})", where)
    if table.nd_rows:
        ctx.note("sirene_partial", f"{table.nd_rows:,} rows in partial diffusion: their « [ND] » (not public) values "
                 "are left empty", where)


def _activity(rec: Record, ctx, nomenclature_column: bool) -> dict:
    """naf, naf_nomenclature, naf_label, naf_section of a row; problems for unknown values."""
    code, nom = rec.get("naf"), rec.get("naf_nomenclature")
    if nom is None and not nomenclature_column and code:
        nom = "NAFRev2"  # an extract without the nomenclature column: today's codes
    if nom is not None and nom not in NOMENCLATURES:
        ctx.problems.add(f"unknown activity nomenclature {nom!r}; INSEE's are {', '.join(NOMENCLATURES)} (or empty)",
                         rec.loc("naf_nomenclature"))
        return {}
    if not code:
        return {}
    if nom is None:
        ctx.problems.add(f"activity code {code!r} without its nomenclature", rec.loc("naf_nomenclature"))
        return {}
    if nom != "NAFRev2":
        return {"naf": code, "naf_nomenclature": nom}
    try:
        naf = parse_naf(code)
    except ValueError as exc:
        ctx.problems.add(str(exc), rec.loc("naf"))
        return {}
    label = naf_label(naf)
    if label is None:
        ctx.problems.add(f"NAF code {code!r} does not exist in NAF rév. 2", rec.loc("naf"))
        return {}
    return {"naf": naf, "naf_nomenclature": nom, "naf_label": label, "naf_section": naf_section(naf)}


def _address(rec: Record) -> str | None:
    street = " ".join(p for p in (rec.get("street_number"), rec.get("street_repeat"), rec.get("street_type"),
                                  rec.get("street")) if p)
    parts = [p for p in (rec.get("address_extra"), street) if p]
    return ", ".join(parts) or None


def _flag(rec: Record, name: str, ctx, accepted=("O", "N")) -> str | None:
    value = rec.get(name)
    if value is None:
        return None
    value = value.upper()
    if value not in accepted:
        ctx.problems.add(f"{rec.headers.get(name, name)} must be {' or '.join(accepted)}, not {value!r}", rec.loc(name))
        return None
    return value


def transform(records: list[Record], ctx) -> GraphBatch:
    table = ctx.table
    if not isinstance(table, SireneTable):  # read by another reader (a test, a tool)
        raise ConfigError("the sirene kind reads its files with its own reader")
    _notes(table, ctx)
    if table.layout == "units":
        return _units(records, ctx)
    return _establishments(records, ctx)


def _kind_option(ctx) -> str | None:
    kind = ctx.options.get("kind")
    if kind and kind not in KINDS:
        ctx.problems.add(f"option kind={kind!r} is not a kind of organisation ({', '.join(KINDS)})")
        return None
    return kind


def _missing_communes(table: SireneTable, records: list[Record], ctx) -> None:
    """Rows the reader left out for their commune: errors under -o strict=true; none kept at all is an error
    that says to load the territory first."""
    column = table.commune_header if table.missing_rows else None
    for row, code, reason in table.missing_rows:  # strict: a commune not in the graph is an error
        if reason == "not_in_graph":
            ctx.problems.add(f"commune code {code!r} is not in the graph (-o strict=true; load its territory first: "
                             "eitgraph load territory perimetre-epci-a-fp.csv -o departement=…)",
                             table.location(row, column))
        else:
            ctx.problems.add(f"commune code {code!r} is not in the Code officiel géographique (-o strict=true)",
                             table.location(row, column))
    if len(table.missing_rows) == 1000:
        n = table.skipped.get("not_in_graph", 0) + table.skipped.get("unknown_commune", 0)
        ctx.problems.add(f"{n:,} establishments in all have a commune outside the graph; the first 1,000 are listed",
                         table.location())
    if table.skipped.get("not_in_graph") and not records and not table.missing_rows:
        raise ConfigError(f"{table.file}: none of the establishments of {table.filter_text} has its commune in the "
                          "graph: load the territory first (eitgraph load territory perimetre-epci-a-fp.csv "
                          "-o departement=…)")


def _coordinates(rec: Record, commune: str, ctx) -> tuple[float | None, float | None, int]:
    """(lat, lon) from the legal projection of the commune's département, and 1 when that projection is
    one eitgraph does not convert (collectivités d'outre-mer)."""
    x, y = rec.get("lambert_x"), rec.get("lambert_y")
    if x is None or y is None:
        return None, None, 0
    dep = departement_of(commune)
    point = legal_to_wgs84(x, y, dep)
    if point is not None:
        return round(point[0], 6), round(point[1], 6), 0
    if len(dep) == 3 and dep not in ("971", "972", "973", "974", "976"):
        return None, None, 1  # collectivités d'outre-mer: no legal projection known here
    projection = "UTM" if dep.startswith("97") else "Lambert-93 in metropolitan France"
    ctx.problems.add(f"coordinates ({x:g}, {y:g}) are not {projection} (the legal projection of "
                     f"département {dep})", rec.loc("lambert_x"))
    return None, None, 0


def _establishment_notes(table: SireneTable, ctx, resolved: dict, other_nomenclatures: dict,
                         no_projection: int) -> None:
    where = table.location()
    if resolved:
        parts = [f"{n:,} {_RESOLVED.get(k, _RESOLVED[''])}"
                 for k, n in sorted(resolved.items())]
        ctx.note("sirene_commune_resolved", f"establishments placed in today's commune: {'; '.join(parts)}", where)
    if other_nomenclatures:
        shown = ", ".join(f"{n:,} {k}" for k, n in sorted(other_nomenclatures.items()))
        ctx.note("sirene_old_nomenclature", f"activity codes of older nomenclatures kept with their nomenclature, "
                 f"without NAF rév. 2 label: {shown}", where)
    if no_projection:
        ctx.note("sirene_no_projection", f"{no_projection:,} establishments in collectivités d'outre-mer: their "
                 "coordinates are in a projection eitgraph does not convert; left without coordinates", where)


_RESOLVED = {"arrondissement": "in an arrondissement municipal",
             "": "with the code of a former commune (now déléguée or associée)"}


def _establishments(records: list[Record], ctx) -> GraphBatch:
    batch = GraphBatch()
    table: SireneTable = ctx.table
    _missing_communes(table, records, ctx)
    kind_option = _kind_option(ctx)
    if ctx.problems.items and kind_option is None and ctx.options.get("kind"):
        return batch
    ref = reference()
    nomenclature_column = "naf_nomenclature" in (records[0].headers if records else {})
    resolved: dict[str, int] = {}
    other_nomenclatures: dict[str, int] = {}
    no_projection = 0
    for rec in records:
        siret, state = rec.get("siret"), (rec.get("state") or "").upper()
        raw = rec.get("insee")
        if not siret or not raw:
            if siret and not raw:
                ctx.problems.add("required value missing", rec.loc("insee"))
            continue
        if state not in {"A", "F"}:
            ctx.problems.add(f"etatAdministratifEtablissement must be A or F, not {state!r}" if state
                             else "required value missing", rec.loc("state"))
            continue
        diffusion = _flag(rec, "diffusion", ctx, ("O", "P"))
        commune = ref.current(raw)
        if commune is None:  # strict, or an extract read whole: report it
            ctx.problems.add(f"commune code {raw!r} is not in the Code officiel géographique", rec.loc("insee"))
            continue
        if commune != raw:
            kind_of = ref.kind_of.get(raw, "")
            resolved[kind_of] = resolved.get(kind_of, 0) + 1
        activity = _activity(rec, ctx, nomenclature_column)
        if activity.get("naf_nomenclature") not in (None, "NAFRev2"):
            n = activity["naf_nomenclature"]
            other_nomenclatures[n] = other_nomenclatures.get(n, 0) + 1
        lat, lon, unprojected = _coordinates(rec, commune, ctx)
        no_projection += unprojected
        unit_kind = kind_of_legal_category(legal_category_code(rec.get("legal_category")),
                                           ess=(rec.get("ess") or "").upper() == "O")
        kind = kind_option or unit_kind or "company"
        # No name of its own: « Établissement <SIRET> », until its legal unit names it (eitgraph.load.units).
        name = rec.get("denomination") or rec.get("enseigne") or rec.get("unit_name") or placeholder(siret)
        props = {
            "name": name, "kind": kind, "siret": siret, "siren": rec.get("siren") or siret[:9],
            **activity, "headcount_band": rec.get("headcount_band"), "commune_code": commune,
            **located((lat, lon) if lat is not None else None), "active": state == "A", "address": _address(rec),
            "postal_code": rec.get("postal_code"), "partial_diffusion": True if diffusion == "P" else None,
        }
        batch.node("Organisation", siret, props, [KINDS[kind].label], rec.loc("siret"))
        batch.rel("LOCATED_IN", "Organisation", siret, "Territory", commune, location=rec.loc("insee"))
    _establishment_notes(table, ctx, resolved, other_nomenclatures, no_projection)
    return batch


def unit_name(rec: Record) -> str | None:
    """The legal name: ``denominationUniteLegale``, else « prénom nom » of an individual."""
    if rec.get("unit_name"):
        return rec.get("unit_name")
    person = " ".join(p for p in (rec.get("first_name"), rec.get("last_name")) if p)
    return person or None


def _units(records: list[Record], ctx) -> GraphBatch:
    batch = GraphBatch()
    nomenclature_column = "naf_nomenclature" in (records[0].headers if records else {})
    for rec in records:
        siren = rec.get("siren")
        if not siren:
            continue
        state = (rec.get("state") or "").upper() or None
        if state not in (None, "A", "C"):
            ctx.problems.add(f"etatAdministratifUniteLegale must be A or C, not {state!r}", rec.loc("state"))
            continue
        diffusion = _flag(rec, "diffusion", ctx, ("O", "P"))
        ess = _flag(rec, "ess", ctx)
        size = rec.get("company_size")
        if size and size.upper() not in ("PME", "ETI", "GE"):
            ctx.problems.add(f"categorieEntreprise must be PME, ETI or GE, not {size!r}", rec.loc("company_size"))
            size = None
        category = rec.get("legal_category")
        code = legal_category_code(category)
        if category and code is None:
            ctx.problems.add(f"categorieJuridiqueUniteLegale {category!r} is not a legal category (4 digits)",
                             rec.loc("legal_category"))
        activity = _activity(rec, ctx, nomenclature_column)
        nic = rec.get("nic_siege")
        batch.node("LegalUnit", siren, {
            "name": unit_name(rec), "acronym": rec.get("acronym"), "legal_category": code,
            "kind": kind_of_legal_category(code, ess == "O"), "ess": {"O": True, "N": False}.get(ess),
            "company_size": size.upper() if size else None, **activity,
            "headcount_band": rec.get("headcount_band"), "active": None if state is None else state == "A",
            "head_office": siren + nic if nic and re.fullmatch(r"\d{5}", nic) else None,
            "partial_diffusion": True if diffusion == "P" else None,
        }, location=rec.loc("siren"))
    return batch

