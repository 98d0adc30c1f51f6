"""The embedded store as separate processes see it: one server per data folder, started on demand by the
first command and shared by the others, `serve` in the foreground, idle stop, concurrent commands and
loads, a folder of another user, logs, persistence, and processes that exit without closing."""

import fcntl
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import BANATIC
from loadhelpers import make_siret, write_csv
from test_reload_invariant import dump

import eitgraph
from eitgraph.store import embedded

pytestmark = pytest.mark.slow


def command(data_dir, *args):
    return [sys.executable, "-m", "eitgraph.cli", "--data-dir", str(data_dir), *args]


def eitgraph_cli(data_dir, *args, env=None, timeout=180):
    return subprocess.run(command(data_dir, *args), capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def wait_for(predicate, seconds=60, what="condition"):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds} s")
        time.sleep(0.1)


def served_by(data_dir):
    state = embedded.read_state(data_dir)
    return (state or {}).get("pid"), (state or {}).get("mode")


@pytest.fixture()
def folder(tmp_path):
    data = tmp_path / "store"
    yield data
    embedded.stop_server(data)


def test_the_first_command_starts_a_server_that_the_next_ones_share(folder):
    first = eitgraph_cli(folder, "load", "territory", str(BANATIC), "-o", "epci=200036465")
    assert first.returncode == 0, first.stderr
    assert "wrote" in first.stdout
    # ArcadeDB's log lines go to the data folder, not to the terminal.
    for stream in (first.stdout, first.stderr):
        assert "INFO" not in stream and "ArcadeDB" not in stream and "WARNING" not in stream
    assert (folder / "logs" / "arcadedb.0.log").stat().st_size > 0
    assert "serving" in (folder / "logs" / "server.log").read_text()
    pid, mode = served_by(folder)
    assert mode == "background" and pid != os.getpid()
    state = folder / "server.json"
    assert oct(state.stat().st_mode & 0o777) == "0o600"

    second = eitgraph_cli(folder, "query", "communes", "--format", "json")
    assert second.returncode == 0, second.stderr
    assert len(json.loads(second.stdout)) == 16
    assert served_by(folder)[0] == pid  # attached, not started again
    status = eitgraph_cli(folder, "status")
    assert f"served by process {pid} (background)" in status.stdout
    assert json.loads(state.read_text())["password"] not in status.stdout + status.stderr

    stopped = eitgraph_cli(folder, "serve", "--stop")
    assert stopped.returncode == 0 and f"process {pid}" in stopped.stdout, stopped.stderr
    assert not state.exists()
    again = eitgraph_cli(folder, "query", "communes", "-p", "epci=200036465", "--format", "json")
    assert again.returncode == 0, again.stderr
    assert len(json.loads(again.stdout)) == 16  # the data survived; a new server serves it
    assert served_by(folder)[0] not in (None, pid)
    assert "No eitgraph server" in eitgraph_cli(folder.parent / "elsewhere", "serve", "--stop").stdout


def test_a_background_server_stops_when_idle(folder):
    started = eitgraph_cli(folder, "status", env={"EITGRAPH_SERVER_IDLE": "2"})
    assert started.returncode == 0, started.stderr
    pid, _ = served_by(folder)
    wait_for(lambda: not embedded.pid_alive(pid), 60, "the idle stop")
    assert not (folder / "server.json").exists()
    assert "stopped (idle)" in (folder / "logs" / "server.log").read_text()


def test_serve_shares_the_store_refuses_a_second_serve_and_stops_cleanly(folder):
    server = subprocess.Popen(command(folder, "serve"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: served_by(folder)[1] == "foreground", 120, "serve")
        state = folder / "server.json"
        assert oct(state.stat().st_mode & 0o777) == "0o600"
        loaded = eitgraph_cli(folder, "load", "territory", str(BANATIC), "-o", "epci=200036465")
        assert loaded.returncode == 0, loaded.stderr
        status = eitgraph_cli(folder, "status")
        assert status.returncode == 0, status.stderr
        assert "territory:perimetre-epci-a-fp" in status.stdout
        assert f"served by process {server.pid} (foreground)" in status.stdout
        second = eitgraph_cli(folder, "serve")
        assert second.returncode == 1
        assert f"already served by process {server.pid}" in second.stderr and "Traceback" not in second.stderr
    finally:
        server.send_signal(signal.SIGINT)
        try:
            out, err = server.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    assert server.returncode == 0, err
    assert "Traceback" not in err and "Stopped." in out
    assert not (folder / "server.json").exists()
    # The data survived the server's shutdown; the next command starts a server again.
    again = eitgraph_cli(folder, "query", "communes", "-p", "epci=200036465", "--format", "json")
    assert again.returncode == 0, again.stderr
    assert len(json.loads(again.stdout)) == 16


def test_a_folder_held_by_a_process_without_a_server_is_a_clear_error(tmp_path):
    data = tmp_path / "locked"
    data.mkdir()
    with open(data / "eitgraph.lock", "a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        lock.write(str(os.getpid()))
        lock.flush()
        result = eitgraph_cli(data, "status", env={"EITGRAPH_LOCK_WAIT": "1"})
    assert result.returncode == 1
    assert f"is in use by process {os.getpid()}" in result.stderr and "serve --stop" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (data / "arcadedb").exists(), "the second process must not touch the store files"


def test_a_folder_of_another_user_is_one_clear_message(tmp_path):
    data = tmp_path / "theirs"
    data.mkdir()
    if os.geteuid() != 0:
        pytest.skip("needs root to give a folder to another user")
    os.chown(data, 65534, 65534)
    for args in (("status",), ("query", "communes"), ("serve",), ("serve", "--stop")):
        result = eitgraph_cli(data, *args)
        assert result.returncode == 1, (args, result.stdout)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "belongs to user" in lines[0] and "private" in lines[0], (args, result.stderr)
    assert list(data.iterdir()) == []


@pytest.mark.parametrize("with_serve", [False, True], ids=["on-demand", "serve"])
def test_ten_simultaneous_commands_on_one_folder_all_succeed(folder, with_serve):
    loaded = eitgraph_cli(folder, "load", "territory", str(BANATIC), "-o", "epci=200036465")
    assert loaded.returncode == 0, loaded.stderr
    embedded.stop_server(folder)  # on demand: the ten commands race to start it
    server = None
    if with_serve:
        server = subprocess.Popen(command(folder, "serve"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for(lambda: served_by(folder)[1] == "foreground", 120, "serve")
    try:
        kinds = [("status",), ("query", "communes", "--format", "json"), ("datasets",),
                 ("query", "communes", "-p", "epci=200036465", "--format", "json"), ("queries",)]
        procs = [subprocess.Popen(command(folder, *kinds[i % len(kinds)]), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for i in range(10)]
        results = [(p.args, *p.communicate(timeout=300), p.returncode) for p in procs]
        failed = [(args[-3:], err[-500:]) for args, _out, err, code in results if code != 0]
        assert not failed, failed
        for args, out, _err, _code in results:
            if "json" in args:
                assert len(json.loads(out)) == 16
        pids = {served_by(folder)[0]}
        assert len(pids) == 1 and None not in pids
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)


STAKEHOLDERS = ["Raison sociale", "SIRET", "Type d'acteur", "Code INSEE", "Contact", "Fonction"]
COMMUNES = ["68063", "68334", "68348", "68040", "68012", "68372"]  # in CC de Thann-Cernay


def _stakeholders(path, numbers, contact_prefix):
    rows = [STAKEHOLDERS]
    for i in numbers:
        rows.append([f"Entreprise {i:03d}", make_siret(f"8{i:07d}", "0001"), "Entreprise", COMMUNES[i % len(COMMUNES)],
                     f"{contact_prefix} {i}" if i % 3 == 0 else "", "Directeur" if i % 3 == 0 else ""])
    return write_csv(path, rows)


def test_concurrent_loads_give_the_graph_of_sequential_loads(tmp_path):
    files = [_stakeholders(tmp_path / "a.csv", range(0, 40), "Contact A"),
             _stakeholders(tmp_path / "b.csv", range(40, 80), "Contact B"),      # disjoint from a
             _stakeholders(tmp_path / "c.csv", range(20, 60), "Contact C")]      # overlaps both
    graphs = {}
    for how in ("sequential", "concurrent"):
        data = tmp_path / how
        base = eitgraph_cli(data, "load", "territory", str(BANATIC), "-o", "epci=200036465")
        assert base.returncode == 0, base.stderr
        try:
            if how == "sequential":
                for f in files:
                    done = eitgraph_cli(data, "load", "stakeholders", str(f))
                    assert done.returncode == 0, done.stderr
            else:
                procs = [subprocess.Popen(command(data, "load", "stakeholders", str(f)), stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True) for f in files]
                results = [(*p.communicate(timeout=600), p.returncode) for p in procs]
                assert all(code == 0 for _o, _e, code in results), [e[-800:] for _o, e, _c in results]
                assert all("wrote" in out for out, _e, _c in results)
            with eitgraph.open(data_dir=data) as kb:
                graphs[how] = dump(kb)[:2]
        finally:
            embedded.stop_server(data)
    assert graphs["concurrent"] == graphs["sequential"]
    nodes = graphs["sequential"][0]
    assert sum(1 for n in nodes if "Organisation" in n[0]) == 80


# -- processes that exit without closing ----------------------------------------------------------
NO_CLOSE = textwrap.dedent("""
    import faulthandler, sys, eitgraph
    from eitgraph import shipped
    faulthandler.enable()  # as pytest does: enabled before the JVM starts, disabled after
    kb = eitgraph.open(data_dir=sys.argv[1], in_process=sys.argv[2] == "in-process")
    kb.load("territory", shipped.path("reference", "perimetre-epci-a-fp.csv"), epci=sys.argv[3], force=True)
    print(len(kb.query("communes")), flush=True)
    faulthandler.disable()
    # no kb.close(): the process must still exit at once, with status 0
""")


@pytest.mark.parametrize("mode", ["in-process", "attached"])
def test_scripts_that_exit_without_closing_exit_cleanly(tmp_path, mode):
    data = tmp_path / "store"
    try:
        for i in range(10 if mode == "in-process" else 5):
            began = time.monotonic()
            run = subprocess.run([sys.executable, "-c", NO_CLOSE, str(data), mode, "200036465"], capture_output=True,
                                 text=True, timeout=120)
            assert run.returncode == 0, (i, run.returncode, run.stderr[-2000:])
            assert run.stdout.strip() == "16"
            assert "Fatal" not in run.stderr and "Segmentation" not in run.stderr
            assert time.monotonic() - began < 60
            assert not list(data.glob("**/hs_err_pid*.log")) and not list(tmp_path.glob("hs_err*"))
            if mode == "in-process":
                assert not (data / "server.json").exists() and not embedded.folder_locked(data)
    finally:
        embedded.stop_server(data)
