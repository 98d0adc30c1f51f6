"""The shapes of the facts the read side (:mod:`eitgraph.graphread`) gives: an organisation with where it
is, an exchange between two organisations, a diagnostic flow of a site."""

from __future__ import annotations

from typing import TypedDict


class Organisation(TypedDict):
    id: str
    name: str | None
    kind: str | None
    siret: str | None
    naf: str | None
    naf_label: str | None
    naf_section: str | None
    filiere: str | None
    lat: float | None
    lon: float | None
    coordinates_approximate: bool | None  # placed only roughly (geocoded to a street or a commune)
    territory: str | None  # the territory it is LOCATED_IN (a commune, as loaders write it)
    commune: str | None  # that territory when it is a commune…
    commune_name: str | None
    epci: str | None  # … and the EPCI the commune is part of
    epci_name: str | None
    commune_lat: float | None  # the centroid of its commune's outline (geometry files), when loaded
    commune_lon: float | None


class Exchange(TypedDict):
    """A SUPPLIES edge: one material from one organisation to another."""

    source: str
    target: str
    material: str | None
    label: str | None
    category: str | None
    quantity: float | None
    unit: str | None
    status: str | None  # existing | planned | potential


class Flow(TypedDict):
    """A diagnostic flow (OUTPUTS / INPUTS) of a site, with the site's name and coordinates."""

    id: str
    name: str | None
    lat: float | None
    lon: float | None
    direction: str  # out | in
    material: str
    label: str | None
    category: str | None
    quantity: float | None
    unit: str | None
    partner: str | None
    treatment: str | None
