"""The COPIL dossier: one workbook for the steering committee, a sheet per question, laid out for Excel
(:mod:`eitgraph.safety.sheetstyle`) with headers and coded values in French (or English).

>>> import eitgraph                                                              # doctest: +SKIP
>>> with eitgraph.open() as kb:                                                  # doctest: +SKIP
...     kb.dossier("dossier-copil.xlsx", territory="PETR-THUR-DOLLER")
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..present.text import LANGS, people_frame, text
from ..safety.writing import frame_sheet, write_xlsx

# (title key in present/phrases.py, catalogue query or None for the indicators, its parameters besides territory)
SHEETS = (
    ("dossier.indicators", None, {}),
    ("dossier.leads", "synergy-leads", {}),
    ("dossier.matrix", "stakeholder-matrix", {"lang": True}),
    ("dossier.flows", "flows-by-category", {}),
    ("dossier.loops", "circular-loops", {}),
    ("dossier.actions", "plan-actions", {}),
)


def dossier_frames(query: Callable[..., pd.DataFrame], indicators: Callable[..., pd.DataFrame],
                   territory: str | None = None, lang: str = "fr") -> list[tuple[str, pd.DataFrame]]:
    """The dossier's sheets as ``(title, DataFrame)``, for people: ``query(name, **params)`` runs a
    catalogue query and ``indicators(territory=, lang=)`` computes the indicators (``kb.query``,
    ``kb.indicators``)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    out = []
    for key, name, extra in SHEETS:
        if name is None:
            df = indicators(territory=territory, lang=lang)
        else:
            params = {k: lang for k in extra} | ({"territory": territory} if territory else {})
            df = query(name, **params)
        out.append((text(lang, key), people_frame(df, lang)))
    return out


def write_dossier(out: str | Path, query: Callable[..., pd.DataFrame], indicators: Callable[..., pd.DataFrame],
                  territory: str | None = None, lang: str = "fr") -> Path:
    """Write the dossier (see :func:`dossier_frames`) to ``out`` (an .xlsx) and return its path."""
    frames = dossier_frames(query, indicators, territory=territory, lang=lang)
    return write_xlsx(out, [frame_sheet(df, title) for title, df in frames])
