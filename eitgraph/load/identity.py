"""One organisation, whatever file names it: matching organisation mentions across files and kinds.

A file names an organisation by SIRET, SIREN, name, commune, or by an identifier of its own
(« Identifiant », kept as a *handle*). A mention is the same organisation as one already in the
graph when, in this order:

1. the SIRETs are equal (different SIRETs are never the same organisation);
2. the SIRENs and communes are equal;
3. a handle of the mention is an id or handle of the organisation;
4. the folded names (accents, case, punctuation and legal forms ignored) and communes are equal;
5. the folded names are equal and one side has no commune — a match on the name only, reported —
   provided only one organisation fits.

An organisation's id follows from what its files say, whatever the order they were loaded in: its
SIRET when one is known, else the identifier the file of highest precedence gives it, else the slug
of its name, with its commune and SIREN when known.

>>> org_id({"siret": "41163939500019", "name": "Suez"})
'41163939500019'
>>> org_id({"name": "GAEC du Moulin", "commune_code": "68063"})
'gaec-du-moulin-68063'
>>> org_id({"name": "GAEC du Moulin", "handles": ["gaec-moulin"]})
'gaec-moulin'
>>> name_key("SUEZ RV Nord-Est SAS"), name_key("Ets. Martin & Fils")
('suez rv nord est', 'martin fils')
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..values import fold, slug

# Legal forms and abbreviations that do not tell two organisations apart.
_LEGAL = {"sa", "sas", "sasu", "sarl", "eurl", "snc", "sca", "sci", "scop", "selarl", "ets", "etablissements",
          "et", "cie", "co", "ste", "societe", "groupe", "gie"}
_HANDLE = re.compile(r"[a-z]")


def name_key(name: str | None) -> str:
    """A name folded for matching: legal forms dropped (unless nothing else is left)."""
    folded = fold(name or "")
    words = [w for w in folded.split() if w not in _LEGAL]
    return " ".join(words) or folded


def org_id(props: Mapping[str, Any]) -> str:
    """The id of an organisation from its merged values: SIRET, else the identifier its files give
    it (« Identifiant », unless a bare number), else a slug of its name, commune and SIREN."""
    if props.get("siret"):
        return props["siret"]
    handles = [h for h in props.get("handles") or () if usable_handle(h)]
    if props.get("handle") and usable_handle(props["handle"]):
        handles.insert(0, props["handle"])
    if handles:
        return handles[0]
    base = slug(props.get("name") or "")
    if not base:  # no Latin letter or digit in the name: a stable digest instead of an empty id
        base = "org-" + hashlib.sha1((props.get("name") or "").encode("utf-8")).hexdigest()[:10]
    parts = [base]
    if props.get("commune_code"):
        parts.append(props["commune_code"])
    if props.get("siren"):
        parts.append(props["siren"])
    return "-".join(parts)


def usable_handle(text: str | None) -> bool:
    """Identifiers made of digits only (row numbers 1, 2, 3…) are too common to match across files."""
    return bool(text) and bool(_HANDLE.search(text.lower()))


def looks_like_handle(text: str) -> bool:
    """Text that could be an identifier (« mef-thur-doller », « ENT-01 », « beta ») as well as a name.

    >>> looks_like_handle("mef-thur-doller"), looks_like_handle("ENT-01"), looks_like_handle("Suez RV")
    (True, True, False)
    """
    return bool(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]*", text)) and usable_handle(text)


@dataclass
class Known:
    """What the graph (or the file being loaded) says about one organisation, for matching."""

    ref: Any  # elementId of a node in the graph, or a key of the batch
    id: str | None = None
    siret: set[str] = field(default_factory=set)
    siren: set[str] = field(default_factory=set)
    communes: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # name keys
    handles: set[str] = field(default_factory=set)
    display: str = ""
    where: list[str] = field(default_factory=list)  # the files and rows that say so

    def add(self, props: Mapping[str, Any]) -> None:
        if props.get("siret"):
            self.siret.add(props["siret"])
            self.siren.add(props["siret"][:9])
        if props.get("siren"):
            self.siren.add(props["siren"])
        if props.get("commune_code"):
            self.communes.add(props["commune_code"])
        if props.get("name"):
            self.names.add(name_key(props["name"]))
            self.display = self.display or props["name"]
        for h in (props.get("handle"), props.get("_handle"), props.get("id")):
            if h:
                self.handles.add(h)
        self.handles.update(props.get("handles") or ())
        self.names.update(props.get("aliases") or ())  # already folded (a merge keeps the other's names)


class Directory:
    """Organisations to match mentions against, with the rules above."""

    def __init__(self, known: Iterable[Known] = ()):
        self.all: list[Known] = []
        self.by_siret: dict[str, list[Known]] = {}
        self.by_siren: dict[str, list[Known]] = {}
        self.by_handle: dict[str, list[Known]] = {}
        self.by_name: dict[str, list[Known]] = {}
        for k in known:
            self.add(k)

    def add(self, k: Known) -> None:
        self.all.append(k)
        for s in k.siret:
            self.by_siret.setdefault(s, []).append(k)
        for s in k.siren:
            self.by_siren.setdefault(s, []).append(k)
        for h in {k.id, *k.handles} - {None}:
            self.by_handle.setdefault(h, []).append(k)
        for n in k.names:
            self.by_name.setdefault(n, []).append(k)

    # -- mentions that only point at an organisation (a synergy party, a diagnosed site) ---------
    def find(self, text: str) -> tuple[Known | None, list[Known]]:
        """The organisation a text names: an id, handle or SIRET, else a name; and the ambiguous ones."""
        text = text.strip()
        compact = text.replace(" ", "")

        def one(hits: list[Known]) -> tuple[Known | None, list[Known]]:
            unique: dict[Any, Known] = {}
            for k in hits:  # a mention of the file and the organisation it matched are one
                if k.ref not in unique or (unique[k.ref].id is None and k.id is not None):
                    unique[k.ref] = k
            if len(unique) == 1:
                return next(iter(unique.values())), []
            return None, list(unique.values())

        for probe in (text, compact):
            hits = self.by_handle.get(probe) or self.by_siret.get(probe)
            if hits:
                return one(hits)
        return one(self.by_name.get(name_key(text), [])) if name_key(text) in self.by_name else (None, [])

    def similar(self, text: str) -> Known | None:
        """A known organisation whose name is close to ``text`` (a probable spelling variant)."""
        key = name_key(text)
        close = difflib.get_close_matches(key, list(self.by_name), n=1, cutoff=0.85)
        return self.by_name[close[0]][0] if close else None
