"""Warnings of a load: worth knowing, not errors. Shown by the CLI, returned by ``kb.load()`` and kept
on the Dataset node."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Location


@dataclass
class Note:
    """Something worth knowing about a load that is not an error."""

    code: str  # unused_column, name_match, created, ambiguous, new_version, default_kind, cascade…
    message: str
    location: Location = field(default_factory=Location)

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict:
        loc = self.location
        return {"code": self.code, "message": self.message, "file": loc.file, "sheet": loc.sheet,
                "row": loc.row, "column": loc.column}
