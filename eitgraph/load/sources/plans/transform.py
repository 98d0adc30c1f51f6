"""One plan's rows → the Plan, its actions (one per row) and everything an action links to. The rules that
decide what merges are in the package's docstring (:mod:`eitgraph.load.sources.plans`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ....errors import Location
from ....model.materials import categories
from ....values import fold
from ...graphbatch import GraphBatch
from ...records import Record
from ..referentiel import shipped_numbers
from . import links
from .metadata import plan_metadata
from .numbering import short_slug, split_action_number, split_names
from .organisations import Names
from .workbook import PLACEHOLDER, amount_columns, template_rows


def transform_tet(records: list[Record], ctx) -> GraphBatch:
    """The ``plans`` kind: a Territoires en Transitions import workbook (its template's rows skipped)."""
    return _transform(records, ctx, template=True)


def transform_form(records: list[Record], ctx) -> GraphBatch:
    """The ``plan-form`` kind: a plain form, one row per action."""
    return _transform(records, ctx, template=False)


@dataclass
class _Plan:
    """What the rows of one plan share while they become actions."""

    ctx: Any  # the load's TransformContext
    batch: GraphBatch
    id: str
    illustrative: bool | None
    names: Names
    budget_text: str  # error | keep
    infer: bool
    amount_cols: dict
    raw_rows: dict
    known_categories: set[str]
    eci_numbers: frozenset[str]
    seen_titles: dict[tuple[str, str], int] = field(default_factory=dict)
    seen_ids: dict[str, int] = field(default_factory=dict)
    axis_path_above: list[tuple[str, str]] = field(default_factory=list)
    actions: int = 0


def _transform(records: list[Record], ctx, template: bool) -> GraphBatch:
    records, skipped = _author_rows(records, ctx, template)
    batch = GraphBatch()
    plan = _start(records, ctx, batch)
    for rec in records:
        _action(rec, plan)
    if plan.actions == 0 and not ctx.problems:
        what = "only the template's format, instruction and example rows" if skipped else "no action rows"
        ctx.problems.add(f"the plan has no actions ({what}); nothing to load",
                         Location(ctx.table.file, ctx.table.sheet))
    return batch


def _author_rows(records: list[Record], ctx, template: bool) -> tuple[list[Record], set[int]]:
    """The records the plan's author wrote (not the template's own rows), placeholders emptied; and the
    rows skipped. Problems found in skipped rows are not the author's: they are dropped."""
    problems, file = ctx.problems, ctx.table.file
    skipped = template_rows(ctx, records) if template else set()
    if skipped:
        problems.items = [p for p in problems.items
                          if not (p.location.file == file and p.location.row in skipped)]
    records = [r for r in records if r.row not in skipped]
    for rec in records:
        for name, value in rec.values.items():
            if isinstance(value, str) and fold(value).startswith(PLACEHOLDER):
                rec.values[name] = None
    return records, skipped


def _start(records: list[Record], ctx, batch: GraphBatch) -> _Plan:
    """The Plan node, and what its rows share."""
    plan, aliases = plan_metadata(ctx)
    plan_id = plan.pop("id")
    batch.node("Plan", plan_id, plan, location=Location(ctx.table.file, ctx.table.sheet))
    infer = ctx.options.get("infer") is not False  # typed options (loaders/plans.yaml)
    return _Plan(ctx, batch, plan_id, plan.get("illustrative"), Names(ctx, aliases, batch),
                 ctx.options.get("budget_text") or "error", infer, amount_columns(ctx, records), dict(ctx.table.rows),
                 ctx.existing("MaterialCategory", set(categories())) if infer else set(), shipped_numbers())


def _action(rec: Record, plan: _Plan) -> None:
    """One row: the Action, IN_PLAN, its axes, people, funders, measures, pillars and categories."""
    found = _identity(rec, plan)
    if found is None:
        return
    action_id, number, title, leads, partners = found
    batch, problems = plan.batch, plan.ctx.problems
    budget, budget_note = links.amount_of(rec.get("budget"), rec.loc("budget"), plan.budget_text, problems)
    start = links.date_of(rec, "start", problems)
    end = links.date_of(rec, "end", problems)
    if start and end and start > end:
        problems.add(f"the action ends ({end.isoformat()}) before it starts ({start.isoformat()})", rec.loc("end"))
    illustrative = rec.get("illustrative")
    if illustrative is None:
        illustrative = plan.illustrative
    props = {
        "title": title, "number": number, "sub_action": rec.get("sub_action"), "description": rec.get("description"),
        "governance": rec.get("governance"), "objectives": rec.get("objectives"),
        "indicators": rec.get("indicators"), "resources": rec.get("resources"),
        "funding_notes": rec.get("funding_notes"), "citizen_participation": rec.get("citizen_participation"),
        "status": rec.get("status"), "priority": rec.get("priority"), "budget_total": budget,
        "budget_note": budget_note, "start": start, "end": end, "continuous": rec.get("continuous"),
        "linked_measures": rec.get("linked_measures"), "linked_actions": rec.get("linked_actions"),
        "notes": rec.get("notes"), "links": rec.get("links"), "illustrative": illustrative,
    }
    batch.node("Action", action_id, props, location=rec.loc("title"))
    batch.rel("IN_PLAN", "Action", action_id, "Plan", plan.id,
              {"row": rec.row, "number": number, "title": rec.get("title").strip(), "budget_total": budget,
               "status": rec.get("status"), "priority": rec.get("priority")}, rec.loc("title"))
    plan.actions += 1
    plan.axis_path_above = path = links.axis_path(rec, plan.axis_path_above, problems)
    links.axes(rec, batch, plan.id, action_id, path)
    links.people(rec, batch, action_id, leads, partners)
    links.funder_links(rec, plan.ctx, plan.names, batch, action_id, plan.id, plan.amount_cols, plan.raw_rows,
                       plan.budget_text)
    links.measure_links(rec, batch, action_id, plan.eci_numbers, problems)
    links.pillar_and_category_links(rec, batch, action_id, plan.infer, plan.known_categories, problems)


def _identity(rec: Record, plan: _Plan) -> tuple[str, str | None, str, list[str], list[str]] | None:
    """(action id, number, title, lead ids, partner ids) of a row, or None for a row without an action
    or a duplicate one (reported)."""
    problems = plan.ctx.problems
    raw_title = rec.get("title")
    if not raw_title:
        return None
    number, title = split_action_number(raw_title)
    if not fold(title):
        problems.add(f"action title {raw_title!r} has no words", rec.loc("title"))
        return None
    sub = rec.get("sub_action")
    dup_key = (fold(title), fold(sub or ""))
    if dup_key in plan.seen_titles:
        problems.add(f"duplicate action title {title!r} in this plan (also row {plan.seen_titles[dup_key]}); "
                     "actions are not merged: give each its own title, sub-action or « Identifiant »",
                     rec.loc("title"))
        return None
    plan.seen_titles[dup_key] = rec.row
    leads = [o for o in (plan.names.organisation(n, rec.loc("leads")) for n in split_names(rec.get("leads"))) if o]
    partners = [o for o in (plan.names.organisation(n, rec.loc("partners")) for n in split_names(rec.get("partners")))
                if o]
    explicit_id = rec.get("id")
    if explicit_id:
        action_id = explicit_id.strip()
    else:
        base = short_slug(title + (" " + sub if sub else ""), 90)
        action_id = f"act-{base}--{plan.names.id_part[leads[0]] if leads else plan.id}"
    if action_id in plan.seen_ids:
        problems.add(f"action id {action_id!r} is used twice in this plan (also row {plan.seen_ids[action_id]})",
                     rec.loc("id") if explicit_id else rec.loc("title"))
        return None
    plan.seen_ids[action_id] = rec.row
    return action_id, number, title, leads, partners
