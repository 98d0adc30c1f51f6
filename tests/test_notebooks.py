"""The notebooks in notebooks/ teach the right thing: French prose, the store the CLI uses, maps and the
report shown inline by eitgraph itself, quantities added up only within one unit, and the report's figures
(``kb.indicators``). They run top to bottom in a fresh kernel (nbclient) and are committed without outputs.

The kernel attaches to the session's embedded server (``EITGRAPH_DATA`` is the session's temporary store,
never the repository): on the database holding the example for two notebooks, on an empty one for the
third, which then loads the example itself as on a fresh machine."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))
TERRITORY = "PETR-THUR-DOLLER"
TITLES = {
    "01-tour-thur-doller": "Visite de la base de connaissances du Pays Thur Doller",
    "02-indicateurs-copil": "Indicateurs pour le comité de pilotage (COPIL)",
    "03-recouvrements-plans": "Recouvrements entre plans locaux",
}
OPEN = "eitgraph.open(data_dir=eitgraph.project_data_dir())"


def cells(book, kind: str) -> list[str]:
    return [c.source for c in book.cells if c.cell_type == kind]


def test_there_are_notebooks():
    assert [p.stem for p in NOTEBOOKS] == list(TITLES)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: clear the outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_what_they_teach(path):
    book = nbformat.read(path, as_version=4)
    headings = [line for md in cells(book, "markdown") for line in md.splitlines() if line.startswith("#")]
    assert headings[0] == f"# {TITLES[path.stem]}"
    english = re.compile(r"\b(the|and|of|with|for)\b")
    assert not [h for h in headings if english.search(h)], "headings are in French"
    code = "\n".join(cells(book, "code"))
    # The CLI's store (EITGRAPH_DATA or eitgraph-data/ at the repository root), the example if it is empty.
    assert OPEN in code and "if not kb.datasets():" in code and "eitgraph.example_manifest()" in code
    # eitgraph's pages show themselves: no helper of the notebook's own.
    assert "IPython.display" not in code and "srcdoc" not in code
    # Quantities are added up within one unit.
    for source in cells(book, "code"):
        if re.search(r"\[\"quantity\"\]\.sum\(\)", source):
            assert re.search(r"groupby\(\[\"unit\"", source), source
    # Indicators and network analysis come from kb.indicators, as in the report.
    assert "network_analysis(" not in code


def run(path: Path, data_dir: Path, database: str, tmp_path_factory, monkeypatch):
    # The kernel inherits the environment: it reaches the store through this process's server.
    monkeypatch.setenv("EITGRAPH_DATA", str(data_dir))
    monkeypatch.setenv("NEO4J_DATABASE", database)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    # ... and imports the eitgraph under test, not another copy installed in the environment.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(book, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path_factory.mktemp("nb"))}})
    client.execute()
    shown = [o for c in book.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in shown if o.output_type == "error"]
    printed = "".join(o.text for o in shown if o.output_type == "stream")
    html = [o.data["text/html"] for o in shown if o.output_type in ("execute_result", "display_data")
            and "text/html" in o.data]
    plain = [o.data.get("text/plain", "") for o in shown if "data" in o]
    # The store the kernel opened is the one EITGRAPH_DATA names; nothing was written in the repository.
    assert str(data_dir) in printed and f"(database {database})" in printed
    assert not (FOLDER / "eitgraph-data").exists()
    # The map and the report show as HTML; their plain-text form is not the page again.
    assert not [t for t in plain if "<!doctype html" in t.lower()]
    return printed, html, plain


@pytest.mark.slow
def test_tour(example_kb, tmp_path_factory, monkeypatch):
    printed, html, plain = run(FOLDER / "01-tour-thur-doller.ipynb", example_kb.config.data_dir,
                        example_kb.config.database, tmp_path_factory, monkeypatch)
    assert "16 communes" in printed and "20 entreprises pilotes" in printed
    maps = [h for h in html if h.startswith("<iframe srcdoc=")]
    assert len(maps) == 1 and "&lt;html" in maps[0]
    # Existing exchanges summed per unit, then per category.
    totals = [t for t in plain if t.startswith("unit ")]
    assert len(totals) == 1 and "t/an" in totals[0] and "unités/an" in totals[0]


@pytest.mark.slow
def test_copil_figures_are_the_report_s(example_kb, tmp_path_factory, monkeypatch):
    printed, html, _ = run(FOLDER / "02-indicateurs-copil.ipynb", example_kb.config.data_dir,
                        example_kb.config.database, tmp_path_factory, monkeypatch)
    v = example_kb.indicators(territory=TERRITORY).set_index("code")["value"]
    assert f"Synergies mises en œuvre : {v['synergies.implemented']} sur {v['synergies']} pistes" in printed
    assert v["ena_tst"] and v["ena_fci"] is not None
    assert f"Débit total du système : {v['ena_tst']} t/an, indice de recyclage de Finn : {v['ena_fci']} %" in printed
    reports = [h for h in html if h.startswith("<iframe srcdoc=")]
    assert len(reports) == 1 and "Rapport au comité de pilotage" in reports[0]


@pytest.mark.slow
def test_plans_on_an_empty_store(store_dir, tmp_path_factory, monkeypatch):
    database = f"nb{uuid.uuid4().hex[:12]}"
    printed, _, plain = run(FOLDER / "03-recouvrements-plans.ipynb", store_dir, database, tmp_path_factory,
                        monkeypatch)
    assert "15 jeux de données chargés" in printed
    assert any("shared_actions" in t and "Total (chaque action comptée une fois)" in t for t in plain)
