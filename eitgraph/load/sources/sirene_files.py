"""Reading INSEE SIRENE stock files: recognised by their header, streamed (zipped or not) and filtered by
territory, so that memory follows the rows kept, not the file's size (see :mod:`.sirene`)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import ConfigError, InputError, Location
from ...graphread import GraphRead
from ...model.communes import departement_of, reference
from ...safety.writing import CONTROL
from ...values import fold
from ..streams import open_text
from ..tables import (
    EXCEL_SUFFIXES,
    ControlChars,
    Table,
    check_header,
    check_record,
    csv_error,
    read_table,
    sniff_delimiter,
)

ND = "[ND]"
NOMENCLATURES = ("NAFRev2", "NAFRev1", "NAF1993", "NAP")
# Units kept from a unit file without a territory filter, at most (the national file has 29 million).
MAX_UNITS_WITHOUT_FILTER = 2_000_000

# INSEE's columns (2025-12 layout; older layouts have fewer): columns of these lists that the loader
# does not read are left out silently, any other column is reported as unused.
ESTABLISHMENT_COLUMNS = [
    "siren", "nic", "siret", "statutDiffusionEtablissement", "dateCreationEtablissement",
    "trancheEffectifsEtablissement", "anneeEffectifsEtablissement", "activitePrincipaleRegistreMetiersEtablissement",
    "dateDernierTraitementEtablissement", "etablissementSiege", "nombrePeriodesEtablissement",
    "complementAdresseEtablissement", "numeroVoieEtablissement", "indiceRepetitionEtablissement",
    "dernierNumeroVoieEtablissement", "indiceRepetitionDernierNumeroVoieEtablissement", "typeVoieEtablissement",
    "libelleVoieEtablissement", "codePostalEtablissement", "libelleCommuneEtablissement",
    "libelleCommuneEtrangerEtablissement", "distributionSpecialeEtablissement", "codeCommuneEtablissement",
    "codeCedexEtablissement", "libelleCedexEtablissement", "codePaysEtrangerEtablissement",
    "libellePaysEtrangerEtablissement", "identifiantAdresseEtablissement", "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement", "complementAdresse2Etablissement", "numeroVoie2Etablissement",
    "indiceRepetition2Etablissement", "typeVoie2Etablissement", "libelleVoie2Etablissement",
    "codePostal2Etablissement", "libelleCommune2Etablissement", "libelleCommuneEtranger2Etablissement",
    "distributionSpeciale2Etablissement", "codeCommune2Etablissement", "codeCedex2Etablissement",
    "libelleCedex2Etablissement", "codePaysEtranger2Etablissement", "libellePaysEtranger2Etablissement", "dateDebut",
    "etatAdministratifEtablissement", "enseigne1Etablissement", "enseigne2Etablissement", "enseigne3Etablissement",
    "denominationUsuelleEtablissement", "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement", "caractereEmployeurEtablissement",
    "activitePrincipaleNAF25Etablissement",
]
UNIT_COLUMNS = [
    "siren", "statutDiffusionUniteLegale", "unitePurgeeUniteLegale", "dateCreationUniteLegale", "sigleUniteLegale",
    "sexeUniteLegale", "prenom1UniteLegale", "prenom2UniteLegale", "prenom3UniteLegale", "prenom4UniteLegale",
    "prenomUsuelUniteLegale", "pseudonymeUniteLegale", "identifiantAssociationUniteLegale",
    "trancheEffectifsUniteLegale", "anneeEffectifsUniteLegale", "dateDernierTraitementUniteLegale",
    "nombrePeriodesUniteLegale", "categorieEntreprise", "anneeCategorieEntreprise", "dateDebut",
    "etatAdministratifUniteLegale", "nomUniteLegale", "nomUsageUniteLegale", "denominationUniteLegale",
    "denominationUsuelle1UniteLegale", "denominationUsuelle2UniteLegale", "denominationUsuelle3UniteLegale",
    "categorieJuridiqueUniteLegale", "activitePrincipaleUniteLegale", "nomenclatureActivitePrincipaleUniteLegale",
    "nicSiegeUniteLegale", "economieSocialeSolidaireUniteLegale", "societeMissionUniteLegale",
    "caractereEmployeurUniteLegale", "activitePrincipaleNAF25UniteLegale",
]
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
    commune_header: str = ""  # the header of the commune code column, for messages about those rows
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


def _iter_rows(path: Path, encoding, delimiter, sheet=None) -> tuple[list[str], object, str, str, str, object]:
    """(headers, iterator of (row number, cells), encoding, delimiter, what, control characters removed) for a
    CSV, zipped CSV or an Excel extract. A streamed CSV gets the checks of the common reader, row by row: a
    quote left open, a cell or a row no spreadsheet holds, control characters (removed, and said)."""
    if path.suffix.lower() in (*EXCEL_SUFFIXES, ".xls"):  # an extract saved from a spreadsheet (.xls refused)
        table = read_table(path, sheet=sheet)
        rows = ((n, [c or "" for c in cells]) for n, cells in table.rows)
        return table.headers, rows, table.encoding, table.delimiter, path.name, None
    stream, used, what = open_text(path, encoding)
    file = str(path)
    try:
        first = stream.readline()
    except UnicodeDecodeError:
        stream.close()
        raise InputError(f"the header is not valid {used}; save the file as UTF-8 or give --encoding",
                         Location(file, None, 1)) from None
    delim = delimiter or sniff_delimiter(first)
    cells = next(csv.reader([first], delimiter=delim), [])
    check_header(cells, file, 1)
    headers = [CONTROL.sub("", h).strip() for h in cells]
    shape = Table(file, None, 1, headers)
    controls = ControlChars(lambda row, col: Location(file, None, row, col))

    def rows():
        # strict: a quote left open until the end of the file is an error, not one huge last cell.
        reader = csv.reader(stream, delimiter=delim, strict=True)
        ended = 1
        try:
            for cells in reader:
                start, ended = ended + 1, reader.line_num + 1
                check_record(shape, cells, start, ended - 1, delim)
                if any(CONTROL.search(c) for c in cells):
                    cells = [controls.clean(c, start, headers[i] if i < len(headers) else None)
                             for i, c in enumerate(cells)]
                yield start, cells
        except UnicodeDecodeError:
            raise InputError(f"a byte after line {ended} is not valid {used}; save the file as UTF-8 or give "
                             "--encoding", Location(file, None, ended + 1)) from None
        except csv.Error as exc:
            raise csv_error(exc, file, ended + 1, reader.line_num - ended) from None
        finally:
            stream.close()

    return headers, rows(), used, delim, what, controls


def read(path, sheet=None, encoding=None, delimiter=None, header_row: int | None = None, options: dict | None = None,
         lookup=None, spec=None) -> SireneTable:
    """Read a SIRENE stock file (CSV, zipped CSV as INSEE publishes it, or an Excel extract), keeping the
    rows of the territory asked for and the columns the loader reads."""
    path = Path(path)
    options = options or {}
    if sheet and path.suffix.lower() not in EXCEL_SUFFIXES:
        raise InputError(f"--sheet {sheet!r} given but the file is not an Excel workbook", Location(str(path)))
    headers, rows, used, delim, _what, controls = _iter_rows(path, encoding, delimiter, sheet)
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
    if spec is None:  # the spec module imports the registry, which imports this one: the loader passes it
        raise ConfigError("the SIRENE reader needs the loader's spec (spec=LoaderSpec.load('sirene'))")
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
        table.commune_header = headers[col["insee"]]
        _select_establishments(table, rows, keep, col, selection)
    else:
        _select_units(table, rows, keep, col, selection)
    if not table.rows_read:
        raise InputError("the file has a header but no data rows", Location(file, None, 1))
    if controls is not None:
        controls.note(table)
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
