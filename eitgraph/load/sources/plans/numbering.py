"""Numbering and names as plans write them: axes (« Axe 1 : Titre », « 1.1. Titre »…), action numbers
(« Action 1 - », « Fiche action n°3 : »), several names in one cell, and short stable ids.

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
>>> split_names("ADEME, Région Grand Est ; ADEME | - CCI")
['ADEME', 'Région Grand Est', 'CCI']
"""

from __future__ import annotations

import hashlib
import re

from ....values import fold, slug, split_list

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


def split_names(text: str | None) -> list[str]:
    if not text:
        return []
    out, seen = [], set()
    for part in split_list(text, ",;|\n"):
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
