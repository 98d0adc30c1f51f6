"""Graph store access: one ``neo4j`` driver, against a Neo4j server or the embedded ArcadeDB.

>>> from eitgraph.config import StoreConfig
>>> StoreConfig.resolve(env={}).describe().startswith("embedded ArcadeDB")
True
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import neo4j
from neo4j import exceptions as neo4j_errors

from ..config import StoreConfig
from ..errors import ConfigError, QueryError, StoreError
from ..safety.private import secure_tree
from . import embedded, folder, jvm, service

if TYPE_CHECKING:
    import pandas as pd

_PRIMITIVE = (str, int, float, bool, type(None))

# The driver logs every notification of the server (a label not in the graph yet, a deprecation) as a
# warning, which Python prints on stderr when nothing handles it: not the user's business.
logging.getLogger("neo4j.notifications").addHandler(logging.NullHandler())


def plain(value: Any) -> Any:
    """Turn driver values into plain Python values (dates, dicts, lists)."""
    if type(value) in _PRIMITIVE:  # the common case, first: big extractions are millions of values
        return value
    if isinstance(value, (neo4j.time.Date, neo4j.time.DateTime, neo4j.time.Time)):
        return value.to_native()
    if isinstance(value, neo4j.graph.Node):
        return {**dict(value), "_labels": sorted(value.labels)}
    if isinstance(value, neo4j.graph.Relationship):
        return {**dict(value), "_type": value.type}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


@contextlib.contextmanager
def translated_errors(what: str) -> Iterator[None]:
    """Driver exceptions become eitgraph errors with a readable message."""
    try:
        yield
    except neo4j_errors.CypherSyntaxError as exc:
        raise QueryError(f"{what}: Cypher syntax error: {exc.message}") from exc
    except neo4j_errors.ConstraintError as exc:
        raise StoreError(f"{what}: a uniqueness constraint was violated: {exc.message}") from exc
    except neo4j_errors.AuthError as exc:
        raise StoreError(f"{what}: authentication failed ({exc.message})") from exc
    except neo4j_errors.ServiceUnavailable as exc:
        raise StoreError(f"{what}: the graph store is not reachable ({exc})") from exc
    except neo4j_errors.Neo4jError as exc:
        raise StoreError(f"{what}: {exc.message or exc}") from exc
    except neo4j_errors.ConfigurationError as exc:  # a URI the driver cannot use
        raise ConfigError(f"{what}: {exc}") from exc
    except neo4j_errors.DriverError as exc:  # a connection lost mid-transaction, an incomplete commit…
        raise StoreError(f"{what}: {exc}") from exc


_CLAUSE_END = re.compile(r"\b(ORDER\s+BY|SKIP|LIMIT|UNION)\b", re.IGNORECASE)


def return_columns(cypher: str) -> list[str]:
    """Column names of a query's last RETURN clause.

    ArcadeDB's Bolt server sends no column names with an empty result; this keeps an
    empty DataFrame's columns (and a CSV header) the same as a full one's.

    >>> return_columns("MATCH (c:Commune) RETURN c.code AS insee, c.name, count(*) AS n ORDER BY insee")
    ['insee', 'c.name', 'n']
    """
    upper = cypher.upper()
    start = max(upper.rfind("RETURN "), upper.rfind("RETURN\n"))
    if start < 0:
        return []
    clause = cypher[start + len("RETURN"):]
    end = _CLAUSE_END.search(clause)
    clause = clause[:end.start()] if end else clause
    items, depth, current = [], 0, ""
    for ch in clause:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += ch
    items.append(current)
    names = []
    for item in items:
        item = " ".join(item.split())
        alias = re.search(r"\s+AS\s+`?([^`\s]+)`?$", item, re.IGNORECASE)
        names.append(alias.group(1) if alias else item.removeprefix("DISTINCT ").strip())
    return [n for n in names if n]


class Store:
    """A connection to the graph through one driver.

    Embedded stores reach their folder's server (started on demand, see :mod:`.embedded`). Reads and
    write transactions share the driver's bookmark manager, so that on a cluster a read follows the
    writes of this process; write transactions are retried on transient errors (``execute_write``) and
    stay all-or-nothing; writes to one embedded folder are serialised across processes.
    """

    def __init__(self, config: StoreConfig):
        self.config = config
        self._server = None
        self.owner_pid: int | None = None
        self.endpoint: embedded.Endpoint | None = None
        for attempt in range(2):
            try:
                self._connect(config)
                break
            except StoreError:
                # A background server that stopped for idleness between our look and our connection:
                # once more, which starts a new one.
                if attempt or not config.embedded or self._server is not None:
                    raise
        self.database = config.database
        # Write statements differ where ArcadeDB has limits Neo4j has not (see loading._relabel);
        # ArcadeDB's agent reads "Neo4j/5.26.0 compatible (ArcadeDB …)".
        self.backend = "arcadedb" if "arcadedb" in self._agent.lower() else "neo4j"
        # Reads chained to this driver's writes (execute_query's manager, shared with our sessions).
        self.bookmarks = self.driver.execute_query_bookmark_manager

    def _connect(self, config: StoreConfig) -> None:
        if config.embedded:
            self._server, self.endpoint = embedded.acquire(config.data_dir, config.heap, config.database,
                                                           config.in_process, config.quick_start,
                                                           background=service.start_background)
            uri, auth = self.endpoint.uri, (self.endpoint.username, self.endpoint.password)
            self.owner_pid = self.endpoint.pid
        else:
            uri = config.uri
            auth = (config.username, config.password) if config.username else None
        self.driver = None
        try:
            with translated_errors(f"connecting to {config.describe()}"):
                self.driver = neo4j.GraphDatabase.driver(uri, auth=auth)
                if self._server is not None:
                    embedded.register_client(config.data_dir, self.driver)
                self.driver.verify_connectivity()
                self._agent = self.driver.get_server_info().agent or ""
        except Exception:
            if self.driver is not None:
                with contextlib.suppress(Exception):
                    self.driver.close()
            self._release()
            raise

    # -- reading ---------------------------------------------------------
    def records(self, cypher: str, params: dict | None = None, leader: bool = False,
                convert: bool = True) -> list[dict]:
        """Run a read query; rows as plain dicts. ``leader``: on a cluster, ask the leader (a load's own
        look-ups must see what the previous load committed, wherever it ran). ``convert=False`` leaves
        the values as the driver gives them (strings, numbers, lists of them: a bulk extraction whose
        columns hold no dates or nodes need not walk its million values once more)."""
        routing = neo4j.RoutingControl.WRITE if leader else neo4j.RoutingControl.READ
        with self._errors("query failed"):
            result = self.driver.execute_query(cypher, params or {}, database_=self.database, routing_=routing)
        if not convert:
            return [dict(rec.items()) for rec in result.records]
        return [{k: plain(v) for k, v in rec.items()} for rec in result.records]

    def frame(self, cypher: str, params: dict | None = None, read: bool = False) -> pd.DataFrame:
        """Run a query and return a DataFrame (columns in RETURN order, even when empty). ``read``: the
        text is known to only read (a catalogue query), so a cluster may answer from a follower."""
        import pandas as pd

        routing = neo4j.RoutingControl.READ if read else neo4j.RoutingControl.WRITE
        with self._errors("query failed"):
            result = self.driver.execute_query(cypher, params or {}, database_=self.database, routing_=routing)
        rows = [[plain(v) for v in rec.values()] for rec in result.records]
        columns = list(result.keys) or (return_columns(cypher) if not rows else [])
        return pd.DataFrame(rows, columns=columns)

    def execute(self, cypher: str, params: dict | None = None) -> None:
        """Run one write statement in its own transaction."""
        with self._errors("statement failed"):
            self.driver.execute_query(cypher, params or {}, database_=self.database)

    # -- writing ---------------------------------------------------------
    def session(self, **config) -> neo4j.Session:
        """A session of this store's database that shares the bookmarks of reads and writes."""
        return self.driver.session(database=self.database, bookmark_manager=self.bookmarks, **config)

    @contextlib.contextmanager
    def write_session(self, what: str) -> Iterator[neo4j.Session]:
        """A session for writes in several explicit transactions (a load too big for one), with the data
        folder's write lock held and errors translated; the caller commits or rolls back."""
        lock = folder.write_lock(self.config.data_dir, what) if self.config.embedded else contextlib.nullcontext()
        with lock, self._errors(what), self.session() as session:
            yield session

    def transaction(self, work: Callable[[neo4j.ManagedTransaction], Any], what: str = "write",
                    replan: bool = False) -> Any:
        """Run ``work(tx)`` in one write transaction: all of it is committed, or none.

        A transient error (a deadlock, a leader switch, a concurrent change the engine refused) runs
        ``work`` again in a new transaction, so ``work`` must read what it needs inside ``tx`` and not
        keep effects of a failed attempt. ``replan``: a uniqueness conflict is also worth another try
        (``work`` plans its writes from the graph, which another client may have just changed).
        On the embedded store, writes from every process to the folder wait for each other.
        """
        lock = folder.write_lock(self.config.data_dir, what) if self.config.embedded else contextlib.nullcontext()
        with lock, self._errors(what):
            for attempt in range(3):
                try:
                    with self.session() as session:
                        return session.execute_write(work)
                except neo4j_errors.ConstraintError:
                    if not replan or attempt == 2:
                        raise

    @contextlib.contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        """:func:`translated_errors`, and a failure of an embedded store whose heap ran out says so."""
        try:
            with translated_errors(what):
                yield
        except StoreError as exc:
            if self.config.embedded and jvm.out_of_memory(self.config.data_dir):
                raise StoreError(jvm.out_of_memory_message(what, self.config.heap)) from exc
            raise

    # -- life cycle ------------------------------------------------------
    def _release(self) -> None:
        if self._server is not None:
            embedded.release(self._server)
            self._server = None

    def close(self) -> None:
        if self.driver is not None:
            with contextlib.suppress(Exception):
                self.driver.close()
        if self.config.embedded and self._server is None:
            # Files a server of another process created for this user's work (it may run under a wider
            # umask, e.g. `eitgraph serve` started by hand) become private too.
            secure_tree(self.config.data_dir)
        self._release()
