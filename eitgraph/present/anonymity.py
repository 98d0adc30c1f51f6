"""The anonymisation policy: what ``--anonymize`` (``anonymize=True``) hides, the same for maps and RDF
exports.

1. **Who is named.** Public institutions (public bodies, State services, chambers) keep their names.
   Every other organisation — companies, waste operators, associations, consultancies… — is shown under
   an alias made of its kind, its sector and a letter (« Entreprise chimie A »). Aliases are computed
   over *all* the organisations of the store, so one organisation keeps its alias on every view,
   territory and export of the same data. Where an export needs an identifier, an aliased
   organisation's is replaced by an opaque one (:func:`opaque`).
2. **People** are never shown: no person, e-mail or telephone.
3. **Identifiers** — SIRET, SIREN, NAF code, website — are removed from every organisation.
4. **Places.** Coordinates are never written out (a map may still place its sites by them).
5. **Quantities and money** between organisations (exchanged quantities, costs, funding amounts and
   shares) are shown as the decade they fall in (:func:`band`) where a page can say so, and removed
   where it cannot (RDF literals).
6. **Free text.** Descriptions and comments are removed; titles and labels that quote an aliased
   organisation's name have it replaced by its alias (:func:`scrub`).

>>> band(0.4), band(12.0), band(2500.0)
((0.0, 1.0), (10.0, 100.0), (1000.0, 10000.0))
>>> letters(0), letters(25), letters(26)
('A', 'Z', 'AA')
>>> opaque("acme")
'anon-822b33ad87c1'
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict

from ..graphread import Organisation
from .text import kind_label, text

PUBLIC_KINDS = {"public_body", "state_service", "consular"}
HIDDEN_LABELS = {"Person"}
IDENTIFIERS = {"siret", "siren", "naf", "website"}
CONTACTS = {"email", "phone"}
PLACES = {"lat", "lon"}
AMOUNTS = {"quantity", "original_quantity", "cost", "amount", "share"}
FREE_TEXT = {"description", "comment"}
SCRUBBED = {"title", "label"}  # texts kept, with the names of aliased organisations replaced
HIDDEN_PROPERTIES = IDENTIFIERS | CONTACTS | PLACES | AMOUNTS | FREE_TEXT


def band(value: float | None) -> tuple[float, float] | None:
    """The decade a quantity falls in: [0, 1), [1, 10), [10, 100)…"""
    if value is None:
        return None
    if value < 1:
        return (0.0, 1.0)
    low = 10.0 ** math.floor(math.log10(value))
    return (low, low * 10)


def letters(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def opaque(key: str) -> str:
    """A stable identifier that does not say what it stands for."""
    return "anon-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def alias_table(organisations: list[Organisation], lang: str) -> dict[str, str]:
    """id → alias of every organisation that must not be named (pass every organisation of the store)."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in sorted(organisations, key=lambda o: o["id"]):
        kind = r["kind"] or "other"
        if kind in PUBLIC_KINDS:
            continue
        sector = r["filiere"] or r["naf_label"] or ""
        groups[(kind, sector)].append(r["id"])
    out = {}
    for (kind, sector), ids in groups.items():
        for i, oid in enumerate(sorted(ids)):
            if kind == "company" and sector:
                out[oid] = text(lang, "company_alias", sector=sector.lower() if lang == "fr" else sector,
                                letter=letters(i))
            else:
                kind_words = kind_label(kind, lang) + (f" {sector.lower()}" if sector else "")
                out[oid] = text(lang, "org_alias", kind=kind_words, letter=letters(i))
    return out


def scrub(value: str, aliases: dict[str, str], names: dict[str, str]) -> str:
    """Replace the real names of aliased organisations quoted in a text.

    >>> scrub("Palettes de Acme SA vers X", {"acme": "Entreprise bois A"}, {"acme": "Acme SA"})
    'Palettes de Entreprise bois A vers X'
    """
    for oid, alias in aliases.items():
        name = names.get(oid)
        if name and len(name) > 3:
            value = re.sub(re.escape(name), alias, value, flags=re.IGNORECASE)
    return value
