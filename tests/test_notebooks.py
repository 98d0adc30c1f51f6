"""The notebooks in notebooks/ run top to bottom in a fresh kernel (nbclient), and are committed without
outputs. The kernel attaches to the session's embedded server and its copy of the example (the notebooks'
own manifest load then finds every file unchanged and writes nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["01-tour-thur-doller.ipynb", "02-indicateurs-copil.ipynb",
                                          "03-recouvrements-plans.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: clear the outputs"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, example_kb, tmp_path_factory, monkeypatch):
    # The kernel inherits the environment: it reaches the example through this process's server.
    monkeypatch.setenv("EITGRAPH_DATA", str(example_kb.config.data_dir))
    monkeypatch.setenv("NEO4J_DATABASE", example_kb.config.database)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(book, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path_factory.mktemp("nb"))}})
    client.execute()
    shown = [o for c in book.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in shown if o.output_type == "error"]
    assert any(o.output_type in ("execute_result", "display_data") for o in shown)
