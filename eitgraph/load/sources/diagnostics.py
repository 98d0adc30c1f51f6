"""Company flow diagnostics → flows (OUTPUTS / INPUTS), materials, partners and SUPPLIES.

Consultancies' workbooks come as they are: title rows above the header (found by the common reader),
or one sheet per company (``-o site_from=sheet``: every sheet read, the site being the sheet's name, a
cell, or a « Entreprise : … » line above the header); treatments as operation codes of the Waste
Framework Directive (R1–R13, D1–D15) or in words; quantities with their unit in the cell (« 1 200 unités »).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import InputError, Location, Problems
from ...model.materials import (
    category_code,
    category_of_low,
    known_low_code,
    normalise_quantity,
    split_quantity,
    split_unit,
    waste_codes,
)
from ...model.organisation_kinds import KINDS
from ...model.treatments import treatment_of
from ...present.text import text
from ...values import fold, parse_boolean, slug
from ..coordinates import located, point
from ..excel import open_workbook
from ..graphbatch import GraphBatch
from ..headers import first_rows, sheet_names
from ..identity import looks_like_handle, name_key
from ..records import Record
from ..tables import EXCEL_SUFFIXES, Table, read_table

# -- one sheet per site -----------------------------------------------------------------------------

ROWS_PER_SHEET = 1_000_000  # row ids of a sheet-per-site table: sheet index × this + row
_LABELLED = re.compile(r"^\s*(entreprise|site|etablissement|société|societe|structure|raison sociale|nom)\s*[:：]\s*(.+)$",
                       re.IGNORECASE)
_LABELS = {"entreprise", "site", "etablissement", "societe", "structure", "raison sociale", "nom de l entreprise",
           "nom du site"}

# The sheets `eitgraph template` adds beside the data (help, hidden lists), in every language: never sites.
TEMPLATE_SHEETS = frozenset(fold(text(lang, key)) for lang in ("fr", "en")
                            for key in ("workbook.help", "workbook.lists"))


@dataclass
class SheetsTable(Table):
    """The flows of every sheet of a workbook, one site per sheet. Rows are numbered ``sheet index ×
    ROWS_PER_SHEET + row`` so that each problem names its sheet and row."""

    sheets: list[str] = field(default_factory=list)
    read_notes: list[str] = field(default_factory=list)

    def location(self, row: int | None = None, column: str | None = None) -> Location:
        if row is None:
            return Location(self.file, None, None, column)
        return Location(self.file, self.sheets[row // ROWS_PER_SHEET], row % ROWS_PER_SHEET, column)


def _site_of(path: Path, sheet: str, how: str, titles: list[tuple[int, list[str | None]]]) -> str | None:
    if how == "sheet":
        return sheet.strip() or None
    if how == "title":
        for _, cells in titles:
            values = [c for c in cells if c]
            for i, cell in enumerate(values):
                m = _LABELLED.match(cell)
                if m:
                    return m[2].strip()
                if fold(cell) in _LABELS and i + 1 < len(values):
                    return values[i + 1]
        return None
    wb = open_workbook(path)
    try:
        value = wb[sheet][how].value
    finally:
        wb.close()
    return str(value).strip() if value not in (None, "") else None


def _site_rule(how: str, file: str) -> str:
    """``-o site_from`` checked: sheet, title or a cell reference (upper case)."""
    how = how.strip()
    if fold(how) not in ("sheet", "title") and not re.fullmatch(r"[A-Za-z]{1,3}[1-9]\d{0,6}", how):
        raise InputError(f"-o site_from={how!r}: write sheet (the sheet's name), title (a « Entreprise : … » line "
                         "above the header) or a cell reference such as B2", Location(file))
    return fold(how) if fold(how) in ("sheet", "title") else how.upper()


def _append_sheet(table: Table, index: dict[str, int], part: Table, site: str, spec, offset: int) -> None:
    """A sheet's rows added to the workbook's table: its columns matched by header (new ones appended), the
    site written in the site column when the sheet has none; row numbers offset per sheet."""
    headers = table.headers
    site_header = spec.columns["site"].aliases[0]
    columns = []
    for h in part.headers:
        key = fold(h) if h else None
        if key and key not in index:
            index[key] = len(headers)
            headers.append(h)
        columns.append(index.get(key) if key else None)
    has_site = any(spec.column_of(h) == "site" for h in part.headers if h)
    if not has_site and fold(site_header) not in index:
        index[fold(site_header)] = len(headers)
        headers.append(site_header)
    site_col = index.get(fold(site_header))
    for n, cells in part.rows:
        out: list[str | None] = [None] * len(headers)
        for j, v in enumerate(cells):
            if j < len(columns) and columns[j] is not None:
                out[columns[j]] = v
        if not has_site and site_col is not None and out[site_col] is None:
            out[site_col] = site
        table.rows.append((offset + n, out))


def read(path, sheet=None, encoding=None, delimiter=None, header_row: int | None = None, options: dict | None = None,
         lookup=None, spec=None) -> Table:
    """The common reader (title rows above the header found), or every sheet of a workbook with one sheet
    per site (``site_from``)."""
    path = Path(path)
    how = (options or {}).get("site_from")
    if not how:
        note = None
        if header_row is None:
            header_row, note = spec.locate_header(path, sheet, encoding, delimiter)
        table = read_table(path, sheet=sheet, encoding=encoding, delimiter=delimiter, header_row=header_row)
        if note:
            table.found_header = note
        return table
    file = str(path)
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        raise InputError("-o site_from reads the sheets of a workbook (.xlsx); this file has none", Location(file))
    how = _site_rule(how, file)
    skip = {fold(s) for s in (options or {}).get("skip_sheets") or []}
    names = [n for n in sheet_names(path) if fold(n) not in skip]
    if sheet:
        names = [sheet]
    problems = Problems()
    headers: list[str] = []
    index: dict[str, int] = {}
    table = SheetsTable(file, None, 1, headers, sheets=names)
    for i, name in enumerate(names):
        if not sheet and fold(name) in TEMPLATE_SHEETS:  # `eitgraph template`'s help and (hidden) lists
            table.read_notes.append(f"sheet {name!r} is the blank template's help or lists: not read")
            continue
        rows = first_rows(path, name)
        row = header_row
        if row is None:
            if not rows:
                table.read_notes.append(f"sheet {name!r} is empty: nothing read from it")
                continue
            try:
                row, _ = spec.locate_header(path, name)
            except InputError:
                row = None
            if row is None or spec.header_score(dict(rows).get(row, [])) < 2:
                expected = ", ".join(f"« {c.aliases[0]} »" for c in list(spec.columns.values())[1:6])
                problems.add(f"sheet {name!r} has no recognisable header row in its first rows (a row naming "
                             f"columns such as {expected}…); fix its headers, or leave it out with "
                             f"-o skip_sheets={name!r}", Location(file, name))
                continue
        site = _site_of(path, name, how, [r for r in rows if r[0] < row])
        if not site:
            problems.add(f"sheet {name!r}: no site found ({'cell ' + how if how not in ('sheet', 'title') else how} "
                         "is empty)", Location(file, name))
            continue
        part = read_table(path, sheet=name, header_row=row)
        _append_sheet(table, index, part, site, spec, i * ROWS_PER_SHEET)
        table.read_notes.append(f"sheet {name!r}: {len(part.rows)} rows, site {site!r}")
    problems.raise_if_any()
    width = len(headers)
    table.rows = [(n, cells + [None] * (width - len(cells))) for n, cells in table.rows]
    if not table.rows:
        raise InputError("no sheet holds flows", Location(file))
    return table


def _material(rec: Record, ctx) -> tuple[str | None, str | None]:
    """(material code, category) of a flow, or (None, None) after reporting the problem."""
    low, category = rec.get("low"), rec.get("category")
    code = None
    if low:
        try:
            code = known_low_code(low)
        except ValueError as exc:
            ctx.problems.add(str(exc), rec.loc("low"))
            return None, None
    if category:
        try:
            category = category_code(category)
        except ValueError as exc:
            ctx.problems.add(str(exc), rec.loc("category"))
            return None, None
    elif code:
        category = category_of_low(code)
    if not code and not category:
        ctx.problems.add("a flow needs a List of Waste code or a category", rec.loc("low"))
        return None, None
    return code or f"{category}:{slug(rec.get('label'))}", category


def partner_mention(batch: GraphBatch, text: str, kind: str, location) -> str:
    """A supplier or collector named by a diagnostic: the file says its name (or id, or SIRET) and
    what it does; :mod:`eitgraph.identity` finds it among the organisations of other files."""
    text = text.strip()
    compact = text.replace(" ", "")
    if compact.isdigit() and len(compact) == 14:
        key, props = compact, {"siret": compact, "name": None}
    else:
        key, props = "n:" + name_key(text), {"name": text}
        if looks_like_handle(text):  # may be another file's identifier: matched as one, never made an id
            props["_handle"] = text
    if key in batch.nodes.get("Organisation", {}):  # named on an earlier row: the first spelling stays
        return key
    props.update({"kind": kind, "_created": True})
    batch.node("Organisation", key, props, [KINDS[kind].label], location)
    return key


def transform(records: list[Record], ctx) -> GraphBatch:
    batch = GraphBatch()
    problems = ctx.problems
    create_missing = ctx.options.get("create_missing")
    if isinstance(create_missing, str):
        create_missing = parse_boolean(create_missing)
    seen_flows: dict[tuple, int] = {}

    def organisation(text: str, rec: Record, column: str, create: bool, kind: str) -> str:
        if create:
            return partner_mention(batch, text, kind, rec.loc(column))
        return batch.ref("Organisation", text, rec.loc(column),
                         "load the stakeholders first or use --option create_missing=true")

    for rec in records:
        site_text, direction, label = rec.get("site"), rec.get("direction"), rec.get("label")
        if not site_text or not direction or not label:
            continue
        site = organisation(site_text, rec, "site", bool(create_missing), "company")
        where = point(rec, ctx)
        if where and create_missing:  # a site this file creates: where it is
            batch.node("Organisation", site, located(where), location=rec.loc("lat"))
        code, category = _material(rec, ctx)
        partner = None
        if rec.get("partner"):
            partner = organisation(rec.get("partner"), rec, "partner", True,
                                   "waste_operator" if direction == "out" else "company")
        quantity, unit, written_unit, original = None, None, rec.get("unit"), None
        if rec.get("quantity") is not None:
            try:
                quantity, in_cell = split_quantity(rec.get("quantity"))
                original = quantity
            except ValueError as exc:
                problems.add(str(exc), rec.loc("quantity"))
            else:
                if in_cell:
                    if written_unit and rec.headers.get("unit") and fold(written_unit) != fold(in_cell):
                        problems.add(f"the quantity says {in_cell!r} but the unit column {written_unit!r}",
                                     rec.loc("quantity"))
                    written_unit = in_cell
        if quantity is not None:
            if quantity < 0:
                problems.add(f"negative quantity {quantity:g}", rec.loc("quantity"))
                quantity = None
            elif not written_unit:
                problems.add("a quantity needs a unit (kg, t, L, m3, kWh, MWh, unités)", rec.loc("unit"))
            elif category:
                try:
                    written, per = split_unit(written_unit)  # « t/an » in the unit column
                except ValueError:
                    written, per = written_unit, None
                try:
                    quantity, unit = normalise_quantity(quantity, written, rec.get("period") or per, category)
                except ValueError as exc:
                    problems.add(str(exc), rec.loc("unit"))
        if site is None or code is None:
            continue
        flow = f"{slug(label)}@{slug(rec.get('partner')) if partner else ''}"
        ident = (site, direction, flow)
        if ident in seen_flows:
            problems.add(f"duplicate flow: {site_text} already has this {direction} flow of {label!r} with the same "
                         f"partner (row {seen_flows[ident]})", rec.loc("label"))
            continue
        seen_flows[ident] = rec.row
        if code not in waste_codes():
            batch.node("Material", code, {"label": label, "category": category}, location=rec.loc("label"))
            batch.rel("IN_CATEGORY", "Material", code, "MaterialCategory", category, location=rec.loc("category"))
        status = rec.get("status") or "existing"
        props = {
            "flow": flow, "label": label, "category": category, "quantity": quantity, "unit": unit,
            "original_quantity": original,
            "original_unit": written_unit, "period": rec.get("period"),
            "partner": partner, "cost": rec.get("cost"), "comment": rec.get("comment"),
        }
        if direction == "out" and rec.get("treatment"):
            try:
                props["treatment"], props["treatment_code"] = treatment_of(rec.get("treatment"))
            except ValueError as exc:
                problems.add(str(exc), rec.loc("treatment"))
        rtype = "OUTPUTS" if direction == "out" else "INPUTS"
        batch.rel(rtype, "Organisation", site, "Material", code, props, rec.loc("label"), key=flow)
        if partner:
            src, dst = (site, partner) if direction == "out" else (partner, site)
            batch.rel("SUPPLIES", "Organisation", src, "Organisation", dst,
                      {"label": label, "category": category, "quantity": quantity, "unit": unit, "status": status},
                      rec.loc("partner"), key=code)
    return batch
