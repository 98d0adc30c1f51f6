"""The bad-input battery (issues #11 and #16): every hostile or broken input, given to the real CLI.

Each case asserts the same four things: exit code 1, ONE message that says where the problem is (file,
sheet, row, column when they apply), no traceback, and a graph whose fingerprint (counts and a hash of
every property, see ``loadhelpers.fingerprint``) is what it was before.

The cases come in eight families: files that are not files (pipes, devices, URLs…), broken tables
(a quote never closed, a 1 MB cell, 100,000 columns…), hostile or damaged workbooks (truncated XML,
billion laughs, external entities…), reading options, values that make no sense (overflowing or
absurd quantities, dates in 2173, negative populations, swapped coordinates…), query parameters and
query files, output files (missing folder, full disk, no permission, a pipe), and RDF with a DTD. The
file-level families run against the eight tabular source kinds.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import load_haut_rhin
from loadhelpers import fingerprint, make_siret, write_csv

from eitgraph import shipped
from eitgraph.cli import cli

INJECTION = "x'}) MATCH (n) DETACH DELETE n //"
FILE_INJECTION = "x'}) MATCH (n) DETACH DELETE n RETURN 1 AS `"  # no « / » in a file name

# A header and a valid row for each tabular source kind (read-level failures do not depend on them,
# but every file looks like one of its kind).
KINDS: dict[str, tuple[list[str], list[str]]] = {
    "territory": (["dept", "siren", "raison_sociale", "nature_juridique", "insee", "nom_membre"],
                  ["68", "200036465", "CC de Thann-Cernay", "CC", "68063", "Cernay"]),
    "groupings": (["Code", "Nom", "Type", "Code membre"], ["PETR-X", "PETR X", "PETR", "200036465"]),
    "materials": (["Code", "Libellé"], ["15 01 01", "emballages en papier/carton"]),
    "stakeholders": (["Raison sociale", "Type d'acteur", "Code INSEE"], ["Ateliers du Rhin", "Entreprise", "68063"]),
    "sirene": (["siret", "etatAdministratifEtablissement", "codeCommuneEtablissement"],
               [make_siret("40012345", "0011"), "A", "68063"]),
    "diagnostics": (["Site", "Sens", "Matière", "Catégorie", "Quantité", "Unité", "Période"],
                    ["Ateliers du Rhin", "sortant", "cartons", "paper-cardboard", "12", "t", "an"]),
    "synergies": (["Identifiant", "Titre", "Type", "Statut", "Catégorie"],
                  ["S1", "Palettes", "mutualisation", "idée", "wood"]),
    "workshops": (["Atelier", "Intitulé", "Date", "Type", "Structure", "Présent"],
                  ["A1", "Lancement", "2024-03-01", "réunion", "Ateliers du Rhin", "oui"]),
}


@dataclass(frozen=True)
class Case:
    """``build(folder)`` writes what the case needs and returns the CLI arguments and the fragments the
    one error message must hold (the location first)."""

    name: str
    build: Callable[[Path], tuple[list[str], list[str]]]
    setup: Callable | None = None  # (monkeypatch) -> None, for cases that simulate the system


# -- the base graph and how a case is run ---------------------------------------------------------------

@pytest.fixture(scope="module")
def base(new_kb, haut_rhin, tmp_path_factory):
    kb = new_kb()
    load_haut_rhin(kb, haut_rhin)
    kb.load("materials", shipped.path("reference", "list_of_waste.csv"))
    folder = tmp_path_factory.mktemp("base")
    kb.load("stakeholders", write_csv(folder / "acteurs.csv", [
        ["Raison sociale", "Type d'acteur", "Code INSEE", "Latitude", "Longitude"],
        ["Ateliers du Rhin", "Entreprise", "68063", "47.8066", "7.1725"],
        ["Bois de Thann", "Entreprise", "68334", "", ""],
        ["Recyclerie de Thann", "Association", "68334", "", ""]]))
    kb.load("diagnostics", write_csv(folder / "diagnostics.csv", [
        KINDS["diagnostics"][0], KINDS["diagnostics"][1],
        ["Bois de Thann", "sortant", "chutes de bois", "wood", "40", "t", "an"]]))
    return kb, fingerprint(kb)


def invoke(kb, args: list[str]):
    return CliRunner().invoke(cli, ["--data-dir", str(kb.config.data_dir), "--database", kb.config.database,
                                    *args])


def check(base, tmp_path, monkeypatch, case: Case) -> str:
    kb, before = base
    args, expected = case.build(tmp_path)
    if case.setup:
        case.setup(monkeypatch)
    started = time.monotonic()
    result = invoke(kb, args)
    monkeypatch.undo()
    output = result.output
    assert time.monotonic() - started < 60, "no case may hang"
    assert result.exit_code == 1, output
    assert type(result.exception) is SystemExit, repr(result.exception)   # a clean exit, not a crash
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if line.startswith("Error")]
    assert len(errors) == 1, output                                          # one message…
    message = output[output.index("Error"):]
    assert "problem(s) found" not in message or "1 problem(s) found" in message, message
    for fragment in expected:                                                # …that says where
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert fingerprint(kb) == before                                         # nothing changed
    return message


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_loads_its_valid_file(base, tmp_path, kind):
    """The files of the battery are each one change away from a good file of their kind."""
    kb, before = base
    result = invoke(kb, ["load", kind, str(csv_file(tmp_path, kind, [])), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert fingerprint(kb) == before


# -- helpers that write broken inputs -------------------------------------------------------------------

def csv_file(folder: Path, kind: str, rows: list[list], name: str | None = None, **kw) -> Path:
    header, row = KINDS[kind]
    return write_csv(folder / (name or f"{kind}.csv"), [header, *rows] if rows else [header, row], **kw)


def workbook(folder: Path, kind: str, name: str | None = None, rows: list[list] | None = None) -> Path:
    header, row = KINDS[kind]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Données"
    ws.append(header)
    for r in rows or [row]:
        ws.append(r)
    path = folder / (name or f"{kind}.xlsx")
    wb.save(path)
    return path


def rewrite_xlsx(src: Path, dst: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = change(item.filename, zin.read(item.filename))
            if data is not None:
                zout.writestr(item, data)
    src.unlink()
    return dst


SHEET = "xl/worksheets/sheet1.xml"
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
                     for i in range(1, 10)) + b"]>")
EXTERNAL = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _entity(dtd: bytes, entity: bytes) -> Callable[[str, bytes], bytes]:
    def change(name: str, data: bytes) -> bytes:
        if name != SHEET:
            return data
        first = data.index(b"<is><t>", data.index(b'r="A2"')) + len(b"<is><t>")
        end = data.index(b"</t>", first)
        return dtd + data[:first] + entity + data[end:]
    return change


# -- family 1: not a file -------------------------------------------------------------------------------

def _fifo(folder: Path, kind: str):
    path = folder / f"{kind}-fifo.csv"
    os.mkfifo(path)
    return ["load", kind, str(path)], [f"{path}: this is a pipe (FIFO)"]


def _pipe(folder: Path, kind: str):
    r, w = os.pipe()
    os.write(w, b"Raison sociale\n")
    path = f"/dev/fd/{r}"
    return ["load", kind, path], [f"{path}: this is a pipe (FIFO)"]


def _device(folder: Path, kind: str):
    return ["load", kind, "/dev/zero"], ["/dev/zero: this is a device"]


def _folder(folder: Path, kind: str):
    path = folder / f"{kind}.csv"
    path.mkdir()
    return ["load", kind, str(path)], [f"{path}: this is a folder"]


def _url(folder: Path, kind: str):
    return ["load", kind, f"http://example.org/{kind}.csv"], ["reads local files only"]


def _missing(folder: Path, kind: str):
    path = folder / "nowhere" / f"{kind}.csv"
    return ["load", kind, str(path)], [f"{path}: file not found"]


def _empty(folder: Path, kind: str):
    path = folder / f"{kind}.csv"
    path.write_bytes(b"")
    return ["load", kind, str(path)], [f"{path}: the file is empty"]


def _header_only(folder: Path, kind: str):
    path = write_csv(folder / f"{kind}.csv", [KINDS[kind][0]])
    return ["load", kind, str(path)], [f"{path}, row 1: the file has a header but no data rows"]


# -- family 2: broken tables ------------------------------------------------------------------------------

def _unclosed_quote(folder: Path, kind: str):
    header, row = KINDS[kind]
    lines = [";".join(header)] + [";".join(row) for _ in range(30)]
    lines[4] = '"' + lines[4]
    path = folder / f"{kind}-guillemet.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return ["load", kind, str(path)], [f"{path}, row 5: a quote (\") opened in this row is never closed"]


def _swallowed_rows(folder: Path, kind: str):
    header, row = KINDS[kind]
    lines = [";".join(header)] + [";".join(row) for _ in range(10)]
    lines[2] = '"' + lines[2]
    lines[6] = lines[6].replace(";", '";', 1)   # a second stray quote closes the first one rows later
    path = folder / f"{kind}-avale.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return ["load", kind, str(path)], [f"{path}, row 3, column {header[0]!r}: a quote (\") opened in this cell",
                                       "3 row(s) in between"]


def _cell_100k(folder: Path, kind: str):
    header, row = KINDS[kind]
    path = csv_file(folder, kind, [row, ["A" * 100_000, *row[1:]]])
    return ["load", kind, str(path)], [f"{path}, row 3, column {header[0]!r}: a cell holds 100,000 characters"]


def _cell_1mb(folder: Path, kind: str):
    row = KINDS[kind][1]
    path = csv_file(folder, kind, [row, ["B" * 1_000_000, *row[1:]]])
    return ["load", kind, str(path)], [f"{path}, row 3: a cell holds more than 32,767 characters"]


def _wide_header(folder: Path, kind: str):
    path = folder / f"{kind}-large.csv"
    path.write_text(";".join(f"c{i}" for i in range(100_000)) + "\r\n" + ";".join("x" * 100_000) + "\r\n")
    return ["load", kind, str(path)], [f"{path}, row 1: the header has 100,000 columns"]


def _wide_row(folder: Path, kind: str):
    row = KINDS[kind][1]
    path = csv_file(folder, kind, [row + [""] * 20_000])
    return ["load", kind, str(path)], [f"{path}, row 2: this row has 20,"]


def _duplicate_header(folder: Path, kind: str):
    header, row = KINDS[kind]
    path = write_csv(folder / f"{kind}-doublon.csv", [[*header, header[0]], [*row, row[0] + " bis"]])
    return ["load", kind, str(path)], [f"{path}, row 2, column {header[0]!r}: columns 1 and {len(header) + 1} are "
                                       f"both headed {header[0]!r}"]


def _bad_bytes(folder: Path, kind: str):
    header, row = KINDS[kind]
    path = folder / f"{kind}-octets.csv"
    path.write_bytes(";".join(header).encode() + b"\r\n" + ";".join(row).encode("utf-8") + b"\r\nCaf\x81;x\r\n")
    return ["load", kind, str(path)], [f"{path}, row 3:", "byte 0x81"]


def _cypher_file_name(folder: Path, kind: str):
    header, row = KINDS[kind]
    path = folder / f"{FILE_INJECTION}.csv"
    path.write_bytes((";".join(header) + '\r\n"' + ";".join(row) + "\r\n").encode())
    return ["load", kind, str(path), "--dataset", f"{kind}:{INJECTION}"], [f"{path}, row 2: a quote"]


# -- family 3: workbooks ------------------------------------------------------------------------------------

def _xlsx_truncated(folder: Path, kind: str):
    path = rewrite_xlsx(workbook(folder, kind), folder / f"{kind}-tronque.xlsx",
                        lambda n, d: d[: len(d) // 2] if n == SHEET else d)
    return ["load", kind, str(path)], [f"{path}, sheet 'Données': cannot read the sheet", "damaged"]


def _xlsx_no_sheet_xml(folder: Path, kind: str):
    path = rewrite_xlsx(workbook(folder, kind), folder / f"{kind}-sans-feuille.xlsx",
                        lambda n, d: None if n == SHEET else d)
    return ["load", kind, str(path)], [f"{path}: the workbook has no readable sheet"]


def _xlsx_billion_laughs(folder: Path, kind: str):
    path = rewrite_xlsx(workbook(folder, kind), folder / f"{kind}-lol.xlsx", _entity(LAUGHS, b"&lol9;"))
    return ["load", kind, str(path)], [f"{path}: its XML declares entities (a DTD), which eitgraph refuses"]


def _xlsx_external_entity(folder: Path, kind: str):
    path = rewrite_xlsx(workbook(folder, kind), folder / f"{kind}-xxe.xlsx", _entity(EXTERNAL, b"&xxe;"))
    return ["load", kind, str(path)], [f"{path}: its XML declares entities (a DTD), which eitgraph refuses"]


def _xlsx_not_a_zip(folder: Path, kind: str):
    path = folder / f"{kind}.xlsx"
    path.write_bytes(b"Raison sociale;Commune\r\nA;B\r\n")
    return ["load", kind, str(path)], [f"{path}: not a valid .xlsx workbook"]


def _xlsx_encrypted(folder: Path, kind: str):
    path = folder / f"{kind}.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    return ["load", kind, str(path)], [f"{path}: the workbook is password-protected"]


def _xlsx_wrong_sheet(folder: Path, kind: str):
    path = workbook(folder, kind)
    return ["load", kind, str(path), "--sheet", "Feuil9"], [f"{path}, sheet 'Feuil9': no sheet 'Feuil9'"]


def _xls(folder: Path, kind: str):
    path = folder / f"{kind}.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    return ["load", kind, str(path)], [f"{path}: old .xls workbooks are not supported"]


# -- family 4: reading options ------------------------------------------------------------------------------

def _two_char_delimiter(folder: Path, kind: str):
    path = csv_file(folder, kind, [])
    return ["load", kind, str(path), "--delimiter", ";;"], [f"{path}: --delimiter must be one character"]


def _quote_delimiter(folder: Path, kind: str):
    path = csv_file(folder, kind, [])
    return ["load", kind, str(path), "--delimiter", '"'], [f"{path}: --delimiter must be one character"]


def _unknown_encoding(folder: Path, kind: str):
    path = csv_file(folder, kind, [])
    return ["load", kind, str(path), "--encoding", "klingon"], [f"{path}: unknown encoding 'klingon'"]


FILE_CASES = {
    "fifo": _fifo, "pipe": _pipe, "device": _device, "folder": _folder, "url": _url, "missing": _missing,
    "empty": _empty, "header-only": _header_only,
    "unclosed-quote": _unclosed_quote, "swallowed-rows": _swallowed_rows, "cell-100k": _cell_100k,
    "cell-1mb": _cell_1mb, "100k-columns": _wide_header, "20k-cells-row": _wide_row,
    "duplicate-header": _duplicate_header, "bad-bytes": _bad_bytes, "cypher-file-name": _cypher_file_name,
    "xlsx-truncated": _xlsx_truncated, "xlsx-no-sheet-xml": _xlsx_no_sheet_xml,
    "xlsx-billion-laughs": _xlsx_billion_laughs, "xlsx-external-entity": _xlsx_external_entity,
    "xlsx-not-a-zip": _xlsx_not_a_zip, "xlsx-encrypted": _xlsx_encrypted, "xlsx-wrong-sheet": _xlsx_wrong_sheet,
    "xls": _xls, "two-char-delimiter": _two_char_delimiter, "quote-delimiter": _quote_delimiter,
    "unknown-encoding": _unknown_encoding,
}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("case", list(FILE_CASES))
def test_bad_file(base, tmp_path, monkeypatch, case, kind):
    check(base, tmp_path, monkeypatch, Case(case, lambda folder: FILE_CASES[case](folder, kind)))


# -- family 5: values that make no sense --------------------------------------------------------------------

def _diag(quantity: str, unit: str, period: str = "an", category: str = "wood"):
    def build(folder: Path):
        header = KINDS["diagnostics"][0]
        path = write_csv(folder / "diag.csv", [header, ["Bois de Thann", "sortant", "chutes", category, quantity,
                                                        unit, period]])
        return ["load", "diagnostics", str(path)], [f"{path}, row 2"]
    return build


def _dated(date: str, fragment: str):
    def build(folder: Path):
        header, row = KINDS["workshops"]
        path = write_csv(folder / "ateliers.csv", [header, [*row[:2], date, *row[3:]]])
        return ["load", "workshops", str(path)], [f"{path}, row 2, column 'Date'", fragment]
    return build


def _xlsx_dated(folder: Path):
    import datetime as dt
    row = KINDS["workshops"][1]
    path = workbook(folder, "workshops", rows=[[*row[:2], dt.datetime(2173, 10, 14), *row[3:]]])
    return ["load", "workshops", str(path)], [f"{path}, sheet 'Données', row 2, column 'Date'", "1900–2100"]


def _population(value: str):
    def build(folder: Path):
        header, row = KINDS["territory"]
        path = write_csv(folder / "perimetre.csv", [[*header, "total_pop_tot"], [*row, value]])
        return ["load", "territory", str(path)], [f"{path}, row 2, column 'total_pop_tot'"]
    return build


def _position(lat: str, lon: str, fragment: str):
    def build(folder: Path):
        path = write_csv(folder / "acteurs.csv", [["Raison sociale", "Type d'acteur", "Code INSEE", "Latitude",
                                                   "Longitude"], ["Ateliers du Rhin", "Entreprise", "68063", lat, lon]])
        return ["load", "stakeholders", str(path)], [f"{path}, row 2, column 'Latitude'", fragment]
    return build


def _synergy_jobs(value: str):
    def build(folder: Path):
        header, row = KINDS["synergies"]
        path = write_csv(folder / "synergies.csv", [[*header, "Emplois créés"], [*row, value]])
        return ["load", "synergies", str(path)], [f"{path}, row 2, column 'Emplois créés'"]
    return build


def _siret(text: str, fragment: str):
    def build(folder: Path):
        path = write_csv(folder / "acteurs.csv", [["Raison sociale", "Type d'acteur", "Code INSEE", "SIRET"],
                                                  ["Ateliers du Rhin", "Entreprise", "68063", text]])
        return ["load", "stakeholders", str(path)], [f"{path}, row 2, column 'SIRET'", fragment]
    return build


def _rdf(text: str, suffix: str, fragment: str):
    def build(folder: Path):
        path = folder / f"voisin{suffix}"
        path.write_text(text, encoding="utf-8")
        return ["load", "rdf", str(path)], [str(path.name), fragment]
    return build


RDF_DTD = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY x "pwned">]>\n'
           '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           'xmlns:eg="https://w3id.org/eitgraph/vocab#"><rdf:Description rdf:about="http://ex/a">'
           '<eg:name>&x;</eg:name></rdf:Description></rdf:RDF>\n')
TTL_HEAD = ("@prefix eg: <https://w3id.org/eitgraph/vocab#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
            '<https://w3id.org/eitgraph/id/organisation/a> a eg:Organisation ; eg:id "a" ; eg:name "A" ;\n')


def _xlsx_long_cell(folder: Path):

    def longer(name: str, data: bytes) -> bytes:
        return data.replace(b"<t>Ateliers du Rhin</t>", b"<t>" + b"A" * 40_000 + b"</t>") if name == SHEET else data
    path = rewrite_xlsx(workbook(folder, "stakeholders"), folder / "long.xlsx", longer)
    return ["load", "stakeholders", str(path)], [f"{path}, sheet 'Données', row 2, column 'Raison sociale'",
                                                 "40,000 characters"]


VALUE_CASES = {
    "xlsx-cell-40k": _xlsx_long_cell,
    "quantity-overflow": _diag("1e308", "t", "jour"),
    "quantity-absurd-mass": _diag("5000000000", "t"),
    "quantity-absurd-energy": _diag("2e14", "kWh", "an", "energy"),
    "quantity-absurd-volume": _diag("1e15", "m3", "an", "water"),
    "quantity-infinite": _diag("inf", "t"),
    "quantity-1e400": _diag("1e400", "t"),
    "quantity-negative": _diag("-3", "t"),
    "date-2173": _dated("2173-10-14", "1900–2100"),
    "date-1850": _dated("14/07/1850", "1900–2100"),
    "date-excel-99999": _dated("99999", "out of range"),
    "date-xlsx-2173": _xlsx_dated,
    "population-negative": _population("-5"),
    "population-huge": _population("1e30"),
    "position-swapped": _position("7.1725", "47.8066", "look swapped"),
    "position-outside-france": _position("52.52", "13.40", "outside France"),
    "position-not-degrees": _position("6770000", "1020000", "not degrees"),
    "position-half": _position("47.8", "", "together"),
    "jobs-negative": _synergy_jobs("-2"),
    "siret-arabic-digits-luhn": _siret("٧٣٢٨٢٩٣٢٠٠٠٠٧٥", "Luhn"),
    "siret-13-digits": _siret("7328293200007", "14 digits"),
    "rdf-xml-dtd-entity": _rdf(RDF_DTD, ".rdf", "declares a DTD"),
    "rdf-xml-billion-laughs": _rdf(LAUGHS.decode() + "<rdf:RDF/>", ".rdf", "declares a DTD"),
    "rdf-turtle-malformed": _rdf("@prefix eg: <x> .\n<a> eg:b ", ".ttl", "malformed Turtle"),
    "rdf-infinite-double": _rdf(TTL_HEAD + '  eg:lat "INF"^^xsd:double .\n', ".ttl", "not a finite number"),
}


@pytest.mark.parametrize("case", list(VALUE_CASES))
def test_bad_value(base, tmp_path, monkeypatch, case):
    check(base, tmp_path, monkeypatch, Case(case, VALUE_CASES[case]))


# -- family 6: options, query parameters, query files -------------------------------------------------------

def _args(*args: str, fragment: str = ""):
    return lambda folder: (list(args), [fragment])


def _option(kind: str, option: str, fragment: str):
    def build(folder: Path):
        path = csv_file(folder, kind if kind in KINDS else "stakeholders", [])  # options are checked first
        return ["load", kind, str(path), "-o", option], [fragment]
    return build


def _cypher_file(data: bytes, fragment: str, fifo: bool = False, named: bool = True):
    def build(folder: Path):
        path = folder / "question.cypher"
        if fifo:
            os.mkfifo(path)
        else:
            path.write_bytes(data)
        return ["query", str(path)], [str(path), fragment] if named else [fragment]
    return build


OPTION_CASES = {
    "create-missing-peut-etre": _option("diagnostics", "create_missing=peut-etre", "option 'create_missing' takes"),
    "unknown-option": _option("stakeholders", "territoire=68", "has no option territoire"),
    "budget-text-garder": _option("plans", "budget_text=garder", "option 'budget_text' takes one of error, keep"),
    "kind-martien": _option("stakeholders", "kind=martien", "option kind='martien' is not a kind"),
    "territory-injection": _option("stakeholders", f"territory={INJECTION}", "no territory with communes"),
    "max-length-negative": _args("query", "circular-loops", "-p", "max_length=-1", fragment="at least 2"),
    "max-length-huge": _args("query", "circular-loops", "-p", "max_length=99999999999999999999999",
                             fragment="at most 12"),
    "top-negative": _args("query", "hub-organisations", "-p", "top=-5", fragment="'top' must be at least 0"),
    "top-beyond-64-bits": _args("query", "hub-organisations", "-p", "top=9223372036854775808",
                                fragment="'top' must be at most"),
    "top-1e400": _args("query", "hub-organisations", "-p", "top=1e400", fragment="must be of type integer"),
    "top-text": _args("query", "hub-organisations", "-p", "top=beaucoup", fragment="must be of type integer"),
    "radius-negative": _args("query", "substitution-candidates", "-p", "radius_km=-1", fragment="at least 0"),
    "radius-nan": _args("query", "substitution-candidates", "-p", "radius_km=nan", fragment="type number"),
    "threshold-above-1": _args("query", "plan-action-overlaps", "-p", "threshold=7", fragment="at most 1"),
    "unknown-parameter": _args("query", "communes", "-p", "nope=1", fragment="has no parameter 'nope'"),
    "param-not-name-value": _args("query", "communes", "-p", "epci", fragment="expected NAME=VALUE"),
    "query-url": _args("query", "http://example.org/q.cypher", fragment="does not download"),
    "query-unknown": _args("query", f"{INJECTION}", fragment="unknown query"),
    "cypher-not-utf8": _cypher_file("// name: q\n// description: é\nRETURN 1 AS n\n".encode("cp1252"),
                                    "row 2: byte 0xe9 is not UTF-8"),
    "cypher-fifo": _cypher_file(b"", "this is a pipe (FIFO)", fifo=True),
    "cypher-syntax": _cypher_file(b"// name: q\n// description: d\nMATCH (n RETURN n\n", "Cypher syntax error",
                                  named=False),
    "drop-unknown-injection": _args("drop", INJECTION, "--yes", fragment="is loaded"),
    "history-unknown": _args("datasets", "--history", INJECTION, fragment="no dataset"),
}


@pytest.mark.parametrize("case", list(OPTION_CASES))
def test_bad_option_or_parameter(base, tmp_path, monkeypatch, case):
    check(base, tmp_path, monkeypatch, Case(case, OPTION_CASES[case]))


# -- family 7: output files ----------------------------------------------------------------------------------

def _out(fmt: str, target: Callable[[Path], str], fragment: str, command: tuple[str, ...] = ("query", "communes")):
    def build(folder: Path):
        out = target(folder)
        return [*command, "--format", fmt, "--out", out], [f"cannot write {out}", fragment]
    return build


def _fifo_out(folder: Path) -> str:
    os.mkfifo(folder / "sortie.csv")
    return str(folder / "sortie.csv")


def _full_disk(monkeypatch) -> None:
    """A disk that fills up while the file is written (there is no tiny tmpfs here: the write fails)."""
    from pathlib import Path as P

    real = P.write_text

    def write_text(self, *a, **kw):
        if self.name.startswith("."):
            real(self, "partial", encoding="utf-8")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, *a, **kw)
    monkeypatch.setattr(P, "write_text", write_text)


def _full_disk_xlsx(monkeypatch) -> None:
    import openpyxl.workbook.workbook as wbmod

    def save(self, filename):
        Path(filename).write_bytes(b"PK partial")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(filename))
    monkeypatch.setattr(wbmod.Workbook, "save", save)


def _no_permission(monkeypatch) -> None:
    real = os.open

    def guarded(path, flags, *a, **kw):
        if str(path).endswith(".tmp") and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real(path, flags, *a, **kw)
    monkeypatch.setattr(os, "open", guarded)


OUTPUT_CASES = {
    "csv-missing-folder": Case("", _out("csv", lambda f: str(f / "absent" / "x.csv"), "does not exist")),
    "xlsx-missing-folder": Case("", _out("xlsx", lambda f: str(f / "absent" / "x.xlsx"), "does not exist")),
    "json-missing-folder": Case("", _out("json", lambda f: str(f / "absent" / "x.json"), "does not exist")),
    "csv-dev-full": Case("", _out("csv", lambda f: "/dev/full", "the disk is full")),
    "xlsx-dev-full": Case("", _out("xlsx", lambda f: "/dev/full", "the disk is full")),
    "csv-unwritable-sys": Case("", _out("csv", lambda f: "/sys/eitgraph.csv", "permission denied")),
    "xlsx-unwritable-sys": Case("", _out("xlsx", lambda f: "/sys/eitgraph.xlsx", "permission denied")),
    "csv-onto-folder": Case("", _out("csv", lambda f: str(f), "it is a folder")),
    "csv-onto-fifo": Case("", _out("csv", _fifo_out, "it is a pipe")),
    "csv-full-disk": Case("", _out("csv", lambda f: str(f / "x.csv"), "the disk is full"), _full_disk),
    "xlsx-full-disk": Case("", _out("xlsx", lambda f: str(f / "x.xlsx"), "the disk is full"), _full_disk_xlsx),
    "csv-no-permission": Case("", _out("csv", lambda f: str(f / "x.csv"), "permission denied"), _no_permission),
    "indicators-missing-folder": Case("", _out("xlsx", lambda f: str(f / "absent" / "i.xlsx"), "does not exist",
                                               ("indicators",))),
    "template-missing-folder": Case("", lambda f: (["template", "diagnostics", "--out", str(f / "absent" / "t.xlsx")],
                                                   [f"cannot write {f / 'absent' / 't.xlsx'}", "does not exist"])),
}


@pytest.mark.parametrize("case", list(OUTPUT_CASES))
def test_bad_output(base, tmp_path, monkeypatch, case):
    check(base, tmp_path, monkeypatch, OUTPUT_CASES[case])
    # No half-written file is left behind (the temporary file next to the target is removed).
    assert not [p for p in tmp_path.rglob(".*.tmp")]


def test_rejects_workbook_that_cannot_be_written_stops_before_writing(base, tmp_path, monkeypatch):
    """--on-error skip writes the valid rows and hands back the others: when the rejects workbook cannot be
    written, nothing is loaded either (its folder is checked first)."""
    header, row = KINDS["stakeholders"]
    path = write_csv(tmp_path / "acteurs.csv", [[*header, "SIRET"], [*row, ""], ["Bois", "Entreprise", "68334", "1"]])
    out = tmp_path / "absent" / "rejets.xlsx"
    check(base, tmp_path, monkeypatch, Case("", lambda f: (["load", "stakeholders", str(path), "--on-error", "skip",
                                                             "--errors", str(out)], [f"cannot write {out}"])))


def test_the_battery_is_large_enough():
    total = len(FILE_CASES) * len(KINDS) + len(VALUE_CASES) + len(OPTION_CASES) + len(OUTPUT_CASES) + 1
    assert total >= 150 and len(KINDS) == 8


# -- what must keep working ---------------------------------------------------------------------------------

def test_a_far_declared_extent_is_read_to_the_real_cells(base, tmp_path):
    """An .xlsx declaring its extent as A1:XFD1048576, and holding a lone cell there: read in a moment, to
    the cells that exist (a dry run: nothing is written)."""
    kb, before = base
    path = workbook(tmp_path, "stakeholders")

    def far(name: str, data: bytes) -> bytes:
        if name != SHEET:
            return data
        data = data.replace(b'<dimension ref="A1:C2" />', b'<dimension ref="A1:XFD1048576" />')
        return data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>')
    path = rewrite_xlsx(path, tmp_path / "loin.xlsx", far)
    started = time.monotonic()
    result = invoke(kb, ["load", "stakeholders", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 20
    assert "1 rows read" in result.output
    assert fingerprint(kb) == before


def test_a_fifo_never_hangs_the_real_command(tmp_path):
    """The command itself, in its own process: a FIFO with no writer is refused at once."""
    fifo = tmp_path / "acteurs.csv"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "eitgraph.cli", "--data-dir", str(tmp_path / "data"), "load",
                           "stakeholders", str(fifo)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "this is a pipe (FIFO)" in done.stderr and "Traceback" not in done.stderr + done.stdout
