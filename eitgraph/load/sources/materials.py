"""The EU List of Waste and the EIT material categories → Material, MaterialCategory, IN_CATEGORY."""

from __future__ import annotations

from ...model.materials import categories, category_of_low, low_code
from ..graphbatch import GraphBatch
from ..records import Record


def transform(records: list[Record], ctx) -> GraphBatch:
    batch = GraphBatch()
    for cat in categories().values():
        batch.node("MaterialCategory", cat.code, {"label": cat.fr, "label_en": cat.en,
                                                  "dimensions": list(cat.dimensions)}, location=ctx.table.location())
    for rec in records:
        try:
            code = low_code(rec.get("code") or "")
        except ValueError as exc:
            ctx.problems.add(str(exc), rec.loc("code"))
            continue
        category = category_of_low(code)
        batch.node("Material", code, {"label": rec.get("label"), "hazardous": bool(rec.get("hazardous")),
                                      "chapter": code[:2], "subchapter": code[:5], "category": category},
                   location=rec.loc("code"))
        batch.rel("IN_CATEGORY", "Material", code, "MaterialCategory", category, location=rec.loc("code"))
    return batch
