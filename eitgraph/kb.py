"""The knowledge base: the Python API that scripts, notebooks and the CLI share.

>>> import eitgraph, tempfile                                   # doctest: +SKIP
>>> with eitgraph.open(data_dir=tempfile.mkdtemp()) as kb:      # doctest: +SKIP
...     kb.load_manifest(eitgraph.example_manifest())
...     kb.query("communes", epci="200036465")                  # a DataFrame of 16 communes
"""

from __future__ import annotations

import functools
import warnings
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from . import shipped
from .config import StoreConfig
from .errors import ConfigError, QueryError, StoreError
from .graphread import PENDING_DATASETS, GraphRead
from .model.graph import Model, load_model
from .store import Store

# The rest (pandas, the analytics, maps, loaders) is imported by the method that needs it: a short
# command such as ``eitgraph status`` then starts in a fraction of a second.
if TYPE_CHECKING:
    import pandas as pd

    from .catalogue import Catalogue
    from .load.loading import Loader, LoadReport, Progress
    from .present.page import HtmlPage


class SchemaWarning(UserWarning):
    """The store lacks constraints or indexes of the model and this user may not create them."""


class KnowledgeBase:
    """A graph store with the eitgraph model, loaders and query catalogue."""

    def __init__(self, config: StoreConfig, model: Model | None = None, catalogue: Catalogue | None = None):
        self.config = config
        self.model = model or load_model()
        if catalogue is not None:
            self.catalogue = catalogue
        self.store = Store(config)
        try:
            self._schema_on_first_use()
        except BaseException:
            self.store.close()
            raise
        # What analytics, views and exports read.
        self.graph = GraphRead(self.store.records, self.model, raw=functools.partial(self.store.records, convert=False))
        # A load written in several transactions was interrupted (see eitgraph.load.pending): put it back.
        if self.store.records(PENDING_DATASETS + " LIMIT 1", leader=True):
            self.loader.recover()

    @cached_property
    def catalogue(self) -> Catalogue:
        from .catalogue import Catalogue

        return Catalogue()

    @cached_property
    def loader(self) -> Loader:
        from .load.filestore import FileStore
        from .load.loading import Loader

        return Loader(self.store, self.model, files=FileStore(self.config.data_dir / "files"))

    # -- schema -----------------------------------------------------------------
    def missing_schema(self) -> list[str]:
        """The statements of the model's constraints and indexes the store lacks (two quick reads)."""
        existing = {r["name"] for r in self.store.records("SHOW CONSTRAINTS YIELD name RETURN name")}
        existing |= {r["name"] for r in self.store.records("SHOW INDEXES YIELD name RETURN name")}
        return [stmt for stmt in self.model.schema_statements() if stmt.split()[2] not in existing]

    def init(self) -> list[str]:
        """Apply the constraints and indexes the model declares and drop the indexes eitgraph no longer
        uses; returns the statements that were run. Needs schema rights on a Neo4j server."""
        applied = []
        for stmt in self.missing_schema():
            self.store.execute(stmt)
            applied.append(stmt)
        existing = {r["name"] for r in self.store.records("SHOW INDEXES YIELD name RETURN name")}
        for name in sorted(existing & set(self.model.obsolete_indexes())):
            stmt = f"DROP INDEX {name} IF EXISTS"
            self.store.execute(stmt)
            applied.append(stmt)
        return applied

    def _schema_on_first_use(self) -> None:
        """Every open checks the schema (quickly); what is missing is created when this user may, and is
        otherwise a warning that says to run ``eitgraph init`` as an administrator."""
        missing = self.missing_schema()
        if not missing:
            return
        try:
            for stmt in missing:
                self.store.execute(stmt)
        except StoreError as exc:
            if not _forbidden(exc):
                raise
            names = ", ".join(stmt.split()[2] for stmt in missing[:4]) + (", …" if len(missing) > 4 else "")
            warnings.warn(f"{self.config.describe()} lacks {len(missing)} constraint(s) and index(es) of the "
                          f"model ({names}) and this user may not create them: run 'eitgraph init' as an "
                          "administrator of the database. Loads are slower and duplicate keys are not refused "
                          "until then.", SchemaWarning, stacklevel=3)

    # -- loading ----------------------------------------------------------------
    def load(self, kind: str, path: str | Path, /, *, dataset_id: str | None = None, dry_run: bool = False,
             sheet: str | None = None, encoding: str | None = None, delimiter: str | None = None,
             force: bool = False, strict: bool = False, on_error: str = "stop", errors_file=None,
             progress: Progress | None = None, header_row: int | None = None, **options) -> LoadReport:
        """Load one file of a source kind (see ``loaders/``); loader options as keyword arguments.

        Validation happens before any write; the write is one transaction; reloading
        an unchanged file does nothing, reloading an edited one replaces what it wrote.
        """
        return self.loader.load(kind, path, options=options, dataset_id=dataset_id, dry_run=dry_run,
                                sheet=sheet, encoding=encoding, delimiter=delimiter, progress=progress,
                                force=force, strict=strict, on_error=on_error, errors_file=errors_file,
                                header_row=header_row)

    def datasets(self, include_dropped: bool = False) -> list[dict]:
        """The datasets loaded: id, kind, file, rows, when, checksum, what each holds, warnings, versions."""
        return self.loader.datasets(include_dropped)

    def history(self, dataset_id: str) -> list[dict]:
        """Every load, drop and undo of a dataset, oldest first (file, checksum, options, kept copy)."""
        return self.loader.history(dataset_id)

    def drop(self, dataset_id: str, *, dry_run: bool = False, force: bool = False) -> LoadReport:
        """Remove a dataset: what only it holds is deleted, what others also hold keeps their values.
        The deletion cap applies (``force`` lifts it); nodes other datasets still link to are never
        removed without ``force``."""
        return self.loader.drop(dataset_id, dry_run=dry_run, force=force)

    def duplicates(self, cutoff: float = 0.85) -> pd.DataFrame:
        """Pairs of organisations that are probably one (same name, close names), for review."""
        from .load.duplicates import probable_duplicates

        return probable_duplicates(self.store, cutoff)

    def merge(self, keep: str, other: str) -> dict:
        """Make one organisation of two (ids): ``other``'s contributions and relationships move to
        ``keep``; later loads of files naming ``other`` name ``keep``."""
        from .load.duplicates import merge as merge_organisations

        return merge_organisations(self.loader, keep, other)

    def undo(self, *, dry_run: bool = False) -> LoadReport:
        """Put back the previous version of the dataset changed last (from the copy kept in the data
        folder), or remove it if it had none."""
        return self.loader.undo(dry_run=dry_run)

    def load_manifest(self, path: str | Path, progress=None, dry_run: bool = False) -> list[LoadReport]:
        """Load every dataset a manifest lists, in order (see ``examples/thur-doller/manifest.yaml``)."""
        import yaml

        path = Path(path)
        try:
            manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read the manifest: {exc}") from None
        reports = []
        for i, entry in enumerate(manifest.get("datasets", []), start=1):
            if "kind" not in entry or "file" not in entry:
                raise ConfigError(f"{path}: dataset #{i} needs 'kind' and 'file'")
            reports.append(self.load(
                entry["kind"], _manifest_file(path, entry["file"]), dataset_id=entry.get("dataset"),
                sheet=entry.get("sheet"), dry_run=dry_run,
                progress=progress(entry) if progress else None, **(entry.get("options") or {})))
        return reports

    # -- questions --------------------------------------------------------------
    def query(self, name: str, engine: str | None = None, **params) -> pd.DataFrame:
        """Run a catalogue query (or a ``.cypher`` file) with its declared parameters.

        Queries with a Python implementation use it; ``engine="cypher"`` runs their Cypher text instead.
        """
        from .analytics.queries import PYTHON_QUERIES

        q = self.catalogue.get(name)
        bound = q.bind(params)
        if engine not in (None, "python", "cypher"):
            raise QueryError(f"engine must be 'python' or 'cypher', not {engine!r}")
        if q.python and engine != "cypher":
            if q.name not in PYTHON_QUERIES:
                raise QueryError(f"query {q.name!r} says engine: python but eitgraph.analytics.queries registers "
                                 "no function for it; run it with engine='cypher'")
            return PYTHON_QUERIES[q.name](self.graph, **bound)
        if engine == "python":
            raise QueryError(f"query {q.name!r} has no Python implementation")
        return self.store.frame(q.cypher, bound, read=True)

    def cypher(self, text: str, **params) -> pd.DataFrame:
        """Run any Cypher text; values only as parameters."""
        return self.store.frame(text, params)

    def status(self) -> dict:
        """Counts per label and relationship type, datasets loaded, and where the store is."""
        counts, rels = self.graph.counts()
        datasets = [{"dataset": d["id"], "kind": d["kind"], "file": d["file"], "rows": d["rows"],
                     "loaded_at": d["loaded_at"], "sha256": (d["sha256"] or "")[:12]} for d in self.graph.datasets()]
        return {"store": self.config.describe(), "nodes": counts, "relationships": rels, "datasets": datasets,
                "without_coordinates": self.graph.without_coordinates()}

    def geocode(self, url: str | None = None, min_score: float = 0.5, progress=None, dry_run: bool = False):
        """Coordinates from the national address base for the organisations without any (see
        :mod:`eitgraph.load.geocoding`), loaded as the dataset ``geocode:ban``."""
        from .load.geocoding import geocode

        return geocode(self, url=url, min_score=min_score, progress=progress, dry_run=dry_run)

    # -- life cycle ---------------------------------------------------------------
    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- maps -----------------------------------------------------------------------
    def map(self, view: str = "ecosystem", out: str | Path | None = None, **options) -> HtmlPage | Path:
        """An interactive, self-contained HTML map of a view (see :func:`eitgraph.maps.build_map` for the
        views and options: territory, category, lang, anonymize, geo, max_nodes…): written to ``out`` and
        its path returned; without ``out``, the page itself (its HTML as a ``str`` that shows inline in
        Jupyter)."""
        from .maps import build_map, write_map

        if out is not None:
            return write_map(self.graph, view, out=out, **options)
        return build_map(self.graph, view, **options)

    # -- programme indicators ---------------------------------------------------------
    def indicators(self, territory: str | None = None, lang: str = "fr") -> pd.DataFrame:
        """Korhonen's four principles, the exchange network analysis, the evaluation and référentiel
        indicators and the data coverage of a territory, one row per figure with its definition
        (see :func:`eitgraph.analytics.indicators.indicators`)."""
        from .analytics.indicators import indicators

        return indicators(self.graph, territory=territory, lang=lang)

    def report(self, out: str | Path | None = None, territory: str | None = None, lang: str = "fr",
               previous: str | Path | None = None) -> Path | HtmlPage:
        """The COPIL report of a territory: written to ``out`` (HTML, or a PDF when it ends in ``.pdf``) and
        its path returned; without ``out``, the page itself (it shows inline in Jupyter). ``previous`` is
        an earlier report, to show what moved since."""
        from .present.page import HtmlPage
        from .report import build_report, write_report
        from .report.sections import read_previous

        if out is None:
            return HtmlPage(build_report(self.graph, territory=territory, lang=lang,
                                         previous=read_previous(previous)), height=900)
        return write_report(self.graph, out, territory=territory, lang=lang, previous=previous)

    def dossier(self, out: str | Path, territory: str | None = None, lang: str = "fr") -> Path:
        """The COPIL dossier: one Excel workbook (``out``) with the indicators, synergy leads, stakeholder
        matrix, flows by category, loops and plan actions of a territory, a formatted sheet each, headers
        and coded values in ``lang`` (see :mod:`eitgraph.report.dossier`); returns its path."""
        from .report.dossier import write_dossier

        return write_dossier(out, self.query, self.indicators, territory=territory, lang=lang)

    def to_networkx(self, view: str = "ecosystem", territory: str | None = None, category: str | None = None):
        """A view of the graph as a :class:`networkx.MultiDiGraph` (the map views: ecosystem, material,
        loops, synergies, plans); nodes and edges keep their facts as attributes. Back to DataFrames with
        :func:`eitgraph.analytics.graphs.to_frames`."""
        from .analytics.graphs import view_graph

        return view_graph(self.graph, view, territory=territory, category=category)

    # -- linked data ----------------------------------------------------------------
    def to_rdf(self, territory: str | None = None, anonymize: bool = False, provenance: bool = True):
        """The graph as an :class:`rdflib.Graph` in the eitgraph vocabulary (``schema/vocabulary.ttl``).

        ``territory`` keeps what lies in that territory (see :func:`eitgraph.rdf.export.to_rdf`);
        ``anonymize`` applies the anonymisation policy of every output (:mod:`eitgraph.present.anonymity`);
        ``provenance`` adds the datasets and ``prov:wasDerivedFrom`` links."""
        from .rdf.export import to_rdf

        return to_rdf(self.graph, territory=territory, anonymize=anonymize, provenance=provenance)


def _forbidden(exc: StoreError) -> bool:
    """A refusal for lack of rights (Neo4j's ``Neo.ClientError.Security.Forbidden``), not another error."""
    from neo4j.exceptions import Forbidden

    cause = exc.__cause__
    return isinstance(cause, Forbidden) or "Security.Forbidden" in str(getattr(cause, "code", ""))


def _manifest_file(manifest: Path, name: str) -> Path:
    """Files are relative to the manifest; ``reference:NAME`` is a shipped reference file."""
    if name.startswith("reference:"):
        return shipped.path("reference", name.split(":", 1)[1])
    return (manifest.parent / name).resolve()


def example_manifest(name: str = "thur-doller") -> Path:
    """The manifest of a shipped example dataset."""
    return shipped.path("examples", name, "manifest.yaml")


