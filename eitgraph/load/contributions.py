"""What each dataset says about a node or relationship, and how the graph's values follow from it.

Several datasets may write the same element (an organisation named by a stakeholder list, a SIRENE
extract and a diagnostic). Each dataset's *contribution* — its properties and sub-labels — is kept,
and the element's values are merged from the contributions in a fixed order of precedence (the kind
of the dataset, then its id), never in the order the files were loaded. So loading, reloading or
dropping any dataset leaves every element exactly as a fresh load of the remaining files would.

An element written by one dataset holds that dataset's contribution as its own properties; an
element written by several also keeps every contribution in ``contributions`` (JSON), so that a
dataset can let go of it and the others' values come back.

>>> a = Contribution({"name": "Suez", "kind": "waste_operator"}, ("WasteOperator",))
>>> b = Contribution({"name": "SUEZ RV Nord-Est", "siret": "41163939500019"}, ())
>>> merged = merge({"diagnostics:d": a, "stakeholders:s": b}, ["stakeholders:s", "diagnostics:d"])
>>> merged.props["name"], merged.props["siret"], merged.labels
('SUEZ RV Nord-Est', '41163939500019', ('WasteOperator',))
>>> decode(encode({"diagnostics:d": a})) == {"diagnostics:d": a}
True
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model.graph import PROVENANCE


@dataclass(frozen=True)
class Contribution:
    """What one dataset writes on one element: property values (no nulls) and sub-labels."""

    props: Mapping[str, Any]
    labels: tuple[str, ...] = ()
    where: str = ""  # file and row it comes from, for messages (kept for organisations)

    def __post_init__(self):
        object.__setattr__(self, "props", {k: v for k, v in self.props.items() if v is not None and v != []})
        object.__setattr__(self, "labels", tuple(sorted(set(self.labels))))


@dataclass
class Merged:
    props: dict[str, Any]
    labels: tuple[str, ...]
    sources: list[str] = field(default_factory=list)

    @property
    def source(self) -> str | None:
        """The dataset whose values come first (the element's main source)."""
        return self.sources[0] if self.sources else None


def merge(contribs: Mapping[str, Contribution], order: Iterable[str]) -> Merged:
    """Values of an element from its contributions: for each property, the value of the first
    dataset in ``order`` that gives one; the sub-labels of the first dataset that gives any."""
    order = [d for d in order if d in contribs]
    props: dict[str, Any] = {}
    labels: tuple[str, ...] = ()
    for d in order:
        for k, v in contribs[d].props.items():
            props.setdefault(k, v)
        if not labels and contribs[d].labels:
            labels = contribs[d].labels
    return Merged(props, labels, order)


def conflicts(contribs: Mapping[str, Contribution], order: Iterable[str]) -> dict[str, list[tuple[str, Any]]]:
    """Properties on which datasets disagree: name -> [(dataset, value)] in order of precedence."""
    seen: dict[str, list[tuple[str, Any]]] = {}
    for d in order:
        if d in contribs:
            for k, v in contribs[d].props.items():
                seen.setdefault(k, []).append((d, v))
    return {k: v for k, v in seen.items() if len({_hashable(x) for _, x in v}) > 1}


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


# -- storage -------------------------------------------------------------------------------------
def encode_value(value: Any) -> Any:
    """JSON for the values a contribution may hold (dates as tagged strings)."""
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    raise TypeError(f"cannot store {type(value).__name__} in a contribution")


def _hook(obj: dict) -> Any:
    if len(obj) == 1:
        if "$d" in obj:
            return dt.date.fromisoformat(obj["$d"])
        if "$dt" in obj:
            return dt.datetime.fromisoformat(obj["$dt"])
    return obj


def encode(contribs: Mapping[str, Contribution]) -> str:
    """The ``contributions`` property: JSON, sorted, dates kept as dates."""
    data = {d: {"p": dict(sorted(c.props.items())), "l": list(c.labels), **({"w": c.where} if c.where else {})}
            for d, c in sorted(contribs.items())}
    return json.dumps(data, default=encode_value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def decode(text: str) -> dict[str, Contribution]:
    data = json.loads(text, object_hook=_hook)
    return {d: Contribution(v["p"], tuple(v["l"]), v.get("w", "")) for d, v in data.items()}


def stored_props(merged: Merged, contribs: Mapping[str, Contribution], loaded_at: str,
                 keep_contributions: bool = False) -> dict[str, Any]:
    """The full property map written on an element (values and provenance)."""
    out = dict(merged.props)
    out["sources"] = list(merged.sources)
    out["source"] = merged.source
    out["loaded_at"] = loaded_at
    if keep_contributions or len(contribs) > 1:
        out["contributions"] = encode(contribs)
    return out


def contributions_of(props: Mapping[str, Any], derived: Iterable[str] = (),
                     key: str | None = None) -> dict[str, Contribution] | None:
    """The contributions an element holds: its ``contributions`` property, or, for an element
    of one dataset, its own values (without ``derived`` ones). The ``key`` property is the
    element's identity, never a contribution. ``None`` when the element was not written by eitgraph."""
    skip = set(PROVENANCE) | set(derived) | {key}
    if props.get("contributions"):
        return {d: Contribution({k: v for k, v in c.props.items() if k != key}, c.labels, c.where)
                for d, c in decode(props["contributions"]).items()}
    sources = props.get("sources") or []
    if len(sources) != 1:
        return None if not sources else {}
    return {sources[0]: Contribution({k: v for k, v in props.items() if k not in skip}, ())}
