"""Current treatments of outputs, as diagnostics write them: the recovery (R1–R13) and disposal (D1–D15)
operations of the Waste Framework Directive (Directive 2008/98/EC, annexes I and II, as the French
Code de l'environnement numbers them) and the usual French words (ISDND, enfouissement, épandage,
chaufferie bois, valorisation organique…), mapped to the treatments eitgraph counts (see the report's
colours and the programme indicators: recovery versus elimination).

>>> treatment_of("R3"), treatment_of("D 10 - incinération à terre"), treatment_of("R01"), treatment_of("R12 tri")
(('recycling', 'R3'), ('incineration', 'D10'), ('energy_recovery', 'R1'), ('other', 'R12'))
>>> treatment_of("ISDND Retzwiller"), treatment_of("Chaufferie bois du collège"), treatment_of("épandage agricole")
(('landfill', None), ('energy_recovery', None), ('land_spreading', None))
>>> treatment_of("valorisation organique"), treatment_of("Recyclage")
(('composting', None), ('recycling', None))
>>> treatment_of("R14")
Traceback (most recent call last):
...
ValueError: 'R14' is not a recovery operation of the Waste Framework Directive (R1 to R13)
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..values import fold

TREATMENTS = ("reuse", "recycling", "composting", "anaerobic_digestion", "land_spreading", "energy_recovery",
              "incineration", "landfill", "physico_chemical", "discharge", "storage", "other")

# Annex II (recovery): R1 fuel, R2 solvents, R3 organic substances (composting included), R4 metals,
# R5 inorganic materials, R6 acids and bases, R7 pollution-abatement components, R8 catalysts, R9 oil
# re-refining, R10 land treatment benefiting agriculture, R11 use of wastes from R1–R10, R12 exchange
# before R1–R11 (sorting, grouping), R13 storage pending R1–R12.
RECOVERY_OPERATIONS = {1: "energy_recovery", 2: "recycling", 3: "recycling", 4: "recycling", 5: "recycling",
                       6: "recycling", 7: "recycling", 8: "recycling", 9: "recycling", 10: "land_spreading",
                       11: "recycling", 12: "other", 13: "storage"}
# Annex I (disposal): D1 landfill, D2 land treatment, D3 deep injection, D4 surface impoundment, D5 specially
# engineered landfill, D6 release into water, D7 release into seas, D8 biological treatment, D9
# physico-chemical treatment, D10 incineration on land, D11 at sea, D12 permanent storage, D13 blending,
# D14 repackaging, D15 storage pending D1–D14.
DISPOSAL_OPERATIONS = {1: "landfill", 2: "landfill", 3: "landfill", 4: "landfill", 5: "landfill", 6: "discharge",
                       7: "discharge", 8: "other", 9: "physico_chemical", 10: "incineration", 11: "incineration",
                       12: "landfill", 13: "other", 14: "other", 15: "storage"}

# Words, folded, in the order they are tried (the more precise first): each is looked for as whole words.
WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("reuse", ("reemploi", "reutilisation", "ressourcerie", "recyclerie", "reuse", "seconde main", "don")),
    ("anaerobic_digestion", ("methanisation", "methaniseur", "digestion anaerobie", "biogaz", "anaerobic digestion")),
    ("composting", ("compostage", "composte", "plateforme de compostage", "valorisation organique", "compost",
                    "composting")),
    ("land_spreading", ("epandage", "valorisation agronomique", "retour au sol", "land spreading")),
    ("energy_recovery", ("valorisation energetique", "chaufferie bois", "chaufferie biomasse", "chaufferie",
                         "chaudiere", "co incineration", "coincineration", "cimenterie", "csr",
                         "combustible solide de recuperation", "uve", "unite de valorisation energetique",
                         "bois energie", "energy recovery", "energie")),
    ("incineration", ("incineration", "uiom", "incinerateur", "incineration sans valorisation")),
    ("landfill", ("enfouissement", "isdnd", "isdd", "isdi", "cet", "centre d enfouissement", "decharge",
                  "mise en decharge", "stockage definitif", "installation de stockage", "landfill", "remblai",
                  "remblaiement", "comblement de carriere")),
    ("physico_chemical", ("physico chimique", "traitement physico chimique", "physico chemical", "neutralisation")),
    ("discharge", ("station d epuration", "step", "rejet au milieu", "rejet", "reseau d assainissement",
                   "assainissement", "egout", "tout a l egout", "discharge")),
    ("recycling", ("recyclage", "valorisation matiere", "regeneration", "recycling", "refonte", "ferrailleur",
                   "papeterie", "filiere rep")),
    ("storage", ("stockage", "entreposage", "storage", "transit")),
    ("other", ("autre", "other", "tri", "centre de tri", "regroupement")),
)

_CODE = re.compile(r"^\s*([RD])\s*[-.]?\s*0*(\d{1,2})\b", re.IGNORECASE)


@lru_cache(maxsize=4096)  # a few spellings repeat over every outgoing flow of a diagnostics file
def treatment_of(text: str) -> tuple[str, str | None]:
    """(treatment, R/D code or None) of a « Traitement actuel » / « Filière » cell; ValueError for text that
    names no treatment."""
    m = _CODE.match(text)
    if m:
        letter, number = m[1].upper(), int(m[2])
        table = RECOVERY_OPERATIONS if letter == "R" else DISPOSAL_OPERATIONS
        if number not in table:
            what = "recovery operation" if letter == "R" else "disposal operation"
            last = max(table)
            raise ValueError(f"{text.strip()!r} is not a {what} of the Waste Framework Directive ({letter}1 to "
                             f"{letter}{last})")
        return table[number], f"{letter}{number}"
    folded = fold(text)
    if folded in TREATMENTS or folded.replace(" ", "_") in TREATMENTS:
        return folded.replace(" ", "_"), None
    padded = f" {folded} "
    for treatment, words in WORDS:
        if any(f" {w} " in padded for w in words):
            return treatment, None
    raise ValueError(f"unknown treatment {text!r}: write an operation code of the Waste Framework Directive "
                     "(R1–R13, D1–D15) or words such as recyclage, réemploi, compostage, méthanisation, épandage, "
                     "valorisation énergétique, chaufferie bois, incinération, enfouissement, ISDND, ISDI, "
                     "station d'épuration, stockage")
