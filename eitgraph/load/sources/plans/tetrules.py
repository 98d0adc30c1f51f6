"""How Territoires en Transitions' own importer reads a plan workbook (``apps/backend/src/plans/plans/
import-plan-aggregate`` of ``incubateur-ademe/territoires-en-transitions``), restated in Python so that
eitgraph can read the same content and say where TeT would read a cell differently or refuse the file.

Nothing here decides what eitgraph stores: the transform compares its own reading with these and warns.

* :data:`TET_HEADERS`, :func:`header_mismatch`: the 28 headers TeT checks by position on row 2.
* :func:`split_list`, :func:`clean_text`, :func:`clean_title`: TeT's list splitter (commas outside
  parentheses, quotes and guillemets) and text cleaning.
* :func:`fuzzy_pick`: fuse.js 7 with its default options (TeT's ``createFuzzyMatcher``), used for the
  statut, the priorité and the participation citoyenne.
* :func:`tet_date`: ``toISODateString`` then JavaScript's ``new Date`` (V8), for the forms officers
  write; :func:`js_number`: JavaScript's ``Number(text)`` (TeT's budget).

>>> split_list('« Zéro déchet, zéro gaspillage » Alsace, "Repair, café", ADEME, ademe , Région (Direction A, B)')
['« Zéro déchet, zéro gaspillage » Alsace', '"Repair, café"', 'ADEME', 'Région (Direction A, B)']
>>> fuzzy_pick("Prévu", STATUTS), fuzzy_pick("Forte", PRIORITES), fuzzy_pick("Haute", PRIORITES)
('Réalisé', 'Moyen', None)
>>> tet_date("text", "05/03/24"), tet_date("text", "31/03/2024"), tet_date("text", "16/11/22")
(('date', datetime.date(2024, 5, 3)), ('date', datetime.date(2024, 3, 31)), ('invalid', None))
"""

from __future__ import annotations

import datetime as dt
import math
import re

STATUTS = ("À venir", "En cours", "Réalisé", "En pause", "Abandonné", "Bloqué", "En retard", "A discuter")
PRIORITES = ("Élevé", "Moyen", "Bas")
PARTICIPATIONS = ("pas-de-participation", "information", "consultation", "concertation", "co-construction")

# Row 2, columns A–AB, compared by position after trimming (parsers/excel-parser.ts, validateColumns).
TET_HEADERS = (
    "Axe (x)", "Sous-axe (x.x)", "Sous-sous axe (x.x.x)", "Titre de l'action", "Titre de la sous-action",
    "Descriptif", "Instances de gouvernance", "Objectifs", "Indicateurs liés", "Structure pilote",
    "Moyens humains et techniques", "Partenaires", "Direction ou service pilote", "Personne pilote",
    "Élu·e référent·e", "Participation Citoyenne", "Financements", "Financeur 1", "Montant € HT", "Financeur 2",
    "Montant € HT", "Financeur 3", "Montant € HT", "Budget prévisionnel total € HT", "Statut", "Niveau de priorité",
    "Date de début", "Date de fin",
)
SHEET_MARK = "Axe (x)"  # findDataWorksheet: the first sheet whose A2 is exactly this
FIRST_DATA_ROW = 4
TITLE_MAX = 300
BUDGET_MAX = 999_999_999_999


def column_letter(index: int) -> str:
    """0 → A, 27 → AB."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def header_mismatch(headers: list[str]) -> str | None:
    """TeT's refusal of the header row, in its own words, or None when TeT accepts it.

    >>> header_mismatch(list(TET_HEADERS[:3]) + ["Titre de la fiche action"])
    'La colonne D devrait être "Titre de l\\'action" et non "Titre de la fiche action"'
    """
    for i, expected in enumerate(TET_HEADERS):
        found = (headers[i] if i < len(headers) else None) or ""
        if found.strip() != expected:
            return f'La colonne {column_letter(i)} devrait être "{expected}" et non "{found.strip()}"'
    return None


# -- text -------------------------------------------------------------------------------------------------
_LIST_SEPARATOR = re.compile(r',(?![^()]*\))(?=(?:(?:[^"]*"){2})*[^"]*$)(?![^«]*»)')


def clean_text(text: str | None) -> str | None:
    """TeT's ``cleanText``: « 1.   x » → « 1. x », « -x » → « - x », runs of spaces and tabs → one space,
    line breaks kept, trimmed; empty → None."""
    if not text:
        return None
    t = re.sub(r"^ *(\d+\.) *(.*)$", r"\1 \2", str(text), flags=re.M)
    t = re.sub(r"^( *)- *(.*)$", r"\1- \2", t, flags=re.M)
    t = re.sub(r"[ \t]+", " ", t).strip()
    return t or None


def clean_title(text: str | None) -> str | None:
    """TeT's ``cleanTitle``: trimmed; its regex replaces only the first two-character sequence « \\n »
    (backslash, n), so real line breaks stay in the title."""
    if text is None:
        return None
    return re.sub(r"\\t|\\r|\\n", " ", str(text), count=1).strip()


def split_list(text: str | None) -> list[str]:
    """TeT's ``listSchema``: split on commas, except inside ( ), "…" and « … »; each item cleaned; empty
    items dropped; repeats dropped ignoring case (the first spelling kept). « ; », « | » and line breaks
    do not separate."""
    if not text:
        return []
    out, seen = [], set()
    for part in _LIST_SEPARATOR.split(str(text)):
        item = clean_text(part)
        if not item or item.lower().strip() in seen:
            continue
        seen.add(item.lower().strip())
        out.append(item)
    return out


# -- fuse.js 7, default options (threshold 0.6, location 0, distance 100, case-insensitive) ------------------
def _i32(x: int) -> int:
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x & 0x80000000 else x


def _alphabet(pattern: str) -> dict[str, int]:
    mask: dict[str, int] = {}
    n = len(pattern)
    for i, ch in enumerate(pattern):
        mask[ch] = _i32(mask.get(ch, 0) | _i32(1 << (n - i - 1)))
    return mask


def _bitap(text: str, pattern: str, alphabet: dict[str, int], location: int, distance: int = 100,
           threshold: float = 0.6) -> tuple[bool, float]:
    """fuse.js's ``search`` (src/search/bitap/search.ts) for one chunk of at most 32 characters."""
    plen, tlen = len(pattern), len(text)
    expected = max(0, min(location, tlen))

    def score(errors: int, at: int) -> float:
        proximity = abs(expected - at)
        return errors / plen + proximity / distance if distance else (1 if proximity else errors / plen)

    current = threshold
    best = expected
    index = text.find(pattern, best)
    while index > -1:
        current = min(score(0, index), current)
        best = index + plen
        index = text.find(pattern, best)
    best = -1
    last: list[int] = []
    final = 1.0
    bin_max = plen + tlen
    mask = _i32(1 << (plen - 1))
    for i in range(plen):
        bin_min, bin_mid = 0, bin_max
        while bin_min < bin_mid:
            if score(i, expected + bin_mid) <= current:
                bin_min = bin_mid
            else:
                bin_max = bin_mid
            bin_mid = (bin_max - bin_min) // 2 + bin_min
        bin_max = bin_mid
        start = max(1, expected - bin_mid + 1)
        finish = min(expected + bin_mid, tlen) + plen
        bits = [0] * (finish + 2)
        bits[finish + 1] = _i32((1 << i) - 1)
        j = finish
        while j >= start:
            at = j - 1
            char_match = alphabet.get(text[at], 0) if 0 <= at < tlen else 0
            bits[j] = _i32(((bits[j + 1] << 1) | 1) & char_match)
            if i:
                after = last[j + 1] if j + 1 < len(last) else 0
                here = last[j] if j < len(last) else 0
                bits[j] = _i32(bits[j] | _i32((after | here) << 1) | 1 | after)
            if bits[j] & mask:
                final = score(i, at)
                if final <= current:
                    current = final
                    best = at
                    if best <= expected:
                        break
                    start = max(1, 2 * expected - best)
            j -= 1
        if score(i + 1, expected) > current:
            break
        last = bits
    return best >= 0, max(0.001, final)


def _search_in(text: str, pattern: str) -> tuple[bool, float]:
    """fuse.js's ``BitapSearch.searchIn`` (patterns longer than 32 characters are cut in chunks)."""
    text = text.lower()
    if pattern == text:
        return True, 0.0
    n = len(pattern)
    chunks = [(pattern, 0)] if n <= 32 else (
        [(pattern[i:i + 32], i) for i in range(0, n - n % 32, 32)] + ([(pattern[n - 32:], n - 32)] if n % 32 else []))
    matched, total = False, 0.0
    for chunk, start in chunks:
        ok, s = _bitap(text, chunk, _alphabet(chunk), start)
        matched = matched or ok
        total += s
    return matched, (total / len(chunks) if matched else 1.0)


def _norm(value: str) -> float:
    tokens = len(re.findall(r"[^\t\n\v\f\r \u00a0]+", value)) or 1
    return math.floor(1000 / tokens ** 0.5 + 0.5) / 1000


def fuzzy_pick(text: str | None, values: tuple[str, ...]) -> str | None:
    """The value TeT's ``createFuzzyMatcher`` keeps for a cell: fuse.js's best hit for the cleaned cell
    among ``values``, or None."""
    pattern = clean_text(text)
    if not pattern:
        return None
    pattern = pattern.lower()
    hits = []
    for idx, value in enumerate(values):
        ok, s = _search_in(value, pattern)
        if ok:
            hits.append((s ** _norm(value) if s else 0.0, idx))
    return values[min(hits)[1]] if hits else None


# -- JavaScript numbers and dates ---------------------------------------------------------------------------
_JS_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|Infinity)"
                        r"|0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+")


def js_number(text: str) -> float | None:
    """JavaScript's ``Number(text)`` (TeT's budget coercion), or None for NaN.

    >>> js_number(" 124566 "), js_number("12000.50"), js_number("1e3"), js_number(""), js_number("124 566")
    (124566.0, 12000.5, 1000.0, 0.0, None)
    """
    t = text.strip()
    if not t:
        return 0.0
    if not _JS_NUMBER.fullmatch(t):
        return None
    if t[:2].lower() in ("0x", "0b", "0o"):
        return float(int(t, 0))
    return float(t.replace("Infinity", "inf"))


_MONTHS_EN = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_EPOCH = dt.datetime(1970, 1, 1)


def _day(year: int, month: int, day: int) -> dt.date | None:
    """JavaScript's MakeDay: a day beyond the month rolls over (31/02 → 2 or 3 March)."""
    if not (1 <= month <= 12 and 1 <= day <= 31) or not 1 <= year <= 9999:
        return None
    try:
        return dt.date(year, month, 1) + dt.timedelta(days=day - 1)
    except OverflowError:
        return None


def _two_digit_year(text: str) -> int:
    y = int(text)
    return y + (2000 if y < 50 else 1900) if len(text) <= 2 else y


def tet_date(kind: str, text: str) -> tuple[str, object]:
    """What TeT stores for a date cell: ('date', day), ('instant', ISO text) for a time that is not a
    day, ('invalid', None) when TeT refuses the file, ('unknown', None) for forms not restated here.
    ``kind`` is how the cell holds it: 'date' (a date cell), 'number', 'bool' or 'text'."""
    if kind == "date":
        return "date", dt.date.fromisoformat(text[:10])
    if kind in ("number", "bool"):
        ms = (1 if text == "oui" else 0) if kind == "bool" else float(text)
        try:
            instant = _EPOCH + dt.timedelta(milliseconds=ms)
        except (OverflowError, ValueError):
            return "unknown", None
        return "instant", instant.isoformat(timespec="milliseconds") + "Z"
    t = text.strip()
    if not t:
        return "invalid", None
    parts = re.split(r"[/-]", t)
    if len(parts) == 3 and len(parts[0]) <= 2 and len(parts[1]) <= 2 and len(parts[2]) == 4:  # toISODateString
        if not all(p.isdigit() and p for p in parts):
            return "invalid", None
        day = _day(int(parts[2]), int(parts[1]), int(parts[0]))
        return ("date", day) if day else ("invalid", None)
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T00:00(?::00(?:\.0+)?)?Z?)?", t)  # ECMAScript format
    if m:
        day = _day(int(m[1]), int(m[2] or 1), int(m[3] or 1))
        return ("date", day) if day else ("invalid", None)
    m = re.fullmatch(r"(\d+)\s*([/.\-])\s*(\d+)(?:\s*\2\s*(\d+))?", t)  # V8's legacy parser, numbers only
    if m:
        a, b, c = m[1], m[3], m[4]
        if c is None:  # « 2024/03 » is 1 March; « 03/2024 » is not a date
            day = _day(int(a), int(b), 1) if len(a) >= 3 else None
            return ("date", day) if day else ("invalid", None)
        if len(a) >= 3 or int(a) > 31:  # the first number cannot be a month or a day: year first
            day = _day(_two_digit_year(a), int(b), int(c))
        elif int(a) == 0 or int(b) == 0:
            return "unknown", None
        else:
            day = _day(_two_digit_year(c), int(a), int(b))  # month first
        return ("date", day) if day else ("invalid", None)
    m = re.fullmatch(r"(?:(\d{1,2})\s+)?([^\W\d_]+)\.?,?\s+(\d{4})", t)  # « mars 2024 », « 31 March 2024 »
    if m:
        word = m[2].lower()
        month = _MONTHS_EN.index(word[:3]) + 1 if len(word) >= 3 and word[:3] in _MONTHS_EN else None
        if month is None:
            return ("date", dt.date(int(m[3]), 1, 1)) if not m[1] else ("unknown", None)  # an unknown word is skipped
        day = _day(int(m[3]), month, int(m[1] or 1))
        return ("date", day) if day else ("invalid", None)
    return "unknown", None


def french_day(day: dt.date) -> str:
    """« 3 mai 2024 »."""
    months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre")
    return f"{day.day} {months[day.month - 1]} {day.year}"
