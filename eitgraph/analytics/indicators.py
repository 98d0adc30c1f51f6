"""Programme indicators of a territory: Korhonen's four principles (roundput, diversity, cooperation,
locality), the exchange network analysis, the evaluation indicators of the dossier, the référentiel's
EIT indicators and the data coverage. Labels and definitions are data (``schema/indicators.yaml``).

>>> import eitgraph                                               # doctest: +SKIP
>>> with eitgraph.open() as kb:                                   # doctest: +SKIP
...     table = indicators(kb, territory="PETR-THUR-DOLLER")      # a DataFrame, one row per figure
...     table.set_index("code").loc["participation_rate.company", "value"]
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import pandas as pd
import yaml

from .. import shipped
from ..errors import QueryError
from ..graphread import GraphRead, GraphSource, reader
from ..model.geo import haversine_km
from ..present.text import number
from .circular import loops_of
from .ena import network_of
from .scope import Scope, scope

COLUMNS = ["group", "code", "indicator", "value", "unit", "basis", "definition"]
LANGS = ("fr", "en")
TONNES = "t/an"
RECOVERY = {"reuse", "recycling", "composting", "anaerobic_digestion", "land_spreading", "energy_recovery"}
ELIMINATION = {"landfill", "incineration", "discharge"}
STATUSES = ("idea", "study", "implemented", "abandoned")
WORKSHOP_KINDS = ("workshop", "steering_committee", "technical_committee", "training", "visit", "meeting")


@dataclass(frozen=True)
class Figure:
    """One computed indicator: its code (see ``schema/indicators.yaml``), value and what it rests on."""

    code: str
    value: float | int | None
    basis: str = ""  # numerator / denominator, in plain figures


@cache
def texts() -> dict:
    with open(shipped.path("schema", "indicators.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def share(part: float, whole: float, what: str = "") -> Figure:
    """A percentage with its basis; None when there is nothing to divide by.

    >>> share(1, 3, "t/an")
    Figure(code='', value=33.3, basis='1 / 3 t/an')
    >>> share(0, 0).value is None
    True
    """
    value = round(100 * part / whole, 1) if whole else None
    return Figure("", value, f"{number(part, 'plain')} / {number(whole, 'plain')}{' ' + what if what else ''}")


def _as(code: str, fig: Figure) -> Figure:
    return Figure(code, fig.value, fig.basis)


def _tonnes(items) -> float:
    return sum(i["quantity"] for i in items if i["quantity"] is not None and i["unit"] == TONNES)


# -- Korhonen ---------------------------------------------------------------------------------
def roundput(graph: GraphRead, s: Scope) -> list[Figure]:
    outs = [f for f in s.current_flows() if f["direction"] == "out"]
    total = _tonnes(outs)
    recovered = [f for f in outs if f["treatment"] in RECOVERY]
    loops = loops_of(graph, s.network())
    existing = loops_of(graph, [e for e in s.network() if e["status"] == "existing"])
    in_loops = {m for members in loops["members"] for m in members} & s.actors
    return [
        _as("recovered_inside_share", share(_tonnes(f for f in recovered if s.inside(f["partner"])), total, TONNES)),
        _as("recovered_share", share(_tonnes(recovered), total, TONNES)),
        _as("eliminated_share", share(_tonnes(f for f in outs if f["treatment"] in ELIMINATION), total, TONNES)),
        Figure("loops", len(loops), f"{len(existing)} / {len(loops)}"),
        Figure("loops_existing", len(existing)),
        _as("actors_in_loops_share", share(len(in_loops), len(s.actors))),
    ]


def synergy_exchanges(s: Scope) -> list[dict]:
    """The existing exchanges that a synergy lead (not abandoned) accounts for: both ends take part in the
    same lead, and the exchange moves the lead's material category (any, when the lead names none).
    Ordinary supplier and collector contracts between organisations are not synergies."""
    leads: dict[str, set[str]] = {}
    for p in s.all_parties:
        if p["status"] != "abandoned":
            leads.setdefault(p["synergy"], set()).add(p["org"])
    out = []
    for e in s.current_exchanges():
        for lead, members in leads.items():
            category = s.synergy_categories.get(lead)
            if e["source"] in members and e["target"] in members and category in (None, e["category"]):
                out.append(e)
                break
    return out


def shannon(counts) -> float:
    """Shannon index −Σ p ln p of a list of counts.

    >>> shannon([5, 5]) == round(math.log(2), 3)
    True
    """
    total = sum(counts)
    return round(-sum(c / total * math.log(c / total) for c in counts if c), 3) if total else 0.0


def diversity(s: Scope) -> list[Figure]:
    actors = [s.organisations[a] for a in s.actors]
    sections = Counter(o["naf_section"] for o in actors if o["naf_section"])
    divisions = {o["naf"][:2] for o in actors if o["naf"]}
    with_naf = sum(sections.values())
    return [
        Figure("actors", len(actors)),
        Figure("organisation_kinds", len({o["kind"] for o in actors if o["kind"]})),
        Figure("sectors", len(divisions), f"NAF: {with_naf} / {len(actors)}"),
        Figure("shannon_naf", shannon(list(sections.values())) if with_naf else None,
               f"NAF: {with_naf} / {len(actors)}"),
    ]


def cooperation(s: Scope) -> list[Figure]:
    n, links = len(s.actors), len(s.current_exchanges())
    live = [p for p in s.parties if p["status"] != "abandoned"]
    return [
        Figure("exchanges_per_actor", round(links / n, 2), f"{links} / {n}"),
        Figure("synergy_links_per_actor", round(len(s.parties) / n, 2), f"{len(s.parties)} / {n}"),
        _as("actors_in_synergy_share", share(len({p["org"] for p in live}), n)),
    ]


def locality(s: Scope) -> list[Figure]:
    mass = [e for e in s.current_exchanges() if e["quantity"] is not None and e["unit"] == TONNES]
    local = _tonnes(e for e in mass if s.inside(e["source"]) and s.inside(e["target"]))
    figs = [Figure("existing_exchange_tonnage", round(_tonnes(mass), 1), f"n = {len(mass)}")]
    tkm = tonnes = 0.0
    for e in mass:
        a, b = s.organisations.get(e["source"]), s.organisations.get(e["target"])
        if a and b and a["lat"] is not None and b["lat"] is not None:
            tkm += e["quantity"] * haversine_km(a["lat"], a["lon"], b["lat"], b["lon"])
            tonnes += e["quantity"]
    return [
        *figs,
        _as("local_exchange_share", share(local, _tonnes(mass), TONNES)),
        Figure("mean_distance_km", round(tkm / tonnes, 1) if tonnes else None, f"{number(tonnes, 'plain')} t/an"),
        Figure("tonne_km", round(tkm) if tonnes else None),
    ]


def network(s: Scope) -> list[Figure]:
    """Ecological network analysis of the tonnage exchange network (see :mod:`.ena`)."""
    codes = ("ena_nodes", "ena_tst", "ena_fci", "ena_cyclicity", "ena_connectance", "ena_linkage_density", "ena_apl")
    try:
        r = network_of([e for e in s.network() if e["status"] == "existing"], s.network_flows(),
                       territory=s.territory, unit=TONNES, status="existing").as_dict()
    except QueryError:  # no exchange quantified in tonnes: the figures do not exist
        return [Figure(c, None) for c in codes]
    values = (r["nodes"], round(r["throughflow_total"]), round(100 * r["finn_cycling_index"], 2),
              round(r["cyclicity"], 3), round(r["connectance"], 3), round(r["link_density"], 2),
              round(r["average_path_length"], 2))
    bases = {"ena_nodes": f"{r['exchanges_used']} / {r['exchanges']}"}
    return [Figure(c, v, bases.get(c, "")) for c, v in zip(codes, values, strict=True)]


# -- evaluation of the dossier, référentiel -----------------------------------------------------
def engaged(s: Scope) -> set[str]:
    """Actors that attended a meeting, were diagnosed or take part in a synergy lead."""
    attended = {i["org"] for i in s.invitations if i["participants"]}
    return attended | {f["id"] for f in s.flows} | {p["org"] for p in s.parties}


def evaluation(s: Scope) -> list[Figure]:
    groups = s.groups
    mob = engaged(s) | s.in_bodies  # mobilised: engaged, or sitting in a body of the programme
    figs = [Figure("actors_mobilised", len(mob), f"{len(mob)} / {len(s.actors)}")]
    figs += [Figure(f"actors_mobilised.{g}", sum(groups[a] == g for a in mob)) for g in ("company", "public", "ess",
                                                                                           "other")]
    meetings = {i["workshop"]: i["kind"] for i in s.invitations}
    figs.append(Figure("workshops", len(meetings)))
    kinds = Counter(meetings.values())
    figs += [Figure(f"workshops.{k}", kinds[k]) for k in WORKSHOP_KINDS if kinds[k]]
    figs += participation(s)
    figs += synergy_figures(s)
    audited = s.companies & {f["id"] for f in s.flows}
    figs.append(Figure("companies_audited", len(audited), f"{len(audited)} / {len(s.companies)}"))
    return figs


def participation(s: Scope) -> list[Figure]:
    if not s.invitations:
        return [Figure("participation_rate", None, "n = 0")]
    present = [i for i in s.invitations if i["participants"]]
    figs = [_as("participation_rate", share(len(present), len(s.invitations)))]
    for g in ("company", "public", "ess", "other"):
        invited = [i for i in s.invitations if s.groups[i["org"]] == g]
        if invited:
            figs.append(_as(f"participation_rate.{g}",
                            share(sum(1 for i in invited if i["participants"]), len(invited))))
    per_org: dict[str, list[bool]] = defaultdict(list)
    for i in s.invitations:
        per_org[i["org"]].append(bool(i["participants"]))
    regular = [sum(v) / len(v) for v in per_org.values() if len(v) >= 2]
    figs.append(Figure("assiduity", round(100 * sum(regular) / len(regular), 1) if regular else None,
                       f"n = {len(regular)}"))
    scores = [i["satisfaction"] for i in present if i["satisfaction"] is not None]
    figs.append(Figure("satisfaction", round(sum(scores) / len(scores), 2) if scores else None,
                       f"n = {len(scores)}"))
    return figs


def synergy_figures(s: Scope) -> list[Figure]:
    leads: dict[str, dict] = {}
    for p in s.parties:
        lead = leads.setdefault(p["synergy"], {"status": p["status"], "jobs": p["jobs"], "trainings": p["trainings"],
                                               "companies": set()})
        if p["org"] in s.companies:
            lead["companies"].add(p["org"])
    status = Counter(lead["status"] for lead in leads.values())
    live = [lead for lead in leads.values() if lead["status"] != "abandoned"]
    figs = [Figure("synergies", len(leads))] + [Figure(f"synergies.{k}", status[k]) for k in STATUSES]
    figs.append(Figure("companies_per_synergy",
                       round(sum(len(x["companies"]) for x in live) / len(live), 2) if live else None,
                       f"n = {len(live)}"))
    for what in ("jobs", "trainings"):
        recorded = [lead[what] for lead in leads.values() if lead[what] is not None]
        figs.append(Figure(what, sum(recorded) if recorded else None, f"n = {len(recorded)}"))
    return figs


def referentiel(s: Scope) -> list[Figure]:
    implemented = {p["synergy"] for p in s.parties if p["status"] == "implemented"}
    companies = s.companies & engaged(s)
    linked = synergy_exchanges(s)
    return [Figure("operational_synergies", len(implemented)),
            Figure("companies_engaged", len(companies), f"{len(companies)} / {len(s.companies)}"),
            Figure("exchanged_tonnage", round(_tonnes(linked), 1),
                   f"n = {len(linked)} / {len(s.current_exchanges())}")]


def coverage(s: Scope) -> list[Figure]:
    quantified = [f for f in s.flows if f["quantity"] is not None]
    located = sum(1 for a in s.actors if s.organisations[a]["lat"] is not None)
    return [
        Figure("flows", len(s.flows)),
        _as("flows_with_quantity_share", share(len(quantified), len(s.flows))),
        _as("flows_in_tonnes_share", share(sum(f["unit"] == TONNES for f in quantified), len(s.flows))),
        _as("exchanges_with_quantity_share",
            share(sum(e["quantity"] is not None for e in s.exchanges), len(s.exchanges))),
        _as("located_actors_share", share(located, len(s.actors))),
    ]


# -- the table ------------------------------------------------------------------------------------
def figures(graph: GraphSource, territory: str | None = None) -> tuple[Scope, list[Figure]]:
    """Every indicator of a territory, computed; see :func:`indicators` for the labelled table."""
    graph = reader(graph)
    s = scope(graph, territory)
    figs = (roundput(graph, s) + diversity(s) + cooperation(s) + locality(s) + network(s) + evaluation(s)
            + referentiel(s) + coverage(s))
    return s, figs


class Text(NamedTuple):
    group_code: str
    group: str
    label: str
    unit: str
    definition: str


def label(code: str, lang: str = "fr") -> Text:
    """The words of an indicator code in a language.

    >>> label("participation_rate.ess", "en").label
    'Participation rate: social economy'
    """
    t = texts()
    base, _, variant = code.partition(".")
    if variant:
        family = next(k for k in t["indicators"] if k.startswith(base + ".{"))
        spec = t["indicators"][family]
        words = t["variants"][family.split("{")[1].rstrip("}")][variant][lang]
    else:
        spec, words = t["indicators"][code], ""
    return Text(spec["group"], t["groups"][spec["group"]][lang], spec[lang].format(variant=words), spec["unit"],
                spec["def_" + lang])


def labelled(graph: GraphSource, territory: str | None = None, lang: str = "fr") -> tuple[Scope, list[dict]]:
    """The scope and one dict per indicator: group_code, group, code, indicator, value, unit, basis,
    definition, in ``lang``."""
    if lang not in LANGS:
        raise QueryError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    s, figs = figures(graph, territory)
    rows = []
    for f in figs:
        t = label(f.code, lang)
        rows.append({"group_code": t.group_code, "group": t.group, "code": f.code, "indicator": t.label,
                     "value": f.value, "unit": t.unit, "basis": f.basis, "definition": t.definition})
    return s, rows


def indicators(graph: GraphSource, territory: str | None = None, lang: str = "fr") -> pd.DataFrame:
    """The indicators of a territory as a DataFrame: group, code, indicator, value, unit, basis, definition.

    ``territory`` is a Territory code (EPCI SIREN, PETR code, commune INSEE code…); None takes every
    organisation located in a loaded commune. Missing quantities are left out of the tonnages and the
    ``coverage`` group says how many flows had one.
    """
    _, rows = labelled(graph, territory, lang)
    return pd.DataFrame(rows, columns=COLUMNS, dtype=object)  # object: counts stay integers next to shares
