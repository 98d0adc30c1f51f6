"""Neo4j servers for the ``neo4j`` tests: given by ``EITGRAPH_TEST_NEO4J`` or started by
``scripts/neo4j-test-server`` (and stopped at the end of the session).

``EITGRAPH_TEST_NEO4J`` lists running servers as ``key=uri`` pairs separated by commas, e.g.
``5.26=bolt://127.0.0.1:7687,2026=bolt://127.0.0.1:7688``. Credentials: a server that
``scripts/neo4j-test-server start --auth`` started is used as user ``neo4j`` with the password it
generated (read from its state folder); otherwise ``EITGRAPH_TEST_NEO4J_USERNAME`` and
``EITGRAPH_TEST_NEO4J_PASSWORD`` when set, else no authentication.

Without ``EITGRAPH_TEST_NEO4J``, the pinned versions of ``scripts/neo4j-harness/versions.txt`` are
started (in parallel) on first use. When Java or Maven is missing, or Maven cannot resolve the
harness, the tests using a server are skipped with the reason, unless ``EITGRAPH_REQUIRE_NEO4J=1``:
then they fail.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import logging
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "neo4j-test-server"
ENV_SERVERS = "EITGRAPH_TEST_NEO4J"
ENV_REQUIRE = "EITGRAPH_REQUIRE_NEO4J"
# Exit codes of scripts/neo4j-test-server that mean "no Neo4j can run here" rather than a failure.
CANNOT_RUN_HERE = {3: "Java or Maven is missing", 4: "Maven cannot resolve the Neo4j test harness"}


def _script():
    """scripts/neo4j-test-server as a module (its version list and state folders)."""
    loader = importlib.machinery.SourceFileLoader("neo4j_test_server", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def required() -> bool:
    return os.environ.get(ENV_REQUIRE, "").strip().lower() in {"1", "true", "yes"}


def given() -> dict[str, str]:
    """The servers ``EITGRAPH_TEST_NEO4J`` names, key → URI."""
    out = {}
    for item in os.environ.get(ENV_SERVERS, "").split(","):
        if item.strip():
            key, sep, uri = item.strip().partition("=")
            if not sep or "://" not in uri:
                raise pytest.UsageError(f"{ENV_SERVERS}: expected key=bolt://host:port, got {item!r}")
            out[key.strip()] = uri.strip()
    return out


def keys() -> list[str]:
    """The Neo4j versions the tests are parametrised over (known at collection time)."""
    return list(given()) or [key for key, _, _ in _script().pinned()]


@dataclass
class Server:
    key: str
    uri: str | None = None
    auth: tuple[str, str] | None = None
    skip_reason: str | None = None
    error: str | None = None  # it should have started and did not: its tests fail


@dataclass
class Servers:
    """The session's Neo4j servers, started on first use."""

    started: list[str] = field(default_factory=list)
    _servers: dict[str, Server] | None = None

    def get(self, key: str) -> Server:
        if self._servers is None:
            self._servers = self._resolve()
        server = self._servers[key]
        if server.error:
            pytest.fail(server.error, pytrace=False)
        if server.skip_reason:
            if required():
                pytest.fail(f"Neo4j {key}: {server.skip_reason} ({ENV_REQUIRE} is set)", pytrace=False)
            pytest.skip(f"Neo4j {key}: {server.skip_reason}")
        return server

    def _resolve(self) -> dict[str, Server]:
        script = _script()
        listed = given()
        if listed:
            return {key: Server(key, uri, _auth(script, key, uri)) for key, uri in listed.items()}
        servers = {key: Server(key) for key, _, _ in script.pinned()}
        missing = [tool for tool in ("java", "mvn") if not shutil.which(tool)]
        if missing:
            for server in servers.values():
                server.skip_reason = f"{' and '.join(missing)} not found: cannot start Neo4j"
            return servers
        # Start every version at once (each is a JVM of its own); the second one with authentication
        # on, so that both the credential-less and the user/password driver paths are exercised.
        began = time.monotonic()
        running = {}
        already = {key for key, version, _ in script.pinned() if script.running(script.state_dir(version))}
        for i, key in enumerate(servers):
            cmd = [sys.executable, str(SCRIPT), "start", "--version", key, *(["--auth"] if i % 2 else [])]
            running[key] = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for key, process in running.items():
            out, err = process.communicate()
            server = servers[key]
            if process.returncode == 0:
                server.uri = out.strip().splitlines()[-1]
                server.auth = _auth(script, key, server.uri)
                if key not in already:  # one that was running before the session is left running
                    self.started.append(key)
            elif process.returncode in CANNOT_RUN_HERE:
                server.skip_reason = f"{CANNOT_RUN_HERE[process.returncode]}: {_last_lines(err)}"
            else:  # remembered, so that the other tests of this version fail at once
                server.error = (f"scripts/neo4j-test-server start --version {key} failed "
                                f"(exit {process.returncode}):\n{err}")
        logging.getLogger(__name__).info("Neo4j servers started in %.1f s", time.monotonic() - began)
        return servers

    def stop(self) -> None:
        for key in self.started:
            subprocess.run([sys.executable, str(SCRIPT), "stop", "--version", key], capture_output=True)
        self.started.clear()


def _auth(script, key: str, uri: str) -> tuple[str, str] | None:
    for k, version, _ in script.pinned():
        if key in (k, version):
            state = script.state_dir(version)
            password = script.read(state / "password")
            if password and script.read(state / "uri") == uri:
                return ("neo4j", password)
    user, password = os.environ.get("EITGRAPH_TEST_NEO4J_USERNAME"), os.environ.get("EITGRAPH_TEST_NEO4J_PASSWORD")
    return (user, password or "") if user else None


def _last_lines(text: str, n: int = 3) -> str:
    return " / ".join(line.strip() for line in text.strip().splitlines()[-n:])


# -- server notifications ---------------------------------------------------------------------------
class Notifications(logging.Handler):
    """Collects the notifications the driver receives from the server (it logs every one of them on the
    ``neo4j.notifications`` logger, whatever runs the query: ``execute_query``, managed or explicit
    transactions)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.seen: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        printer = record.args[0] if isinstance(record.args, tuple) and record.args else None
        status = getattr(printer, "notification", None)
        self.seen.append({
            "classification": str(getattr(status, "raw_classification", "") or ""),
            "severity": str(getattr(status, "raw_severity", "") or ""),
            "gql_status": getattr(status, "gql_status", None),
            "description": getattr(status, "status_description", None) or record.getMessage(),
            "query": getattr(printer, "query", None),
        })

    def deprecations(self) -> list[dict]:
        return [n for n in self.seen if n["classification"] == "DEPRECATION"
                or "deprecat" in (n["description"] or "").lower()]

    def clear(self) -> None:
        self.seen.clear()

    def __enter__(self) -> Notifications:
        logger = logging.getLogger("neo4j.notifications")
        self._level = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        logger = logging.getLogger("neo4j.notifications")
        logger.removeHandler(self)
        logger.setLevel(self._level)
