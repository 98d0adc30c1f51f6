"""The reading step of the ``rdf`` loader kind: an RDF file → a :class:`~eitgraph.load.tables.Table` of triples.

The registry (:mod:`eitgraph.load.registry`) names :func:`read` as the kind's reader instead of the CSV/Excel one.
Each row is one triple (subject, predicate, object, object_kind iri|bnode|literal, datatype, lang),
sorted so that the order of the file does not matter. Malformed files raise :class:`InputError` with the line.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

from rdflib import BNode, Graph, Literal
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax

from ...errors import InputError, Location
from ...safety.inputs import check_input_file
from ...safety.writing import CONTROL
from ..tables import Table

_DTD = re.compile(r"<!(DOCTYPE|ENTITY)\b")

FORMATS = {".ttl": "turtle", ".turtle": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt",
           ".ntriples": "nt", ".n3": "n3", ".rdf": "xml", ".xml": "xml", ".owl": "xml"}
NAMES = {"turtle": "Turtle", "json-ld": "JSON-LD", "nt": "N-Triples", "n3": "N3", "xml": "RDF/XML"}
HEADERS = ["subject", "predicate", "object", "object_kind", "datatype", "lang"]


def parse(path: str | Path, fmt: str | None = None) -> Graph:
    """Parse an RDF file; the format comes from the suffix unless given."""
    path = check_input_file(path)
    where = Location(path.name)
    fmt = fmt or FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"unknown RDF file type {path.suffix!r}; expected one of {', '.join(FORMATS)}", where)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", where) from None
    name = NAMES[fmt]
    dtd = _DTD.search(text) if fmt == "xml" else None
    if dtd:
        line = text.count("\n", 0, dtd.start()) + 1
        raise InputError(f"this {name} file declares a DTD (<!{dtd[1]} …>), which eitgraph refuses: entities can "
                         "hide or empty values, expand to gigabytes or read other files. Write the IRIs in full "
                         "(or export the file as Turtle) and load it again", Location(path.name, None, line))
    g = Graph()
    try:
        with warnings.catch_warnings():  # rdflib's JSON-LD parser warns about its own use of ConjunctiveGraph
            warnings.simplefilter("ignore", DeprecationWarning)
            g.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except BadSyntax as exc:
        raise InputError(f"malformed {name} at line {exc.lines + 1}: {exc._why}", where) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed {name} at line {exc.lineno}, column {exc.colno}: {exc.msg}", where) from None
    except ParserError as exc:
        raise InputError(f"malformed {name} at line {_bad_line(text, fmt)}: {exc}", where) from None
    except Exception as exc:  # rdflib raises many kinds (JSON-LD contexts, RDF/XML SAX errors…)
        line = getattr(exc, "lineno", None) or getattr(exc, "getLineNumber", lambda: None)()
        at = f" at line {line}" if line else ""
        raise InputError(f"malformed {name}{at}: {exc}", where) from None
    return g


def _bad_line(text: str, fmt: str) -> int | str:
    """The first line of a line-based file that does not parse on its own."""
    for no, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            try:
                Graph().parse(data=line, format=fmt)
            except Exception:
                return no
    return "?"


def _term(t) -> tuple[str, str, str | None, str | None]:
    if isinstance(t, Literal):
        return str(t), "literal", (str(t.datatype) if t.datatype else None), t.language
    if isinstance(t, BNode):
        return f"_:{t}", "bnode", None, None
    return str(t), "iri", None, None


def read(path: str | Path, **_ignored) -> Table:
    """The loader's reading step (sheet, encoding, delimiter and header row do not apply to RDF)."""
    path = Path(path)
    g = parse(path)
    rows = []
    for s, p, o in g:
        obj, kind, datatype, lang = _term(o)
        rows.append([_term(s)[0], str(p), obj, kind, datatype, lang])
    rows.sort(key=lambda r: tuple(x or "" for x in r))
    table = Table(path.name, None, 1, list(HEADERS), [(i, r) for i, r in enumerate(rows, start=1)])
    cleaned = [i for i, r in table.rows if any(x and CONTROL.search(x) for x in r)]
    for i, r in table.rows:
        if i in cleaned:
            r[:] = [CONTROL.sub("", x) if x else x for x in r]
    if cleaned:
        table.notes.append(("control_characters", f"control characters were removed from {len(cleaned)} triple(s)",
                            Location(path.name, None, cleaned[0])))
    return table
