"""Graph store access: one ``neo4j`` driver, against a Neo4j server or the embedded ArcadeDB.

>>> from eitgraph.config import StoreConfig
>>> StoreConfig.resolve(env={}).describe().startswith("embedded ArcadeDB")
True
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from typing import Any

import neo4j
import pandas as pd
from neo4j import exceptions as neo4j_errors

from ..config import StoreConfig
from ..errors import ConfigError, QueryError, StoreError
from . import embedded

_PRIMITIVE = (str, int, float, bool, type(None))


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
    """A connection to the graph; closes the embedded server it started."""

    def __init__(self, config: StoreConfig):
        self.config = config
        self._server = None
        self.owner_pid: int | None = None
        if config.embedded:
            self._server, endpoint = embedded.acquire(config.data_dir, config.heap, config.database,
                                                          config.quick_start)
            uri, auth = endpoint.uri, (endpoint.username, endpoint.password)
            self.owner_pid = endpoint.pid
        else:
            uri = config.uri
            auth = (config.username, config.password) if config.username else None
        self.database = config.database
        try:
            with translated_errors(f"connecting to {config.describe()}"):
                self.driver = neo4j.GraphDatabase.driver(uri, auth=auth)
                self.driver.verify_connectivity()
                agent = self.driver.get_server_info().agent or ""
        except Exception:
            self._release()
            raise
        # Write statements differ where ArcadeDB has limits Neo4j has not (see loading._relabel).
        self.backend = "arcadedb" if "arcadedb" in agent.lower() else "neo4j"  # "Neo4j/5.26.0 compatible (ArcadeDB …)"

    # -- reading ---------------------------------------------------------
    def records(self, cypher: str, params: dict | None = None) -> list[dict]:
        """Run a read query; rows as plain dicts."""
        with self._errors("query failed"):
            result = self.driver.execute_query(cypher, params or {}, database_=self.database,
                                               routing_=neo4j.RoutingControl.READ)
        return [{k: plain(v) for k, v in rec.items()} for rec in result.records]

    def frame(self, cypher: str, params: dict | None = None) -> pd.DataFrame:
        """Run a query and return a DataFrame (columns in RETURN order, even when empty)."""
        with self._errors("query failed"):
            result = self.driver.execute_query(cypher, params or {}, database_=self.database)
        rows = [[plain(v) for v in rec.values()] for rec in result.records]
        columns = list(result.keys) or (return_columns(cypher) if not rows else [])
        return pd.DataFrame(rows, columns=columns)

    def execute(self, cypher: str, params: dict | None = None) -> None:
        """Run one write statement in its own transaction."""
        with self._errors("statement failed"):
            self.driver.execute_query(cypher, params or {}, database_=self.database)

    # -- writing ---------------------------------------------------------
    def transaction(self, work: Callable[[neo4j.Transaction], Any], what: str = "write") -> Any:
        """Run ``work(tx)`` in one explicit transaction: all of it is committed, or none."""
        with self._errors(what), self.driver.session(database=self.database) as session:
            tx = session.begin_transaction()
            try:
                out = work(tx)
            except BaseException:
                tx.rollback()
                raise
            tx.commit()
            return out

    @contextlib.contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        """:func:`translated_errors`, and a failure of an embedded store whose heap ran out says so."""
        try:
            with translated_errors(what):
                yield
        except StoreError as exc:
            if self.config.embedded and embedded.out_of_memory(self.config.data_dir):
                raise StoreError(embedded.out_of_memory_message(what, self.config.heap)) from exc
            raise

    # -- life cycle ------------------------------------------------------
    def _release(self) -> None:
        if self._server is not None:
            embedded.release(self._server)
            self._server = None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.driver.close()
        self._release()
