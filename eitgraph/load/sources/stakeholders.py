"""Free stakeholder lists → organisations, persons, governance bodies and memberships."""

from __future__ import annotations

from ...graphread import GraphRead
from ...model.geo import position_problem
from ...model.naf import naf_label, naf_section
from ...model.organisation_kinds import KINDS
from ...values import fold, slug
from ..graphbatch import GraphBatch
from ..identity import name_key
from ..records import Record

COMMUNES = ("MATCH (c:Commune) WHERE c.code IN $codes OR toLower(c.name) IN $names "
            "RETURN c.code AS code, c.name AS name, c.departement AS dep")


def body_kind(name: str) -> str:
    """
    >>> body_kind("COPIL EIT"), body_kind("Comité technique"), body_kind("GT Bois")
    ('steering_committee', 'technical_committee', 'working_group')
    """
    f = fold(name)
    if f.startswith(("copil", "comite de pilotage")):
        return "steering_committee"
    if f.startswith(("cotech", "comite technique")):
        return "technical_committee"
    if f.startswith(("gt ", "groupe de travail", "groupe projet", "atelier", "working group")):
        return "working_group"
    return "other"


class Perimeter:
    """Classifies a commune as inside the programme territory (by the read side's territory rule), on its
    periphery (same département), or outside."""

    def __init__(self, ctx):
        self.inside: set[str] = set()
        self.departements: set[str] = set()
        code = ctx.options.get("territory")
        self.enabled = bool(code)
        if code:
            rows = GraphRead(ctx.lookup, ctx.model).communes_within(code)
            if not rows:
                ctx.problems.add(f"option territory={code!r}: no territory with communes has this code",
                                 ctx.table.location())
            self.inside = {r["code"] for r in rows}
            self.departements = {r["departement"] for r in rows}

    def classify(self, commune: str | None, departement: str | None) -> str | None:
        if not self.enabled or commune is None:
            return None
        if commune in self.inside:
            return "territoire"
        return "périphérie" if departement in self.departements else "extérieur"


def _communes(records: list[Record], ctx) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Départements of the communes the records name (by code or by name), and codes by lower-case name."""
    codes = sorted({r.get("insee") for r in records if r.get("insee")})
    names = sorted({r.get("commune").lower() for r in records if r.get("commune") and not r.get("insee")})
    rows = ctx.lookup(COMMUNES, {"codes": codes, "names": names}) if codes or names else []
    dep_of = {r["code"]: r["dep"] for r in rows}
    by_name: dict[str, list[str]] = {}
    for r in rows:
        if r["name"] and r["name"].lower() in names:
            by_name.setdefault(r["name"].lower(), []).append(r["code"])
    return dep_of, by_name


def transform(records: list[Record], ctx) -> GraphBatch:
    batch = GraphBatch()
    problems = ctx.problems
    perimeter = Perimeter(ctx)
    dep_of, by_name = _communes(records, ctx)
    default_kind = ctx.options.get("kind") or "company"
    if default_kind not in KINDS:
        problems.add(f"option kind={default_kind!r} is not a kind of organisation; kinds: {', '.join(KINDS)}")
        return batch
    if records and "kind" not in records[0].headers:
        ctx.note("default_kind", f"no « Type d'acteur » column: every organisation is taken as {default_kind} "
                 "(-o kind=… to choose another)", ctx.table.location(ctx.table.header_row))
    for rec in records:
        name = rec.get("name")
        kind = rec.get("kind") or default_kind
        if not name:
            continue
        siret = rec.get("siret")

        commune = _commune(rec, dep_of, by_name, problems)

        naf = rec.get("naf")
        if naf and naf_label(naf) is None:
            problems.add(f"NAF code {naf!r} does not exist in NAF rév. 2", rec.loc("naf"))
        lat, lon = rec.get("lat"), rec.get("lon")
        wrong = position_problem(lat, lon, french=bool(commune))
        if wrong and wrong[0] == "error":
            problems.add(wrong[1], rec.loc("lat"))
        elif wrong:
            ctx.note("coordinates", wrong[1], rec.loc("lat"))
        props = {
            "name": name, "kind": kind, "siret": siret, "siren": rec.get("siren") or (siret[:9] if siret else None),
            "naf": naf, "naf_label": naf_label(naf) if naf else None, "naf_section": naf_section(naf) if naf else None,
            "headcount_band": rec.get("headcount_band"), "commune_code": commune, "lat": lat, "lon": lon,
            "filiere": rec.get("filiere"), "legal_status": rec.get("legal_status"),
            "perimeter": rec.get("perimeter") or perimeter.classify(commune, dep_of.get(commune)),
            "relation": rec.get("relation"), "value_chain": rec.get("value_chain"),
            "impact": rec.get("impact"), "ease": rec.get("ease"), "tags": rec.get("tags"),
            "website": rec.get("website"),
        }
        props.update({"handle": rec.get("id"), "address": rec.get("address"), "postal_code": rec.get("postal_code")})
        # The key only groups this file's rows; which organisation of the graph it is, and its id,
        # follow from SIRET, name and commune (eitgraph.identity).
        org_id = siret or ("h:" + rec.get("id") if rec.get("id") else f"n:{name_key(name)}@{commune or ''}")
        batch.node("Organisation", org_id, props, [KINDS[kind].label], rec.loc())
        if commune:
            batch.rel("LOCATED_IN", "Organisation", org_id, "Territory", commune, location=rec.loc("insee"))

        _people_and_bodies(rec, batch, org_id, problems)
    return batch


def _commune(rec: Record, dep_of: dict[str, str], by_name: dict[str, list[str]], problems) -> str | None:
    """The organisation's commune, by INSEE code or else by name (a name shared by several is reported)."""
    commune = rec.get("insee")
    if commune and commune not in dep_of:
        problems.add(f"commune code {commune!r} is not in the graph (unknown INSEE code, or load the "
                     "territory first)", rec.loc("insee"))
        return None
    if not commune and rec.get("commune"):
        matches = by_name.get(rec.get("commune").lower(), [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            problems.add(f"commune name {rec.get('commune')!r} is ambiguous ({', '.join(sorted(matches))}); "
                         "add the « Code INSEE » column", rec.loc("commune"))
        else:
            problems.add(f"commune {rec.get('commune')!r} is not in the graph; add the « Code INSEE » "
                         "column or load the territory first", rec.loc("commune"))
    return commune


def _people_and_bodies(rec: Record, batch: GraphBatch, org_id: str, problems) -> None:
    """The row's contact person (WORKS_FOR), the bodies it or the organisation sits in, and those the person
    is the referent of."""
    contact = rec.get("contact")
    person_id = slug(contact) if contact else None
    if person_id:
        batch.node("Person", person_id, {"name": contact, "email": rec.get("email"), "phone": rec.get("phone")},
                   location=rec.loc("contact"))
        batch.rel("WORKS_FOR", "Person", person_id, "Organisation", org_id, {"role": rec.get("role")},
                  rec.loc("contact"))
    elif rec.get("referent_of"):
        problems.add("« Référent de » needs a contact person on the same row", rec.loc("referent_of"))
    for body in rec.get("bodies", []):
        body_id = slug(body)
        batch.node("Body", body_id, {"name": body, "kind": body_kind(body)}, location=rec.loc("bodies"))
        if person_id:
            batch.rel("MEMBER_OF", "Person", person_id, "Body", body_id, location=rec.loc("bodies"))
        else:
            batch.rel("MEMBER_OF", "Organisation", org_id, "Body", body_id, location=rec.loc("bodies"))
    if person_id:
        for body in rec.get("referent_of", []):
            body_id = slug(body)
            batch.node("Body", body_id, {"name": body, "kind": body_kind(body)}, location=rec.loc("referent_of"))
            batch.rel("REFERENT_OF", "Person", person_id, "Body", body_id, location=rec.loc("referent_of"))
