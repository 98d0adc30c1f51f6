"""The CLI in-process (click's runner) against the session's embedded store."""

import json
import uuid

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import BANATIC

from eitgraph.cli import cli


@pytest.fixture(scope="module")
def run(store_dir, new_kb):
    database = f"cli{uuid.uuid4().hex[:10]}"
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, ["--data-dir", str(store_dir), "--database", database, *args],
                             catch_exceptions=False)

    new_kb()  # keep the session server running between invocations
    result = invoke("load", "territory", str(BANATIC), "-o", "departement=68", "--dataset", "territory:68")
    assert result.exit_code == 0, result.output
    return invoke


def test_load_reports_what_it_wrote(run):
    result = run("load", "territory", str(BANATIC), "-o", "departement=68", "--dataset", "territory:68")
    assert result.exit_code == 0
    assert "unchanged since last load" in result.output


def test_dry_run_writes_nothing(run, tmp_path):
    csv = tmp_path / "acteurs.csv"
    csv.write_text("Raison sociale;Type d'acteur;Code INSEE\nTest SA;Entreprise;68334\n", encoding="utf-8")
    result = run("load", "stakeholders", str(csv), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would write 1 LOCATED_IN, 1 Organisation" in result.output
    out = run("query", "organisations", "--format", "json")
    assert json.loads(out.output) == []


def test_query_formats(run, tmp_path):
    table = run("query", "communes", "--param", "epci=200036465")
    assert table.exit_code == 0
    assert "Thann" in table.output and "CC de Thann-Cernay" in table.output
    as_json = json.loads(run("query", "communes", "-p", "epci=200036465", "--format", "json").output)
    assert len(as_json) == 16 and {"insee", "commune", "population"} <= set(as_json[0])
    csv_out = run("query", "communes", "-p", "epci=200036465", "--format", "csv").output.splitlines()
    assert csv_out[0] == "insee,commune,population,epci_siren,epci" and len(csv_out) == 17
    xlsx = tmp_path / "communes.xlsx"
    result = run("query", "communes", "-p", "epci=200036465", "--format", "xlsx", "--out", str(xlsx))
    assert result.exit_code == 0 and "16 rows written" in result.output
    assert len(pd.read_excel(xlsx, dtype=str)) == 16


def test_errors_are_one_clear_line_without_traceback(run):
    result = CliRunner().invoke(cli, ["--data-dir", "/nonexistent-unused", "queries"])
    assert result.exit_code == 0 and "stakeholder-matrix" in result.output
    bad = run("query", "communes", "--param", "epcii=1")
    assert bad.exit_code == 1
    assert "Error: query 'communes' has no parameter 'epcii'" in bad.output
    assert "Traceback" not in bad.output
    unknown = run("query", "nope")
    assert unknown.exit_code == 1 and "unknown query 'nope'" in unknown.output


def test_bad_file_error_names_row_and_column(run, tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("Raison sociale;Type d'acteur;SIRET\nACME;Entreprise;12345678901234\n", encoding="utf-8")
    result = run("load", "stakeholders", str(csv))
    assert result.exit_code == 1
    assert f"{csv}, row 2, column 'SIRET'" in result.output and "Luhn" in result.output


def test_status_lists_counts_and_datasets(run):
    result = run("status")
    assert result.exit_code == 0
    assert "Commune" in result.output and "territory:68" in result.output
    assert "password" not in result.output.lower()


def test_kinds_and_schema_commands(run):
    assert "Raison sociale" in CliRunner().invoke(cli, ["kinds", "stakeholders"]).output
    ddl = CliRunner().invoke(cli, ["schema"]).output
    assert "CREATE CONSTRAINT organisation_id_unique IF NOT EXISTS" in ddl


def test_unreachable_server_is_a_clear_error_and_hides_the_password():
    result = CliRunner().invoke(cli, ["--uri", "bolt://127.0.0.1:9", "--username", "neo4j",
                                      "--password", "s3cret-pw", "status"])
    assert result.exit_code == 1
    assert "Error:" in result.output and "not reachable" in result.output
    assert "Neo4j server bolt://127.0.0.1:9 as neo4j" in result.output
    assert "s3cret-pw" not in result.output and "Traceback" not in result.output


def test_server_settings_come_from_options_then_environment():
    from eitgraph.config import StoreConfig

    env = {"NEO4J_URI": "neo4j://db:7687", "NEO4J_USERNAME": "u", "NEO4J_PASSWORD": "p", "NEO4J_DATABASE": "eit"}
    cfg = StoreConfig.resolve(env=env)
    assert (cfg.uri, cfg.username, cfg.password, cfg.database, cfg.embedded) == ("neo4j://db:7687", "u", "p", "eit",
                                                                                 False)
    assert StoreConfig.resolve(uri="bolt://other:7687", env=env).uri == "bolt://other:7687"
    assert "p" not in StoreConfig.resolve(env=env).describe().split()
    assert StoreConfig.resolve(env={"EITGRAPH_DATA": "/tmp/x"}).data_dir.as_posix() == "/tmp/x"


def test_query_runs_a_cypher_file_with_its_declared_parameters(run, tmp_path):
    f = tmp_path / "population.cypher"
    f.write_text("// name: population-epci\n// description: population of one EPCI\n// parameters:\n"
                 "//   siren: {type: string, required: true, description: SIREN of the EPCI}\n"
                 "MATCH (e:EPCI {code: $siren}) RETURN e.name AS epci, e.population AS population\n",
                 encoding="utf-8")
    ok = run("query", str(f), "-p", "siren=200036465", "--format", "json")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output) == [{"epci": "CC de Thann-Cernay", "population": 38341}]
    missing = run("query", str(f))
    assert missing.exit_code == 1 and "needs parameter 'siren'" in missing.output
