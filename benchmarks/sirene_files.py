"""National-layout INSEE SIRENE stock files on a fixed seed, streamed in bounded memory.

    python benchmarks/sirene_files.py --rows 3000000 --seed 42 --out /tmp/x [--zip]
        [--kind etablissement|unitelegale|both] [--share-68 0.05] [--share-thur-doller 0.25]
        [--layout 2025|2024] [--edge-rows]

Writes ``StockEtablissement_utf8.csv`` and/or ``StockUniteLegale_utf8.csv`` in ``--out`` (with
``--zip``: ``StockEtablissement_utf8.zip`` holding ``StockEtablissement_utf8.csv``, as INSEE
publishes them on data.gouv.fr). Columns are INSEE's, in INSEE's order (``--layout 2025``: the
54 / 35 columns of the files since 16 December 2025, with ``activitePrincipaleNAF25…`` last;
``--layout 2024``: the 53 / 34 columns before). CSV as INSEE writes it: UTF-8 without BOM,
comma, double quotes only where needed, LF, dates ``YYYY-MM-DD``, processing timestamps
``YYYY-MM-DDTHH:MM:SS``, booleans ``true``/``false``. See the notes in the SIRENE spec for the rules.

``--rows`` is the number of establishment rows; the unit stream is the same whatever ``--kind``,
so ``--kind unitelegale --rows N`` writes exactly the units of ``--kind etablissement --rows N``
(``--kind both`` writes the pair in one pass). Everything depends only on the arguments.

What is in it (shares are approximate, per row):

* valid SIREN (Luhn) and SIRET (Luhn on the 14 digits), sorted by SIREN then NIC; SIRENs of
  public-law units begin with 1 or 2, like the real ones;
* every département, communes drawn by population; ``--share-68`` of the units in the
  Haut-Rhin (communes of ``reference/perimetre-epci-a-fp.csv``), ``--share-thur-doller`` of those
  in the 46 communes of the three communautés de communes of Pays Thur Doller;
* Paris, Lyon and Marseille by arrondissement municipal (751xx, 6938x, 132xx), never 75056;
* ~0.4 % foreign establishments (``codePaysEtrangerEtablissement`` 99xxx, no commune code);
* closed establishments (``F``) and ceased units (``C``): every establishment of a ceased unit
  is closed; old closed rows carry the nomenclature of their time: NAFRev2 (``62.01Z``),
  NAFRev1 and NAF1993 (``74.1A``), NAP (``65.01``) or none (empty code and nomenclature);
  NAFRev2 codes come from ``reference/naf_rev2.csv``, older codes have the right shape only;
* partially diffusible units and their establishments (``P``): ``[ND]`` in the address inside the
  commune, the identifiant adresse and the coordinates; for individuals also in the names and
  the establishment's enseigne / dénomination usuelle (see the spec for what is verified);
* Lambert-93 coordinates near the commune's approximate position
  (``benchmarks/data/commune-positions.csv.gz``); the DROM in their legal UTM projection;
  empty for ~8 % of rows, for foreign establishments and in the collectivités d'outre-mer;
* ``enseigne1Etablissement`` / ``denominationUsuelleEtablissement`` often empty;
* personnes physiques (1000) with ``prenom1UniteLegale`` / ``nomUniteLegale``, personnes
  morales with ``denominationUniteLegale``, ESS O/N/empty, société à mission, PME/ETI/GE.
* ``activitePrincipaleNAF25…`` is a placeholder: the NAFRev2 code copied (real NAF 2025 codes
  differ); empty for closed rows and older nomenclatures.

``--edge-rows`` appends hand-written rows for the cases above (used for the committed sample
in ``tests/data/sirene/``).
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import csv
import gzip
import io
import itertools
import math
import random
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference"
POSITIONS = ROOT / "benchmarks" / "data" / "commune-positions.csv.gz"
THUR_DOLLER_EPCI = ("200036465", "246800205", "246800676")
ND = "[ND]"

ETABLISSEMENT_COLUMNS = [
    "siren", "nic", "siret", "statutDiffusionEtablissement", "dateCreationEtablissement",
    "trancheEffectifsEtablissement", "anneeEffectifsEtablissement",
    "activitePrincipaleRegistreMetiersEtablissement", "dateDernierTraitementEtablissement",
    "etablissementSiege", "nombrePeriodesEtablissement", "complementAdresseEtablissement",
    "numeroVoieEtablissement", "indiceRepetitionEtablissement", "dernierNumeroVoieEtablissement",
    "indiceRepetitionDernierNumeroVoieEtablissement", "typeVoieEtablissement",
    "libelleVoieEtablissement", "codePostalEtablissement", "libelleCommuneEtablissement",
    "libelleCommuneEtrangerEtablissement", "distributionSpecialeEtablissement",
    "codeCommuneEtablissement", "codeCedexEtablissement", "libelleCedexEtablissement",
    "codePaysEtrangerEtablissement", "libellePaysEtrangerEtablissement",
    "identifiantAdresseEtablissement", "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement", "complementAdresse2Etablissement",
    "numeroVoie2Etablissement", "indiceRepetition2Etablissement", "typeVoie2Etablissement",
    "libelleVoie2Etablissement", "codePostal2Etablissement", "libelleCommune2Etablissement",
    "libelleCommuneEtranger2Etablissement", "distributionSpeciale2Etablissement",
    "codeCommune2Etablissement", "codeCedex2Etablissement", "libelleCedex2Etablissement",
    "codePaysEtranger2Etablissement", "libellePaysEtranger2Etablissement", "dateDebut",
    "etatAdministratifEtablissement", "enseigne1Etablissement", "enseigne2Etablissement",
    "enseigne3Etablissement", "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement", "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement", "activitePrincipaleNAF25Etablissement",
]
UNITE_LEGALE_COLUMNS = [
    "siren", "statutDiffusionUniteLegale", "unitePurgeeUniteLegale", "dateCreationUniteLegale",
    "sigleUniteLegale", "sexeUniteLegale", "prenom1UniteLegale", "prenom2UniteLegale",
    "prenom3UniteLegale", "prenom4UniteLegale", "prenomUsuelUniteLegale", "pseudonymeUniteLegale",
    "identifiantAssociationUniteLegale", "trancheEffectifsUniteLegale", "anneeEffectifsUniteLegale",
    "dateDernierTraitementUniteLegale", "nombrePeriodesUniteLegale", "categorieEntreprise",
    "anneeCategorieEntreprise", "dateDebut", "etatAdministratifUniteLegale", "nomUniteLegale",
    "nomUsageUniteLegale", "denominationUniteLegale", "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale", "denominationUsuelle3UniteLegale",
    "categorieJuridiqueUniteLegale", "activitePrincipaleUniteLegale",
    "nomenclatureActivitePrincipaleUniteLegale", "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale", "societeMissionUniteLegale",
    "caractereEmployeurUniteLegale", "activitePrincipaleNAF25UniteLegale",
]
E_IDX = {c: i for i, c in enumerate(ETABLISSEMENT_COLUMNS)}
U_IDX = {c: i for i, c in enumerate(UNITE_LEGALE_COLUMNS)}

# INSEE's file names (data.gouv.fr "Base Sirene des entreprises et de leurs établissements").
FILE_NAMES = {"etablissement": "StockEtablissement_utf8", "unitelegale": "StockUniteLegale_utf8"}

TRANCHES = [("NN", 55), ("00", 8), ("01", 12), ("02", 8), ("03", 5), ("11", 4), ("12", 3),
            ("21", 1.5), ("22", 1), ("31", 0.4), ("32", 0.4), ("41", 0.2), ("42", 0.1),
            ("51", 0.05), ("52", 0.02), ("53", 0.01), ("", 1.5)]
# (categorieJuridique, weight, ESS probability, personne morale de droit public?)
PRIVATE_CATEGORIES = [
    ("5710", 22, 0.0), ("5499", 18, 0.0), ("5720", 10, 0.0), ("5498", 8, 0.0), ("6540", 14, 0.0),
    ("9220", 12, 0.95), ("5599", 2, 0.0), ("5202", 1, 0.0), ("6598", 2, 0.0), ("6533", 1, 0.0),
    ("6316", 0.5, 1.0), ("6317", 0.5, 1.0), ("9300", 0.3, 0.9), ("5560", 0.4, 0.0),
    ("3120", 0.6, 0.0), ("2110", 0.8, 0.0), ("5485", 0.4, 0.0), ("9210", 0.5, 0.6),
]
PUBLIC_CATEGORIES = [("7210", 30, 0.0), ("7346", 3, 0.0), ("7348", 1, 0.0), ("7354", 6, 0.0),
                     ("7355", 3, 0.0), ("7379", 8, 0.0), ("7389", 3, 0.0), ("7120", 1, 0.0),
                     ("7220", 0.3, 0.0), ("7230", 0.2, 0.0), ("4110", 2, 0.0), ("7490", 2, 0.0)]
COUNTRIES = [("99109", "ALLEMAGNE", ["FRIBOURG-EN-BRISGAU", "BERLIN", "MUNICH", "BALE"]),
             ("99140", "SUISSE", ["BALE", "GENEVE", "ZURICH"]),
             ("99131", "BELGIQUE", ["BRUXELLES", "LIEGE"]),
             ("99137", "LUXEMBOURG", ["LUXEMBOURG"]),
             ("99127", "ITALIE", ["MILAN", "TURIN"]),
             ("99134", "ESPAGNE", ["BARCELONE", "MADRID"]),
             ("99132", "ROYAUME-UNI", ["LONDRES"]),
             ("99404", "ETATS-UNIS", ["NEW YORK"])]
VOIES = [("RUE", 50), ("AVENUE", 10), ("ROUTE", 9), ("CHEMIN", 6), ("PLACE", 5),
         ("BOULEVARD", 4), ("IMPASSE", 4), ("ALLEE", 4), ("ZONE", 3), ("QUAI", 1), ("", 4)]
VOIE_NAMES = ["DE LA GARE", "PRINCIPALE", "DU GENERAL DE GAULLE", "DES VOSGES", "DE LA REPUBLIQUE",
              "DU MOULIN", "DES ECOLES", "DE L EGLISE", "JEAN JAURES", "DE MULHOUSE", "DE THANN",
              "DES TISSERANDS", "DE LA THUR", "DE LA DOLLER", "DES ARTISANS", "DU CHATEAU",
              "DES VIGNES", "DE BELFORT", "DU 4 FEVRIER", "DES PRES", "INDUSTRIELLE", "DU STADE",
              "PASTEUR", "VICTOR HUGO", "DES FORGES", "DE LA PAIX", "DU CANAL", "DES JARDINS"]
PRENOMS_M = ["JEAN", "PIERRE", "MICHEL", "THOMAS", "NICOLAS", "LUC", "ANDRE", "JULIEN", "MARC",
             "FRANCOIS", "PATRICK", "LAURENT", "ERIC", "DAVID", "KEVIN", "MEHDI", "YANNICK"]
PRENOMS_F = ["MARIE", "ANNE", "SOPHIE", "JULIE", "CLAIRE", "NATHALIE", "ISABELLE", "CAMILLE",
             "EMMA", "LEA", "SANDRINE", "CELINE", "AMELIE", "SARAH", "FATIMA", "CHANTAL"]
NOMS = ["MULLER", "MEYER", "SCHMITT", "WEBER", "KLEIN", "FISCHER", "WALTER", "MARTIN", "BERNARD",
        "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU", "SIMON",
        "LAURENT", "LEFEBVRE", "MICHEL", "GARCIA", "KELLER", "HUBER", "SCHNEIDER", "ZIMMERMANN",
        "BRAUN", "WAGNER", "HAAS", "FREY", "BAUMANN", "GROSS", "NGUYEN", "DA SILVA", "BOYER"]
MOTS = ["BOIS", "METAL", "ENERGIES", "RECYCLAGE", "TRANSPORTS", "SERVICES", "BATIMENT", "ALSACE",
        "THUR", "DOLLER", "VOSGES", "HABITAT", "ENVIRONNEMENT", "INDUSTRIE", "PLASTIQUES", "TEXTILE",
        "CHIMIE", "PAPETERIE", "MENUISERIE", "BOULANGERIE", "GARAGE", "CONSEIL", "INFORMATIQUE",
        "AGRICOLE", "LOGISTIQUE", "NEGOCE", "TECHNOLOGIES", "SCIERIE", "FONDERIE", "COMPOST"]
FORMES = {"5710": "SAS", "5720": "SASU", "5499": "SARL", "5498": "EURL", "5599": "SA",
          "6540": "SCI", "5202": "SNC", "6598": "EARL", "6533": "GAEC"}
ENSEIGNES = ["LE FOURNIL", "AU BON PAIN", "CHEZ {n}", "GARAGE DU CENTRE", "LES JARDINS DE LA THUR",
             "BIO {m}", "{m} SERVICES", "L ATELIER", "ECO {m}", "RESSOURCERIE {m}", "CAFE DE LA GARE"]


# -- identifiers ---------------------------------------------------------------------------------

def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


_DOUBLE = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_complete(digits: str) -> str:
    """``digits`` followed by the one check digit that makes the whole pass the Luhn test."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        total += _DOUBLE[d] if i % 2 == 0 else d
    return digits + str(-total % 10)


def siret_of(siren: str, order: int) -> str:
    """SIRET = SIREN + NIC, the NIC being a 4-digit order and a key that makes the SIRET pass Luhn."""
    return luhn_complete(f"{siren}{order:04d}")


# -- projections (GRS80 / RGF93 and the DROM's UTM zones) -----------------------------------------

_A = 6378137.0
_F = 1 / 298.257222101
_E2 = _F * (2 - _F)
_E = math.sqrt(_E2)


def _iso_lat(phi: float) -> float:
    s = math.sin(phi)
    return math.log(math.tan(math.pi / 4 + phi / 2) * ((1 - _E * s) / (1 + _E * s)) ** (_E / 2))


def _lcc_constants():
    phi1, phi2, phi0 = math.radians(44), math.radians(49), math.radians(46.5)
    m1 = math.cos(phi1) / math.sqrt(1 - _E2 * math.sin(phi1) ** 2)
    m2 = math.cos(phi2) / math.sqrt(1 - _E2 * math.sin(phi2) ** 2)
    n = math.log(m1 / m2) / (_iso_lat(phi2) - _iso_lat(phi1))
    c = _A * m1 / n * math.exp(n * _iso_lat(phi1))
    return n, c, c * math.exp(-n * _iso_lat(phi0))


_LCC_N, _LCC_C, _LCC_R0 = _lcc_constants()


def lambert93(lon: float, lat: float) -> tuple[float, float]:
    """WGS84/RGF93 degrees -> Lambert-93 (EPSG:2154) metres."""
    r = _LCC_C * math.exp(-_LCC_N * _iso_lat(math.radians(lat)))
    theta = _LCC_N * math.radians(lon - 3.0)
    return 700000.0 + r * math.sin(theta), 6600000.0 + _LCC_R0 - r * math.cos(theta)


def utm(lon: float, lat: float, zone: int, south: bool) -> tuple[float, float]:
    """WGS84/GRS80 degrees -> UTM metres (Krüger series, sub-millimetre near the zone)."""
    n = _F / (2 - _F)
    a_hat = _A / (1 + n) * (1 + n * n / 4 + n ** 4 / 64)
    alpha = (n / 2 - 2 * n * n / 3 + 5 * n ** 3 / 16, 13 * n * n / 48 - 3 * n ** 3 / 5,
             61 * n ** 3 / 240)
    phi, lam = math.radians(lat), math.radians(lon - (zone * 6 - 183))
    t = math.sinh(math.atanh(math.sin(phi)) - 2 * math.sqrt(n) / (1 + n)
                  * math.atanh(2 * math.sqrt(n) / (1 + n) * math.sin(phi)))
    xi_, eta_ = math.atan2(t, math.cos(lam)), math.atanh(math.sin(lam) / math.sqrt(1 + t * t))
    x = eta_ + sum(a * math.cos(2 * j * xi_) * math.sinh(2 * j * eta_)
                   for j, a in enumerate(alpha, 1))
    y = xi_ + sum(a * math.sin(2 * j * xi_) * math.cosh(2 * j * eta_)
                  for j, a in enumerate(alpha, 1))
    return 500000.0 + 0.9996 * a_hat * x, (10000000.0 if south else 0.0) + 0.9996 * a_hat * y


# Legal projections (décret 2000-1276 as amended): EPSG:2154 metro, 5490 (Antilles), 2972
# (Guyane), 2975 (Réunion), 4471 (Mayotte).
DROM_UTM = {"971": (20, False), "972": (20, False), "973": (22, False), "974": (40, True),
            "976": (38, True)}


def project(dep: str, lon: float, lat: float) -> tuple[float, float] | None:
    if dep in DROM_UTM:
        return utm(lon, lat, *DROM_UTM[dep])
    if len(dep) == 2:
        return lambert93(lon, lat)
    return None  # collectivités d'outre-mer: none in the file


# -- reference data --------------------------------------------------------------------------------

@dataclass
class Commune:
    code: str
    nom: str
    dep: str
    postal: list[str]
    pos: tuple[float, float] | None
    libelle: str


def _upper_ascii(text: str) -> str:
    import unicodedata
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if unicodedata.category(c) != "Mn").upper().replace("'", " ")


@dataclass
class Reference:
    communes: dict[str, Commune]
    france: tuple[list[str], list[float]]       # (codes, cumulative weights) outside 68
    haut_rhin: tuple[list[str], list[float]]
    thur_doller: tuple[list[str], list[float]]
    naf: list[str]
    deleguees_68: list[str] = field(default_factory=list)


def _cumulative(items: list[tuple[str, float]]) -> tuple[list[str], list[float]]:
    codes, cum, total = [], [], 0.0
    for code, w in items:
        if w <= 0:
            continue
        total += w
        codes.append(code)
        cum.append(total)
    return codes, cum


def load_reference() -> Reference:
    rows = list(csv.DictReader((REFERENCE / "communes.csv").open(encoding="utf-8")))
    postal: dict[str, list[str]] = {}
    for r in csv.DictReader((REFERENCE / "codes-postaux.csv").open(encoding="utf-8")):
        postal.setdefault(r["code_commune"], []).append(r["code_postal"])
    positions = {}
    with gzip.open(POSITIONS, "rt", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            positions[r["code_insee"]] = (float(r["lon"]), float(r["lat"]))
    communes: dict[str, Commune] = {}
    split = {r["code_parent"] for r in rows if r["type"] == "arrondissement"}
    weights = []
    for r in rows:
        if r["type"] not in ("commune", "arrondissement") or r["code_insee"] in split:
            continue
        nom = r["nom"]
        libelle = _upper_ascii(nom)
        if r["type"] == "arrondissement":   # "PARIS 15", as in the real file
            city = nom.split()[0]
            libelle = f"{_upper_ascii(city)} {int(r['code_insee'][-2:]) if city != 'Lyon' else int(r['code_insee'][-1])}"
        communes[r["code_insee"]] = Commune(r["code_insee"], nom, r["departement"],
                                            sorted(postal.get(r["code_insee"], [])),
                                            positions.get(r["code_insee"]), libelle)
        if r["departement"] != "68":
            weights.append((r["code_insee"], float(r["population"] or 50)))
    raw = (REFERENCE / "perimetre-epci-a-fp.csv").read_bytes().decode("cp1252")
    hr, td = [], []
    for r in csv.DictReader(io.StringIO(raw), delimiter=";"):
        if r["dep_com"] != "68" or r["insee"] not in communes:
            continue
        pop = float(r["pmun_2025"].replace("\u00a0", "").replace(" ", "") or 50)
        (td if r["siren"] in THUR_DOLLER_EPCI else hr).append((r["insee"], pop))
    naf = []
    for r in csv.DictReader((REFERENCE / "naf_rev2.csv").open(encoding="utf-8")):
        code = r["code"].replace(".", "")
        if len(code) == 5 and code[:4].isdigit() and code[4].isalpha():
            naf.append(f"{code[:2]}.{code[2:]}")   # the file writes 6201Z, SIRENE 62.01Z
    deleguees = [r["code_insee"] for r in rows if r["departement"] == "68"
                 and r["type"] in ("deleguee", "associee") and r["code_insee"] != r["code_parent"]]
    return Reference(communes, _cumulative(weights), _cumulative(hr), _cumulative(td), naf,
                     deleguees)


def _pick(rng: random.Random, table: tuple[list[str], list[float]]) -> str:
    codes, cum = table
    return codes[bisect.bisect_left(cum, rng.random() * cum[-1])]


def _weighted(rng: random.Random, items):
    total = sum(w for _, w, *_ in items)
    x = rng.random() * total
    for item in items:
        x -= item[1]
        if x <= 0:
            return item
    return items[-1]


# -- generation ------------------------------------------------------------------------------------

@dataclass
class Unit:
    siren: str
    ul: list[str]
    etabs: list[list[str]]


class Generator:
    """The unit stream: unit ``i`` depends only on the seed, ``rows`` and the previous units."""

    def __init__(self, rows: int, seed: int = 42, share_68: float = 0.05,
                 share_thur_doller: float = 0.25, layout: str = "2025",
                 reference: Reference | None = None):
        self.rows = rows
        self.rng = random.Random(seed)
        self.ref = reference or load_reference()
        self.share_68 = share_68
        self.share_td = share_thur_doller
        self.layout = layout
        # SIREN space: 0xxxxxxxx (old units), 1/2xxxxxxxx (public law), 3-9xxxxxxxx (others).
        self.max_units = max(rows, 10)
        self.segments = [(0.0, 0.06, 0, 10_000_000), (0.06, 0.085, 10_000_000, 30_000_000),
                         (0.085, 1.0, 30_000_000, 100_000_000)]

    # SIREN of unit i: increasing with i, public law in 1xx/2xx
    def _siren8(self, i: int) -> tuple[str, bool]:
        f = i / self.max_units
        for lo, hi, a, b in self.segments:
            if f < hi or (lo, hi) == self.segments[-1][:2]:
                seg_n = max(1, int((hi - lo) * self.max_units))
                k = i - int(lo * self.max_units)
                step = max(1, (b - a) // seg_n)
                base = a + k * step + self.rng.randrange(step)
                if base >= b:
                    base = b - 1
                return f"{base:08d}", a == 10_000_000
        raise AssertionError

    def _commune(self) -> Commune:
        rng = self.rng
        if rng.random() < self.share_68:
            table = self.ref.thur_doller if rng.random() < self.share_td else self.ref.haut_rhin
        else:
            table = self.ref.france
        return self.ref.communes[_pick(rng, table)]

    def _date(self, y0: int, y1: int) -> str:
        r = self.rng.random
        y = y0 + int(r() * (y1 - y0 + 1))
        return f"{y:04d}-{1 + int(r() * 12):02d}-{1 + int(r() * 28):02d}"

    def _timestamp(self, y0: int) -> str:
        r = self.rng.random
        return (f"{self._date(max(y0, 2014), 2025)}T{int(r() * 24):02d}:"
                f"{int(r() * 60):02d}:{int(r() * 60):02d}")

    def _activity(self, closed_year: int | None) -> tuple[str, str]:
        """(code, nomenclature) for a row whose period ended in ``closed_year`` (None: active)."""
        rng = self.rng
        naf = rng.choice(self.ref.naf)
        if closed_year is None or closed_year >= 2008 or rng.random() < 0.3:
            return naf, "NAFRev2"
        if closed_year >= 2003:
            return f"{naf[:4]}{rng.choice('ABCDEFGHJKZ')}", "NAFRev1"
        if closed_year >= 1993:
            if rng.random() < 0.05:
                return "", ""
            return f"{naf[:4]}{rng.choice('ABCDEFGHJKZ')}", "NAF1993"
        if rng.random() < 0.12:
            return "", ""
        return f"{rng.randint(1, 99):02d}.{rng.randint(1, 99):02d}", "NAP"

    def _name_pm(self, cat: str) -> str:
        rng = self.rng
        words = " ".join(rng.sample(MOTS, rng.choice((1, 2, 2, 3))))
        if cat == "9220":
            return f"ASSOCIATION {words}" if rng.random() < 0.6 else f"AMICALE {words}"
        if cat.startswith("72"):
            return "COMMUNE DE " + rng.choice(NOMS)
        if cat.startswith("73"):
            return f"SYNDICAT INTERCOMMUNAL {words}"
        forme = FORMES.get(cat)
        if forme and rng.random() < 0.3:
            return f"{forme} {words}"
        if rng.random() < 0.08:
            return f"{words}, {rng.choice(NOMS)} ET FILS"   # a comma: quoted by the CSV writer
        return f"{rng.choice(NOMS)} {words}" if rng.random() < 0.4 else words

    def units(self):
        rng = self.rng
        produced = 0
        for i in itertools.count():
            if produced >= self.rows:
                return
            siren8, public = self._siren8(i)
            siren = luhn_complete(siren8)
            if siren.startswith("356000000"):   # La Poste's establishments follow another rule
                continue
            n_etab = 1 if rng.random() < 0.72 else min(1 + int(rng.expovariate(0.7)) + 1, 60)
            n_etab = min(n_etab, self.rows - produced)
            unit = self._unit(siren, public, n_etab)
            produced += len(unit.etabs)
            yield unit

    def _unit(self, siren: str, public: bool, n_etab: int) -> Unit:
        rng = self.rng
        if public:
            cat, _, ess_p = _weighted(rng, PUBLIC_CATEGORIES)
            pp = False
        elif rng.random() < 0.48:
            cat, ess_p, pp = "1000", 0.0, True
        else:
            cat, _, ess_p = _weighted(rng, PRIVATE_CATEGORIES)
            pp = False
        created = rng.randint(1950 if not siren.startswith("0") else 1900, 2025)
        ceased = rng.random() < (0.85 if siren.startswith("0") else 0.55 if pp else 0.33)
        ceased_year = rng.randint(max(created, 1975), 2025) if ceased else None
        diffusion = "P" if rng.random() < (0.13 if pp else 0.006) else "O"
        ul = [""] * len(UNITE_LEGALE_COLUMNS)
        ul[U_IDX["siren"]] = siren
        ul[U_IDX["statutDiffusionUniteLegale"]] = diffusion
        if ceased and ceased_year < 2000 and rng.random() < 0.4:
            ul[U_IDX["unitePurgeeUniteLegale"]] = "true"
        ul[U_IDX["dateCreationUniteLegale"]] = (self._date(created, created)
                                                if created > 1972 or rng.random() < 0.5 else "")
        if pp:
            sexe = rng.choice("MF")
            prenoms = PRENOMS_M if sexe == "M" else PRENOMS_F
            first = rng.sample(prenoms, rng.choice((1, 1, 2, 3)))
            nom = rng.choice(NOMS)
            ul[U_IDX["sexeUniteLegale"]] = sexe
            for k, p in enumerate(first, 1):
                ul[U_IDX[f"prenom{k}UniteLegale"]] = p
            ul[U_IDX["prenomUsuelUniteLegale"]] = first[0]
            ul[U_IDX["nomUniteLegale"]] = nom
            if sexe == "F" and rng.random() < 0.3:
                ul[U_IDX["nomUsageUniteLegale"]] = rng.choice(NOMS)
            if rng.random() < 0.01:
                ul[U_IDX["pseudonymeUniteLegale"]] = "DJ " + rng.choice(MOTS)
        else:
            ul[U_IDX["denominationUniteLegale"]] = self._name_pm(cat)
            if rng.random() < 0.06:
                ul[U_IDX["sigleUniteLegale"]] = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUV")
                                                        for _ in range(rng.randint(2, 5)))
            if rng.random() < 0.05:
                ul[U_IDX["denominationUsuelle1UniteLegale"]] = rng.choice(MOTS) + " " + rng.choice(MOTS)
            if cat in ("9220", "9210") and rng.random() < 0.7:
                ul[U_IDX["identifiantAssociationUniteLegale"]] = f"W{rng.randint(10, 989):03d}{rng.randint(0, 999999):06d}"
        tranche = _weighted(rng, TRANCHES)[0] if not ceased else rng.choice(("NN", "NN", ""))
        ul[U_IDX["trancheEffectifsUniteLegale"]] = tranche
        if tranche not in ("", "NN"):
            ul[U_IDX["anneeEffectifsUniteLegale"]] = "2023"
        ul[U_IDX["dateDernierTraitementUniteLegale"]] = self._timestamp(created)
        ul[U_IDX["nombrePeriodesUniteLegale"]] = str(rng.randint(1, 8))
        if not ceased or rng.random() < 0.1:
            big = tranche in ("41", "42", "51", "52", "53")
            ul[U_IDX["categorieEntreprise"]] = ("GE" if big and rng.random() < 0.5 else
                                                "ETI" if big or (tranche in ("31", "32") and rng.random() < 0.3)
                                                else "PME")
            ul[U_IDX["anneeCategorieEntreprise"]] = "2023"
        ul[U_IDX["dateDebut"]] = self._date(max(created, 1973), ceased_year or 2025)
        ul[U_IDX["etatAdministratifUniteLegale"]] = "C" if ceased else "A"
        ul[U_IDX["categorieJuridiqueUniteLegale"]] = cat
        if not pp:
            ul[U_IDX["economieSocialeSolidaireUniteLegale"]] = (
                "O" if rng.random() < ess_p else ("N" if rng.random() < 0.7 else ""))
            if cat in ("5710", "5720", "5599") and not ceased and rng.random() < 0.01:
                ul[U_IDX["societeMissionUniteLegale"]] = "O"
        elif rng.random() < 0.3:
            ul[U_IDX["economieSocialeSolidaireUniteLegale"]] = "N"
        ul[U_IDX["caractereEmployeurUniteLegale"]] = (
            "" if ceased and rng.random() < 0.5 else ("O" if tranche not in ("", "NN") else "N"))

        # establishments
        home = self._commune()
        siege_k = 0 if n_etab == 1 or rng.random() < 0.7 else rng.randrange(n_etab)
        etabs = []
        for k in range(n_etab):
            siret = siret_of(siren, k + 1)
            commune = home if k == 0 or rng.random() < 0.6 else self._commune()
            etabs.append(self._etab(siret, siren, k == siege_k, commune, created, ceased_year,
                                    diffusion, pp, ul))
        siege = etabs[siege_k]
        ul[U_IDX["nicSiegeUniteLegale"]] = siege[E_IDX["nic"]]
        code, nomenclature = siege[E_IDX["activitePrincipaleEtablissement"]], \
            siege[E_IDX["nomenclatureActivitePrincipaleEtablissement"]]
        ul[U_IDX["activitePrincipaleUniteLegale"]] = code
        ul[U_IDX["nomenclatureActivitePrincipaleUniteLegale"]] = nomenclature
        if self.layout == "2025" and not ceased and nomenclature == "NAFRev2":
            ul[U_IDX["activitePrincipaleNAF25UniteLegale"]] = code
        if diffusion == "P" and pp:
            for col in ("nomUniteLegale", "prenom1UniteLegale", "prenomUsuelUniteLegale", "sexeUniteLegale"):
                ul[U_IDX[col]] = ND
            for col in ("nomUsageUniteLegale", "prenom2UniteLegale", "prenom3UniteLegale",
                        "prenom4UniteLegale", "pseudonymeUniteLegale"):
                if ul[U_IDX[col]]:
                    ul[U_IDX[col]] = ND
        if self.layout == "2024":
            ul = ul[:-1]
            etabs = [e[:-1] for e in etabs]
        return Unit(siren, ul, etabs)

    def _etab(self, siret, siren, is_siege, commune: Commune, created, ceased_year, diffusion, pp,
              ul) -> list[str]:
        rng = self.rng
        e = [""] * len(ETABLISSEMENT_COLUMNS)
        e[E_IDX["siren"]] = siren
        e[E_IDX["nic"]] = siret[9:]
        e[E_IDX["siret"]] = siret
        e[E_IDX["statutDiffusionEtablissement"]] = diffusion
        opened = rng.randint(created, max(created, ceased_year or 2025))
        closed = ceased_year if ceased_year else (
            None if is_siege or rng.random() < 0.65 else rng.randint(opened, 2025))
        old = (closed or 2025) < 1990
        e[E_IDX["dateCreationEtablissement"]] = "" if opened < 1973 and rng.random() < 0.6 else \
            self._date(opened, opened)
        tranche = "NN" if closed else _weighted(rng, TRANCHES)[0]
        if closed and rng.random() < 0.3:
            tranche = ""
        e[E_IDX["trancheEffectifsEtablissement"]] = tranche
        if tranche not in ("", "NN"):
            e[E_IDX["anneeEffectifsEtablissement"]] = "2023"
        e[E_IDX["dateDernierTraitementEtablissement"]] = "" if old and rng.random() < 0.5 else \
            self._timestamp(opened)
        e[E_IDX["etablissementSiege"]] = "true" if is_siege else "false"
        e[E_IDX["nombrePeriodesEtablissement"]] = str(rng.randint(1, 6))
        code, nomenclature = self._activity(closed)
        e[E_IDX["activitePrincipaleEtablissement"]] = code
        e[E_IDX["nomenclatureActivitePrincipaleEtablissement"]] = nomenclature
        if pp and nomenclature == "NAFRev2" and rng.random() < 0.15:
            e[E_IDX["activitePrincipaleRegistreMetiersEtablissement"]] = \
                code.replace(".", "") + rng.choice("ABZ")
        if rng.random() < 0.004:   # foreign establishment
            pays, libelle, villes = rng.choice(COUNTRIES)
            e[E_IDX["codePaysEtrangerEtablissement"]] = pays
            e[E_IDX["libellePaysEtrangerEtablissement"]] = libelle
            e[E_IDX["libelleCommuneEtrangerEtablissement"]] = rng.choice(villes)
            e[E_IDX["numeroVoieEtablissement"]] = str(rng.randint(1, 120))
            e[E_IDX["libelleVoieEtablissement"]] = rng.choice(NOMS) + "STRASSE"
        else:
            self._address(e, commune)
        e[E_IDX["dateDebut"]] = self._date(opened, closed) if closed else \
            self._date(opened, min(2025, opened + 15))
        e[E_IDX["etatAdministratifEtablissement"]] = "F" if closed else "A"
        r = rng.random()
        if r < 0.22:
            e[E_IDX["enseigne1Etablissement"]] = rng.choice(ENSEIGNES).format(
                n=rng.choice(NOMS), m=rng.choice(MOTS))
            if rng.random() < 0.05:
                e[E_IDX["enseigne2Etablissement"]] = rng.choice(MOTS)
        if 0.15 < r < 0.32:
            e[E_IDX["denominationUsuelleEtablissement"]] = rng.choice(MOTS) + " " + rng.choice(MOTS)
        e[E_IDX["caractereEmployeurEtablissement"]] = (
            "" if old and rng.random() < 0.5 else ("O" if tranche not in ("", "NN") else "N"))
        if self.layout == "2025" and not closed and nomenclature == "NAFRev2":
            e[E_IDX["activitePrincipaleNAF25Etablissement"]] = code
        if diffusion == "P":
            for col in ("complementAdresseEtablissement", "numeroVoieEtablissement",
                        "indiceRepetitionEtablissement", "dernierNumeroVoieEtablissement",
                        "indiceRepetitionDernierNumeroVoieEtablissement", "typeVoieEtablissement",
                        "libelleVoieEtablissement", "distributionSpecialeEtablissement",
                        "identifiantAdresseEtablissement", "coordonneeLambertAbscisseEtablissement",
                        "coordonneeLambertOrdonneeEtablissement"):
                e[E_IDX[col]] = ND
            e[E_IDX["codeCedexEtablissement"]] = ""
            e[E_IDX["libelleCedexEtablissement"]] = ""
            if pp:
                for col in ("enseigne1Etablissement", "enseigne2Etablissement",
                            "enseigne3Etablissement", "denominationUsuelleEtablissement"):
                    e[E_IDX[col]] = ND
        return e

    def _address(self, e: list[str], commune: Commune) -> None:
        rng = self.rng
        if rng.random() < 0.09:
            e[E_IDX["complementAdresseEtablissement"]] = rng.choice(
                ("ZONE ARTISANALE", "ZI NORD", "BATIMENT B", "LIEU DIT LE MOULIN", "PARC D ACTIVITES"))
        voie, _ = _weighted(rng, VOIES)
        if voie or rng.random() < 0.5:
            if rng.random() < 0.8:
                e[E_IDX["numeroVoieEtablissement"]] = str(int(rng.expovariate(0.05)) + 1)
                if rng.random() < 0.03:
                    e[E_IDX["indiceRepetitionEtablissement"]] = rng.choice("BTQ")
                if rng.random() < 0.02:
                    e[E_IDX["dernierNumeroVoieEtablissement"]] = str(int(e[E_IDX["numeroVoieEtablissement"]]) + 2)
            e[E_IDX["typeVoieEtablissement"]] = voie
            e[E_IDX["libelleVoieEtablissement"]] = rng.choice(VOIE_NAMES)
        e[E_IDX["codePostalEtablissement"]] = rng.choice(commune.postal) if commune.postal else ""
        e[E_IDX["libelleCommuneEtablissement"]] = commune.libelle
        e[E_IDX["codeCommuneEtablissement"]] = commune.code
        if rng.random() < 0.03:
            e[E_IDX["distributionSpecialeEtablissement"]] = rng.choice(("BP ", "CS ")) + str(rng.randint(10, 90000))
        if rng.random() < 0.015 and commune.postal:
            e[E_IDX["codeCedexEtablissement"]] = commune.postal[0][:2] + f"{rng.randint(100, 999)}"
            e[E_IDX["libelleCedexEtablissement"]] = commune.libelle + " CEDEX"
        if rng.random() < 0.85 and e[E_IDX["libelleVoieEtablissement"]]:
            e[E_IDX["identifiantAdresseEtablissement"]] = commune.code + "".join(
                rng.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(4)) + "_B"
        if commune.pos and rng.random() < 0.92:
            lon = commune.pos[0] + rng.gauss(0, 0.012)
            lat = commune.pos[1] + rng.gauss(0, 0.008)
            xy = project(commune.dep, lon, lat)
            if xy:
                e[E_IDX["coordonneeLambertAbscisseEtablissement"]] = repr(round(xy[0], rng.choice((1, 10))))
                e[E_IDX["coordonneeLambertOrdonneeEtablissement"]] = repr(round(xy[1], rng.choice((1, 10))))
        if rng.random() < 0.002:
            e[E_IDX["complementAdresse2Etablissement"]] = "SERVICE COURRIER"
            e[E_IDX["codePostal2Etablissement"]] = e[E_IDX["codePostalEtablissement"]]
            e[E_IDX["libelleCommune2Etablissement"]] = commune.libelle
            e[E_IDX["codeCommune2Etablissement"]] = commune.code


# -- hand-written edge rows --------------------------------------------------------------------------

def edge_units(layout: str = "2025") -> list[Unit]:
    """Situations a loader must handle, written out by hand (SIRENs 999 9xx xxx, valid Luhn)."""
    def ul(siren, **kv):
        row = [""] * len(UNITE_LEGALE_COLUMNS)
        row[U_IDX["siren"]] = siren
        base = dict(statutDiffusionUniteLegale="O", dateCreationUniteLegale="2001-03-12",
                    trancheEffectifsUniteLegale="NN", dateDernierTraitementUniteLegale="2024-03-22T14:26:06",
                    nombrePeriodesUniteLegale="2", dateDebut="2008-01-01",
                    etatAdministratifUniteLegale="A", categorieJuridiqueUniteLegale="5710",
                    nicSiegeUniteLegale="00012", caractereEmployeurUniteLegale="N",
                    categorieEntreprise="PME", anneeCategorieEntreprise="2023")
        base.update(kv)
        for k, v in base.items():
            row[U_IDX[k]] = v
        return row

    def et(siret, **kv):
        row = [""] * len(ETABLISSEMENT_COLUMNS)
        row[E_IDX["siren"]], row[E_IDX["nic"]], row[E_IDX["siret"]] = siret[:9], siret[9:], siret
        base = dict(statutDiffusionEtablissement="O", dateCreationEtablissement="2001-03-12",
                    trancheEffectifsEtablissement="NN", dateDernierTraitementEtablissement="2024-03-22T14:26:06",
                    etablissementSiege="true", nombrePeriodesEtablissement="1",
                    dateDebut="2008-01-01", etatAdministratifEtablissement="A",
                    caractereEmployeurEtablissement="N")
        base.update(kv)
        for k, v in base.items():
            row[E_IDX[k]] = v
        return row

    s = [luhn_complete(f"999{n:05d}") for n in range(90000, 90009)]
    units = []
    # 1. Paris, Lyon, Marseille arrondissements; abbreviated voie type as in older files.
    paris = s[0]
    units.append(Unit(paris, ul(paris, denominationUniteLegale="ATELIERS DU 8E, REEMPLOI",
                                activitePrincipaleUniteLegale="38.32Z",
                                nomenclatureActivitePrincipaleUniteLegale="NAFRev2",
                                economieSocialeSolidaireUniteLegale="O", categorieJuridiqueUniteLegale="9220",
                                activitePrincipaleNAF25UniteLegale="38.32Z"),
                      [et(siret_of(paris, 1), numeroVoieEtablissement="8", typeVoieEtablissement="RUE",
                          libelleVoieEtablissement="D ASTORG", codePostalEtablissement="75008",
                          libelleCommuneEtablissement="PARIS 8", codeCommuneEtablissement="75108",
                          identifiantAdresseEtablissement="75108_0567_00008",
                          coordonneeLambertAbscisseEtablissement="650524.3",
                          coordonneeLambertOrdonneeEtablissement="6864198.6",
                          enseigne1Etablissement="CAFE, TABAC DU 8E",
                          activitePrincipaleEtablissement="38.32Z",
                          nomenclatureActivitePrincipaleEtablissement="NAFRev2",
                          activitePrincipaleNAF25Etablissement="38.32Z"),
                       et(siret_of(paris, 2), etablissementSiege="false", codePostalEtablissement="69003",
                          numeroVoieEtablissement="12", typeVoieEtablissement="AV",
                          libelleVoieEtablissement="FELIX FAURE", libelleCommuneEtablissement="LYON 3",
                          codeCommuneEtablissement="69383", activitePrincipaleEtablissement="38.32Z",
                          nomenclatureActivitePrincipaleEtablissement="NAFRev2",
                          activitePrincipaleNAF25Etablissement="38.32Z"),
                       et(siret_of(paris, 3), etablissementSiege="false", codePostalEtablissement="13008",
                          libelleVoieEtablissement="DU PRADO", typeVoieEtablissement="BD",
                          libelleCommuneEtablissement="MARSEILLE 8", codeCommuneEtablissement="13208",
                          etatAdministratifEtablissement="F", trancheEffectifsEtablissement="",
                          activitePrincipaleEtablissement="38.32Z",
                          nomenclatureActivitePrincipaleEtablissement="NAFRev2")]))
    units[-1].ul[U_IDX["nicSiegeUniteLegale"]] = units[-1].etabs[0][E_IDX["nic"]]
    # 2. A ceased unit whose closed establishments carry NAP, NAF1993, NAFRev1 and no code; one
    #    still coded in a commune that is now a commune déléguée (Niederbruck 68233).
    old = s[1]
    units.append(Unit(old, ul(old, etatAdministratifUniteLegale="C", categorieEntreprise="",
                              anneeCategorieEntreprise="", unitePurgeeUniteLegale="true",
                              dateCreationUniteLegale="", denominationUniteLegale="TISSAGE DE LA DOLLER",
                              categorieJuridiqueUniteLegale="5599", activitePrincipaleUniteLegale="17.2A",
                              nomenclatureActivitePrincipaleUniteLegale="NAFRev1",
                              caractereEmployeurUniteLegale="", dateDebut="2005-06-30"),
                      [et(siret_of(old, 1), etatAdministratifEtablissement="F", dateCreationEtablissement="",
                          dateDernierTraitementEtablissement="", trancheEffectifsEtablissement="",
                          libelleVoieEtablissement="DE LA DOLLER", codePostalEtablissement="68290",
                          libelleCommuneEtablissement="NIEDERBRUCK", codeCommuneEtablissement="68233",
                          dateDebut="1986-06-15", activitePrincipaleEtablissement="47.05",
                          nomenclatureActivitePrincipaleEtablissement="NAP",
                          caractereEmployeurEtablissement=""),
                       et(siret_of(old, 2), etablissementSiege="false", etatAdministratifEtablissement="F",
                          codePostalEtablissement="68290", libelleCommuneEtablissement="MASEVAUX-NIEDERBRUCK",
                          codeCommuneEtablissement="68201", dateDebut="1997-12-03",
                          activitePrincipaleEtablissement="17.2C",
                          nomenclatureActivitePrincipaleEtablissement="NAF1993"),
                       et(siret_of(old, 3), etablissementSiege="false", etatAdministratifEtablissement="F",
                          codePostalEtablissement="68700", libelleCommuneEtablissement="CERNAY",
                          codeCommuneEtablissement="68063", dateDebut="2005-06-30",
                          activitePrincipaleEtablissement="17.2A",
                          nomenclatureActivitePrincipaleEtablissement="NAFRev1"),
                       et(siret_of(old, 4), etablissementSiege="false", etatAdministratifEtablissement="F",
                          codePostalEtablissement="68800", libelleCommuneEtablissement="THANN",
                          codeCommuneEtablissement="68334", dateDebut="1979-01-01",
                          activitePrincipaleEtablissement="",
                          nomenclatureActivitePrincipaleEtablissement="")]))
    units[-1].ul[U_IDX["nicSiegeUniteLegale"]] = units[-1].etabs[0][E_IDX["nic"]]
    # 3. An individual in partial diffusion: names and in-commune address are [ND].
    p = s[2]
    units.append(Unit(p, ul(p, statutDiffusionUniteLegale="P", categorieJuridiqueUniteLegale="1000",
                            sexeUniteLegale=ND, prenom1UniteLegale=ND, prenomUsuelUniteLegale=ND,
                            nomUniteLegale=ND, activitePrincipaleUniteLegale="43.22A",
                            nomenclatureActivitePrincipaleUniteLegale="NAFRev2",
                            activitePrincipaleNAF25UniteLegale="43.22A", categorieEntreprise="PME"),
                      [et(siret_of(p, 1), statutDiffusionEtablissement="P",
                          numeroVoieEtablissement=ND, typeVoieEtablissement=ND, libelleVoieEtablissement=ND,
                          complementAdresseEtablissement=ND, indiceRepetitionEtablissement=ND,
                          dernierNumeroVoieEtablissement=ND, indiceRepetitionDernierNumeroVoieEtablissement=ND,
                          distributionSpecialeEtablissement=ND, identifiantAdresseEtablissement=ND,
                          coordonneeLambertAbscisseEtablissement=ND, coordonneeLambertOrdonneeEtablissement=ND,
                          enseigne1Etablissement=ND, enseigne2Etablissement=ND, enseigne3Etablissement=ND,
                          denominationUsuelleEtablissement=ND, codePostalEtablissement="68800",
                          libelleCommuneEtablissement="THANN", codeCommuneEtablissement="68334",
                          activitePrincipaleEtablissement="43.22A",
                          activitePrincipaleRegistreMetiersEtablissement="4322AZ",
                          nomenclatureActivitePrincipaleEtablissement="NAFRev2",
                          activitePrincipaleNAF25Etablissement="43.22A")]))
    units[-1].ul[U_IDX["nicSiegeUniteLegale"]] = units[-1].etabs[0][E_IDX["nic"]]
    # 4. A German company with a French establishment and its foreign head office.
    de = s[3]
    units.append(Unit(de, ul(de, categorieJuridiqueUniteLegale="3120", denominationUniteLegale="SCHWARZWALD HOLZ GMBH",
                             activitePrincipaleUniteLegale="16.10A", nomenclatureActivitePrincipaleUniteLegale="NAFRev2",
                             activitePrincipaleNAF25UniteLegale="16.10A", trancheEffectifsUniteLegale="12",
                             anneeEffectifsUniteLegale="2023", caractereEmployeurUniteLegale="O"),
                      [et(siret_of(de, 1), codePaysEtrangerEtablissement="99109",
                          libellePaysEtrangerEtablissement="ALLEMAGNE",
                          libelleCommuneEtrangerEtablissement="FRIBOURG-EN-BRISGAU",
                          numeroVoieEtablissement="4", libelleVoieEtablissement="HOLZSTRASSE",
                          activitePrincipaleEtablissement="16.10A",
                          nomenclatureActivitePrincipaleEtablissement="NAFRev2",
                          activitePrincipaleNAF25Etablissement="16.10A"),
                       et(siret_of(de, 2), etablissementSiege="false", trancheEffectifsEtablissement="11",
                          anneeEffectifsEtablissement="2023", caractereEmployeurEtablissement="O",
                          typeVoieEtablissement="ROUTE", libelleVoieEtablissement="DE BITSCHWILLER",
                          codePostalEtablissement="68800", libelleCommuneEtablissement="THANN",
                          codeCommuneEtablissement="68334", denominationUsuelleEtablissement="SCIERIE DE LA THUR",
                          activitePrincipaleEtablissement="16.10A",
                          nomenclatureActivitePrincipaleEtablissement="NAFRev2",
                          activitePrincipaleNAF25Etablissement="16.10A")]))
    units[-1].ul[U_IDX["nicSiegeUniteLegale"]] = units[-1].etabs[0][E_IDX["nic"]]
    # 5. La Réunion: coordinates in UTM 40S, not Lambert-93.
    re_ = s[4]
    x, y = utm(55.4504, -20.8823, 40, True)
    units.append(Unit(re_, ul(re_, categorieJuridiqueUniteLegale="5499", denominationUniteLegale="COMPOST PEI",
                              activitePrincipaleUniteLegale="38.21Z", nomenclatureActivitePrincipaleUniteLegale="NAFRev2",
                              activitePrincipaleNAF25UniteLegale="38.21Z"),
                      [et(siret_of(re_, 1), codePostalEtablissement="97400",
                          libelleCommuneEtablissement="SAINT-DENIS", codeCommuneEtablissement="97411",
                          coordonneeLambertAbscisseEtablissement=repr(round(x, 1)),
                          coordonneeLambertOrdonneeEtablissement=repr(round(y, 1)),
                          activitePrincipaleEtablissement="38.21Z",
                          nomenclatureActivitePrincipaleEtablissement="NAFRev2",
                          activitePrincipaleNAF25Etablissement="38.21Z")]))
    units[-1].ul[U_IDX["nicSiegeUniteLegale"]] = units[-1].etabs[0][E_IDX["nic"]]
    # 6. Individual entrepreneur, fully diffusible, no enseigne: the name comes from the unit.
    ei = s[5]
    units.append(Unit(ei, ul(ei, categorieJuridiqueUniteLegale="1000", sexeUniteLegale="F",
                             prenom1UniteLegale="MARIE", prenom2UniteLegale="ANNE", prenomUsuelUniteLegale="MARIE",
                             nomUniteLegale="KELLER", nomUsageUniteLegale="WEBER",
                             activitePrincipaleUniteLegale="01.21Z", nomenclatureActivitePrincipaleUniteLegale="NAFRev2",
                             activitePrincipaleNAF25UniteLegale="01.21Z", caractereEmployeurUniteLegale="N",
                             economieSocialeSolidaireUniteLegale="N"),
                      [et(siret_of(ei, 1), libelleVoieEtablissement="DES VIGNES", typeVoieEtablissement="CHEMIN",
                          codePostalEtablissement="68700", libelleCommuneEtablissement="CERNAY",
                          codeCommuneEtablissement="68063",
                          activitePrincipaleEtablissement="01.21Z",
                          nomenclatureActivitePrincipaleEtablissement="NAFRev2",
                          activitePrincipaleNAF25Etablissement="01.21Z")]))
    units[-1].ul[U_IDX["nicSiegeUniteLegale"]] = units[-1].etabs[0][E_IDX["nic"]]
    if layout == "2024":
        for u in units:
            u.ul = u.ul[:-1]
            u.etabs = [e[:-1] for e in u.etabs]
    return units


# -- writing ---------------------------------------------------------------------------------------

@contextlib.contextmanager
def open_output(out_dir: Path, kind: str, zipped: bool):
    name = FILE_NAMES[kind]
    out_dir.mkdir(parents=True, exist_ok=True)
    if zipped:
        zpath = out_dir / f"{name}.zip"
        with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            info = zipfile.ZipInfo(f"{name}.csv", date_time=(2025, 12, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with z.open(info, "w", force_zip64=True) as raw, \
                    io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=False) as f:
                yield f, zpath
    else:
        path = out_dir / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="", buffering=1 << 20) as f:
            yield f, path


def generate(out_dir: Path, rows: int, seed: int = 42, kinds=("etablissement",), zipped=False,
             share_68: float = 0.05, share_thur_doller: float = 0.25, layout: str = "2025",
             edge_rows: bool = False) -> dict:
    gen = Generator(rows, seed, share_68, share_thur_doller, layout)
    counts = {k: 0 for k in kinds}
    paths = {}
    with contextlib.ExitStack() as stack:
        writers = {}
        for k in kinds:
            f, path = stack.enter_context(open_output(out_dir, k, zipped))
            w = csv.writer(f, lineterminator="\n")
            w.writerow(ETABLISSEMENT_COLUMNS[:-1] if (k == "etablissement" and layout == "2024") else
                       ETABLISSEMENT_COLUMNS if k == "etablissement" else
                       UNITE_LEGALE_COLUMNS[:-1] if layout == "2024" else UNITE_LEGALE_COLUMNS)
            writers[k] = w
            paths[k] = str(path)
        units = gen.units()
        if edge_rows:
            units = itertools.chain(units, edge_units(layout))
        for unit in units:
            if "etablissement" in writers:
                writers["etablissement"].writerows(unit.etabs)
                counts["etablissement"] += len(unit.etabs)
            if "unitelegale" in writers:
                writers["unitelegale"].writerow(unit.ul)
                counts["unitelegale"] += 1
    return {"rows": counts, "files": paths}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=3_000_000, help="establishment rows")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--zip", action="store_true", help="write StockXxx_utf8.zip as data.gouv.fr does")
    ap.add_argument("--kind", choices=("etablissement", "unitelegale", "both"), default="etablissement")
    ap.add_argument("--share-68", type=float, default=0.05, help="share of units in the Haut-Rhin")
    ap.add_argument("--share-thur-doller", type=float, default=0.25,
                    help="share of the Haut-Rhin units in the 46 communes of Pays Thur Doller")
    ap.add_argument("--layout", choices=("2025", "2024"), default="2025",
                    help="2025: with activitePrincipaleNAF25* (INSEE files since 2025-12-16)")
    ap.add_argument("--edge-rows", action="store_true", help="append the hand-written edge rows")
    a = ap.parse_args(argv)
    kinds = ("etablissement", "unitelegale") if a.kind == "both" else (a.kind,)
    t0 = time.perf_counter()
    result = generate(a.out, a.rows, a.seed, kinds, a.zip, a.share_68, a.share_thur_doller,
                      a.layout, a.edge_rows)
    dt = time.perf_counter() - t0
    for k, path in result["files"].items():
        size = Path(path).stat().st_size
        print(f"{path}: {result['rows'][k]:,} rows, {size / 1e6:,.1f} MB", file=sys.stderr)
    print(f"{dt:.1f} s ({result['rows'].get('etablissement', 0) / dt:,.0f} establishment rows/s)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
