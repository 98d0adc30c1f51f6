"""Free stakeholder lists → organisations, persons, governance bodies and memberships."""

from __future__ import annotations

from ...graphread import GraphRead
from ...model.communes import departement_of, reference
from ...model.legal import kind_of_legal_form, legal_category_code
from ...model.naf import naf_label, naf_section
from ...model.organisation_kinds import KINDS
from ...values import fold, slug
from ..coordinates import located, point
from ..graphbatch import GraphBatch
from ..identity import name_key
from ..records import Record

COMMUNES = ("MATCH (c:Commune) WHERE c.code IN $codes OR toLower(c.name) IN $names "
            "RETURN c.code AS code, c.name AS name, c.departement AS dep")
TERRITORY_HINT = "load its territory first: eitgraph load territory perimetre-epci-a-fp.csv -o departement={dep}"


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


class CommuneFinder:
    """The commune of each row: its « Code INSEE », else its « Code postal » and « Ville » (either alone when
    that is enough), read with the official references (communes déléguées and associées, arrondissements,
    « St »/« Ste », case, accents, « (68) »…), and checked to be in the graph."""

    def __init__(self, records: list[Record], ctx):
        self.ctx, self.ref = ctx, reference()
        self.resolved: dict[int, tuple[str | None, str | None, str | None]] = {}  # row -> (code, column, problem)
        self.candidates: dict[int, list[str]] = {}  # row -> communes an ambiguous name fits
        self.via: list[str] = []
        wanted: set[str] = set()
        unknown_names: set[str] = set()
        for rec in records:
            found = self._find(rec)
            self.resolved[rec.row] = found
            if found[0]:
                wanted.add(found[0])
            elif rec.get("commune"):
                unknown_names.add(rec.get("commune").lower())
            wanted.update(self.candidates.get(rec.row, ()))
        self.in_graph = ctx.existing("Territory", wanted)
        # Communes of the graph the references do not know (a territory of one's own): by name.
        self.graph_names: dict[str, list[str]] = {}
        if unknown_names:
            for r in ctx.lookup(COMMUNES, {"codes": [], "names": sorted(unknown_names)}):
                self.graph_names.setdefault(r["name"].lower(), []).append(r["code"])

    def _find(self, rec: Record) -> tuple[str | None, str | None, str | None]:
        """(commune code, column it comes from, problem)."""
        code, postal, city = rec.get("insee"), rec.get("postal_code"), rec.get("commune")
        if code:
            current = self.ref.current(code)
            if current is None:
                return code, "insee", None  # not a COG code: the graph may still hold it
            if current != code:
                self.via.append(f"{code} → {current} ({self.ref.name(current)})")
            if postal or city:
                check = self.ref.resolve(postal, city)
                if check.code and check.code != current:
                    self.ctx.note("commune_mismatch", f"« Code INSEE » {code} ({self.ref.name(current)}) and the "
                                  f"address ({postal or ''} {city or ''}) name different communes; the INSEE code is "
                                  "kept", rec.loc("insee"))
            return current, "insee", None
        if not postal and not city:
            return None, None, None
        found = self.ref.resolve(postal, city)
        column = "commune" if city else "postal_code"
        if found.codes:
            self.candidates[rec.row] = found.codes
        if found.problem:
            return None, "postal_code" if found.about == "postal_code" or not city else "commune", found.problem
        if found.via:
            self.via.append(f"{found.via}")
        return found.code, column, None

    def commune(self, rec: Record) -> str | None:
        code, column, problem = self.resolved.get(rec.row, (None, None, None))
        loaded = [c for c in self.candidates.get(rec.row, ()) if c in self.in_graph]
        if problem and len(loaded) == 1:  # a name several communes of France bear, one of them in the graph
            return loaded[0]
        if problem:
            if rec.get("commune") and not rec.get("postal_code") and rec.get("commune").lower() in self.graph_names:
                codes = self.graph_names[rec.get("commune").lower()]
                if len(codes) == 1:
                    return codes[0]
            self.ctx.problems.add(problem, rec.loc(column))
            return None
        if code is None:
            return None
        if code not in self.in_graph:
            known = self.ref.name(code)
            what = f"commune {known} ({code})" if known else f"commune code {code!r}"
            self.ctx.problems.add(f"{what} is not in the graph ({'unknown INSEE code' if not known else ''}"
                                  f"{'; ' if not known else ''}{TERRITORY_HINT.format(dep=departement_of(code))})",
                                  rec.loc(column))
            return None
        return code

    def notes(self) -> None:
        if self.via:
            shown = "; ".join(dict.fromkeys(self.via))
            self.ctx.note("commune_merged", f"communes déléguées, associées or arrondissements placed in their commune: "
                          f"{shown}", self.ctx.table.location())


def transform(records: list[Record], ctx) -> GraphBatch:
    batch = GraphBatch()
    problems = ctx.problems
    perimeter = Perimeter(ctx)
    finder = CommuneFinder(records, ctx)
    chosen_kind = ctx.options.get("kind")
    default_kind = chosen_kind or "company"
    if default_kind not in KINDS:
        problems.add(f"option kind={default_kind!r} is not a kind of organisation; kinds: {', '.join(KINDS)}")
        return batch
    legal_column = bool(records) and "legal_status" in records[0].headers
    if records and "kind" not in records[0].headers:
        also = " or the kind its legal form says" if legal_column and not chosen_kind else ""
        ctx.note("default_kind", f"no « Type d'acteur » column: every organisation is taken as {default_kind}{also} "
                 "(-o kind=… to choose another)", ctx.table.location(ctx.table.header_row))
    for rec in records:
        name = rec.get("name")
        legal = rec.get("legal_status")
        kind = rec.get("kind") or chosen_kind or kind_of_legal_form(legal) or default_kind
        if not name:
            continue
        siret = rec.get("siret")
        commune = finder.commune(rec)

        naf = rec.get("naf")
        if naf and naf_label(naf) is None:
            problems.add(f"NAF code {naf!r} does not exist in NAF rév. 2", rec.loc("naf"))
        where = point(rec, ctx, commune)
        props = {
            "name": name, "kind": kind, "siret": siret, "siren": rec.get("siren") or (siret[:9] if siret else None),
            "naf": naf, "naf_label": naf_label(naf) if naf else None, "naf_section": naf_section(naf) if naf else None,
            "headcount_band": rec.get("headcount_band"), "commune_code": commune, **located(where),
            "filiere": rec.get("filiere"), "legal_status": rec.get("legal_status"),
            "legal_category": legal_category_code(legal),
            "perimeter": rec.get("perimeter") or perimeter.classify(commune, departement_of(commune) if commune else None),
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
    finder.notes()
    return batch


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
