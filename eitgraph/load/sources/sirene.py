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

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import ConfigError, InputError, Location
from ...graphread import GraphRead
from ...model.communes import departement_of, reference
from ...model.geo import legal_to_wgs84
from ...model.legal import kind_of_legal_category, legal_category_code
from ...model.naf import naf_label, naf_section
from ...model.organisation_kinds import KINDS
from ...values import fold, parse_naf
from ..coordinates import located
from ..graphbatch import GraphBatch
from ..records import Record
from ..units import placeholder
from ..tables import EXCEL_SUFFIXES, Table, open_text, read_table, sniff_delimiter

ND = "[ND]"
NOMENCLATURES = ("NAFRev2", "NAFRev1", "NAF1993", "NAP")
# Units kept from a unit file without a territory filter, at most (the national file has 29 million).
MAX_UNITS_WITHOUT_FILTER = 2_000_000

# INSEE's columns (2025-12 layout; older layouts have fewer): columns of these lists that the loader
# does not read are left out silently, any other column is reported as unused.
ESTABLISHMENT_COLUMNS = (
    "siren nic siret statutDiffusionEtablissement dateCreationEtablissement trancheEffectifsEtablissement "
    "anneeEffectifsEtablissement activitePrincipaleRegistreMetiersEtablissement dateDernierTraitementEtablissement "
    "etablissementSiege nombrePeriodesEtablissement complementAdresseEtablissement numeroVoieEtablissement "
    "indiceRepetitionEtablissement dernierNumeroVoieEtablissement indiceRepetitionDernierNumeroVoieEtablissement "
    "typeVoieEtablissement libelleVoieEtablissement codePostalEtablissement libelleCommuneEtablissement "
    "libelleCommuneEtrangerEtablissement distributionSpecialeEtablissement codeCommuneEtablissement "
    "codeCedexEtablissement libelleCedexEtablissement codePaysEtrangerEtablissement libellePaysEtrangerEtablissement "
    "identifiantAdresseEtablissement coordonneeLambertAbscisseEtablissement coordonneeLambertOrdonneeEtablissement "
    "complementAdresse2Etablissement numeroVoie2Etablissement indiceRepetition2Etablissement typeVoie2Etablissement "
    "libelleVoie2Etablissement codePostal2Etablissement libelleCommune2Etablissement "
    "libelleCommuneEtranger2Etablissement distributionSpeciale2Etablissement codeCommune2Etablissement "
    "codeCedex2Etablissement libelleCedex2Etablissement codePaysEtranger2Etablissement "
    "libellePaysEtranger2Etablissement dateDebut etatAdministratifEtablissement enseigne1Etablissement "
    "enseigne2Etablissement enseigne3Etablissement denominationUsuelleEtablissement activitePrincipaleEtablissement "
    "nomenclatureActivitePrincipaleEtablissement caractereEmployeurEtablissement "
    "activitePrincipaleNAF25Etablissement").split()
UNIT_COLUMNS = (
    "siren statutDiffusionUniteLegale unitePurgeeUniteLegale dateCreationUniteLegale sigleUniteLegale "
    "sexeUniteLegale prenom1UniteLegale prenom2UniteLegale prenom3UniteLegale prenom4UniteLegale "
    "prenomUsuelUniteLegale pseudonymeUniteLegale identifiantAssociationUniteLegale trancheEffectifsUniteLegale "
    "anneeEffectifsUniteLegale dateDernierTraitementUniteLegale nombrePeriodesUniteLegale categorieEntreprise "
    "anneeCategorieEntreprise dateDebut etatAdministratifUniteLegale nomUniteLegale nomUsageUniteLegale "
    "denominationUniteLegale denominationUsuelle1UniteLegale denominationUsuelle2UniteLegale "
    "denominationUsuelle3UniteLegale categorieJuridiqueUniteLegale activitePrincipaleUniteLegale "
    "nomenclatureActivitePrincipaleUniteLegale nicSiegeUniteLegale economieSocialeSolidaireUniteLegale "
    "societeMissionUniteLegale caractereEmployeurUniteLegale activitePrincipaleNAF25UniteLegale").split()
OFFICIAL = {fold(c) for c in (*ESTABLISHMENT_COLUMNS, *UNIT_COLUMNS)}

# Columns each layout needs (names of loaders/sirene.yaml).
NEEDS = {"establishments": ("siret", "insee", "state"), "units": ("siren",)}
LAYOUT_WORDS = {"establishments": "StockEtablissement (establishments)", "units": "StockUniteLegale (legal units)"}


@dataclass
class SireneTable(Table):
    """The rows a SIRENE file keeps after the territory filter, and what was left out and why."""

    layout: str = "establishments"
    rows_read: int = 0
    skipped: dict[str, int] = field(default_factory=dict)       # reason -> rows
    examples: dict[str, list[str]] = field(default_factory=dict)  # reason -> a few values, for messages
    missing_rows: list[tuple[int, str, str]] = field(default_factory=list)  # (row, commune, reason): strict
    filter_text: str = ""
    nd_rows: int = 0


# -- recognising the file -------------------------------------------------------------------------

def layout_of(headers: list[str]) -> str | None:
    """``establishments``, ``units``, or None for a file that is no SIRENE stock file. History files
    and other SIRENE files raise an error that says what they are."""
    names = {h.strip() for h in headers}
    if "dateFin" in names:
        raise InputError("this is a SIRENE history file (it has a dateFin column: one row per period of each "
                         "unit or establishment), not a stock file; load StockEtablissement_utf8.zip or "
                         "StockUniteLegale_utf8.zip, which hold the current state")
    if "siretEtablissementPredecesseur" in names:
        raise InputError("this is the SIRENE file of successions (StockEtablissementLiensSuccession), not a stock "
                         "file; load StockEtablissement_utf8.zip or StockUniteLegale_utf8.zip")
    if "siret" in names and "codeCommuneEtablissement" in names:
        return "establishments"
    if "siren" in names and any(h.endswith("UniteLegale") for h in names) and "siret" not in names:
        return "units"
    if "siret" in names:
        return "establishments"
    return None


# -- reading: stream, filter, project -------------------------------------------------------------

class _Selection:
    """Which rows of a SIRENE file the load keeps: the communes (establishments) or SIRENs (units)."""

    def __init__(self, options: dict, lookup, layout: str, file: str):
        self.ref = reference()
        self.strict = bool(options.get("strict"))
        self.include_closed = bool(options.get("include_closed"))
        deps = [d.strip().upper().zfill(2) for d in options.get("departement") or []]
        territory = options.get("territory")
        read = GraphRead(lookup, None) if lookup else None  # the territory rule, written once there
        graph_communes: set[str] = set()
        if lookup:
            rows = lookup("MATCH (c:Commune) RETURN collect(c.code) AS codes", {})
            graph_communes = set(rows[0]["codes"]) if rows else set()
        self.graph = graph_communes
        self.departements = set(deps)
        if territory:
            rows = read.communes_within(territory) if read else []
            if not rows:
                raise ConfigError(f"option territory={territory!r}: no territory with communes has this code in the "
                                  "graph (load it first: eitgraph load territory perimetre-epci-a-fp.csv "
                                  "-o departement=…, then eitgraph load groupings for a PETR)")
            wanted = {r["code"] for r in rows}
            self.filter_text = f"territory {territory}"
        elif deps:
            wanted = {c for c in self.ref.names if departement_of(c) in self.departements}
            self.filter_text = f"département {', '.join(deps)}"
        else:
            wanted = set(graph_communes)
            self.filter_text = "the communes in the graph" if layout == "establishments" else "the file"
            if layout == "establishments" and not wanted:
                raise ConfigError(f"{file}: no commune is loaded, so no establishment can be placed: load the territory "
                                  "first (eitgraph load territory perimetre-epci-a-fp.csv -o departement=68), or give "
                                  "-o departement=… to choose the rows")
        self.wanted = wanted
        # Every COG code that stands for a wanted commune (itself, its arrondissements, old codes).
        self.codes = {code for code, parent in self.ref.parent.items() if parent in wanted} | wanted
        self.by_default = not territory and not deps
        self.sirens: set[str] | None = None
        if layout == "units" and (territory or deps):
            rows = lookup("MATCH (o:Organisation)-[:LOCATED_IN]->(c:Commune) WHERE c.code IN $codes "
                          "AND o.siren IS NOT NULL RETURN collect(DISTINCT o.siren) AS s",
                          {"codes": sorted(wanted)}) if lookup else []
            self.sirens = set(rows[0]["s"]) if rows else set()
            if not self.sirens:
                raise ConfigError(f"{file}: no establishment of {self.filter_text} is loaded, so no legal unit can be "
                                  "chosen: load StockEtablissement first (eitgraph load sirene "
                                  f"StockEtablissement_utf8.zip {_option_text(options)}), then this file")


def _option_text(options: dict) -> str:
    if options.get("territory"):
        return f"-o territory={options['territory']}"
    return f"-o departement={','.join(options.get('departement') or [])}"


def _iter_rows(path: Path, encoding, delimiter, sheet=None) -> tuple[list[str], object, str, str, str]:
    """(headers, iterator of (row number, cells), encoding, delimiter, what) for a CSV, zipped CSV or
    an Excel extract."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        table = read_table(path, sheet=sheet)
        rows = ((n, [c or "" for c in cells]) for n, cells in table.rows)
        return table.headers, rows, table.encoding, table.delimiter, path.name
    stream, used, what = open_text(path, encoding)
    first = stream.readline()
    delim = delimiter or sniff_delimiter(first)
    headers = [h.strip() for h in next(csv.reader([first], delimiter=delim), [])]

    def rows():
        reader = csv.reader(stream, delimiter=delim)
        ended = 1
        try:
            for cells in reader:
                start, ended = ended + 1, reader.line_num + 1
                yield start, cells
        except UnicodeDecodeError as exc:
            raise InputError(f"a byte after line {ended} is not valid {used}; save the file as UTF-8 or give "
                             "--encoding", Location(str(path), None, ended + 1)) from None
        except csv.Error as exc:
            raise InputError(f"the CSV cannot be read: {exc}", Location(str(path), None, ended + 1)) from None
        finally:
            stream.close()

    return headers, rows(), used, delim, what


def read(path, sheet=None, encoding=None, delimiter=None, header_row: int | None = None, options: dict | None = None,
         lookup=None, spec=None) -> SireneTable:
    """Read a SIRENE stock file (CSV, zipped CSV as INSEE publishes it, or an Excel extract), keeping the
    rows of the territory asked for and the columns the loader reads."""
    path = Path(path)
    options = options or {}
    if sheet and path.suffix.lower() not in EXCEL_SUFFIXES:
        raise InputError(f"--sheet {sheet!r} given but the file is not an Excel workbook", Location(str(path)))
    headers, rows, used, delim, what = _iter_rows(path, encoding, delimiter, sheet)
    file = str(path)
    try:
        layout = layout_of(headers)
    except InputError as exc:
        raise InputError(exc.problem, Location(file, None, 1)) from None
    if layout is None:
        raise InputError("this is not a SIRENE stock file: its header has neither siret and "
                         "codeCommuneEtablissement (StockEtablissement) nor siren and …UniteLegale columns "
                         f"(StockUniteLegale); found {', '.join(headers[:6])}…", Location(file, None, 1))
    if header_row not in (None, 1):
        raise InputError("a SIRENE file has its header on row 1; --header-row does not apply", Location(str(path)))
    if spec is None:
        from ..spec import LoaderSpec  # the spec module imports the registry, which imports this one

        spec = LoaderSpec.load("sirene")
    index = {fold(a): col.name for col in spec.columns.values() for a in (*col.aliases, col.name)}
    keep = [i for i, h in enumerate(headers) if h and (fold(h) in index or fold(h) not in OFFICIAL)]
    col = {index[fold(headers[i])]: i for i in reversed(keep) if fold(headers[i]) in index}
    missing = [n for n in NEEDS[layout] if n not in col]
    if missing:
        names = [spec.columns[n].aliases[0] for n in missing]
        raise InputError(f"a {LAYOUT_WORDS[layout]} file needs the column(s) {', '.join(names)}",
                         Location(file, None, 1, names[0]))
    selection = _Selection(options, lookup, layout, file)
    table = SireneTable(file, None, 1, [headers[i] for i in keep], encoding=used, delimiter=delim, layout=layout,
                        filter_text=selection.filter_text)
    if layout == "establishments":
        _select_establishments(table, rows, keep, col, selection)
    else:
        _select_units(table, rows, keep, col, selection)
    return table


def _project(cells: list[str], keep: list[int], width: int) -> tuple[list[str | None], bool]:
    out, nd = [], False
    for i in keep:
        v = cells[i].strip() if i < width else ""
        if v == ND:
            nd, v = True, ""
        out.append(v or None)
    return out, nd


def _select_establishments(table: SireneTable, rows, keep, col, sel: _Selection) -> None:
    i_commune, i_state = col["insee"], col["state"]
    i_country = col.get("country")
    codes, graph, parent_of = sel.codes, sel.graph, sel.ref.parent
    by_default, include_closed, strict = sel.by_default, sel.include_closed, sel.strict
    skipped = {"closed": 0, "outside": 0, "abroad": 0, "not_in_graph": 0, "unknown_commune": 0}
    examples: dict[str, list[str]] = {"not_in_graph": [], "unknown_commune": []}
    kept, missing = table.rows, table.missing_rows
    n = nd_rows = 0
    for row_no, cells in rows:
        n += 1
        width = len(cells)
        code = cells[i_commune].strip() if i_commune < width else ""
        if code in codes:
            if (cells[i_state].strip() if i_state < width else "") == "F" and not include_closed:
                skipped["closed"] += 1
                continue
            if parent_of.get(code, code) in graph:
                values, nd = _project(cells, keep, width)
                nd_rows += nd
                kept.append((row_no, values))
                continue
            reason = "not_in_graph"  # a commune of the département asked for that the graph does not hold
        elif not code:
            if i_country is not None and i_country < width and cells[i_country].strip():
                skipped["abroad"] += 1
                continue
            reason, code = "unknown_commune", f"row {row_no}: no commune code"
        elif code not in parent_of:  # not a code of the Code officiel géographique
            if not by_default and departement_of(code) not in sel.departements:
                skipped["outside"] += 1
                continue
            reason = "unknown_commune"
        elif by_default:  # without a filter, every row is meant to be loaded
            reason = "not_in_graph"
        else:
            skipped["outside"] += 1
            continue
        skipped[reason] += 1
        _example(examples, reason, code)
        if strict and len(missing) < 1000:
            missing.append((row_no, code, reason))
    table.rows_read, table.nd_rows = n, nd_rows
    table.skipped = {k: v for k, v in skipped.items() if v}
    table.examples = examples


def _select_units(table: SireneTable, rows, keep, col, sel: _Selection) -> None:
    i_siren, i_state = col["siren"], col.get("state")
    sirens, include_closed = sel.sirens, sel.include_closed
    skipped = {"closed": 0, "outside": 0}
    kept = table.rows
    n = nd_rows = 0
    for row_no, cells in rows:
        n += 1
        width = len(cells)
        if sirens is not None and (cells[i_siren].strip() if i_siren < width else "") not in sirens:
            skipped["outside"] += 1
            continue
        if i_state is not None and i_state < width and cells[i_state].strip() == "C" and not include_closed:
            skipped["closed"] += 1
            continue
        values, nd = _project(cells, keep, width)
        nd_rows += nd
        kept.append((row_no, values))
        if sirens is None and len(kept) > MAX_UNITS_WITHOUT_FILTER:
            raise InputError(f"this legal-unit file has more than {MAX_UNITS_WITHOUT_FILTER:,} units: give "
                             "-o departement=… or -o territory=… to keep the units of the establishments loaded "
                             "there (load StockEtablissement first)", Location(table.file, None, row_no))
    table.rows_read, table.nd_rows = n, nd_rows
    table.skipped = {k: v for k, v in skipped.items() if v}


def _example(examples: dict[str, list[str]], reason: str, value: str) -> None:
    shown = examples[reason]
    if len(shown) < 5 and value not in shown:
        shown.append(value)


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


def _establishments(records: list[Record], ctx) -> GraphBatch:
    batch = GraphBatch()
    table: SireneTable = ctx.table
    column = _header(table, "insee") if table.missing_rows else None
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
        lat = lon = None
        x, y = rec.get("lambert_x"), rec.get("lambert_y")
        if x is not None and y is not None:
            dep = departement_of(commune)
            point = legal_to_wgs84(x, y, dep)
            if point is not None:
                lat, lon = round(point[0], 6), round(point[1], 6)
            elif len(dep) == 3 and dep not in ("971", "972", "973", "974", "976"):
                no_projection += 1  # collectivités d'outre-mer: no legal projection known here
            else:
                projection = "UTM" if dep.startswith("97") else "Lambert-93 in metropolitan France"
                ctx.problems.add(f"coordinates ({x:g}, {y:g}) are not {projection} (the legal projection of "
                                 f"département {dep})", rec.loc("lambert_x"))
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
    where = table.location()
    if resolved:
        parts = [f"{n:,} {'in an arrondissement municipal' if k == 'arrondissement' else 'with the code of a former commune (now déléguée or associée)'}"
                 for k, n in sorted(resolved.items())]
        ctx.note("sirene_commune_resolved", f"establishments placed in today's commune: {'; '.join(parts)}", where)
    if other_nomenclatures:
        shown = ", ".join(f"{n:,} {k}" for k, n in sorted(other_nomenclatures.items()))
        ctx.note("sirene_old_nomenclature", f"activity codes of older nomenclatures kept with their nomenclature, "
                 f"without NAF rév. 2 label: {shown}", where)
    if no_projection:
        ctx.note("sirene_no_projection", f"{no_projection:,} establishments in collectivités d'outre-mer: their "
                 "coordinates are in a projection eitgraph does not convert; left without coordinates", where)
    return batch


def _header(table: Table, name: str) -> str:
    from ..spec import LoaderSpec

    spec = LoaderSpec.load("sirene")
    aliases = {fold(a) for a in spec.columns[name].aliases}
    return next((h for h in table.headers if fold(h) in aliases), spec.columns[name].aliases[0])


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

