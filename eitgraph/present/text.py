"""What people read, in French (the default) or English: phrases, labels of coded values, units, numbers
and dates. Maps, the report, the indicators, blank workbooks and the command line all write their words
and figures through this module; the words themselves are in :mod:`.phrases`.

>>> text("fr", "kind")
"Type d'acteur"
>>> kind_label("waste_operator", "en"), term("synergy_status", "idea", "fr")
('Waste operator', 'idée')
>>> number(12500.0, "fr"), number(12500.0, "en"), number(12.5, "plain"), number(0.0401, "plain", decimals=3)
('12\\u202f500', '12,500', '12.5', '0.04')
>>> quantity(3.0, "t/an", "en"), value(33.3, "%", "fr")
('3 t/yr', '33,3\\u202f%')
>>> column_label("kind", "fr"), column_label("x_y", "fr")
("Type d'acteur", 'x_y')
"""

from __future__ import annotations

import contextlib
from datetime import date

from ..model.materials import categories
from ..model.organisation_kinds import KINDS
from .phrases import COLUMNS, MONTHS_FR, TEXTS, UNITS, VOCABULARIES

LANGS = ("fr", "en")
EXCHANGE_STATUSES = ("existing", "planned", "potential")
# Thousands and decimal separators: French (narrow no-break space, comma), English, and plain (terminal,
# indicator bases: a space and a dot).
_SEPARATORS = {"fr": ("\u202f", ","), "en": (",", "."), "plain": (" ", ".")}


def text(lang: str, key: str, **fields) -> str:
    """A phrase of :data:`~.phrases.TEXTS` in ``lang``, with its ``{fields}`` filled in."""
    phrase = TEXTS[lang][key]
    return phrase.format(**fields) if fields else phrase


def check_languages(lang: str) -> None:
    """Both languages carry the same keys (a missing translation is a bug, caught early)."""
    missing = set(TEXTS["fr"]) ^ set(TEXTS[lang])
    if missing:
        raise KeyError(f"texts missing in one language: {sorted(missing)}")


def word(lang: str, fr: str, en: str) -> str:
    return fr if lang == "fr" else en


def term(vocabulary: str, code: str | None, lang: str) -> str:
    """The French or English word of a coded value (its code when the vocabulary lacks it, « — » for none)."""
    if not code:
        return "—"
    found = VOCABULARIES[vocabulary].get(code)
    return word(lang, *found) if found else code


def kind_label(kind: str, lang: str) -> str:
    """An organisation kind, or another kind of node of the views (synergy, commune, plan…)."""
    if kind in KINDS:
        return getattr(KINDS[kind], lang)
    return term("node_kind", kind, lang)


def category_label(code: str | None, lang: str) -> str:
    if not code:
        return "—"
    cat = categories().get(code)
    return (cat.fr if lang == "fr" else cat.en) if cat else code


def status_label(status: str | None, lang: str) -> str:
    """An exchange status (existing, planned, potential)."""
    return text(lang, status) if status in EXCHANGE_STATUSES else (status or "—")


def unit_label(unit: str | None, lang: str) -> str:
    if not unit:
        return ""
    return UNITS[lang].get(unit, unit)


def number(value: float | None, lang: str, decimals: int | None = None) -> str:
    """A figure for people, with grouped thousands (``lang`` is fr, en or plain). By default at most two
    decimals below 10, one below 100, none above or for whole numbers; with ``decimals``, at most that
    many and no trailing zeros."""
    if value is None:
        return "—"
    if decimals is None:
        digits = 0 if abs(value) >= 100 or float(value).is_integer() else (1 if abs(value) >= 10 else 2)
        out = f"{value:,.{digits}f}"
    else:
        out = f"{value:,.{decimals}f}"
        out = out.rstrip("0").rstrip(".") if "." in out else out
    thousands, point = _SEPARATORS[lang]
    return out.replace(",", "\x00").replace(".", point).replace("\x00", thousands)


def quantity(value: float | None, unit: str | None, lang: str) -> str:
    if value is None:
        return "—"
    return f"{number(value, lang)} {unit_label(unit, lang)}".strip()


def value(figure: float | None, unit: str, lang: str) -> str:
    """A figure with its unit (``%`` the way each language writes it); « — » or « n/a » when missing."""
    if figure is None:
        return text(lang, "report.missing")
    shown = number(figure, lang)
    if unit == "%":
        return f"{shown}\u202f%" if lang == "fr" else f"{shown}%"
    return f"{shown} {unit_label(unit, lang)}".strip()


def band(low_high: tuple[float, float], unit: str | None, lang: str) -> str:
    """A decade of an anonymised quantity: « < 1 t/an », « 10 – 100 t/an »."""
    low, high = low_high
    unit = unit_label(unit, lang)
    if low == 0:
        return f"< {number(high, lang)} {unit}"
    return f"{number(low, lang)} – {number(high, lang)} {unit}"


def long_date(day: date, lang: str) -> str:
    """« 1er mars 2026 », « 1 March 2026 »."""
    if lang == "fr":
        return f"{day.day}{'er' if day.day == 1 else ''} {MONTHS_FR[day.month - 1]} {day.year}"
    return day.strftime("%d %B %Y").lstrip("0")


def column_label(name: str, lang: str) -> str:
    """The header people read for a column of the catalogue (:data:`~.phrases.COLUMNS`); other names as given."""
    found = COLUMNS.get(name)
    return word(lang, *found) if found else name


# Columns whose codes have a vocabulary; « status » takes the first vocabulary that knows all its values.
_CODED = {"type": ("synergy_type",), "role": ("role",), "treatment": ("treatment",), "direction": ("direction",),
          "status": ("synergy_status", "action_status", "exchange_status"), "statuses": ("exchange_status",)}


def _codes(values) -> set:
    out = set()
    for v in values:
        out |= {x for x in (v if isinstance(v, (list, tuple)) else [v]) if isinstance(x, str) and x}
    return out


def _translator(column: str, values, lang: str):
    """A function giving the word of one code of ``column`` (or of each code of a list), or None."""
    if column == "kind":
        return lambda code: kind_label(code, lang) if code in KINDS else code
    if column == "category":
        return lambda code: category_label(code, lang) if code in categories() else code
    codes = _codes(values)
    for vocabulary in _CODED.get(column, ()):
        if codes and codes <= set(VOCABULARIES[vocabulary]):
            return lambda code, vocabulary=vocabulary: term(vocabulary, code, lang)
    return None


def _each(translate):
    def cell(v):
        if isinstance(v, (list, tuple)):
            return [translate(x) if isinstance(x, str) and x else x for x in v]
        return translate(v) if isinstance(v, str) and v else v
    return cell


def people_frame(df, lang: str):
    """A copy of a query's DataFrame for people: headers in ``lang`` (:func:`column_label`) and the coded
    values of known columns (kind, status, type, role, treatment, direction, category) in words."""
    out = df.copy()
    for column in df.columns:
        translate = _translator(str(column), df[column], lang)
        if translate is not None:
            out[column] = df[column].map(_each(translate))
    out.columns = [column_label(str(c), lang) for c in df.columns]
    return out


def dataset_line(dataset: dict, lang: str) -> str:
    """One loaded file for a page's sources: file, kind, rows and load date."""
    loaded = str(dataset["loaded_at"] or "")[:10]
    kind = dataset["kind"] or ""
    parts = [term("source_kind", kind, lang) if kind and lang == "fr" else kind]
    if dataset["rows"] is not None:
        parts.append(text(lang, "rows", n=number(dataset["rows"], lang)))
    if loaded:
        with contextlib.suppress(ValueError):
            loaded = long_date(date.fromisoformat(loaded), lang)
        parts.append(text(lang, "loaded", date=loaded))
    return f"{dataset['file'] or dataset['id']} ({', '.join(p for p in parts if p)})"
