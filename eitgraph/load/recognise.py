"""Where to start: which kind a file is (from its headers), which shipped reference file a bare name means, and
which command loads what a load needs first.

>>> kind_hint_for("Material")
'eitgraph load materials list_of_waste.csv'
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .. import shipped
from ..errors import EitgraphError, InputError, Location, ValidationError
from ..safety.inputs import check_input_file, is_url
from ..values import fold
from .excel import open_workbook
from .headers import first_rows, sheet_names
from .notes import Note
from .sources.sirene_files import layout_of
from .spec import LoaderSpec, available_kinds
from .tables import EXCEL_SUFFIXES

RDF_SUFFIXES = (".ttl", ".jsonld", ".json-ld", ".nt", ".nq", ".rdf", ".owl", ".trig")

# The command that loads what another load needs, by the label of the missing node.
PREREQUISITES = {
    "Territory": "eitgraph load territory perimetre-epci-a-fp.csv -o departement=…",
    "Commune": "eitgraph load territory perimetre-epci-a-fp.csv -o departement=…",
    "Material": "eitgraph load materials list_of_waste.csv",
    "MaterialCategory": "eitgraph load materials list_of_waste.csv",
    "Measure": "eitgraph load referentiel referentiel-eci-structure.csv",
    "Organisation": "eitgraph load stakeholders YOUR-LIST.xlsx",
    "Plan": "eitgraph load plans YOUR-PLAN.xlsx",
}


def kind_hint_for(label: str) -> str | None:
    return PREREQUISITES.get(label)


@dataclass(frozen=True)
class Guess:
    kind: str
    score: int          # columns of the kind the headers name
    header_row: int
    headers: tuple[str, ...]  # the headers that named them
    missing: tuple[str, ...] = ()  # required columns not found


def _tet_workbook(path: Path) -> bool:
    """A Territoires en Transitions plan workbook: a sheet whose A2 is « Axe (x) » (as TeT's importer looks)."""
    try:
        wb = open_workbook(path)
    except InputError:
        return False
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows(min_row=2, max_row=2, max_col=1, values_only=True):
                if row and isinstance(row[0], str) and fold(row[0]).startswith("axe"):
                    return True
    finally:
        wb.close()
    return False


def guesses(path: str | Path, sheet: str | None = None) -> list[Guess]:
    """Every kind whose columns the file's header names, best first (required columns all present first)."""
    path = Path(path)
    if path.suffix.lower() in RDF_SUFFIXES:
        return [Guess("rdf", 99, 0, ())]
    out: list[Guess] = []
    if path.suffix.lower() in EXCEL_SUFFIXES and _tet_workbook(path):
        out.append(Guess("plans", 50, 3, ("Axe (x)",)))
    rows = first_rows(path, sheet)
    if rows:
        try:
            if layout_of([c or "" for c in rows[0][1]]):
                return [Guess("sirene", 99, rows[0][0], tuple(c for c in rows[0][1][:3] if c))]
        except InputError as exc:  # a SIRENE file eitgraph refuses (history): say so
            raise InputError(exc.problem, Location(str(path))) from None
    for kind in available_kinds():
        if kind in ("rdf", "sirene"):
            continue
        spec = LoaderSpec.load(kind)
        best: Guess | None = None
        for row_no, cells in rows:
            named = {}
            for c in cells:
                if c:
                    name = spec.column_of(c)
                    if name is not None and name not in named:
                        named[name] = c
            if best is None or len(named) > best.score:
                missing = tuple(col.aliases[0] for col in spec.columns.values()
                                if col.required and col.name not in named)
                best = Guess(kind, len(named), row_no, tuple(named.values()), missing)
        if best is not None and best.score >= 2:
            out.append(best)
    return sorted(out, key=lambda g: (bool(g.missing), -g.score, g.kind))


def recognise(path: str | Path, sheet: str | None = None) -> Guess:
    """The kind of a file, from its headers; an error listing what fits when none or several do."""
    found = guesses(path, sheet)
    complete = [g for g in found if not g.missing]
    if complete and (len(complete) == 1 or complete[0].score > complete[1].score):
        return complete[0]
    if len(complete) > 1:
        tied = [g for g in complete if g.score == complete[0].score]
        shown = "; ".join(f"{g.kind} ({', '.join(g.headers)})" for g in tied)
        raise EitgraphError(f"{Path(path).name}: its headers fit several kinds equally: {shown}; give the kind: "
                            f"eitgraph load KIND {Path(path).name}")
    near = "; ".join(f"{g.kind} would need {', '.join(repr(m) for m in g.missing)}" for g in found[:3])
    raise EitgraphError(f"{Path(path).name}: eitgraph cannot tell which kind of file this is from its headers"
                        + (f" ({near})" if near else "") + f"; give the kind ({', '.join(available_kinds())}): "
                        f"eitgraph load KIND {Path(path).name}")


def better_kind(path: str | Path, kind: str, sheet: str | None = None) -> Guess | None:
    """Another kind that reads this file whole, when loading it as ``kind`` failed on its headers."""
    try:
        found = guesses(path, sheet)
    except (EitgraphError, OSError):
        return None
    own = next((g for g in found if g.kind == kind), None)
    for g in found:
        if g.kind != kind and not g.missing and (own is None or g.score > own.score):
            return g
    return None


def shipped_reference(name: str | Path) -> Path | None:
    """The reference file shipped with eitgraph that a bare file name (or ``reference:NAME``) means."""
    text = str(name)
    if text.startswith("reference:"):
        text = text.split(":", 1)[1]
    if "/" in text or "\\" in text:
        return None
    candidate = shipped.path("reference", text)
    return candidate if candidate.is_file() else None


def resolve_input(path: str | Path) -> tuple[Path, bool]:
    """(the file to read, whether it is a shipped reference file): a path that exists, else a reference file
    shipped with eitgraph of that name (``eitgraph load territory perimetre-epci-a-fp.csv`` from any folder).
    A URL is refused (eitgraph does not download) and a pipe or device is refused before anything opens it."""
    if not str(path).startswith("reference:") and (is_url(str(path)) or os.path.lexists(path)):
        return check_input_file(path), False
    path = Path(path)
    if str(path).startswith("reference:") or not path.exists():
        ref = shipped_reference(path)
        if ref is not None:
            return ref, True
    if not path.exists():
        names = sorted(p.name for p in shipped.folder("reference").iterdir() if p.is_file() and p.suffix != ".md")
        close = [n for n in names if fold(n)[:6] == fold(path.name)[:6]]
        hint = f"; reference files shipped with eitgraph: {', '.join(close or names)}" if not path.parent.parts or \
            str(path.parent) == "." else ""
        raise EitgraphError(f"{path}: file not found{hint}")
    return path, False


def sheet_list(path: Path) -> list[str]:
    return sheet_names(path)


_MISSING = re.compile(r"^(\w+) '(.+)' is not in the graph \(load it first\)$")


def with_prerequisite(message: str) -> str:
    """A « X 'k' is not in the graph (load it first) » message with the command that loads it."""
    m = _MISSING.match(message)
    if not m or m[1] not in PREREQUISITES:
        return message
    return f"{m[1]} {m[2]!r} is not in the graph: load it first ({PREREQUISITES[m[1]]})"


def input_and_kind(path, kind: str | None, sheet: str | None) -> tuple[Path, str, list[Note]]:
    """The file (a shipped reference file by its bare name), its kind (recognised from its headers when
    not given) and the notes that say so."""
    path, from_reference = resolve_input(path)
    notes: list[Note] = []
    if from_reference:
        notes.append(Note("reference_file", f"{path.name}: the reference file shipped with eitgraph ({path})",
                          Location(path.name)))
    if kind is None:
        guess = recognise(path, sheet)
        kind = guess.kind
        notes.append(Note("kind_recognised", f"read as {kind} (recognised from its headers: "
                          f"{', '.join(guess.headers[:6])})", Location(path.name)))
    return Path(path), kind, notes


@contextlib.contextmanager
def hints(path: Path, kind: str, sheet: str | None):
    """Errors that say what to do next: the kind a file looks like when its headers do not fit the kind given,
    the command that loads what the file needs first."""
    try:
        yield
    except ValidationError as exc:
        problems = [InputError(with_prerequisite(p.problem), p.location) for p in exc.problems]
        headers_wrong = any(p.problem.startswith("required column missing") for p in problems)
        other = better_kind(path, kind, sheet) if headers_wrong else None
        if other is not None:
            problems.append(InputError(f"this looks like a {other.kind} file (its headers "
                                       f"{', '.join(other.headers[:5])}): eitgraph load {other.kind} {path.name}",
                                       Location(str(path))))
        if [p.problem for p in problems] != [p.problem for p in exc.problems]:
            raise ValidationError(problems) from None
        raise
    except InputError as exc:
        if exc.problem.startswith("no header row found"):
            other = better_kind(path, kind, sheet)
            if other is not None:
                raise InputError(f"{exc.problem}; this looks like a {other.kind} file (its headers "
                                 f"{', '.join(other.headers[:5])}): eitgraph load {other.kind} {path.name}",
                                 exc.location) from None
        raise
