"""eitgraph: a knowledge base of territorial metabolism on a Neo4j-compatible property graph.

>>> import eitgraph
>>> eitgraph.__version__
'0.1.0'

Open a knowledge base (embedded ArcadeDB by default, or a Neo4j server with
``uri=`` / ``NEO4J_URI``), load files, ask catalogue questions as DataFrames::

    with eitgraph.open(data_dir="eitgraph-data") as kb:
        kb.load("territory", "perimetre-epci-a-fp.csv", departement="68")
        kb.query("communes", epci="200036465")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import StoreConfig, project_data_dir
from .errors import EitgraphError, InputError, QueryError, StoreError, ValidationError
from .version import __version__

if TYPE_CHECKING:
    from .kb import KnowledgeBase, example_manifest


def __getattr__(name: str):
    # The knowledge base (pandas, the analytics) is imported when first asked for, so that a short
    # command, or the store's server process, does not pay for it.
    if name in ("KnowledgeBase", "example_manifest"):
        from . import kb

        return getattr(kb, name)
    raise AttributeError(f"module 'eitgraph' has no attribute {name!r}")

__all__ = [
    "EitgraphError",
    "InputError",
    "KnowledgeBase",
    "QueryError",
    "StoreConfig",
    "StoreError",
    "ValidationError",
    "__version__",
    "example_manifest",
    "open",
    "project_data_dir",
]


def open(uri: str | None = None, *, username: str | None = None, password: str | None = None,
         database: str | None = None, data_dir=None, heap: str | None = None,
         in_process: bool | None = None) -> KnowledgeBase:
    """Open the knowledge base: a Neo4j server if ``uri`` (or ``NEO4J_URI``) is set, else the embedded store.

    The embedded store is served by one process per data folder, started on demand and shared by every
    command, script and notebook using that folder (see :mod:`eitgraph.store.embedded`); ``in_process``
    runs it inside this process instead (it then stops when this process ends).
    """
    from .kb import KnowledgeBase

    config = StoreConfig.resolve(uri=uri, username=username, password=password, database=database,
                                 data_dir=data_dir, heap=heap, in_process=in_process)
    return KnowledgeBase(config)
