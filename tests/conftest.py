"""Shared fixtures: one embedded ArcadeDB server per test session (the JVM is per process), one
fresh database per test module or test, real files from ``reference/`` and ``examples/``, and the
Thur Doller example loaded once per session for the modules that only read it."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from browserhelpers import CHROMEDRIVER, CHROMIUM
from neo4jserver import Servers

import eitgraph
from eitgraph import shipped

BANATIC = shipped.path("reference", "perimetre-epci-a-fp.csv")
# The example's workbook filler (examples/thur-doller/plans/tetbook.py) writes the tests' plan workbooks.
sys.path.append(str(shipped.path("examples", "thur-doller", "plans")))


# Background store servers that tests start (eitgraph.open or the CLI in a subprocess, on a folder of
# their own) stop after a minute without a client, and those still running stop at the end of the session.
os.environ.setdefault("EITGRAPH_SERVER_IDLE", "60")


@pytest.fixture(scope="session", autouse=True)
def stop_background_servers(tmp_path_factory):
    yield
    from eitgraph.store import embedded

    for state in tmp_path_factory.getbasetemp().rglob(embedded.STATE_FILE):
        if (embedded.read_state(state.parent) or {}).get("mode") == "background":
            embedded.stop_server(state.parent)


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("eitgraph-store")


@pytest.fixture(scope="session")
def new_kb(store_dir):
    """Factory: a knowledge base on a fresh, empty database of the session's embedded server, which runs
    in the test process (one JVM, many databases)."""
    opened = []

    def make(database: str | None = None) -> eitgraph.KnowledgeBase:
        kb = eitgraph.open(data_dir=store_dir, database=database or f"t{uuid.uuid4().hex[:12]}", in_process=True)
        opened.append(kb)
        return kb

    yield make
    for kb in opened:
        kb.close()


EXAMPLE_KINDS = ["territory", "materials", "groupings", "stakeholders", "diagnostics", "synergies", "workshops",
                 "referentiel", *["plans"] * 7]


@pytest.fixture(scope="session")
def example_kb(new_kb):
    """The Thur Doller example, loaded once per session through its manifest. Read-only: a module that
    writes loads its own copy (see tests/test_maps.py). Notebooks attach to it through the session's server."""
    kb = new_kb("example")
    reports = kb.load_manifest(eitgraph.example_manifest())
    assert [r.kind for r in reports] == EXAMPLE_KINDS
    return kb


@pytest.fixture(scope="session")
def haut_rhin(tmp_path_factory) -> Path:
    """The rows of the real BANATIC file whose EPCI sits in the Haut-Rhin, in the file's own format
    (cp1252, ``;``, CRLF): loading it with ``departement=68`` writes what the whole file does, without
    reading the 35,000 rows of France at every test."""
    header, *rows = BANATIC.read_bytes().split(b"\r\n")
    path = tmp_path_factory.mktemp("banatic") / "perimetre-epci-68.csv"
    path.write_bytes(b"\r\n".join([header, *(r for r in rows if r.startswith(b"68;"))]) + b"\r\n")
    return path


def load_haut_rhin(kb, path: Path) -> None:
    """Haut-Rhin from the BANATIC file (see :func:`haut_rhin`), plus the PETR grouping of the example."""
    kb.load("territory", path, dataset_id="territory:68", departement="68")
    kb.load("groupings", shipped.path("examples", "thur-doller", "groupements.csv"))


@pytest.fixture(scope="module")
def territory_kb(new_kb, haut_rhin):
    """Haut-Rhin communes, EPCI and the PETR; tests must not write to it."""
    kb = new_kb()
    load_haut_rhin(kb, haut_rhin)
    return kb


@pytest.fixture()
def empty_kb(new_kb):
    return new_kb()


@pytest.fixture()
def writable_kb(new_kb, haut_rhin):
    """A fresh database with Haut-Rhin loaded, for tests that write."""
    kb = new_kb()
    load_haut_rhin(kb, haut_rhin)
    return kb


@pytest.fixture(scope="session")
def neo4j_servers():
    """Neo4j servers for the ``neo4j`` tests (see tests/neo4jserver.py); stops those it started."""
    servers = Servers()
    yield servers
    servers.stop()


@pytest.fixture(scope="session")
def browser():
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        pytest.skip(f"Chromium is not installed ({CHROMIUM} and {CHROMEDRIVER}); run tests/install-browser.sh")
    os.environ["SE_OFFLINE"] = "true"  # selenium-manager must never download a browser or a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="eitgraph-chromium-test-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic", "--host-resolver-rules=MAP * ~NOTFOUND",
                 "--window-size=1600,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)
