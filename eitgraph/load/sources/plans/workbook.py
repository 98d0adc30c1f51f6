"""The Territoires en Transitions import workbook's own rows (format, instructions, the pre-filled
example) and placeholder text, and the « Montant » column that follows each « Financeur » column."""

from __future__ import annotations

from ....values import fold
from ...records import Record

PLACEHOLDER = "ces informations devront etre saisies directement"
INSTRUCTION_MARKERS = ("ce champ ne sera pas integre", "si vos axes sont numerotes", "texte court de 300 caracteres",
                       "presentez en quelques lignes")


def template_rows(ctx, records: list[Record]) -> set[int]:
    """Rows of the TeT template itself: format, instructions and the pre-filled example."""
    skipped = set()
    for row_no, cells in ctx.table.rows:
        texts = [fold(c) for c in cells if c]
        if not texts:
            continue
        format_row = sum(t.startswith("champ ") for t in texts) >= max(2, len(texts) // 2)
        instructions = any(t.startswith(INSTRUCTION_MARKERS) for t in texts)
        example = any("la collectivite exemple" in t for t in texts) or (
            any(t.startswith(PLACEHOLDER) for t in texts)
            and any("assurer la coordination de la transition ecologique" in t for t in texts))
        if format_row or instructions or example:
            skipped.add(row_no)
    return skipped


def amount_columns(ctx, records: list[Record]) -> dict[int, tuple[int, str] | None]:
    """For Financeur N: (column index, header) of its amount, the « Montant » column right after it."""
    headers = ctx.table.headers
    out: dict[int, tuple[int, str] | None] = {}
    if not records:
        return out
    for n in (1, 2, 3):
        header = records[0].headers.get(f"funder_{n}")
        out[n] = None
        if header is None:
            continue
        idx = headers.index(header)
        if idx + 1 < len(headers) and fold(headers[idx + 1]).startswith("montant"):
            out[n] = (idx + 1, f"{headers[idx + 1]} (Financeur {n})")
    return out
