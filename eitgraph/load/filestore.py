"""Copies of every loaded file version, content-addressed, in the data folder (``files/``).

They make a dataset's history real: ``eitgraph undo`` reloads the previous version of a file from
its copy even when the original was edited, renamed or deleted. Copies are readable by their owner
only, like the rest of the data folder.

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> src = root / "acteurs.csv"; _ = src.write_text("Raison sociale\\nACME\\n", encoding="utf-8")
>>> fs = FileStore(root / "files")
>>> kept = fs.keep(src, "ab" * 32)
>>> fs.restore(kept, root / "out").read_text(encoding="utf-8")
'Raison sociale\\nACME\\n'
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from ..errors import EitgraphError


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)


class FileStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _copy(self, src: Path, digest: str) -> str:
        rel = Path(digest[:2]) / (digest + src.suffix.lower())
        dest = self.root / rel
        if not dest.exists():
            _private_dir(self.root)
            _private_dir(dest.parent)
            tmp = dest.with_name(dest.name + f".{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out, open(src, "rb") as fh:
                shutil.copyfileobj(fh, out)
            os.replace(tmp, dest)
        return rel.as_posix()

    def keep(self, path: Path, digest: str, sidecar: Path | None = None) -> dict:
        """Keep a copy of ``path`` (and of its sidecar metadata); returns where, for the history."""
        kept = {"file": self._copy(Path(path), digest), "name": Path(path).name}
        if sidecar is not None:
            kept["sidecar"] = self._copy(sidecar, file_sha256(sidecar))
            kept["sidecar_name"] = sidecar.name
        return kept

    def restore(self, kept: dict, folder: Path) -> Path:
        """Put a kept version back under its original name(s) in ``folder``; returns the file's path."""
        src = self.root / kept["file"]
        if not src.exists():
            raise EitgraphError(f"the copy of {kept.get('name')} kept in {self.root} is missing; it cannot be restored")
        _private_dir(folder)
        out = folder / kept.get("name", src.name)
        shutil.copyfile(src, out)
        if kept.get("sidecar"):
            shutil.copyfile(self.root / kept["sidecar"], folder / kept["sidecar_name"])
        return out


def sidecar_path(file: str | Path) -> Path | None:
    """The YAML of metadata kept beside a data file (``plan.xlsx.yaml`` or ``plan.yaml``), if any."""
    path = Path(file)
    for candidate in (path.with_name(path.name + ".yaml"), path.with_suffix(".yaml"),
                      path.with_name(path.name + ".yml"), path.with_suffix(".yml")):
        if candidate != path and candidate.exists():
            return candidate
    return None


def file_version(path: Path, opts: dict, sheet, encoding, delimiter) -> tuple[dict, Path | None]:
    """What identifies this version of the file (checksum, with its sidecar's) and how it was read."""
    sha = file_sha256(path)
    side = sidecar_path(path)
    if side:  # metadata kept beside the file is part of the dataset
        sha += ":" + file_sha256(side)
    opts_json = json.dumps(opts, sort_keys=True, ensure_ascii=False, default=str)
    return {"sha256": sha, "file": path.name, "path": str(path.resolve()), "options": opts_json,
            "sheet": sheet, "encoding": encoding, "delimiter": delimiter}, side
