"""The deletion guard (issue #16, item 6), on the two cases that went through it: a flows file cut from 60
rows to 1, and a territory dataset id given, with --force, to a two-row stakeholder file."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from loadhelpers import fingerprint, write_csv

from eitgraph import shipped
from eitgraph.cli import cli
from eitgraph.load.loading import LoadAborted

HEADER = ["Site", "Sens", "Matière", "Code déchet", "Quantité", "Unité", "Période", "Fournisseur / collecteur"]
SITES = [("Ateliers du Rhin", "68063"), ("Bois de Thann", "68334"), ("Fonderie de Cernay", "68063")]
CODES = ["15 01 01", "15 01 02", "15 01 03", "17 04 05", "20 01 01"]


def flows(n: int) -> list[list[str]]:
    return [[SITES[i % 3][0], "sortant", f"flux {i}", CODES[i % 5], str(10 + i), "t", "an", f"Collecteur {i % 4}"]
            for i in range(n)]


@pytest.fixture()
def kb(writable_kb, tmp_path):
    writable_kb.load("materials", shipped.path("reference", "list_of_waste.csv"))
    writable_kb.load("stakeholders", write_csv(tmp_path / "acteurs.csv", [
        ["Raison sociale", "Type d'acteur", "Code INSEE"], *[[n, "Entreprise", c] for n, c in SITES]]))
    return writable_kb


def test_a_flows_file_cut_from_60_rows_to_1_deletes_nothing_without_force(kb, tmp_path):
    kb.load("diagnostics", write_csv(tmp_path / "flux.csv", [HEADER, *flows(60)]), dataset_id="flux")
    assert kb.cypher("MATCH ()-[f:OUTPUTS]->() RETURN count(f) AS n")["n"][0] == 60
    before = fingerprint(kb)
    cut = write_csv(tmp_path / "flux-v2.csv", [HEADER, *flows(1)])
    with pytest.raises(LoadAborted, match=r"nothing was changed.*--force"):
        kb.load("diagnostics", cut, dataset_id="flux")
    assert fingerprint(kb) == before
    result = CliRunner().invoke(cli, ["--data-dir", str(kb.config.data_dir), "--database", kb.config.database,
                                      "load", "diagnostics", str(cut), "--dataset", "flux"])
    assert result.exit_code == 1 and "--force" in result.output and "Traceback" not in result.output
    assert fingerprint(kb) == before
    kb.load("diagnostics", cut, dataset_id="flux", force=True)          # said on purpose: done
    assert kb.cypher("MATCH ()-[f:OUTPUTS]->() RETURN count(f) AS n")["n"][0] == 1


def test_a_territory_dataset_id_given_to_a_stakeholder_file_with_force_deletes_nothing(kb, tmp_path):
    before = fingerprint(kb)
    communes = before[0]["Commune"]
    small = write_csv(tmp_path / "deux.csv", [["Raison sociale", "Type d'acteur", "Code INSEE"],
                                             ["Ateliers du Rhin", "Entreprise", "68063"],
                                             ["Bois de Thann", "Entreprise", "68334"]])
    result = CliRunner().invoke(cli, ["--data-dir", str(kb.config.data_dir), "--database", kb.config.database,
                                      "load", "stakeholders", str(small), "--dataset", "territory:68", "--force"])
    assert result.exit_code == 1, result.output
    assert "is a 'territory' dataset" in result.output and "Traceback" not in result.output
    assert fingerprint(kb) == before and fingerprint(kb)[0]["Commune"] == communes
