"""Unit tests of the value parsers (eitgraph.values) and coordinate conversion (eitgraph.model.geo)."""

from __future__ import annotations

import datetime as dt

import pytest

from eitgraph import values
from eitgraph.model import geo
from eitgraph.values import (
    fold,
    luhn_complete,
    luhn_ok,
    parse_boolean,
    parse_date,
    parse_departement,
    parse_insee,
    parse_integer,
    parse_naf,
    parse_number,
    parse_score,
    parse_siren,
    parse_siret,
    slug,
    split_list,
)

NBSP, NNBSP = "\u00a0", "\u202f"


# -- numbers -----------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("15156", 15156.0),
    ("15 156", 15156.0),                       # thousands space (BANATIC)
    (f"15{NBSP}156", 15156.0),                 # no-break space (Excel fr)
    (f"15{NNBSP}156", 15156.0),                # narrow no-break space (LibreOffice, INSEE)
    (f"1{NNBSP}234{NNBSP}567,89", 1234567.89),
    ("3,5", 3.5),                              # decimal comma
    ("-3,5", -3.5),
    ("3.5", 3.5),
    ("1.234,5", 1234.5),                       # dot thousands, comma decimal
    ("1,234.5", 1234.5),                       # English
    ("1 234,5 €", 1234.5),
    ("1 500 € HT", 1500.0),
    ("1 500,00 € TTC", 1500.0),
    ("12 000 EUR", 12000.0),
    ("2 500 euros", 2500.0),
    ("15 %", 15.0),
    (" 42 ", 42.0),
    ("1'234", 1234.0),                         # Swiss apostrophe
])
def test_parse_number(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "abc", "12 abc", "1,2,3,4x", "nan", "inf", "--3", "€"])
def test_parse_number_rejects_non_numbers_with_the_text_in_the_message(text):
    with pytest.raises(ValueError) as exc:
        parse_number(text)
    assert repr(text) in str(exc.value)


def test_parse_integer():
    assert parse_integer("7 906") == 7906
    assert parse_integer("12,0") == 12
    assert isinstance(parse_integer("12"), int)
    with pytest.raises(ValueError, match="whole number"):
        parse_integer("12,5")


# -- SIRET / SIREN -----------------------------------------------------------------

def test_luhn_helper_is_consistent():
    assert luhn_complete("73282932") == "732829320"
    assert luhn_ok("732829320")
    assert not luhn_ok("732829321")


@pytest.mark.parametrize("text, expected", [
    ("73282932000074", "73282932000074"),
    ("732 829 320 00074", "73282932000074"),
    (f"732{NBSP}829{NBSP}320{NBSP}00074", "73282932000074"),
    (f"732{NNBSP}829{NNBSP}320{NNBSP}00074", "73282932000074"),
    ("732.829.320.00074", "73282932000074"),
    (luhn_complete("5525201970010"), luhn_complete("5525201970010")),
])
def test_parse_siret_valid(text, expected):
    assert parse_siret(text) == expected


@pytest.mark.parametrize("text, message", [
    ("73282932000075", "Luhn"),
    ("73282932000070", "Luhn"),
    ("7328293200007", "14 digits"),            # 13 digits
    ("732829320000745", "14 digits"),
    ("7328293200007A", "14 digits"),
    ("", "14 digits"),
])
def test_parse_siret_invalid(text, message):
    with pytest.raises(ValueError, match=message) as exc:
        parse_siret(text)
    assert repr(text) in str(exc.value)


def test_siret_la_poste_head_office_uses_luhn():
    # La Poste's siège, 356 000 000 00048, passes Luhn but its digit sum (26) is not a multiple of 5:
    # INSEE applies the La Poste rule to the other establishments only.
    assert luhn_ok("35600000000048")
    assert parse_siret("35600000000048") == "35600000000048"
    assert parse_siret("356 000 000 00048") == "35600000000048"


def test_siret_la_poste_establishments_use_digit_sum_rule():
    # 35600000049837: digit sum 45 (multiple of 5) but fails Luhn → valid La Poste establishment.
    assert not luhn_ok("35600000049837")
    assert parse_siret("35600000049837") == "35600000049837"
    # 35600000049838: Luhn irrelevant, digit sum 46 → invalid.
    with pytest.raises(ValueError, match="check digit"):
        parse_siret("35600000049838")
    # A Luhn-valid La Poste number whose digit sum is not a multiple of 5 is refused too.
    luhn_valid = luhn_complete("3560000001234")
    assert sum(map(int, luhn_valid)) % 5 != 0
    with pytest.raises(ValueError):
        parse_siret(luhn_valid)


def test_parse_siren():
    assert parse_siren("732829320") == "732829320"
    assert parse_siren("732 829 320") == "732829320"
    assert parse_siren("356000000") == "356000000"          # La Poste
    assert parse_siren("200036465") == "200036465"          # CC de Thann-Cernay
    with pytest.raises(ValueError, match="Luhn"):
        parse_siren("732829321")
    with pytest.raises(ValueError, match="9 digits"):
        parse_siren("73282932")
    with pytest.raises(ValueError, match="9 digits"):
        parse_siren("73282932000074")


# -- INSEE codes, départements, NAF ------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("68063", "68063"),
    ("1004", "01004"),          # Excel dropped the leading zero of Ambérieu-en-Bugey
    ("01004", "01004"),
    ("2A004", "2A004"),         # Ajaccio
    ("2a004", "2A004"),
    ("2B033", "2B033"),         # Bastia
    (" 68 063 ", "68063"),
    ("97411", "97411"),
])
def test_parse_insee(text, expected):
    assert parse_insee(text) == expected


@pytest.mark.parametrize("text", ["123", "680630", "2C004", "ABCDE", "", "6806A"])
def test_parse_insee_invalid(text):
    with pytest.raises(ValueError, match="INSEE"):
        parse_insee(text)


def test_parse_departement():
    assert parse_departement("68") == "68"
    assert parse_departement("1") == "01"
    assert parse_departement("2a") == "2A"
    assert parse_departement("974") == "974"
    with pytest.raises(ValueError, match="département"):
        parse_departement("680")


@pytest.mark.parametrize("text, expected", [
    ("2013B", "20.13B"),
    ("20.13B", "20.13B"),
    ("20.13b", "20.13B"),
    ("20 13B", "20.13B"),
    (" 38.11Z ", "38.11Z"),
])
def test_parse_naf(text, expected):
    assert parse_naf(text) == expected


@pytest.mark.parametrize("text", ["20.13", "2013", "20.1B", "AB.CDE", "2013BB", ""])
def test_parse_naf_invalid(text):
    with pytest.raises(ValueError, match="NAF"):
        parse_naf(text)


# -- dates -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2024-03-31", dt.date(2024, 3, 31)),
    ("2024-03-31T10:15:00", dt.date(2024, 3, 31)),
    ("2024-03-31 00:00:00", dt.date(2024, 3, 31)),
    ("31/03/2024", dt.date(2024, 3, 31)),
    ("1/3/2024", dt.date(2024, 3, 1)),          # French order: day first
    ("01.03.2024", dt.date(2024, 3, 1)),
    ("45000", dt.date(2023, 3, 15)),            # Excel serial number
    ("45000.0", dt.date(2023, 3, 15)),
    ("45382", dt.date(2024, 3, 31)),
    # One date parser for columns and plans (it was two): the plans' forms are accepted everywhere.
    ("2024-3-5", dt.date(2024, 3, 5)),
    ("2024/03/04", dt.date(2024, 3, 4)),       # year first: year/month/day, as in ISO
    ("03-04-2024", dt.date(2024, 4, 3)),       # day first with dashes, as with slashes and dots
    ("45000.5", dt.date(2023, 3, 15)),         # a serial with a time part: its day
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", [
    "03/04/24",        # two-digit year: which century?
    "March 2024",
    "mars 2024",
    "2024",            # a bare year is a date only as a plan period's bound
    "03/2024",         # no day
    "12345",           # an Excel serial outside 1954–2119 is not taken for a date (it was in columns)
    "",
])
def test_parse_date_rejects_ambiguous_or_unknown_forms(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_parse_date_rejects_impossible_dates():
    with pytest.raises(ValueError):
        parse_date("31/02/2024")
    with pytest.raises(ValueError):
        parse_date("12/31/2024")    # US order is not silently swapped


# -- scores, booleans, text helpers ----------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("1", 1), ("2", 2), ("3", 3),
    ("faible", 1), ("Faible", 1), ("bas", 1), ("low", 1),
    ("moyen", 2), ("Moyenne", 2), ("medium", 2),
    ("fort", 3), ("FORTE", 3), ("élevé", 3), ("Élevée", 3), ("high", 3),
])
def test_parse_score(text, expected):
    assert parse_score(text) == expected


@pytest.mark.parametrize("text", ["0", "4", "très fort", "2,5", ""])
def test_parse_score_invalid(text):
    with pytest.raises(ValueError, match="faible/moyen/fort"):
        parse_score(text)


def test_parse_boolean():
    assert parse_boolean("Oui") is True
    assert parse_boolean("x") is True
    assert parse_boolean("non") is False
    assert parse_boolean("FAUX") is False
    assert (parse_boolean("on"), parse_boolean("off")) == (True, False)   # the plans' option words, kept
    with pytest.raises(ValueError, match="oui/non"):
        parse_boolean("peut-être")


def test_parse_number_dotted_thousands():
    # The plans' amount rule, now the number parser's: two dots or more between groups of 3 digits.
    assert parse_number("1.234.567") == 1234567.0
    assert parse_number("1.234,5") == 1234.5
    assert parse_number("1.234") == 1.234


def test_fold_slug_split_list():
    assert fold("  Type d'acteur ") == "type d acteur"
    assert fold("RAISON SOCIALE") == fold("Raison  sociale")
    assert fold("Référent de") == "referent de"
    assert slug("Communauté Emmaüs Cernay") == "communaute-emmaus-cernay"
    assert split_list("GT Bois | GT Textile;COPIL") == ["GT Bois", "GT Textile", "COPIL"]
    assert split_list(" ; | ") == []


def test_parsers_table_names_every_declared_type():
    assert {"string", "number", "integer", "siret", "siren", "insee", "naf", "date", "score",
            "boolean", "departement"} <= set(values.PARSERS)


# -- Lambert-93 → WGS84 --------------------------------------------------------------------

# Reference values computed with pyproj (EPSG:2154 → EPSG:4326).
PYPROJ = [
    ((652469, 6861635), (48.85300049698822, 2.3522444398327194)),    # central Paris
    ((1020000, 6770000), (47.952155972292395, 7.288956753338531)),   # Haut-Rhin
    ((200000, 6800000), (48.10859777345746, -3.726145205359579)),    # Brittany, west of the meridian
]


@pytest.mark.parametrize("xy, latlon", PYPROJ)
def test_lambert93_to_wgs84_matches_pyproj(xy, latlon):
    lat, lon = geo.lambert93_to_wgs84(*xy)
    assert abs(lat - latlon[0]) < 1e-7
    assert abs(lon - latlon[1]) < 1e-7


def test_lambert93_accepts_floats_and_projection_origin():
    # The projection origin (700000, 6600000) is at 46.5° N, 3° E.
    lat, lon = geo.lambert93_to_wgs84(700000.0, 6600000.0)
    assert abs(lat - 46.5) < 1e-7
    assert abs(lon - 3.0) < 1e-7


def test_in_metropolitan_lambert93():
    assert geo.in_metropolitan_lambert93(1020000, 6770000)
    assert not geo.in_metropolitan_lambert93(47.95, 7.28)       # WGS84 degrees given by mistake
    assert not geo.in_metropolitan_lambert93(-5, 6800000)


def test_haversine_km():
    # Thann → Cernay ≈ 8.3 km; symmetric; zero on the same point.
    d = geo.haversine_km(47.8086, 7.1733, 47.7486, 7.1067)
    assert d == pytest.approx(8.3, abs=0.1)
    assert geo.haversine_km(47.7486, 7.1067, 47.8086, 7.1733) == pytest.approx(d)
    assert geo.haversine_km(48.0, 7.0, 48.0, 7.0) == 0
