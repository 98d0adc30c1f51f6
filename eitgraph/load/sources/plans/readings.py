"""eitgraph's reading of a plan's cells — what the author meant — next to Territoires en Transitions'
reading of the same cell (:mod:`.tetrules`), with a warning wherever the two differ or TeT would refuse
the file. The rules:

* **Statut, priorité, participation.** TeT's official values (case, accents and spaces ignored) are read
  as they are. Other spellings: a known synonym (« Prévu » → À venir, « Terminé » → Réalisé, « Haute » →
  Élevé), else TeT's closest value (fuse.js, as TeT matches them), else nothing; never silently: the
  warning names the value chosen and, when TeT reads the cell otherwise, TeT's value.
* **Dates.** A date cell is its day. Text is read day first: 31/03/2024, 31-03-2024, 31.03.2024,
  05/03/24 (two-digit years: 00–49 → 20xx, 50–99 → 19xx), 2024-03-31; a year alone is 1 January
  (start) or 31 December (end), a month and year (« mars 2024 ») its first or last day; a number is an
  Excel serial. Where TeT stores another day (it reads « 05/03/24 » and « 01.02.2024 » month first,
  « 2026 » as 1 January, a number as milliseconds since 1970) or refuses the file (« 16/11/22 »), the
  day the author meant is kept and a warning says what TeT does. A day beyond its month (31/02/2024)
  rolls over as TeT does, with a warning.
* **Amounts.** Numbers in any French form (« 124 566 € HT », « 12 000,50 », « 50 k€ »); TeT wants a plain
  number (a number cell for a funder's amount): a warning says so. Negative, a date, or more than
  999 999 999 999 are refused, as TeT refuses them.

>>> read_choice("status", "Prévu", "text").value, read_choice("status", "En cours", "text").warnings
('planned', [])
>>> read_date("05/03/24", "text", "start").value
datetime.date(2024, 3, 5)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ....values import EXCEL_SERIALS, fold, parse_amount
from .tetrules import BUDGET_MAX, PARTICIPATIONS, PRIORITES, STATUTS, french_day, fuzzy_pick, js_number, tet_date


@dataclass
class Reading:
    value: object = None
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (code, message)
    error: str | None = None


# -- statut, priorité, participation --------------------------------------------------------------------------
@dataclass(frozen=True)
class Choice:
    header: str  # as TeT's template names the column
    tet_values: tuple[str, ...]  # what TeT stores
    labels: tuple[str, ...]  # how the template's drop-down list writes them (same order)
    codes: tuple[str, ...]  # eitgraph's values (same order)
    synonyms: dict[str, str]  # folded spelling -> code


CHOICES = {
    "status": Choice("Statut", STATUTS,
                     ("À venir", "En cours", "Réalisé", "En pause", "Abandonné", "Bloqué", "En retard", "À discuter"),
                     ("planned", "in_progress", "done", "paused", "abandoned", "blocked", "late", "to_discuss"),
                     {fold(k): v for v, ks in {
                         "planned": ["prévu", "prévue", "à lancer", "non démarré", "non démarrée", "à démarrer",
                                     "programmé", "programmée", "planned", "not started"],
                         "in_progress": ["en cours de réalisation", "démarré", "démarrée", "lancé", "lancée",
                                         "in progress", "ongoing"],
                         "done": ["réalisée", "terminé", "terminée", "fait", "faite", "achevé", "achevée", "done",
                                  "completed", "finished"],
                         "paused": ["suspendu", "suspendue", "paused", "on hold"],
                         "abandoned": ["abandonnée", "annulé", "annulée", "abandoned", "cancelled", "canceled"],
                         "blocked": ["bloquée", "blocked"],
                         "late": ["late", "delayed"],
                         "to_discuss": ["to discuss"],
                     }.items() for k in ks}),
    "priority": Choice("Niveau de priorité", PRIORITES, ("Élevé", "Moyen", "Bas"), ("high", "medium", "low"),
                       {fold(k): v for v, ks in {
                           "high": ["élevée", "haute", "haut", "forte", "fort", "prioritaire", "high"],
                           "medium": ["moyenne", "normale", "normal", "medium"],
                           "low": ["basse", "faible", "low"],
                       }.items() for k in ks}),
    "citizen_participation": Choice(
        "Participation Citoyenne", PARTICIPATIONS,
        ("Pas de participation citoyenne", "Information", "Consultation", "Concertation", "Co-construction"),
        ("none", "information", "consultation", "concertation", "co_construction"),
        {fold(k): v for v, ks in {
            "none": ["pas de participation", "aucune", "aucun", "non", "none"],
            "co_construction": ["coconstruction"],
        }.items() for k in ks}),
}


def read_choice(column: str, text: str, kind: str) -> Reading:
    """The code of a statut, priorité or participation cell, and the warnings (never an error)."""
    c = CHOICES[column]
    f = fold(text)
    tet_value = fuzzy_pick(text, c.tet_values)
    tet_code = c.codes[c.tet_values.index(tet_value)] if tet_value else None
    tet_label = c.labels[c.tet_values.index(tet_value)] if tet_value else None
    official = next((code for code, label, v in zip(c.codes, c.labels, c.tet_values, strict=True)
                     if f in (fold(label), fold(v))), None)
    out = Reading()
    if kind != "text":
        out.warnings.append(("tet_refuses", f"« {c.header} » holds a number ({text}): Territoires en Transitions "
                                            "refuses the file (« Invalid input: expected string »); write the "
                                            "value as text"))
    values = ", ".join(c.labels)
    if official is not None:
        out.value = official
        if tet_code != official:
            out.warnings.append(("tet_differs", f"« {text} » in « {c.header} »: Territoires en Transitions reads "
                                                f"it as {_label(tet_label)}"))
        return out
    code = c.synonyms.get(f)
    if code is not None:
        out.value = code
        label = c.labels[c.codes.index(code)]
        tet = ("Territoires en Transitions reads it the same way" if tet_code == code else
               f"Territoires en Transitions would read it as {_label(tet_label)}")
        out.warnings.append(("value_spelling", f"« {text} » is not one of the values of « {c.header} » ({values}): "
                                               f"read as « {label} »; {tet}; write « {label} »"))
        return out
    if tet_code is not None:
        out.value = tet_code
        out.warnings.append(("value_spelling", f"« {text} » is not one of the values of « {c.header} » ({values}): "
                                               f"read as the closest, « {tet_label} », as Territoires en Transitions "
                                               f"does; write « {tet_label} » if that is meant"))
        return out
    out.warnings.append(("value_unknown", f"« {text} » is not one of the values of « {c.header} » ({values}): left "
                                          "empty, as Territoires en Transitions leaves it"))
    return out


def _label(label: str | None) -> str:
    return f"« {label} »" if label else "nothing (no value)"


# -- dates ----------------------------------------------------------------------------------------------------
_FR_MONTHS = {"janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "mar": 3,
              "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9,
              "sept": 9, "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
              "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
              "september": 9, "october": 10, "november": 11, "december": 12, "feb": 2, "apr": 4, "jun": 6,
              "jul": 7, "aug": 8}
_FULL_YEAR = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})")
_SHORT_YEAR = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{2})")
_ISO = re.compile(r"(\d{4})([/\-])(\d{1,2})\2(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?Z?)?")
_MONTH_YEAR = re.compile(r"(\d{1,2})[/.\-](\d{4})|(\d{4})[/\-](\d{1,2})|([^\W\d_]+)\.?\s+(\d{4})")
_LONG = re.compile(r"(\d{1,2})(?:er)?\s+([^\W\d_]+)\.?\s+(\d{4})")


def _last_day(year: int, month: int) -> dt.date:
    return (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))


def _ours(text: str, kind: str, bound: str) -> tuple[dt.date | None, str | None, str | None]:
    """(day, why it is not plain — an approximation to mention —, error) of a date cell as the author meant it."""
    t = " ".join(text.split())
    if kind == "date":
        return dt.date.fromisoformat(t[:10]), None, None
    if kind == "number" and re.fullmatch(r"(?:19|20)\d\d", t):  # a year typed in a number cell
        kind = "text"
    if kind == "number" or re.fullmatch(r"\d{5}(?:\.0+)?", t):
        serial = float(t)
        if kind == "number" and not EXCEL_SERIALS[0] <= serial <= EXCEL_SERIALS[1]:
            return None, None, f"the number {t} is not a date; write it as 31/03/2024 or format the cell as a date"
        if EXCEL_SERIALS[0] <= serial <= EXCEL_SERIALS[1]:
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(serial)), "an Excel day number", None
    m = _FULL_YEAR.fullmatch(t) or _SHORT_YEAR.fullmatch(t)
    if m:
        day, month, year = int(m[1]), int(m[3]), int(m[4])
        short = len(m[4]) == 2
        if short:
            year += 2000 if year < 50 else 1900
        if not 1 <= month <= 12:
            if 1 <= day <= 12 and 1 <= month <= 31:
                return None, None, (f"« {text} » reads month first; write the day first: "
                                    f"{month:02d}{m[2]}{day:02d}{m[2]}{m[4]}")
            return None, None, f"« {text} » is not a date (write 31/03/2024)"
        if not 1 <= day <= 31:
            return None, None, f"« {text} » is not a date (write 31/03/2024)"
        why = "a two-digit year" if short else ("dots" if m[2] == "." else None)
        return dt.date(year, month, 1) + dt.timedelta(days=day - 1), why, None  # 31/02 rolls over, as in TeT
    m = _ISO.fullmatch(t)
    if m:
        year, month, day = int(m[1]), int(m[3]), int(m[4])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None, None, f"« {text} » is not a date (write 31/03/2024)"
        return dt.date(year, month, 1) + dt.timedelta(days=day - 1), None, None
    if re.fullmatch(r"\d{4}", t):
        year = int(t)
        return (dt.date(year, 1, 1) if bound == "start" else dt.date(year, 12, 31)), "a year alone", None
    m = _LONG.fullmatch(t)
    if m and fold(m[2]) in _FR_MONTHS:
        month, year, day = _FR_MONTHS[fold(m[2])], int(m[3]), int(m[1])
        if 1 <= day <= _last_day(year, month).day:
            return dt.date(year, month, day), None, None
    m = _MONTH_YEAR.fullmatch(t)
    if m:
        if m[5]:
            month = _FR_MONTHS.get(fold(m[5]))
            year = int(m[6])
        else:
            month, year = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
        if month and 1 <= month <= 12:
            day = dt.date(year, month, 1) if bound == "start" else _last_day(year, month)
            return day, "a month without a day", None
    return None, None, f"« {text} » is not a date (write 31/03/2024)"


def read_date(text: str, kind: str, bound: str) -> Reading:
    """The day a date cell means (``bound``: 'start' or 'end'), with what TeT would do with it."""
    day, why, error = _ours(text, kind, bound)
    tet_kind, tet_value = tet_date(kind, text)
    out = Reading(day)
    if error:
        tet = " (Territoires en Transitions refuses it too)" if tet_kind == "invalid" else ""
        out.error = error + tet
        return out
    written = f"« {text} »" if kind == "text" else f"the number {text}" if kind == "number" else "the date"
    meant = f"read as {french_day(day)}"
    if tet_kind == "date" and tet_value == day:
        if why in ("a year alone", "a month without a day"):
            out.warnings.append(("date_reading", f"{written} ({why}): {meant}, as Territoires en Transitions "
                                                 f"reads it; write {day:%d/%m/%Y} to say the day"))
        elif kind == "text" and _FULL_YEAR.fullmatch(text.strip()) and day.day != int(_FULL_YEAR.fullmatch(
                text.strip())[1]):
            out.warnings.append(("date_reading", f"{written} is not a day of that month: {meant}, as Territoires en "
                                                 "Transitions rolls it over; write the day meant"))
        return out
    if tet_kind == "date":
        tet = f"Territoires en Transitions would store {french_day(tet_value)}"
    elif tet_kind == "instant":
        tet = f"Territoires en Transitions would store the instant {tet_value} (it reads a number as milliseconds)"
    elif tet_kind == "invalid":
        tet = "Territoires en Transitions refuses the file (« Une date est attendue »)"
    else:
        tet = "Territoires en Transitions may read it differently"
    fix = "format the cell as a date" if kind == "number" and why != "a year alone" else f"write {day:%d/%m/%Y}"
    out.warnings.append(("tet_refuses" if tet_kind == "invalid" else "tet_differs",
                         f"{written}{f' ({why})' if why else ''}: {meant}; {tet}; {fix}"))
    return out


# -- amounts --------------------------------------------------------------------------------------------------
def read_amount(text: str, kind: str, what: str, funder: bool = False) -> Reading:
    """A budget (``funder`` False) or a funder's amount: € HT as a number."""
    out = Reading()
    if kind == "date":
        out.error = f"« {what} » holds a date ({text}), not an amount (Territoires en Transitions refuses it too)"
        return out
    try:
        value = parse_amount(text) if kind != "number" else float(text)
    except ValueError as exc:
        out.error = str(exc) + (" (Territoires en Transitions refuses it too)" if "TTC" not in str(exc) else "")
        return out
    if value < 0:
        out.error = f"negative amount: {text!r} (Territoires en Transitions refuses a negative budget too)"
        return out
    if not funder and value > BUDGET_MAX:
        out.error = (f"budget {text!r} is above 999 999 999 999 € (Territoires en Transitions refuses it: « Le budget "
                     "dépasse la valeur maximale autorisée »); check the column holds no date or other value")
        return out
    out.value = value
    plain = f"{value:.2f}".rstrip("0").rstrip(".")
    if funder and kind != "number":
        out.warnings.append(("tet_refuses", f"« {what} » holds « {text} » as text: read as {plain} €; Territoires "
                                            "en Transitions refuses an amount typed as text (« Un montant est "
                                            f"attendu »): type the number {plain} in a number cell"))
    elif not funder and kind != "number" and js_number(text) != value:
        out.warnings.append(("tet_refuses", f"« {what} » holds « {text} »: read as {plain} €; Territoires en "
                                            "Transitions refuses it (« Un nombre est attendu »): write "
                                            f"{plain} (no spaces, € or HT)"))
    return out
