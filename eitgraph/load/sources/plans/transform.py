"""One plan's rows → the Plan, its axes, its actions and sous-actions, and everything an action links
to. The rules that decide what merges are in the package's docstring (:mod:`eitgraph.load.sources.plans`).

Two passes: every row is read first (title, sous-action, axis path), then duplicates are checked within
each axis path, sous-actions find their parent action (same axis path, same title, a row of its own)
and ids are given; then each row is written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ....errors import Location
from ....model.materials import categories
from ...graphbatch import GraphBatch
from ...records import Record
from ..referentiel import shipped_numbers
from . import axes, links, report
from .metadata import plan_metadata
from .numbering import short_slug, split_action_number
from .organisations import Names
from .readings import CHOICES, read_amount, read_choice, read_date
from .tetrules import TITLE_MAX, clean_text, clean_title
from .workbook import amount_columns

REFERENTIEL_COMMAND = "eitgraph load referentiel reference/referentiel-eci-structure.csv"


def transform_tet(records: list[Record], ctx) -> GraphBatch:
    """The ``plans`` kind: a Territoires en Transitions import workbook, read as TeT reads it."""
    return _transform(records, ctx, tet=True)


def transform_form(records: list[Record], ctx) -> GraphBatch:
    """The ``plan-form`` kind: a plain form, one row per action."""
    return _transform(records, ctx, tet=False)


@dataclass
class Row:
    """One action or sous-action row, read."""

    rec: Record
    title: str  # « Titre de l'action » (for a sous-action: its parent's title)
    sub: str | None  # « Titre de la sous-action »
    path: tuple[str, ...]  # the axis names of the row, exactly as written
    path_columns: tuple[str, ...]
    leads: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    id: str | None = None
    parent: Row | None = None

    @property
    def own_title(self) -> str:
        return self.sub or self.title


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
    tet: bool  # a TeT workbook (warn where TeT reads otherwise), or a plain form
    amount_cols: dict
    cells: dict
    known_categories: set[str]
    eci_numbers: frozenset[str]
    columns: dict[str, int] = field(default_factory=dict)  # column name -> index in the table
    measures: dict[str, Location] = field(default_factory=dict)
    notes: dict[tuple[str, str], list[Location]] = field(default_factory=dict)

    def warn(self, code: str, message: str, location: Location | None = None) -> None:
        """A warning; the same one on several rows is given once, with the rows."""
        if not self.tet and code.startswith("tet_"):
            return  # a plain form is not meant for TeT
        self.notes.setdefault((code, message), []).append(location or Location(self.ctx.table.file))

    def flush(self) -> None:
        for (code, message), locs in self.notes.items():
            rows = sorted({loc.row for loc in locs if loc.row is not None})
            if len(rows) > 1:
                shown = ", ".join(map(str, rows[:15])) + (f" and {len(rows) - 15} more" if len(rows) > 15 else "")
                message = f"{message} (rows {shown})"
            self.ctx.note(code, message, locs[0])

    def kind(self, rec: Record, column: str) -> str:
        kinds = getattr(self.ctx.table, "kind", None)
        return kinds(rec.row, self.columns.get(column)) if kinds else "text"

    def amount_cell(self, rec: Record, n: int) -> tuple[str | None, str, Location, str]:
        """(text, kind, location, column name) of the amount of « Financeur n »."""
        if f"amount_{n}" in rec.headers:
            return rec.get(f"amount_{n}"), "text", rec.loc(f"amount_{n}"), rec.headers[f"amount_{n}"]
        if self.amount_cols.get(n):
            idx, label = self.amount_cols[n]
            cells = self.cells.get(rec.row, [])
            text = cells[idx] if idx < len(cells) else None
            kinds = getattr(self.ctx.table, "kind", None)
            return text, kinds(rec.row, idx) if kinds else "text", rec.table.location(rec.row, label), label
        return None, "text", rec.loc(f"funder_{n}"), f"Montant (Financeur {n})"


def _transform(records: list[Record], ctx, tet: bool) -> GraphBatch:
    batch = GraphBatch()
    plan = _start(records, ctx, batch, tet)
    if tet:
        report.sheet(ctx.table, plan.warn)
    rows = [r for r in (_read(rec, plan) for rec in records) if r is not None]
    actions = _check_duplicates(rows, plan)
    _find_parents(rows, actions, plan)
    _give_ids(rows, plan)
    ids = axes.axis_ids(plan.id, [r.path for r in rows])
    for a, b in axes.near_identical([r.path for r in rows]):
        where = next(r.rec.loc(r.path_columns[len(b) - 1]) for r in rows if r.path[:len(b)] == b)
        plan.warn("axis_spelling", f"axes {b[-1]!r} and {a[-1]!r} differ only by spaces, case or accents: they are "
                                   "two axes, in Territoires en Transitions too; write them the same if they are one",
                  where)
    for row in rows:
        _write(row, plan, ids)
    _measures_loaded(plan)
    if not rows and not ctx.problems:
        ctx.problems.add("the plan has no actions; nothing to load", Location(ctx.table.file, ctx.table.sheet))
    plan.flush()
    return batch


def _start(records: list[Record], ctx, batch: GraphBatch, tet: bool) -> _Plan:
    """The Plan node, and what its rows share."""
    meta, aliases = plan_metadata(ctx)
    plan_id = meta.pop("id")
    batch.node("Plan", plan_id, meta, location=Location(ctx.table.file, ctx.table.sheet))
    infer = ctx.options.get("infer") is not False  # typed options (loaders/plans.yaml)
    plan = _Plan(ctx, batch, plan_id, meta.get("illustrative"), Names(ctx, aliases, batch),
                 ctx.options.get("budget_text") or "error", infer, tet, amount_columns(ctx, records),
                 dict(ctx.table.rows), ctx.existing("MaterialCategory", set(categories())) if infer else set(),
                 shipped_numbers())
    if records:
        plan.columns = {name: ctx.table.headers.index(h) for name, h in records[0].headers.items()}
    _amount_headers_used(plan)
    return plan


def _amount_headers_used(plan: _Plan) -> None:
    """The « Montant € HT » columns read after each « Financeur » are used: no « unused column » for them."""
    headers = plan.ctx.table.headers
    used = {idx for entry in plan.amount_cols.values() if entry for idx in [entry[0]]}
    texts = {headers[i] for i in used}
    done = {t for t in texts if all(i in used for i, h in enumerate(headers) if h == t)}
    if not done:
        return
    plan.ctx.notes[:] = [n for n in plan.ctx.notes
                         if not (n.code == "unused_column" and n.location.column in done)]
    plan.ctx.problems.items = [p for p in plan.ctx.problems.items
                               if not (p.location.row == plan.ctx.table.header_row and p.location.column in done
                                       and "--strict" in p.problem)]


# -- pass 1: read the rows ---------------------------------------------------------------------------------
def _read(rec: Record, plan: _Plan) -> Row | None:
    problems = plan.ctx.problems
    title = clean_title(rec.get("title")) or None
    sub = clean_title(rec.get("sub_action")) or None
    header = rec.headers.get("title", "Titre de l'action")
    if title is None:
        _drop_required(rec, plan)
        if sub:
            problems.add(f"« {rec.headers.get('sub_action', 'Titre de la sous-action')} » says « {sub} » but "
                         f"« {header} » is empty: write the title of its parent action"
                         + (" (Territoires en Transitions refuses such a row too)" if plan.tet else ""),
                         rec.loc("title"))
        else:
            filled = [h for name, h in rec.headers.items() if rec.values.get(name) is not None] or ["other columns"]
            problems.add(f"this row has values ({', '.join(f'« {h} »' for h in filled[:4])}) but no « {header} »: "
                         "give the action its title, or empty the row"
                         + (" (Territoires en Transitions reads every filled row from row 4 as an action and refuses "
                            "it too)" if plan.tet else ""), rec.loc("title"))
        return None
    if plan.tet:
        for text, column in ((title, "title"), (sub, "sub_action")):
            if text and len(text) > TITLE_MAX:
                problems.add(f"the title has {len(text)} characters; Territoires en Transitions takes {TITLE_MAX} at "
                             "most (« Le titre ne peut pas dépasser 300 caractères »): shorten it and put the rest "
                             "in « Descriptif »", rec.loc(column))
    path, columns = [], []
    for col in axes.AXIS_COLUMNS:
        text = rec.get(col)
        if text:
            idx = plan.columns.get(col)
            path.append(getattr(plan.ctx.table, "untrimmed", {}).get((rec.row, idx), text))
            columns.append(col)
            if plan.kind(rec, col) == "number":
                plan.warn("tet_refuses", f"« {rec.headers[col]} » holds a number ({text}): Territoires en Transitions "
                                         "refuses the file (« expected string »); write the axis as text, as « 1. "
                                         "Titre »", rec.loc(col))
    row = Row(rec, title, sub, tuple(path), tuple(columns))
    row.leads = [o for o in (plan.names.organisation(n, rec.loc("leads"))
                             for n in links.names(rec, "leads", plan.warn)) if o]
    row.partners = [o for o in (plan.names.organisation(n, rec.loc("partners"))
                                for n in links.names(rec, "partners", plan.warn)) if o]
    return row


def _drop_required(rec: Record, plan: _Plan) -> None:
    """The generic « required value missing » of the title cell: the transform says more."""
    loc = rec.loc("title")
    plan.ctx.problems.items = [p for p in plan.ctx.problems.items
                               if not (p.location == loc and p.problem == "required value missing")]


# -- pass 2: duplicates, parents, ids ------------------------------------------------------------------------
def _check_duplicates(rows: list[Row], plan: _Plan) -> dict[tuple, Row]:
    """Actions by (axis path, title). Two actions with the same exact title in one axis path are refused,
    as TeT refuses them; the same title in another axis, or written with another case, is another action
    (the latter said)."""
    actions: dict[tuple, Row] = {}
    folded: dict[tuple, Row] = {}
    for row in rows:
        if row.sub:
            continue
        key = (row.path, row.title)
        first = actions.get(key)
        if first is not None:
            plan.ctx.problems.add(
                f"the action « {row.title} » is already in axis {axes.shown(row.path)} (row {first.rec.row}): "
                "Territoires en Transitions refuses two actions with the same title in one axis (« Titres d'actions "
                "en doublon dans le même axe »); rename one, or make it a sous-action", row.rec.loc("title"))
            continue
        actions[key] = row
        near = folded.setdefault((row.path, axes.loose(row.title)), row)
        if near is not row:
            plan.warn("near_duplicate", f"the action « {row.title} » and « {near.title} » (row {near.rec.row}) of axis "
                                        f"{axes.shown(row.path)} differ only by case, accents or spaces: two actions, "
                                        "in Territoires en Transitions too", row.rec.loc("title"))
    return actions


def _find_parents(rows: list[Row], actions: dict[tuple, Row], plan: _Plan) -> None:
    """Each sous-action's parent: the action of the same axis path and title, on a row of its own."""
    by_title: dict[str, list[Row]] = defaultdict(list)
    for row in actions.values():
        by_title[row.title].append(row)
    for row in rows:
        if not row.sub:
            continue
        row.parent = actions.get((row.path, row.title))
        if row.parent is None:
            elsewhere = [r for r in by_title.get(row.title, []) if r.path != row.path]
            hint = (f" (an action « {row.title} » is in axis {axes.shown(elsewhere[0].path)}, row "
                    f"{elsewhere[0].rec.row}: a sous-action must be in its parent's axis)" if elsewhere else "")
            plan.ctx.problems.add(
                f"the sous-action « {row.sub} » has no parent: no row of its own for the action « {row.title} » in "
                f"axis {axes.shown(row.path)}{hint}; give that action its own row in that axis (Territoires en "
                "Transitions refuses it too: « Sous-action(s) sans action parente trouvée(s) »)",
                row.rec.loc("sub_action"))


def _give_ids(rows: list[Row], plan: _Plan) -> None:
    """Action ids: the « Identifiant » column, else ``act-<title without numbering>--<first lead>`` — the
    same action in another plan gets the same id. Within a plan, actions sharing that id get their axis
    path added, then a row-order suffix; a sous-action's id is its parent's and its own title."""
    seen: dict[str, int] = {}
    base: dict[int, str] = {}
    for row in rows:
        if row.sub:
            continue
        explicit = row.rec.get("id")
        if explicit:
            row.id = explicit.strip()
            if row.id in seen:
                plan.ctx.problems.add(f"action id {row.id!r} is used twice in this plan (also row {seen[row.id]})",
                                      row.rec.loc("id"))
            seen.setdefault(row.id, row.rec.row)
            continue
        lead = plan.names.id_part[row.leads[0]] if row.leads else plan.id
        base[id(row)] = f"act-{short_slug(split_action_number(row.title)[1] or row.title, 90)}--{lead}"
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if id(row) in base:
            groups[base[id(row)]].append(row)
    for bid, members in groups.items():
        if len(members) == 1:
            members[0].id = bid
            continue
        _unique(members, lambda r, b=bid: f"{b}--{short_slug(axes.serialize(r.path), 60) or 'sans-axe'}")
    children: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.sub and row.parent is not None:
            children[row.parent.id].append(row)
    for pid, members in children.items():
        _unique(members, lambda r, p=pid: f"{p}--{short_slug(r.sub, 60) or 'sous-action'}")


def _unique(members: list[Row], make) -> None:
    """Ids from ``make``; repeats get -2, -3… in row order."""
    count: dict[str, int] = defaultdict(int)
    for row in members:
        candidate = make(row)
        count[candidate] += 1
        row.id = candidate if count[candidate] == 1 else f"{candidate}-{count[candidate]}"


# -- pass 3: write ----------------------------------------------------------------------------------------
def _write(row: Row, plan: _Plan, axis_ids: dict) -> None:
    """One row: the Action, IN_PLAN, its axes, parent, people, funders, measures, pillars and categories."""
    if row.id is None:  # a sous-action without parent, or a refused duplicate: already reported
        return
    rec, batch = row.rec, plan.batch
    values = _values(row, plan)
    illustrative = rec.get("illustrative")
    if illustrative is None:
        illustrative = plan.illustrative
    title = row.own_title
    number = split_action_number(title)[0]
    props = {"title": title, "number": number, **values, "illustrative": illustrative}
    batch.node("Action", row.id, props, location=rec.loc("title"))
    batch.rel("IN_PLAN", "Action", row.id, "Plan", plan.id,
              {"row": rec.row, "number": number, "title": title, "budget_total": values["budget_total"],
               "status": values["status"], "priority": values["priority"]}, rec.loc("title"))
    if row.parent is not None:
        batch.rel("SUB_ACTION_OF", "Action", row.id, "Action", row.parent.id, location=rec.loc("sub_action"))
    deepest = axes.write_axes(rec, batch, plan.id, axis_ids, row.path, row.path_columns)
    if deepest:
        batch.rel("UNDER", "Action", row.id, "Axis", deepest, location=rec.loc("title"))
    links.people(rec, batch, row.id, row.leads, row.partners, plan.warn)
    links.funder_links(rec, plan, row.id)
    links.measure_links(rec, plan, row.id)
    links.pillar_and_category_links(rec, batch, row.id, title, plan.infer, plan.known_categories, plan.ctx.problems)


def _values(row: Row, plan: _Plan) -> dict:
    """The action's own values: texts cleaned as TeT cleans them, choices, budget and dates."""
    rec, problems = row.rec, plan.ctx.problems
    out: dict[str, Any] = {name: clean_text(rec.get(name)) for name in (
        "description", "governance", "objectives", "resources", "funding_notes")}
    out.update({name: rec.get(name) for name in ("indicators", "continuous", "linked_measures", "linked_actions",
                                                  "notes", "links")})
    for column in CHOICES:
        text = rec.get(column)
        out[column] = None
        if text:
            reading = read_choice(column, text, plan.kind(rec, column))
            for code, message in reading.warnings:
                plan.warn(code, message, rec.loc(column))
            out[column] = reading.value
    out["budget_total"] = out["budget_note"] = None
    text = rec.get("budget")
    if text:
        reading = read_amount(text, plan.kind(rec, "budget"), rec.headers.get("budget", "Budget"))
        if reading.error and plan.budget_text == "keep" and "TTC" not in reading.error:
            out["budget_note"] = text
        elif reading.error:
            problems.add(reading.error + ("" if "refuses" in reading.error else
                                          " (or load with -o budget_text=keep to keep free text)"), rec.loc("budget"))
        for code, message in reading.warnings:
            plan.warn(code, message, rec.loc("budget"))
        out["budget_total"] = reading.value
    for column in ("start", "end"):
        out[column] = None
        text = rec.get(column)
        if text:
            reading = read_date(text, plan.kind(rec, column), column)
            if reading.error:
                problems.add(reading.error, rec.loc(column))
            for code, message in reading.warnings:
                plan.warn(code, message, rec.loc(column))
            out[column] = reading.value
    if out["start"] and out["end"] and out["start"] > out["end"]:
        problems.add(f"the action ends ({out['end']:%d/%m/%Y}) before it starts ({out['start']:%d/%m/%Y}) "
                     "(Territoires en Transitions refuses it too: « La date de fin doit être après la date de "
                     "début »)", rec.loc("end"))
    return out


def _measures_loaded(plan: _Plan) -> None:
    """One warning when référentiel items the plan links to are not loaded yet."""
    if not plan.measures:
        return
    missing = sorted(set(plan.measures) - plan.ctx.existing("Measure", set(plan.measures)))
    if missing:
        shown = ", ".join(m.replace("_", " ") for m in missing[:8]) + (" …" if len(missing) > 8 else "")
        plan.ctx.note("referentiel_not_loaded",
                      f"{len(missing)} référentiel item(s) named in « Mesures liées » / « Actions liées » are not "
                      f"loaded yet ({shown}): the links are kept, but their names, points and hierarchy come with "
                      f"the référentiel: run `{REFERENTIEL_COMMAND}`", plan.measures[missing[0]])
