"""Names organisations take from their SIRENE legal unit, whichever file was loaded first.

An establishment of a SIRENE stock file often has no name of its own (no enseigne, no dénomination
usuelle): it is known by the name of its legal unit, which only the StockUniteLegale file gives. The two
files may be loaded in any order, and the unit file only knows SIRENs, so neither transform can write
that name. The establishment file names such an establishment « Établissement <SIRET> »; after every load
that touches organisations or legal units, the graph is brought to this rule:

* an organisation whose name is « Établissement <its SIRET> », with a SIREN whose ``LegalUnit`` has a
  name, takes that name (``name_from = 'unit'``);
* an organisation named after its unit whose unit has no name any more (dropped) is « Établissement
  <SIRET> » again.

A name a file gives always wins (the write plan writes it and drops ``name_from``). The rule only reads
the graph's state, so any order of loads, reloads and drops ends with the same names.

Interim: this belongs in the write plan's derivation of an organisation's values; there it would not
rewrite these names when a plan replaces an organisation's properties.
"""

from __future__ import annotations

TOUCHING = frozenset({"Organisation", "LegalUnit"})
PLACEHOLDER = "Établissement "
STEP = 20_000  # organisations renamed per statement (a transaction may end between two)

_UNIT_NAMES = (
    "MATCH (o:Organisation) WHERE o.siret IS NOT NULL AND o.siren IS NOT NULL "
    "AND (o.name = $placeholder + o.siret OR o.name_from = 'unit') "
    "MATCH (u:LegalUnit {siren: o.siren}) WHERE u.name IS NOT NULL AND (o.name <> u.name OR o.name_from IS NULL) "
    "WITH o, u LIMIT $step SET o.name = u.name, o.name_from = 'unit' RETURN count(o) AS n"
)
_UNITS_GONE = (
    "MATCH (o:Organisation) WHERE o.name_from = 'unit' "
    "AND NOT EXISTS { MATCH (u:LegalUnit {siren: o.siren}) WHERE u.name IS NOT NULL } "
    "WITH o LIMIT $step SET o.name = $placeholder + o.siret REMOVE o.name_from RETURN count(o) AS n"
)
_ANY_UNIT = "MATCH (u:LegalUnit) RETURN 1 AS found LIMIT 1"
_ANY_DERIVED = "MATCH (o:Organisation) WHERE o.name_from = 'unit' RETURN 1 AS found LIMIT 1"


def placeholder(siret: str) -> str:
    """The name of an establishment no file names: « Établissement » and its SIRET."""
    return PLACEHOLDER + siret


def derive_names(writer, touched: set[str]) -> int:
    """Apply the rule above through a load's writer (see :class:`eitgraph.load.loading._Writer`); returns
    how many organisations changed."""
    if not (set(touched) & TOUCHING):
        return 0
    changed = 0
    for probe, statement in ((_ANY_UNIT, _UNIT_NAMES), (_ANY_DERIVED, _UNITS_GONE)):
        if writer.run(probe).single() is None:
            continue
        while True:
            n = writer.run(statement, placeholder=PLACEHOLDER, step=STEP).single()["n"]
            changed += n
            writer.wrote(n)
            if n < STEP:
                break
    return changed
