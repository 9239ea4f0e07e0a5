"""The running node: settings, store, naming, index and validator, built once and passed down.

No module-level singletons: the web app and every CLI command build a NodeContext with
`open_node(settings)` and close it when done.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox

from node import creation, rdfio
from node.catalog_index import CatalogIndex
from node.config import Settings
from node.datasets import by_subject_index, reachable, split_records
from node.errors import ConfigError, InvalidRecord, ValidationFailed
from node.identity import catalog_description
from node.records import Naming, PublishResult, check_not_held_elsewhere, now_iso, publish
from node.store.base import GraphChange
from node.store.fairness import FairnessPolicy
from node.store.oxigraph import OxigraphStore
from node.store.records import RecordStore
from vocab.namespaces import DCAT

log = logging.getLogger("ehds.node")
BUNDLED_CATALOGUE = "hdh-catalogue.ttl"
_CATALOG_LINKS = {str(DCAT.dataset), str(DCAT.record), str(DCAT.catalog)}


@dataclass
class NodeContext:
    settings: Settings
    store: RecordStore
    naming: Naming = field(init=False)
    index: CatalogIndex = field(init=False)

    def __post_init__(self):
        self.naming = self.store.naming
        self.index = CatalogIndex(self.store)

    @cached_property
    def validator(self):
        from node.validation import Validator

        return Validator.for_profile(self.settings.validation_profile)

    def validate(self, triples):
        return self.validator.validate(triples)

    def close(self) -> None:
        self.store.close()


def open_node(settings: Settings, *, in_memory: bool = False, read_only: bool = False) -> NodeContext:
    """Open the node's store and write the catalogue's own description (from the configuration).

    A new store is seeded with the bundled HDH records when `settings.load_bundled_catalogue` (only
    `serve` leaves it on: node.cli.settings_from_args); an existing store is never seeded, and must
    have been created for the configured base URL. `read_only` (export, review: commands that only read)
    opens an existing embedded store beside a running `serve` and writes nothing, not even recovery."""
    store = RecordStore(_open_backend(settings, in_memory, read_only), Naming(settings.base_url))
    ctx = NodeContext(settings, store)
    if read_only:
        try:
            creation.check_base_url(ctx.store, settings.base_url, settings.data_dir)
        except BaseException:
            store.close()
            raise
        return ctx
    if not in_memory:
        from node.harvest import recover_interrupted_applies

        recover_interrupted_applies(store, settings.data_dir)
    try:
        _check_or_create(ctx)
        write_catalog_description(ctx)
        if hasattr(store.backend, "check_union_default_graph"):  # a remote store: its queries need the union
            store.backend.check_union_default_graph(ctx.naming.catalog_graph)
        _prune_old_changes(ctx)
    except BaseException:
        store.close()
        raise
    return ctx


def _open_backend(settings: Settings, in_memory: bool, read_only: bool = False):
    """The embedded Oxigraph store (in data_dir, or in memory), or a SPARQL 1.1 server (store = "sparql")."""
    if settings.store == "sparql" and not in_memory:
        from node.store.remote import open_remote

        _make_data_directory(settings.data_dir)  # the store is elsewhere; harvest state and server.json are here
        return open_remote(settings)  # readers and writers share the server: nothing to open read-only
    return OxigraphStore(None if in_memory else Path(settings.data_dir) / "store",
                         query_policy=FairnessPolicy.from_settings(settings), read_only=read_only and not in_memory)


def _make_data_directory(path) -> None:
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ConfigError(f"cannot create the data directory {path}: a file is in the way") from None
    except OSError as err:
        raise ConfigError(f"cannot create the data directory {path}: {err.strerror or err}") from None


def _check_or_create(ctx: NodeContext) -> None:
    settings = ctx.settings
    if creation.created_for(ctx.store) is not None:
        creation.check_base_url(ctx.store, settings.base_url, settings.data_dir)
        return
    if not settings.load_bundled_catalogue:
        ctx.store.apply([creation.creation_record(settings.base_url, now_iso(), None)])
        return
    # the seed and the creation record in one transaction: a start cut short leaves a new store
    record = creation.creation_record(settings.base_url, now_iso(), BUNDLED_CATALOGUE)
    results = load_records(ctx, _bundled_triples(settings.base_url), source=BUNDLED_CATALOGUE, also=[record])
    log.info("new store: loaded the bundled HDH catalogue, %d datasets", len(results))


def _prune_old_changes(ctx: NodeContext) -> None:
    """Retention of the change log (feed and history): entries older than change_retention_days go."""
    from datetime import datetime, timedelta, timezone

    from node.store.changelog import timestamp

    cutoff = timestamp(datetime.now(timezone.utc) - timedelta(days=ctx.settings.change_retention_days))
    pruned = ctx.store.prune_changes(cutoff)
    if pruned:
        log.info("change log: %d entries older than %d days pruned", pruned, ctx.settings.change_retention_days)


def _bundled_triples(base_url: str) -> list[ox.Triple]:
    return list(_parsed_bundled(base_url))


@lru_cache(maxsize=4)
def _parsed_bundled(base_url: str) -> tuple[ox.Triple, ...]:
    """Parsed once per base URL: every start reads the HDH identity from it when [catalog] is absent."""
    data = files("node.data").joinpath(BUNDLED_CATALOGUE).read_bytes()
    return tuple(rdfio.parse_triples(data, "text/turtle", filename=BUNDLED_CATALOGUE, base_iri=base_url))


def write_catalog_description(ctx: NodeContext) -> None:
    """The dcat:Catalog's own description: the `[catalog]` table, else the bundled HDH identity.
    Rewritten only when it changed, so that several processes can open the same store."""
    if ctx.settings.catalog is not None:
        description = catalog_description(ctx.settings.catalog, ctx.naming.catalog, ctx.settings.base_url)
    else:
        description = bundled_catalog_description(ctx.naming.catalog, _bundled_triples(ctx.settings.base_url))
    if set(ctx.store.graph_triples(ctx.naming.catalog_graph)) != set(description):
        ctx.store.apply([GraphChange(ctx.naming.catalog_graph, tuple(description))])


def set_catalog_description(ctx: NodeContext, triples: list[ox.Triple]) -> None:
    """Keep the dcat:Catalog's own description found in a document (not its dataset links)."""
    description = bundled_catalog_description(ctx.naming.catalog, triples)
    ctx.store.apply([GraphChange(ctx.naming.catalog_graph, tuple(description))])


def bundled_catalog_description(catalog_iri: str, triples: list[ox.Triple]) -> list[ox.Triple]:
    catalog = ox.NamedNode(catalog_iri)
    description = [t for t in _reachable_from(triples, catalog) if t.predicate.value not in _CATALOG_LINKS]
    if not description:
        raise InvalidRecord(f"no description of the catalogue <{catalog.value}> found")
    return description


def _reachable_from(triples: list[ox.Triple], start) -> list[ox.Triple]:
    return reachable(start, by_subject_index(t for t in triples if t.predicate.value not in _CATALOG_LINKS))


class _OneTransaction:
    """The store, with writes collected instead of applied: several records then go in one apply."""

    def __init__(self, store):
        self._store, self._changes = store, {}

    def __getattr__(self, name):
        return getattr(self._store, name)

    def apply(self, changes) -> None:
        for change in changes:  # the last change of a graph wins (a record after a shared-resource update)
            self._changes.pop(change.name, None)
            self._changes[change.name] = change

    @property
    def changes(self) -> list:
        return list(self._changes.values())

    @property
    def pending_graphs(self) -> frozenset:
        return frozenset(self._changes)


def load_records(ctx: NodeContext, triples: list[ox.Triple], *, source: str,
                 also: list[GraphChange] = ()) -> list[PublishResult]:
    """Publish every dataset of a document: all are validated first, then written in one transaction
    (with `also`), so a file is loaded whole or not at all."""
    return write_records(ctx, checked_records(ctx, triples, source=source), also=also)


@dataclass(frozen=True)
class CheckedRecords:
    """A document's records, each (id, dataset IRI, triples), all validated: ready for one write."""

    records: list[tuple[str, str, list[ox.Triple]]]
    reports: dict


def checked_records(ctx: NodeContext, triples: list[ox.Triple], *, source: str) -> CheckedRecords:
    """The checks of load_records, before anything is written (a caller can tell the two steps apart:
    `ehds-node load` says truly whether a Ctrl-C came before or after the write)."""
    records = []
    for dataset, record_triples in split_records(triples):
        if not isinstance(dataset, ox.NamedNode):
            raise InvalidRecord(f"{source}: a dataset without an IRI cannot be loaded; give it an IRI")
        record_id = ctx.naming.record_id_for(dataset.value) or _foreign_record_id(dataset.value)
        records.append((record_id, dataset.value, record_triples))
    if not records:
        raise InvalidRecord(f"{source}: no dcat:Dataset found")
    for record_id, dataset_iri, _ in records:  # before any write: a refused file writes nothing
        check_not_held_elsewhere(ctx.store, ctx.naming, record_id, dataset_iri)
    reports = ctx.validator.validate_records((record_id, record_triples) for record_id, _, record_triples in records)
    failures = [(record_id, report) for record_id, report in reports.items() if not report.conforms]
    if failures:
        names = ", ".join(record_id for record_id, _ in failures)
        raise ValidationFailed(f"{source}: {len(failures)} record(s) do not conform ({names}); nothing was written",
                               failures[0][1], detail={"records": names})
    return CheckedRecords(records, reports)


def write_records(ctx: NodeContext, checked: CheckedRecords, *, also: list[GraphChange] = ()) -> list[PublishResult]:
    """Write checked records (with `also`) in one transaction."""
    batch = _OneTransaction(ctx.store)
    results = [publish(batch, ctx.naming, rid, rt, lambda _t, report=checked.reports[rid]: report, dataset_iri=iri)
               for rid, iri, rt in checked.records]
    ctx.store.apply(batch.changes + list(also))
    return results


def _foreign_record_id(dataset_iri: str) -> str:
    """A stable, readable id for a dataset whose IRI is not under our base URL."""
    import hashlib
    import re

    tail = re.sub(r"[^A-Za-z0-9._-]+", "-", dataset_iri.rstrip("/#").rsplit("/", 1)[-1]).strip("-._")[:60]
    digest = hashlib.sha1(dataset_iri.encode()).hexdigest()[:10]
    return f"{tail or 'dataset'}-{digest}"
