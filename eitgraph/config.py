"""Connection settings, from options first, then the environment, then defaults.

Credentials are never written to logs or messages: :meth:`StoreConfig.describe`
is what the CLI shows. A URI that carries them (``bolt://user:pass@host``) is split
when it is read: the user name and password go where credentials go, and the URI
kept (and shown, and given to the driver) has none.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

DEFAULT_DATA_DIR = "eitgraph-data"
DEFAULT_DATABASE = "eitgraph"
DEFAULT_HEAP = "1g"


@dataclass(frozen=True)
class StoreConfig:
    """Where the graph lives: a Neo4j-compatible server (``uri``) or an embedded store (``data_dir``)."""

    uri: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    database: str | None = None
    data_dir: Path = Path(DEFAULT_DATA_DIR)
    heap: str = DEFAULT_HEAP
    # Short commands (status, query) start faster with the JVM's quick compiler only;
    # long loads need the optimising one (only for a server run in this process).
    quick_start: bool = False
    # Run the embedded store's server inside this process (the test suite: one JVM, many databases)
    # instead of attaching to the folder's background server (``EITGRAPH_IN_PROCESS=1``).
    in_process: bool = False

    def __post_init__(self) -> None:
        # However the config was made, the URI it keeps holds no credentials.
        uri, user, password = split_credentials(self.uri)
        if uri != self.uri:
            object.__setattr__(self, "uri", uri)
            object.__setattr__(self, "username", self.username or user)
            object.__setattr__(self, "password", self.password if self.password is not None else password)

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
        uri, uri_user, uri_password = split_credentials(uri)
        password = password if password is not None else env.get("NEO4J_PASSWORD")
        return cls(
            uri=uri,
            username=username or env.get("NEO4J_USERNAME") or env.get("NEO4J_USER") or uri_user,
            password=password if password is not None else uri_password,
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
        """A one-line description without secrets.

        >>> StoreConfig.resolve(uri="bolt://neo:s3cret@db:7687", env={}).describe()
        'Neo4j server bolt://db:7687 as neo'
        """
        if self.embedded:
            return f"embedded ArcadeDB in {self.data_dir} (database {self.database})"
        user = f" as {self.username}" if self.username else ""
        db = f" (database {self.database})" if self.database else ""
        return f"Neo4j server {split_credentials(self.uri)[0]}{user}{db}"


def project_data_dir(start: str | os.PathLike | None = None, env: dict | None = None) -> Path:
    """The data folder a notebook or script inside the project shares with the CLI: ``EITGRAPH_DATA`` if
    set, else ``eitgraph-data`` at the root of the project that holds ``start`` (the current folder; the
    nearest folder up with a ``pyproject.toml``), else ``./eitgraph-data`` — not a second store in
    ``notebooks/``.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp()).resolve(); (root / "pyproject.toml").touch(); (root / "notebooks").mkdir()
    >>> project_data_dir(root / "notebooks", env={}) == root / DEFAULT_DATA_DIR
    True
    >>> project_data_dir(root / "notebooks", env={"EITGRAPH_DATA": str(root / "x")}) == root / "x"
    True
    """
    env = os.environ if env is None else env
    if env.get("EITGRAPH_DATA"):
        return Path(env["EITGRAPH_DATA"]).expanduser().resolve()
    here = Path(start or Path.cwd()).expanduser().resolve()
    root = next((p for p in (here, *here.parents) if (p / "pyproject.toml").is_file()), here)
    return root / DEFAULT_DATA_DIR


def split_credentials(uri: str | None) -> tuple[str | None, str | None, str | None]:
    """(the URI without user information, user, password).

    >>> split_credentials("neo4j+s://me:p%40ss@db.example.org:7687/x")
    ('neo4j+s://db.example.org:7687/x', 'me', 'p@ss')
    >>> split_credentials("bolt://db:7687")
    ('bolt://db:7687', None, None)
    """
    if not uri or "@" not in uri:
        return uri, None, None
    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri.rsplit("@", 1)[-1], None, None  # unparsable: drop everything before the host
    if "@" not in parts.netloc:
        return uri, None, None
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    return (urlunsplit(parts._replace(netloc=host)), unquote(user) or None,
            unquote(password) if password else None)
