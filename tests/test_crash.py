"""A load killed at any moment leaves its dataset fully present or fully absent, and the store opens
again without repair: real processes, real signals, the real embedded store."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from loadhelpers import write_csv

import eitgraph
from eitgraph import shipped

pytestmark = pytest.mark.slow

# The command runs the store in its own process (EITGRAPH_IN_PROCESS): killing it kills the server in the
# middle of the write (a command attached to a background server would only lose its connection, which
# rolls the write back).
IN_PROCESS = {**os.environ, "EITGRAPH_IN_PROCESS": "1"}


def big_diagnostics(path, n):
    codes = ["15 01 01", "15 01 03", "20 01 08", "12 01 01", "03 01 05"]
    rows = [["Site", "Sens", "Matière", "Code déchet", "Quantité", "Unité", "Collecteur"]]
    for i in range(n):
        rows.append([f"Site {i % 2000}", "sortant", f"matière {i}", codes[i % 5], str(i % 97 + 1), "t",
                     f"Collecteur {i % 150}"])
    return write_csv(path, rows)


def state(data_dir):
    """(dataset recorded?, flows it holds, flows it says it holds) after reopening the store."""
    with eitgraph.open(data_dir=data_dir, in_process=True) as kb:
        ds = kb.store.records("MATCH (d:Dataset {id: 'diagnostics:big'}) RETURN d.counts AS c")
        flows = kb.store.records("MATCH ()-[f:OUTPUTS]->() WHERE 'diagnostics:big' IN f.sources "
                                 "RETURN count(f) AS n")[0]["n"]
        orgs = kb.store.records("MATCH (o:Organisation) RETURN count(o) AS n")[0]["n"]
    import json
    return (bool(ds), flows, json.loads(ds[0]["c"]).get("OUTPUTS", 0) if ds else 0, orgs)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A store with the territory and materials, and a 12,000-row diagnostics file."""
    root = tmp_path_factory.mktemp("crash")
    data = root / "template"
    with eitgraph.open(data_dir=data, in_process=True) as kb:
        kb.load("territory", shipped.path("reference", "perimetre-epci-a-fp.csv"), epci="200036465")
        kb.load("materials", shipped.path("reference", "list_of_waste.csv"))
    return data, big_diagnostics(root / "big.csv", 12_000)


@pytest.mark.parametrize("sig, delay", [(signal.SIGKILL, 0.5), (signal.SIGKILL, 3.0), (signal.SIGKILL, 6.0),
                                        (signal.SIGINT, 3.0)])
def test_a_killed_load_is_all_or_nothing(template, tmp_path, sig, delay):
    data, big = template
    copy = tmp_path / "store"
    shutil.copytree(data, copy)
    proc = subprocess.Popen([sys.executable, "-m", "eitgraph.cli", "--data-dir", str(copy), "load", "diagnostics",
                             str(big), "--dataset", "diagnostics:big", "-o", "create_missing=true"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=IN_PROCESS)
    assert "Reading and validating" in proc.stderr.readline()  # the store is up; the load starts now
    time.sleep(delay)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    finished = proc.returncode == 0 and "wrote" in out
    recorded, flows, declared, orgs = state(copy)
    if recorded:
        assert flows == declared == 12_000, (flows, declared)
        assert orgs == 2150
    else:
        assert not finished
        assert flows == 0 and orgs == 0, f"a killed load left {flows} flows and {orgs} organisations"
    if sig == signal.SIGINT and not finished:
        assert "Traceback" not in err and "Interrupted." in err and proc.returncode == 130
    # The store takes a new load after the crash, without repair.
    with eitgraph.open(data_dir=copy, in_process=True) as kb:
        report = kb.load("diagnostics", big, dataset_id="diagnostics:big", create_missing=True)
        assert report.unchanged or report.written["OUTPUTS"] == 12_000
    assert os.path.isdir(copy)
