"""Connection settings, from options first, then the environment, then defaults.

Credentials are never written to logs or messages: :meth:`StoreConfig.describe`
is what the CLI shows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = "eitgraph-data"
DEFAULT_DATABASE = "eitgraph"
DEFAULT_HEAP = "1g"


@dataclass(frozen=True)
class StoreConfig:
    """Where the graph lives: a Neo4j-compatible server (``uri``) or an embedded store (``data_dir``)."""

    uri: str | None = None
    username: str | None = None
    password: str | None = None
    database: str | None = None
    data_dir: Path = Path(DEFAULT_DATA_DIR)
    heap: str = DEFAULT_HEAP
    # Short commands (status, query) start faster with the JVM's quick compiler only;
    # long loads need the optimising one (only for a server run in this process).
    quick_start: bool = False
    # Run the embedded store's server inside this process (the test suite: one JVM, many databases)
    # instead of attaching to the folder's background server (``EITGRAPH_IN_PROCESS=1``).
    in_process: bool = False

    @classmethod
    def resolve(
        cls,
        uri: str | None = None,
        username: str | None = None,
        password: str | None = None,
        database: str | None = None,
        data_dir: str | os.PathLike | None = None,
        heap: str | None = None,
        env: dict | None = None,
        in_process: bool | None = None,
    ) -> StoreConfig:
        """Options win over ``NEO4J_*`` / ``EITGRAPH_*`` environment variables.

        >>> StoreConfig.resolve(env={}).embedded
        True
        >>> StoreConfig.resolve(env={"NEO4J_URI": "bolt://db:7687"}).uri
        'bolt://db:7687'
        """
        env = os.environ if env is None else env
        uri = uri or env.get("NEO4J_URI") or None
        return cls(
            uri=uri,
            username=username or env.get("NEO4J_USERNAME") or env.get("NEO4J_USER"),
            password=password if password is not None else env.get("NEO4J_PASSWORD"),
            database=database or env.get("NEO4J_DATABASE") or (None if uri else DEFAULT_DATABASE),
            data_dir=Path(data_dir or env.get("EITGRAPH_DATA") or DEFAULT_DATA_DIR).expanduser().resolve(),
            heap=heap or env.get("EITGRAPH_HEAP") or DEFAULT_HEAP,
            in_process=(env.get("EITGRAPH_IN_PROCESS", "").strip().lower() in {"1", "true", "yes"}
                        if in_process is None else in_process),
        )

    @property
    def embedded(self) -> bool:
        return self.uri is None

    def describe(self) -> str:
        """A one-line description without secrets."""
        if self.embedded:
            return f"embedded ArcadeDB in {self.data_dir} (database {self.database})"
        user = f" as {self.username}" if self.username else ""
        db = f" (database {self.database})" if self.database else ""
        return f"Neo4j server {self.uri}{user}{db}"
