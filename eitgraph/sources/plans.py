"""Plans and their actions → Plan, Axis, Action nodes and who leads, partners, pilots and funds them.

Two source kinds share this transform: ``plans`` (the Territoires en Transitions import workbook) and
``plan-form`` (a plain CSV/XLSX form, one row per action).

Rules (documented here because they decide what merges):

* **Template rows.** In the TeT workbook the rows under the headers that hold the template's format
  (« Champ texte »…), its instructions, and its pre-filled example (« Assurer la coordination de la
  transition écologique » / « La Collectivité Exemple ») are skipped, with any problem found in them;
  cells holding the template's placeholder (« Ces informations devront être saisies… ») count as empty.
* **Plan metadata** comes from the loader options, else from a sidecar YAML next to the file
  (``plan.xlsx.yaml`` or ``plan.yaml``: id, name, type, territory, owner, period_start, period_end,
  description, illustrative, and ``organisations``: a map from names as written to Organisation ids).
* **Axes** are parsed as « 1. Titre », « 1.1. Titre », « Axe 1 : Titre », « Objectif stratégique 2. Titre »,
  « 4.2 : Titre », « II. Titre »; an axis is keyed by the plan id and the path of its numbers (or of
  the slugs of unnumbered names). A row that gives a sub-axis but no axis inherits the axis of the
  row above (merged cells read as empty).
* **Action identity.** The « Identifiant » column when given; else ``act-<slug of the title without
  its numbering[-sub-action]>--<id of the first lead structure>`` (or ``--<plan id>`` without a lead).
  The same action in two plans is therefore one Action with two IN_PLAN links; each plan's dataset
  owns only its own links. Two rows of one plan with the same title (and sub-action) are an error.
* **Organisations** named as leads, partners or funders (comma-separated) are matched, in order, by
  the sidecar's ``organisations`` map, by Organisation id, by the slug of the name as an id, then by
  folded name (case, accents and punctuation ignored). Unmatched names become new organisations
  keyed by the slug of the name, with a kind guessed from the name (:func:`guess_kind`: collectivities,
  syndicats, PETR → public_body; ADEME, Banque des Territoires → funder; CCI/CMA → consular; DREAL,
  préfecture → state_service; associations, Emmaüs, insertion → ess; SA/SAS/SARL → company…), or no
  kind when nothing fits. Services (« Direction ou service pilote ») are Service nodes keyed by the slug
  of their name; persons (pilots, elected referents) are Person nodes keyed by the slug of their name,
  as the stakeholder loader does.
* **Funders.** « Financeur N » with the amount of the « Montant » column right after it (or a
  « Montant financeur N » column); a cell naming several funders shares its amount equally (``share``).
* **Référentiel and pillars.** « eci 2.1 - … » in « Mesures liées » / « Actions liées » links the action to
  Measure ``eci_2.1`` (which must be loaded: ``eitgraph load referentiel reference:…``); « Piliers » and
  « Catégories de matières » columns link explicitly. Without them, and unless ``infer=false``, the
  keyword rules :data:`PILLAR_KEYWORDS` and :data:`CATEGORY_KEYWORDS` applied to the title, sub-action
  and description link pillars and (loaded) material categories, with ``via: 'keywords'``.

>>> parse_axis("Axe 1 : Mise en œuvre des synergies")
('1', 'Mise en œuvre des synergies')
>>> parse_axis("Objectif stratégique 2. Réduire les déchets"), parse_axis("4.2 : Réemploi")
(('2', 'Réduire les déchets'), ('4.2', 'Réemploi'))
>>> parse_axis("1.1. Améliorer la qualité de l'air"), parse_axis("Sans numéro")
(('1.1', "Améliorer la qualité de l'air"), (None, 'Sans numéro'))
>>> split_action_number("Action 1 - Assurer la coordination"), split_action_number("1.1.1.1. Assurer")
(('1', 'Assurer la coordination'), ('1.1.1.1', 'Assurer'))
>>> split_action_number("1.2 Valoriser"), split_action_number("2030 : zéro déchet"), parse_axis("1.1 Biodéchets")
(('1.2', 'Valoriser'), (None, '2030 : zéro déchet'), ('1.1', 'Biodéchets'))
>>> parse_budget("124 566 € HT"), parse_budget("12 000,50 €"), parse_budget("50 k€"), parse_budget("1.234.567")
(124566.0, 12000.5, 50000.0, 1234567.0)
>>> guess_kind("CC de Thann-Cernay"), guess_kind("ADEME"), guess_kind("Emmaüs Cernay"), guess_kind("Bidule")
('public_body', 'funder', 'ess', None)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import yaml

from ..errors import Location
from ..graphbatch import GraphBatch
from ..identity import name_key
from ..kinds import KINDS
from ..loading import sidecar_path
from ..mapping import Record
from ..materials import categories, category_code
from ..values import fold, parse_number, slug
from .referentiel import PILLARS, measure_id, pillar_id, pillar_props, shipped_numbers

PLAN_TYPES = ("PLPDMA", "PLP", "PCAET", "CODEC", "TZDZG", "TEPCV", "PAT", "CRTE", "CLS", "PTCE", "GPECT", "EIT",
              "SRADDET", "PCET", "CTE", "OTHER")
PLACEHOLDER = "ces informations devront etre saisies directement"
INSTRUCTION_MARKERS = ("ce champ ne sera pas integre", "si vos axes sont numerotes", "texte court de 300 caracteres",
                       "presentez en quelques lignes")
LIST_SEPARATORS = re.compile(r"\s*[,;|\n]\s*")

# -- keyword rules (folded text: lower case, no accents, punctuation as spaces) ---------------------
PILLAR_KEYWORDS: dict[str, str] = {
    "supply": r"\b(approvisionnement|achats? (responsables?|durables?|mutualises?)|circuits? courts?|"
              r"matieres? recyclees?|clauses? environnementales?)\b",
    "ecodesign": r"\b(eco ?conception|ecoconcevoir)\b",
    "eit": r"\b(ecologie industrielle|eit|synergies?|mutualisation|mutualiser|symbiose)\b",
    "functional_economy": r"\b(economie de (la )?fonctionnalite|fonctionnalite|economie d usage|location longue)\b",
    "responsible_consumption": r"\b(consommation responsable|sobriete|gaspillage|zero dechets?|prevention|"
                               r"sensibilis\w*|compostage domestique|stop pub)\b",
    "extended_use": r"\b(reemploi|reparation|reparer|reutilis\w*|ressourcerie|recyclerie|seconde main|repair)\b",
    "recycling": r"\b(recycl\w*|valoris\w*|tri|collecte|compost\w*|methanis\w*)\b",
}
CATEGORY_KEYWORDS: dict[str, str] = {
    "wood": r"\b(bois|biomasse|sciure|copeaux)\b",
    "functional-objects": r"\b(palettes?|big ?bags?|futs?|tourets?|contenants?)\b",
    "paper-cardboard": r"\b(papiers?|cartons?)\b",
    "plastics": r"\b(plastiques?|polymeres?)\b",
    "metals-weee": r"\b(metaux|metal|metalliques?|ferrailles?|deee)\b",
    "organic": r"\b(biodechets?|compost\w*|dechets verts|matieres? organiques?|methanis\w*)\b",
    "food": r"\b(gaspillage alimentaire|alimentaires?|restauration collective|invendus|denrees)\b",
    "textile": r"\b(textiles?|vetements?|tissus?)\b",
    "effluents": r"\b(effluents?|eaux usees)\b",
    "gases": r"\b(hydrogene|co2|dioxyde de carbone|gaz industriels?)\b",
    "heat": r"\b(chaleur fatale|chaleur)\b",
    "water": r"\b(eau potable|eau|ressource en eau)\b",
    "energy": r"\b(energies?|renouvelables?|photovoltai\w*|solaire)\b",
    "minerals": r"\b(inertes?|gravats?|verre|btp|mineraux)\b",
    "chemicals": r"\b(solvants?|produits chimiques)\b",
}
_PILLAR_RE = {k: re.compile(v) for k, v in PILLAR_KEYWORDS.items()}
_CATEGORY_RE = {k: re.compile(v) for k, v in CATEGORY_KEYWORDS.items()}
PILLAR_ALIASES = {"eit": "eit", "ecologie industrielle": "eit", "reemploi": "extended_use",
                  "reparation": "extended_use", "allongement de la duree d usage": "extended_use",
                  "achats responsables": "supply", "economie de fonctionnalite": "functional_economy",
                  "eco conception": "ecodesign", "valorisation": "recycling"}

# -- organisation kinds guessed from names (first match wins) -----------------------------------------
KIND_RULES: list[tuple[str, re.Pattern]] = [(k, re.compile(p)) for k, p in [
    ("state_service", r"\b(prefecture|sous prefecture|dreal|ddt|ddets|dreets|direccte|etat|agence regionale de sante"
                      r"|ars|france travail|pole emploi)\b"),
    ("consular", r"\b(cci|cma|chambre)\b"),
    ("funder", r"\b(ademe|banque des territoires|caisse des depots|bpi ?france|feder|fonds|union europeenne|leader"
               r"|alsace active|banque)\b"),
    ("public_body", r"\b(commune|ville|mairie|communaute|cc|ca|cu|metropole|agglomeration|syndicat|sm\d*|smtc|sivom"
                    r"|sictom|smictom|departement|departemental|conseil departemental|region|regional|petr|pays"
                    r"|collectivite|epci|office de tourisme|m2a)\b"),
    ("education", r"\b(universite|lycee|ecole|iut|cnam|cfa|afpa|greta|organismes? de formation|recherche)\b"),
    ("ess", r"\b(association|emmaus|ressourcerie|recyclerie|insertion|ess|scic|cooperative|mef|maison de l emploi"
            r"|regie de quartier|ptce|solidaire|chantier)\b"),
    ("network", r"\b(reseau|federation|cluster|pole|club|cress|oree)\b"),
    ("consultancy", r"\b(bureau d etudes?|cabinet|consultants?|conseil)\b"),
    ("waste_operator", r"\b(recyclage|recycleur|collecteur|dechets|valorisation)\b"),
    ("company", r"\b(sa|sas|sasu|sarl|eurl|sca|snc|gmbh|ag|inc|ltd|groupe|entreprises?|industries?)\b"),
]]


def guess_kind(name: str) -> str | None:
    f = fold(name)
    return next((kind for kind, rx in KIND_RULES if rx.search(f)), None)


# -- parsing helpers -----------------------------------------------------------------------------------
_AXIS_PREFIX = (r"(?:sous[\s-]*sous[\s-]*axe|sous[\s-]*axe|axe(?:\s+strat[ée]gique)?|objectif(?:\s+(?:strat[ée]gique|"
                r"op[ée]rationnel|g[ée]n[ée]ral))?|orientation|th[ée]matique|volet|enjeu|ambition|priorit[ée]|programme"
                r"|partie|chapitre|domaine|levier|pilier)")
_NUM = r"\d{1,3}(?:\.\d{1,3})*"
_AXIS_WITH_PREFIX = re.compile(rf"^\s*{_AXIS_PREFIX}\s*(?:n\s*[°º]\s*)?(?P<num>{_NUM}|[IVX]{{1,4}}|[A-Z])\.?"
                               rf"(?:\s*[:.)\-–—]\s*|\s+|$)(?P<name>.*)$", re.I | re.S)
_AXIS_BARE = re.compile(r"^\s*(?:(?P<multi>\d{1,3}(?:\.\d{1,3})+)\.?(?:\s*[:)\-–—]\s*|\s+)"
                        r"|(?P<num>\d{1,3}|[IVX]{1,4}|[A-Z])"
                        r"(?:\.\s*|\s*[:)\-–—]\s*|\.?\s+[:\-–—]\s*))(?P<name>\S.*)$", re.S)
_ACTION_NUMBER = re.compile(r"^\s*(?:(?:fiche(?:\s+action)?|action|fa|mesure)\s*(?:n\s*[°º]\s*)?)?"
                            r"(?:(?P<multi>\d{1,3}(?:\.\d{1,3})+)\.?(?:\s*[:)\-–—]\s*|\s+)|(?P<num>\d{1,3})"
                            r"(?:\.\s*|\s*[:)\-–—]\s*|\.?\s+[:\-–—]\s*))(?P<name>\S.*)$", re.I | re.S)


def parse_axis(text: str) -> tuple[str | None, str]:
    """(number, name) of an axis cell; number is None when the axis is not numbered."""
    text = " ".join(text.split())
    bare = re.fullmatch(rf"({_NUM})\.?", text)
    if bare:
        return bare[1], text
    for rx in (_AXIS_WITH_PREFIX, _AXIS_BARE):
        m = rx.match(text)
        if m:
            num = (m.groupdict().get("multi") or m["num"]).rstrip(".")
            return (num.upper() if not num[0].isdigit() else num), (m["name"].strip() or text)
    return None, text


def split_action_number(text: str) -> tuple[str | None, str]:
    """Numbering written before an action title (« Action 1 - », « 1.1.1.1. », « Fiche action n°3 : »)."""
    first = text.strip().splitlines()[0].strip() if text.strip() else ""
    m = _ACTION_NUMBER.match(first)
    if m:
        return m["multi"] or m["num"], " ".join(m["name"].split())
    return None, " ".join(first.split())


def parse_budget(text: str) -> float:
    """An amount in € HT: spaces, « € », « HT », decimal comma, « k€ » / « M€ », dots as thousands."""
    raw = text
    t = text.strip()
    if re.search(r"(?i)\bttc\b", t):
        raise ValueError(f"amount {raw!r} is TTC; the column is € HT")
    m = re.fullmatch(r"(?i)\s*([\d\s\u00a0\u202f.,]+?)\s*(k|m)\s*(?:€|eur|euros?)?\s*(?:ht)?\s*", t)
    if m:
        return parse_number(m[1]) * (1000 if m[2].lower() == "k" else 1_000_000)
    compact = re.sub(r"[\s\u00a0\u202f]", "", t)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?(?:€|eur)?(?:ht)?", compact, re.I):
        t = compact.replace(".", "")
    try:
        value = parse_number(t)
    except ValueError:
        raise ValueError(f"not an amount in € HT: {raw!r} (write 124566 or 124 566 € HT)") from None
    if value < 0:
        raise ValueError(f"negative amount: {raw!r}")
    return value


def parse_plan_date(text: str, bound: str | None = None) -> dt.date:
    """A date: ISO, dd/mm/yyyy (also with . or -), or an Excel serial. Ambiguous forms are refused.

    ``bound`` ('start' or 'end') accepts a bare year for a plan period (1 January / 31 December).
    """
    t = text.strip()
    try:
        m = (re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", t)
             or re.fullmatch(r"(\d{4})/(\d{1,2})/(\d{1,2})", t))
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", t)
        if m:
            day, month = int(m[1]), int(m[2])
            if month > 12 and day <= 12:
                raise ValueError(f"ambiguous date {text!r}: it looks like month/day/year; write it day first "
                                 f"({month:02d}/{day:02d}/{m[3]})")
            return dt.date(int(m[3]), month, day)
    except ValueError as exc:
        if "ambiguous" in str(exc):
            raise
        raise ValueError(f"not a valid date: {text!r} ({exc})") from None
    if re.fullmatch(r"\d{5}(\.\d+)?", t):
        serial = int(float(t))
        if not 20000 <= serial <= 80000:
            raise ValueError(f"Excel date serial {text!r} is out of range")
        return dt.date(1899, 12, 30) + dt.timedelta(days=serial)
    if re.fullmatch(r"\d{4}", t) and bound:
        return dt.date(int(t), 1, 1) if bound == "start" else dt.date(int(t), 12, 31)
    if re.fullmatch(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}", t):
        raise ValueError(f"ambiguous date {text!r} (two-digit year): write the full year, as 31/03/2024")
    if re.fullmatch(r"(\d{1,2}[/.\-])?\d{4}|\d{4}[/.\-]\d{1,2}", t):
        raise ValueError(f"ambiguous date {text!r} (no day): write a full date, as 01/03/2024")
    raise ValueError(f"not a date (use 31/03/2024 or 2024-03-31): {text!r}")


def split_names(text: str | None) -> list[str]:
    if not text:
        return []
    out, seen = [], set()
    for part in LIST_SEPARATORS.split(text):
        part = part.strip(" -•·\t")
        if part and fold(part) and fold(part) not in seen:
            seen.add(fold(part))
            out.append(" ".join(part.split()))
    return out


def short_slug(text: str, limit: int = 80) -> str:
    s = slug(text)
    if len(s) > limit:
        s = s[:limit - 9].rstrip("-") + "-" + hashlib.sha1(s.encode()).hexdigest()[:8]
    return s


# -- plan metadata ------------------------------------------------------------------------------------
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
                value = parse_plan_date(str(value), bound)
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


# -- organisations, services, persons -----------------------------------------------------------------
class Names:
    """Turns names as written into organisation mentions, one per normalised name across plans.

    A name the sidecar maps to an organisation points at it; any other name is a mention (its name,
    a kind guessed from it) that :mod:`eitgraph.identity` matches with the organisations of the other
    files, or creates."""

    def __init__(self, ctx, aliases: dict[str, str], batch: GraphBatch):
        self.ctx = ctx
        self.aliases = aliases
        self.batch = batch
        self.id_part: dict[str, str] = {}  # batch key -> the text that names the lead in action ids

    def organisation(self, name: str, loc: Location) -> str | None:
        f = fold(name)
        if f in self.aliases:
            key = self.batch.ref("Organisation", self.aliases[f], loc, f"the sidecar maps {name!r} to it")
            self.id_part[key] = self.aliases[f]
            return key
        handle = short_slug(name)
        if not handle:
            return None
        key = "n:" + name_key(name)
        if key in self.batch.nodes.get("Organisation", {}):  # another spelling of a name already read
            return key
        kind = guess_kind(name)
        self.batch.node("Organisation", key, {"name": name, "kind": kind, "_handle": handle, "_created": True},
                        [KINDS[kind].label] if kind else [], loc)
        self.id_part.setdefault(key, handle)
        return key

    def write(self, batch: GraphBatch) -> None:
        """Nothing left to write: mentions go to the batch as they are read."""


# -- the transform --------------------------------------------------------------------------------------
def transform_tet(records: list[Record], ctx) -> GraphBatch:
    return _transform(records, ctx, template=True)


def transform_form(records: list[Record], ctx) -> GraphBatch:
    return _transform(records, ctx, template=False)


def _template_rows(ctx, records: list[Record]) -> set[int]:
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


def _bool_option(value, default: bool = True) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return fold(str(value)) not in {"0", "false", "non", "no", "faux", "off"}


def _amount_columns(ctx, records: list[Record]) -> dict[int, tuple[int, str] | None]:
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


def _transform(records: list[Record], ctx, template: bool) -> GraphBatch:
    batch = GraphBatch()
    problems = ctx.problems
    file, sheet = ctx.table.file, ctx.table.sheet
    skipped = _template_rows(ctx, records) if template else set()
    if skipped:  # problems the framework found in the template's own rows are not the author's
        problems.items = [p for p in problems.items
                          if not (p.location.file == file and p.location.row in skipped)]
    records = [r for r in records if r.row not in skipped]
    for rec in records:
        for name, value in rec.values.items():
            if isinstance(value, str) and fold(value).startswith(PLACEHOLDER):
                rec.values[name] = None

    plan, aliases = plan_metadata(ctx)
    plan_id = plan.pop("id")
    batch.node("Plan", plan_id, plan, location=Location(file, sheet))
    illustrative_plan = plan.get("illustrative")
    budget_text = fold(str(ctx.options.get("budget_text") or "error"))
    if budget_text not in ("error", "keep"):
        problems.add(f"option budget_text must be 'error' or 'keep', not {ctx.options.get('budget_text')!r}",
                     Location(file))
    infer = _bool_option(ctx.options.get("infer"))
    names = Names(ctx, aliases, batch)
    amount_cols = _amount_columns(ctx, records)
    raw_rows = dict(ctx.table.rows)
    known_categories = ctx.existing("MaterialCategory", set(categories())) if infer else set()
    eci_numbers = shipped_numbers()

    seen_titles: dict[tuple[str, str], int] = {}
    seen_ids: dict[str, int] = {}
    axis_path_above: list[tuple[str, str]] = []
    actions = 0
    for rec in records:
        raw_title = rec.get("title")
        if not raw_title:
            continue
        number, title = split_action_number(raw_title)
        if not fold(title):
            problems.add(f"action title {raw_title!r} has no words", rec.loc("title"))
            continue
        sub = rec.get("sub_action")
        dup_key = (fold(title), fold(sub or ""))
        if dup_key in seen_titles:
            problems.add(f"duplicate action title {title!r} in this plan (also row {seen_titles[dup_key]}); "
                         "actions are not merged: give each its own title, sub-action or « Identifiant »",
                         rec.loc("title"))
            continue
        seen_titles[dup_key] = rec.row

        # who
        leads = [o for o in (names.organisation(n, rec.loc("leads")) for n in split_names(rec.get("leads"))) if o]
        partners = [o for o in (names.organisation(n, rec.loc("partners")) for n in split_names(rec.get("partners")))
                    if o]
        explicit_id = rec.get("id")
        if explicit_id:
            action_id = explicit_id.strip()
        else:
            base = short_slug(title + (" " + sub if sub else ""), 90)
            action_id = f"act-{base}--{names.id_part[leads[0]] if leads else plan_id}"
        if action_id in seen_ids:
            problems.add(f"action id {action_id!r} is used twice in this plan (also row {seen_ids[action_id]})",
                         rec.loc("id") if explicit_id else rec.loc("title"))
            continue
        seen_ids[action_id] = rec.row

        # how much, when
        budget, budget_note = _amount(rec.get("budget"), rec.loc("budget"), budget_text, problems)
        start = _date(rec, "start", problems)
        end = _date(rec, "end", problems)
        if start and end and start > end:
            problems.add(f"the action ends ({end.isoformat()}) before it starts ({start.isoformat()})", rec.loc("end"))

        illustrative = rec.get("illustrative")
        if illustrative is None:
            illustrative = illustrative_plan
        props = {
            "title": title, "number": number, "sub_action": sub, "description": rec.get("description"),
            "governance": rec.get("governance"), "objectives": rec.get("objectives"),
            "indicators": rec.get("indicators"), "resources": rec.get("resources"),
            "funding_notes": rec.get("funding_notes"), "citizen_participation": rec.get("citizen_participation"),
            "status": rec.get("status"), "priority": rec.get("priority"), "budget_total": budget,
            "budget_note": budget_note, "start": start, "end": end, "continuous": rec.get("continuous"),
            "linked_measures": rec.get("linked_measures"), "linked_actions": rec.get("linked_actions"),
            "notes": rec.get("notes"), "links": rec.get("links"), "illustrative": illustrative,
        }
        batch.node("Action", action_id, props, location=rec.loc("title"))
        batch.rel("IN_PLAN", "Action", action_id, "Plan", plan_id,
                  {"row": rec.row, "number": number, "title": raw_title.strip(), "budget_total": budget,
                   "status": rec.get("status"), "priority": rec.get("priority")}, rec.loc("title"))
        actions += 1

        # axes
        path = _axis_path(rec, axis_path_above, problems)
        axis_path_above = path
        parent = None
        keys: list[str] = []
        for level, (col, text) in enumerate(path, start=1):
            num, name = parse_axis(text)
            keys.append(num or short_slug(name, 60))
            axis_id = f"{plan_id}:{'/'.join(keys)}"
            batch.node("Axis", axis_id, {"plan": plan_id, "number": num, "name": name, "level": level},
                       location=rec.loc(col))
            if parent:
                batch.rel("SUBAXIS_OF", "Axis", axis_id, "Axis", parent, location=rec.loc(col))
            else:
                batch.rel("AXIS_OF", "Axis", axis_id, "Plan", plan_id, location=rec.loc(col))
            parent = axis_id
        if parent:
            batch.rel("UNDER", "Action", action_id, "Axis", parent, location=rec.loc("title"))

        for oid in leads:
            batch.rel("LEADS", "Organisation", oid, "Action", action_id, location=rec.loc("leads"))
        for oid in partners:
            if oid not in leads:
                batch.rel("PARTNER_OF", "Organisation", oid, "Action", action_id, location=rec.loc("partners"))
        for name in split_names(rec.get("services")):
            sid = "service:" + short_slug(name, 60)
            batch.node("Service", sid, {"name": name}, location=rec.loc("services"))
            batch.rel("LEADS", "Service", sid, "Action", action_id, location=rec.loc("services"))
        for column, rtype in (("pilots", "PILOTS"), ("referents", "REFERENT_FOR")):
            for name in split_names(rec.get(column)):
                pid = short_slug(name, 60)
                batch.node("Person", pid, {"name": name}, location=rec.loc(column))
                batch.rel(rtype, "Person", pid, "Action", action_id, location=rec.loc(column))

        _funders(rec, ctx, names, batch, action_id, plan_id, amount_cols, raw_rows, budget_text)
        _measures(rec, batch, action_id, eci_numbers, problems)
        _pillars_and_categories(rec, batch, action_id, infer, known_categories, problems)

    if actions == 0 and not problems:
        what = "only the template's format, instruction and example rows" if skipped else "no action rows"
        problems.add(f"the plan has no actions ({what}); nothing to load", Location(file, sheet))
    return batch


def _axis_path(rec: Record, above: list[tuple[str, str]], problems) -> list[tuple[str, str]]:
    cells = [(col, rec.get(col)) for col in ("axis", "sub_axis", "sub_sub_axis")]
    deepest = max((i for i, (_, v) in enumerate(cells) if v), default=-1)
    path: list[tuple[str, str]] = []
    for i in range(deepest + 1):
        col, value = cells[i]
        if value:
            path.append((col, value))
        elif i < len(above):  # merged cells: inherit the level from the row above
            path.append(above[i])
        else:
            problems.add(f"« {rec.headers.get(cells[i + 1][0], cells[i + 1][0])} » is given without the level above "
                         "it on this row or the rows above", rec.loc(cells[i + 1][0]))
            return []
    return path


def _amount(text: str | None, loc: Location, budget_text: str, problems) -> tuple[float | None, str | None]:
    if not text or text.strip() in {"-", "–", "—"}:
        return None, None
    try:
        return parse_budget(text), None
    except ValueError as exc:
        if budget_text == "keep" and "TTC" not in str(exc):
            return None, text
        problems.add(f"{exc} (or load with -o budget_text=keep to keep free text)", loc)
        return None, None


def _date(rec: Record, column: str, problems) -> dt.date | None:
    text = rec.get(column)
    if not text:
        return None
    try:
        return parse_plan_date(text)
    except ValueError as exc:
        problems.add(str(exc), rec.loc(column))
        return None


def _funders(rec: Record, ctx, names: Names, batch: GraphBatch, action_id: str, plan_id: str,
             amount_cols: dict, raw_rows: dict, budget_text: str) -> None:
    funded: dict[str, dict] = {}
    for n in (1, 2, 3):
        if f"amount_{n}" in rec.headers:
            text, loc = rec.get(f"amount_{n}"), rec.loc(f"amount_{n}")
        elif amount_cols.get(n):
            idx, label = amount_cols[n]
            cells = raw_rows.get(rec.row, [])
            text = cells[idx] if idx < len(cells) else None
            if text and fold(text).startswith(PLACEHOLDER):
                text = None
            loc = rec.table.location(rec.row, label)
        else:
            text, loc = None, rec.loc(f"funder_{n}")
        amount, _ = _amount(text, loc, budget_text, ctx.problems)
        funders = [o for o in (names.organisation(x, rec.loc(f"funder_{n}"))
                               for x in split_names(rec.get(f"funder_{n}"))) if o]
        if amount is not None and not funders and not split_names(rec.get(f"funder_{n}")):
            ctx.problems.add(f"an amount is given for Financeur {n} but no funder is named", loc)
            continue
        for oid in funders:
            f = funded.setdefault(oid, {"plan": plan_id, "amount": None, "share": None, "co_funders": len(funders),
                                        "rank": n})
            if amount is not None:
                f["amount"] = (f["amount"] or 0) + amount
                f["share"] = (f["share"] or 0) + amount / len(funders)
    for oid, props in funded.items():
        batch.rel("FUNDED_BY", "Action", action_id, "Organisation", oid, props, rec.loc("funder_1"), key=plan_id)


_MEASURE_REF = re.compile(r"(?i)\b(eci|cae)[\s_-]*(\d+(?:\.\d+)*)")


def _measures(rec: Record, batch: GraphBatch, action_id: str, eci_numbers, problems) -> None:
    for column in ("linked_measures", "linked_actions"):
        text = rec.get(column)
        if not text:
            continue
        for prefix, number in _MEASURE_REF.findall(text):
            if prefix.lower() != "eci":
                continue  # climat-air-énergie référentiel: not loaded, the text stays on the action
            number = number.rstrip(".")
            if number not in eci_numbers:
                problems.add(f"« eci {number} » is not an item of the référentiel économie circulaire", rec.loc(column))
                continue
            batch.rel("CONTRIBUTES_TO", "Action", action_id, "Measure", measure_id(number),
                      {"via": "linked"}, rec.loc(column))


def _pillar_code(text: str) -> str | None:
    f = fold(text)
    for code, p in PILLARS.items():
        if f in (fold(code), fold(p["name"])):
            return code
    return PILLAR_ALIASES.get(f)


def _pillars_and_categories(rec: Record, batch: GraphBatch, action_id: str, infer: bool,
                            known_categories: set[str], problems) -> None:
    pillars: dict[str, str] = {}
    for text in split_names(rec.get("pillars")):
        code = _pillar_code(text)
        if code is None:
            problems.add(f"unknown pillar {text!r}; pillars: {', '.join(p['name'] for p in PILLARS.values())}",
                         rec.loc("pillars"))
        else:
            pillars[code] = "column"
    cats: dict[str, str] = {}
    for text in split_names(rec.get("categories")):
        try:
            cats[category_code(text)] = "column"
        except ValueError as exc:
            problems.add(str(exc), rec.loc("categories"))
    if infer:
        text = fold(" ".join(v for v in (rec.get("title"), rec.get("sub_action"), rec.get("description")) if v))
        if not rec.get("pillars"):
            pillars.update({code: "keywords" for code, rx in _PILLAR_RE.items() if rx.search(text)})
        if not rec.get("categories"):
            cats.update({code: "keywords" for code, rx in _CATEGORY_RE.items()
                         if code in known_categories and rx.search(text)})
    for code, via in pillars.items():
        batch.node("Measure", pillar_id(code), pillar_props(code), ["Pillar"], rec.loc("pillars"))
        batch.rel("CONTRIBUTES_TO", "Action", action_id, "Measure", pillar_id(code), {"via": via}, rec.loc("pillars"))
    for code, via in cats.items():
        batch.rel("TARGETS", "Action", action_id, "MaterialCategory", code, {"via": via}, rec.loc("categories"))
