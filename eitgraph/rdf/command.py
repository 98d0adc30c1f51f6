"""The ``eitgraph export`` command group (registered in :mod:`eitgraph.cli`); ``eitgraph load rdf FILE``
goes through the ordinary ``load`` command (``loaders/rdf.yaml``)."""

from __future__ import annotations

from pathlib import Path

import click

from ..model.vocabulary import EG

SERIALIZERS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt"}


def serialize(graph, fmt: str) -> str:
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", context={"eg": str(EG)}, indent=2)
    return graph.serialize(format=SERIALIZERS[fmt])


@click.group("export")
def export_group():
    """Export the knowledge base to exchange formats."""


@export_group.command("rdf")
@click.option("--format", "fmt", type=click.Choice(list(SERIALIZERS)), help="Default: from the file suffix, else ttl.")
@click.option("--territory", metavar="CODE", help="Only what lies in this territory (INSEE, EPCI SIREN, PETR-…).")
@click.option("--anonymize", is_flag=True, help="No persons, identifiers, coordinates or amounts; aliases for names.")
@click.option("--no-provenance", is_flag=True, help="Leave out the datasets and prov:wasDerivedFrom links.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_obj
def export_rdf(obj, fmt, territory, anonymize, no_provenance, out):
    """Write the graph as linked data in the eitgraph vocabulary (schema/vocabulary.ttl).

    \b
    Examples:
        eitgraph export rdf --out eitgraph.ttl
        eitgraph export rdf --format jsonld --territory 200036465 --anonymize --out thann-cernay.jsonld
        eitgraph load rdf voisin.ttl            # import a neighbour's export
    """
    fmt = fmt or {".jsonld": "jsonld", ".json": "jsonld", ".nt": "nt"}.get(out.suffix.lower(), "ttl")
    with obj.open(quick=True) as kb:
        graph = kb.to_rdf(territory=territory, anonymize=anonymize, provenance=not no_provenance)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(serialize(graph, fmt), encoding="utf-8")
    click.echo(f"Wrote {out}: {len(graph)} triples ({fmt}).")
