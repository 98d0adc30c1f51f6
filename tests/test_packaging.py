"""The wheel carries the declarative folders: build it, install it in a fresh virtual
environment, and run a catalogue query from there (outside the source tree)."""

import json
import subprocess
import sys
import sysconfig
import venv

import pytest

pytestmark = pytest.mark.slow

SCRIPT = """
import json, sys, eitgraph
from eitgraph import shipped
kb = eitgraph.open(data_dir=sys.argv[1])
try:
    kb.load("territory", shipped.path("reference", "perimetre-epci-a-fp.csv"), epci="200036465")
    df = kb.query("communes", epci="200036465")
    print(json.dumps({"file": eitgraph.__file__, "queries": str(shipped.folder("queries")),
                      "rows": len(df), "example": shipped.path("examples", "thur-doller", "acteurs.csv").exists()}))
finally:
    kb.close()
"""


def test_wheel_installs_and_answers_a_catalogue_query(tmp_path):
    root = __import__("pathlib").Path(__file__).resolve().parents[1]
    dist = tmp_path / "dist"
    built = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(root)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheel = next(dist.glob("eitgraph-*.whl"))

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    # Dependencies come from this environment (they are large); eitgraph itself only from the wheel.
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    deps = sysconfig.get_paths()["purelib"]
    (__import__("pathlib").Path(site) / "deps.pth").write_text(deps + "\n")
    subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)], check=True,
                   timeout=300)

    run = subprocess.run([str(py), "-I", "-c", SCRIPT, str(tmp_path / "store")], capture_output=True, text=True,
                         timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["file"].startswith(str(env_dir)), out
    assert "_shipped" in out["queries"]
    assert out["rows"] == 16
    assert out["example"] is True
