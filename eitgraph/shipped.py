"""Where the declarative folders shipped with eitgraph (schema, loaders, queries, reference, examples) are.

In a source checkout they sit at the top of the repository; in an installed wheel
they are shipped inside the package as ``eitgraph/_shipped/<name>`` (see pyproject).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
FOLDERS = ("schema", "loaders", "queries", "reference", "examples")


def folder(name: str) -> Path:
    """Return the folder holding the declarative files of kind ``name``.

    >>> folder("queries").name
    'queries'
    """
    if name not in FOLDERS:
        raise ValueError(f"unknown resource folder {name!r}")
    shipped = _PACKAGE / "_shipped" / name
    if shipped.is_dir():
        return shipped
    checkout = _PACKAGE.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"eitgraph resource folder {name!r} not found (looked in {shipped} and {checkout})")


def path(name: str, *parts: str) -> Path:
    """A file inside one of the resource folders."""
    return folder(name).joinpath(*parts)


def loader_kinds() -> list[str]:
    """The source kinds: one mapping each in ``loaders/`` (read without importing any transform)."""
    return sorted(p.stem for p in folder("loaders").glob("*.yaml"))
