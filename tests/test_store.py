"""The embedded store as separate processes see it: ownership, serve, logs, persistence, shutdown."""

import fcntl
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import BANATIC

pytestmark = pytest.mark.slow


def eitgraph(data_dir, *args, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "eitgraph.cli", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def wait_for(path, seconds=60):
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not appear")
        time.sleep(0.2)


def test_data_persists_across_processes_and_logs_stay_in_the_folder(tmp_path):
    data = tmp_path / "store"
    first = eitgraph(data, "load", "territory", str(BANATIC), "-o", "epci=200036465")
    assert first.returncode == 0, first.stderr
    assert "wrote" in first.stdout
    # ArcadeDB's log lines go to the data folder, not to the terminal.
    for stream in (first.stdout, first.stderr):
        assert "INFO" not in stream and "ArcadeDB" not in stream and "WARNING" not in stream
    assert (data / "logs" / "arcadedb.0.log").stat().st_size > 0
    assert not (data / "server.json").exists(), "a finished process leaves no server record"
    second = eitgraph(data, "query", "communes", "--format", "json")
    assert second.returncode == 0, second.stderr
    assert len(json.loads(second.stdout)) == 16


def test_serve_shares_the_store_and_stops_cleanly(tmp_path):
    data = tmp_path / "served"
    server = subprocess.Popen([sys.executable, "-m", "eitgraph.cli", "--data-dir", str(data), "serve"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(data / "server.json")
        state = data / "server.json"
        assert oct(state.stat().st_mode & 0o777) == "0o600"
        loaded = eitgraph(data, "load", "territory", str(BANATIC), "-o", "epci=200036465")
        assert loaded.returncode == 0, loaded.stderr
        status = eitgraph(data, "status")
        assert status.returncode == 0, status.stderr
        assert "territory:perimetre-epci-a-fp" in status.stdout
        assert json.loads(state.read_text())["password"] not in status.stdout + status.stderr
    finally:
        server.send_signal(signal.SIGINT)
        try:
            _, err = server.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    assert server.returncode in (0, 130), err
    assert "Traceback" not in err
    assert not (data / "server.json").exists()
    # The data survived the server's shutdown and the next process owns the folder again.
    again = eitgraph(data, "query", "communes", "-p", "epci=200036465", "--format", "json")
    assert again.returncode == 0, again.stderr
    assert len(json.loads(again.stdout)) == 16


def test_owned_folder_without_a_server_is_a_clear_error(tmp_path):
    data = tmp_path / "locked"
    data.mkdir()
    with open(data / "eitgraph.lock", "a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        lock.write(str(os.getpid()))
        lock.flush()
        result = eitgraph(data, "status", env={"EITGRAPH_LOCK_WAIT": "1"})
    assert result.returncode == 1
    assert "is in use by process" in result.stderr and "eitgraph serve" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (data / "arcadedb").exists(), "the second process must not touch the store files"
