"""The plan a file describes: its properties from the loader options, else from a sidecar YAML kept
beside the file (``plan.xlsx.yaml`` or ``plan.yaml``), and the sidecar's organisation aliases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from ....errors import Location
from ....values import fold, parse_date, slug
from ...filestore import sidecar_path

PLAN_TYPES = ("PLPDMA", "PLP", "PCAET", "CODEC", "TZDZG", "TEPCV", "PAT", "CRTE", "CLS", "PTCE", "GPECT", "EIT",
              "SRADDET", "PCET", "CTE", "OTHER")


def plan_metadata(ctx) -> tuple[dict, dict[str, str]]:
    """Plan properties (options win over the sidecar) and the sidecar's organisation aliases."""
    file = ctx.table.file
    meta: dict = {}
    side = sidecar_path(file)
    where = Location(str(side)) if side else Location(file)
    if side:
        try:
            meta = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            ctx.problems.add(f"cannot read the plan sidecar: {exc}", where)
            meta = {}
        if not isinstance(meta, dict):
            ctx.problems.add("the plan sidecar must be a mapping (id, name, type, territory, period_start…)", where)
            meta = {}
    for key in ("plan", "name", "type", "territory", "owner", "period_start", "period_end"):
        if ctx.options.get(key) not in (None, ""):
            meta["id" if key == "plan" else key] = ctx.options[key]
            if key in ("period_start", "period_end"):
                where = ctx.table.location()
    plan_id = str(meta.get("id") or slug(Path(file).stem))
    props = {"name": str(meta.get("name") or Path(file).stem), "territory": _str(meta.get("territory")),
             "owner": _str(meta.get("owner")), "description": _str(meta.get("description")),
             "illustrative": bool(meta["illustrative"]) if "illustrative" in meta else None}
    ptype = _str(meta.get("type"))
    if ptype:
        ptype = ptype.strip().upper().replace(" ", "")
        if ptype not in PLAN_TYPES:
            ctx.problems.add(f"unknown plan type {meta.get('type')!r}; types: {', '.join(PLAN_TYPES)}", where)
        props["type"] = ptype
    for key, bound in (("period_start", "start"), ("period_end", "end")):
        value = meta.get(key)
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, (int, str)) and not isinstance(value, bool):
            try:
                value = parse_date(str(value), bound)
            except ValueError as exc:
                ctx.problems.add(f"{key}: {exc}", where)
                value = None
        props[key] = value
    if props["period_start"] and props["period_end"] and props["period_start"] > props["period_end"]:
        ctx.problems.add("the plan period ends before it starts", where)
    aliases = meta.get("organisations") or {}
    if not isinstance(aliases, dict):
        ctx.problems.add("'organisations' in the sidecar must map names to Organisation ids", where)
        aliases = {}
    return {"id": plan_id, **props}, {fold(str(k)): str(v) for k, v in aliases.items()}


def _str(value) -> str | None:
    return None if value is None else str(value)
