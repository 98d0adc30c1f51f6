"""The source kinds and the functions that read and transform their files, named in code (a typo fails
at import, and tools can follow a kind to its transform). The declarative part of each kind is its
``loaders/<kind>.yaml``; a test checks that the two lists agree.

>>> SOURCES["plan-form"].transform.__name__, SOURCES["rdf"].reader.__module__
('transform_form', 'eitgraph.load.sources.rdf_triples')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .graphbatch import GraphBatch
from .records import Record
from .sources import (
    diagnostics,
    geocode,
    geofiles,
    geometry,
    groupings,
    materials,
    rdf,
    rdf_triples,
    referentiel,
    sirene,
    sirene_files,
    stakeholders,
    synergies,
    territory,
    workshops,
)
from .sources.plans.sheet import read_tet
from .sources.plans.transform import transform_form, transform_tet
from .tables import Table

Transform = Callable[[list[Record], Any], GraphBatch]  # (records, the load's TransformContext) -> batch
Reader = Callable[..., Table]  # (path, sheet=, encoding=, delimiter=, header_row=) -> Table


@dataclass(frozen=True)
class Source:
    """How a kind's files become a batch: ``transform``, after ``reader`` (default: the CSV/Excel reader)."""

    transform: Transform
    reader: Reader | None = None


SOURCES: dict[str, Source] = {
    "territory": Source(territory.transform),
    "groupings": Source(groupings.transform),
    "materials": Source(materials.transform),
    "stakeholders": Source(stakeholders.transform),
    "sirene": Source(sirene.transform, reader=sirene_files.read),
    "diagnostics": Source(diagnostics.transform, reader=diagnostics.read),
    "synergies": Source(synergies.transform),
    "workshops": Source(workshops.transform),
    "referentiel": Source(referentiel.transform),
    "plans": Source(transform_tet, reader=read_tet),
    "plan-form": Source(transform_form),
    "rdf": Source(rdf.transform, reader=rdf_triples.read),
    "geocode": Source(geocode.transform),
    "geometry": Source(geometry.transform, reader=geofiles.read),
}

