"""Communes of the Code officiel géographique and their postal codes (``reference/communes.csv`` and
``reference/codes-postaux.csv``, see ``reference/README.md``): codes that are not communes any more
(arrondissements municipaux, communes déléguées and associées) resolved to their commune, and the
commune an officer means by « Code postal » and « Ville ».

>>> ref = reference()
>>> ref.current("75108"), ref.current("68233"), ref.current("68201"), ref.current("99999")
('75056', '68201', '68201', None)
>>> ref.resolve(postal_code="68290", city="MASEVAUX").code
'68201'
>>> ref.resolve(city="St Amarin (68)").code, ref.resolve(city="saint-amarin").how
('68292', 'name')
>>> ref.resolve(postal_code="68800", city="Masevaux").problem
'postal code 68800 does not match Masevaux-Niederbruck (68201, postal code 68290); communes with postal code 68800: Leimbach (68180), Rammersmatt (68261), Roderen (68279), Thann (68334), Vieux-Thann (68348)'

"""

from __future__ import annotations

import csv
import difflib
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from .. import shipped
from ..values import fold


@dataclass(frozen=True)
class Entry:
    code: str           # code of the commune (current), never an arrondissement or déléguée
    name: str           # its current name
    departement: str
    written: str        # the name that matched (a déléguée, an arrondissement…)
    type: str           # commune, deleguee, associee, arrondissement, acheminement


@dataclass
class Resolution:
    """Which commune a « Code postal » / « Ville » pair names, or why none."""

    code: str | None = None
    name: str | None = None
    how: str = ""                 # postal_code+name, name, postal_code, name+departement
    via: str | None = None        # « Masevaux (commune déléguée of Masevaux-Niederbruck) »
    problem: str | None = None
    candidates: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # the communes a name fits when it fits several
    about: str = "city"           # what the problem is about: city, or postal_code


_ARTICLE_SUFFIX = re.compile(r"^(.*?)\s*\((le|la|les|l)\)$", re.IGNORECASE)
_DEP_SUFFIX = re.compile(r"^(.*?)\s*[\(\[]\s*(\d{2,3}|2[ab])\s*[\)\]]\s*$", re.IGNORECASE)
_CEDEX = re.compile(r"\s+cedex(\s+\d+)?\s*$", re.IGNORECASE)
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes", "s": "sur", "ss": "sous"}
_ARRONDISSEMENT = re.compile(r"^(paris|lyon|marseille)\s+(\d{1,2})\s*(e|er|eme|ème)?(\s+arrondissement)?$")


def city_key(text: str) -> str:
    """A commune name folded for matching: case, accents, hyphens, « St »/« Ste », « (Le) » and
    « CEDEX » ignored.

    >>> city_key("ST-AMARIN"), city_key("Puy-en-Velay (Le)"), city_key("Thann Cedex 2"), city_key("Ste Marie")
    ('saint amarin', 'le puy en velay', 'thann', 'sainte marie')
    """
    text = _CEDEX.sub("", text.strip())
    m = _ARTICLE_SUFFIX.match(text)
    if m:
        text = f"{m[2]} {m[1]}"
    words = [_ABBREVIATIONS.get(w, w) for w in fold(text.replace("/", " / ")).split()]
    key = " ".join(words)
    m = _ARRONDISSEMENT.match(key)
    if m:
        key = f"{m[1]} {int(m[2])}"
    return key


def departement_of(code: str) -> str:
    """The département of a commune code.

    >>> departement_of("68201"), departement_of("97411"), departement_of("2A004")
    ('68', '974', '2A')
    """
    return code[:3] if code.startswith("97") or code.startswith("98") else code[:2]


class Communes:
    """The reference, indexed for look-ups."""

    def __init__(self, communes_rows, postal_rows):
        self.names: dict[str, str] = {}                 # commune code -> name
        self.parent: dict[str, str] = {}                # any code -> its commune's code
        self.kind_of: dict[str, str] = {}               # code -> commune/deleguee/associee/arrondissement
        self._by_key: dict[str, list[Entry]] = defaultdict(list)
        # Names are folded into by_key on its first use: a load that places establishments by their commune
        # codes (SIRENE) never needs it (measured: 0.45 s of the first load of a process).
        self._names_to_index: list[tuple[str, Entry]] | None = []
        self._index_lock = threading.Lock()
        self.postal: dict[str, set[str]] = defaultdict(set)      # postal code -> commune codes
        self.postal_of: dict[str, set[str]] = defaultdict(set)   # commune code -> postal codes
        rows = list(communes_rows)
        for r in rows:
            if r["type"] == "commune":
                self.names[r["code_insee"]] = r["nom"]
                self.parent[r["code_insee"]] = r["code_insee"]
                self.kind_of[r["code_insee"]] = "commune"
        for r in rows:
            code, kind = r["code_insee"], r["type"]
            target = code if kind == "commune" else (r["code_parent"] or code)
            if target not in self.names:
                continue
            if kind != "commune":
                self.parent.setdefault(code, target)
                self.kind_of.setdefault(code, kind)
            self._names_to_index.append((r["nom"], Entry(target, self.names[target], departement_of(target), r["nom"],
                                                         kind)))
        for r in postal_rows:
            code = self.parent.get(r["code_commune"])
            if code is None:
                continue
            self.postal[r["code_postal"]].add(code)
            self.postal_of[code].add(r["code_postal"])
            label = r.get("libelle_acheminement") or ""
            if label:
                self._names_to_index.append((label, Entry(code, self.names[code], departement_of(code), label,
                                                          "acheminement")))

    @property
    def by_key(self) -> dict[str, list[Entry]]:
        """Folded name (:func:`city_key`) -> the communes it names."""
        if self._names_to_index is not None:
            with self._index_lock:
                if self._names_to_index is not None:
                    for text, entry in self._names_to_index:
                        self._add(city_key(text), entry)
                    self._names_to_index = None
        return self._by_key

    def _add(self, key: str, entry: Entry) -> None:
        entries = self._by_key[key]
        if all(e.code != entry.code for e in entries):
            entries.append(entry)
        elif entry.type == "commune":  # the commune's own name wins over a déléguée of the same name
            entries[:] = [entry if e.code == entry.code else e for e in entries]

    # -- codes ------------------------------------------------------------------------------------
    def current(self, code: str | None) -> str | None:
        """The commune a COG code stands for today: itself, the city of an arrondissement municipal,
        the commune nouvelle of a commune déléguée or associée; None for an unknown code."""
        return self.parent.get(code) if code else None

    def name(self, code: str) -> str | None:
        return self.names.get(code)

    # -- names --------------------------------------------------------------------------------------
    def resolve(self, postal_code: str | None = None, city: str | None = None,
                departement: str | None = None) -> Resolution:
        """The commune named by a postal code and/or a city name, tolerant of how people write them."""
        postal_code = re.sub(r"\s+", "", postal_code or "") or None
        if postal_code and re.fullmatch(r"\d{4}", postal_code):
            postal_code = "0" + postal_code  # Excel ate the leading zero
        if postal_code and re.fullmatch(r"(?i)\d{2}|2[ab]|97\d", postal_code):  # a département written there
            postal_code, departement = None, departement or postal_code.upper()
        if city:
            m = _DEP_SUFFIX.match(city.strip())
            if m:
                city, departement = m[1], departement or m[2].upper().zfill(2)
        if postal_code and not re.fullmatch(r"\d{5}", postal_code):
            return Resolution(problem=f"{postal_code!r} is not a postal code (5 digits)", about="postal_code")
        in_postal = self.postal.get(postal_code, set()) if postal_code else None
        if postal_code and not in_postal:
            return Resolution(problem=f"postal code {postal_code} does not exist", about="postal_code")
        if not city:
            if in_postal is None:
                return Resolution(problem="no postal code nor city")
            if len(in_postal) == 1:
                code = next(iter(in_postal))
                return Resolution(code, self.names[code], "postal_code")
            return Resolution(problem=f"postal code {postal_code} serves several communes "
                              f"({', '.join(self._listed(in_postal))}); give the city",
                              candidates=self._listed(in_postal), codes=sorted(in_postal), about="postal_code")
        key = city_key(city)
        entries = list(self.by_key.get(key, []))
        if departement:
            entries = [e for e in entries if e.departement == departement]
        if not entries:
            return self._unknown(city, key, postal_code, in_postal, departement)
        if in_postal is not None:
            fitting = [e for e in entries if e.code in in_postal]
            if not fitting:
                listed = " or ".join(f"{e.name} ({e.code}, postal code {', '.join(sorted(self.postal_of.get(e.code, ())))})"
                                     for e in entries[:4])
                return Resolution(problem=f"postal code {postal_code} does not match {listed}; communes with postal "
                                  f"code {postal_code}: {', '.join(self._listed(in_postal))}",
                                  candidates=self._listed(in_postal), about="postal_code")
            entries = fitting
        codes = {e.code for e in entries}
        if len(codes) > 1:  # a commune's own name before La Poste's libellé of another (Issy « PARIS »)
            named = [e for e in entries if e.type != "acheminement"]
            if named and len({e.code for e in named}) < len(codes):
                entries, codes = named, {e.code for e in named}
        if len(codes) > 1:
            return Resolution(problem=f"{city!r} names several communes: {', '.join(self._listed(codes)[:8])}"
                              f"{'…' if len(codes) > 8 else ''}; add the postal code or the INSEE code",
                              candidates=self._listed(codes), codes=sorted(codes))
        e = entries[0]
        how = "postal_code+name" if in_postal is not None else ("name+departement" if departement else "name")
        via = None
        if e.type in ("deleguee", "associee"):
            via = f"{e.written} (commune {'déléguée' if e.type == 'deleguee' else 'associée'} of {e.name})"
        elif e.type == "arrondissement":
            via = f"{e.written} (arrondissement of {e.name})"
        return Resolution(e.code, e.name, how, via)

    def _listed(self, codes) -> list[str]:
        return [f"{self.names[c]} ({c})" for c in sorted(codes)]

    def _unknown(self, city: str, key: str, postal_code: str | None, in_postal: set[str] | None,
                 departement: str | None) -> Resolution:
        if in_postal:
            pool = {city_key(self.names[c]): c for c in in_postal}
        else:
            pool = {k: es[0].code for k, es in self.by_key.items()
                    if not departement or any(e.departement == departement for e in es)}
        close = difflib.get_close_matches(key, list(pool), n=3, cutoff=0.75)
        hint = f"; did you mean {' or '.join(repr(self.names[pool[c]]) for c in close)}?" if close else ""
        where = f" with postal code {postal_code}" if in_postal else ""
        if in_postal and not close:
            hint = f"; communes with postal code {postal_code}: {', '.join(self._listed(in_postal))}"
        return Resolution(problem=f"no commune is named {city!r}{where}{hint}")


@lru_cache(maxsize=1)
def reference() -> Communes:
    with open(shipped.path("reference", "communes.csv"), encoding="utf-8", newline="") as fc, \
            open(shipped.path("reference", "codes-postaux.csv"), encoding="utf-8", newline="") as fp:
        return Communes(csv.DictReader(fc), csv.DictReader(fp))
