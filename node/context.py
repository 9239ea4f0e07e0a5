"""The running node: settings, store, naming, index and validator, built once and passed down.

No module-level singletons: the web app and every CLI command build a NodeContext with
`open_node(settings)` and close it when done.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox

from node import rdfio
from node.catalog_index import CatalogIndex
from node.config import Settings
from node.datasets import by_subject_index, reachable, split_records
from node.errors import ConfigError, InvalidRecord, ValidationFailed
from node.identity import CatalogConfig, catalogue_description
from node.records import Naming, PublishResult, publish
from node.store.base import GraphChange
from node.store.fairness import FairnessPolicy
from node.store.oxigraph import OxigraphStore
from vocab.namespaces import DCAT

log = logging.getLogger("ehds.node")
BUNDLED_CATALOGUE = "hdh-catalogue.ttl"
STORE_GRAPH = "urn:ehds-node:store"  # the store's own facts (its base URL), outside every base
_BASE_URL = ox.NamedNode("https://w3id.org/ehds-node/ns#baseUrl")
_CATALOG_LINKS = {str(DCAT.dataset), str(DCAT.record), str(DCAT.catalog)}


@dataclass
class NodeContext:
    settings: Settings
    store: object
    naming: Naming = field(init=False)
    index: CatalogIndex = field(init=False)

    def __post_init__(self):
        self.naming = Naming(self.settings.base_url)
        self.index = CatalogIndex(self.store)

    @cached_property
    def validator(self):
        from node.validation import Validator

        return Validator.for_profile(self.settings.validation_profile)

    def validate(self, triples):
        return self.validator.validate(triples)

    def close(self) -> None:
        self.store.close()


def open_node(settings: Settings, *, in_memory: bool = False) -> NodeContext:
    """Open the node's store; a new store gets the bundled HDH catalogue unless disabled."""
    logging.getLogger().setLevel(settings.log_level.upper())
    store = OxigraphStore(None if in_memory else Path(settings.data_dir) / "store",
                          query_policy=FairnessPolicy.from_settings(settings))
    ctx = NodeContext(settings, store)
    if not in_memory:
        from node.harvest import recover_interrupted_applies

        recover_interrupted_applies(store, settings.data_dir)  # also turns crashed runs into failed reports
    created = _check_store_identity(ctx)
    if settings.catalog is not None:  # a node of its own: its description, never the HDH's records
        _describe_catalogue(ctx, catalogue_description(settings.catalog, ctx.naming.catalog, settings.base_url))
    elif created and settings.load_bundled_catalogue:
        results = load_bundled_catalogue(ctx)
        log.info("loaded the bundled HDH catalogue: %d datasets", len(results))
    elif not store.has_graph(ctx.naming.catalog_graph):
        log.warning('{"event": "catalogue-not-described", "hint": "give the node its identity in [catalog]"}')
        _describe_catalogue(ctx, catalogue_description(PLACEHOLDER, ctx.naming.catalog, settings.base_url))
    return ctx


# What a node that was given no [catalog] and no bundled catalogue says of itself, until configured.
PLACEHOLDER = CatalogConfig(
    title=(("en", "Health data catalogue"),),
    description=(("en", "A node of the European Health Data Space. Its operator has not described it yet "
                        "(the [catalog] table of its configuration)."),),
    publisher_name="The operator of this node", publisher_email="operator@node.invalid")


def _describe_catalogue(ctx: NodeContext, description: list[ox.Triple]) -> None:
    """Write the catalogue's own description when it differs from the stored one."""
    if set(ctx.store.graph_triples(ctx.naming.catalog_graph)) != set(description):
        ctx.store.apply([GraphChange(ctx.naming.catalog_graph, tuple(description))])


def _check_store_identity(ctx: NodeContext) -> bool:
    """The base URL a store was created for is recorded in it; True when the store is new.

    Seeding and IRIs follow the store's creation, not the current settings: a store opened again
    with another base URL would mint a second set of IRIs (and used to get the bundled catalogue
    again), so that start stops with a message naming both URLs."""
    recorded = _recorded_base_url(ctx.store)
    created = recorded is None and not _legacy_base_url(ctx.store)
    if recorded is None:
        recorded = _legacy_base_url(ctx.store) or ctx.settings.base_url
        ctx.store.apply([GraphChange(STORE_GRAPH, (ox.Triple(ox.NamedNode(STORE_GRAPH), _BASE_URL,
                                                             ox.Literal(recorded)),))])
    if recorded != ctx.settings.base_url:
        ctx.close()
        raise ConfigError(f"the store in {ctx.settings.data_dir} was created for base_url {recorded}, not "
                          f"{ctx.settings.base_url}: its IRIs are under the first; start it with base_url = "
                          f"{recorded} (or export it and load the records into a new data directory)")
    return created


def _recorded_base_url(store) -> str | None:
    triples = store.graph_triples(STORE_GRAPH)
    return next((t.object.value for t in triples if t.predicate == _BASE_URL), None)


def _legacy_base_url(store) -> str | None:
    """Stores made before the base URL was recorded: the base of their catalogue graph."""
    suffix = "graph/catalog"
    return next((name[:-len(suffix)] for name in store.graph_names() if name.endswith(suffix)), None)


def load_bundled_catalogue(ctx: NodeContext) -> list[PublishResult]:
    data = files("node.data").joinpath(BUNDLED_CATALOGUE).read_bytes()
    triples = rdfio.parse_triples(data, "text/turtle", filename=BUNDLED_CATALOGUE, base_iri=ctx.settings.base_url)
    set_catalog_description(ctx, triples)
    return load_records(ctx, triples, source=BUNDLED_CATALOGUE)


def set_catalog_description(ctx: NodeContext, triples: list[ox.Triple]) -> None:
    """Keep the dcat:Catalog's own description (not its dataset links: records carry those)."""
    catalog = ox.NamedNode(ctx.naming.catalog)
    description = [t for t in _reachable_from(triples, catalog) if t.predicate.value not in _CATALOG_LINKS]
    if not description:
        raise InvalidRecord(f"no description of the catalogue <{catalog.value}> found")
    ctx.store.apply([GraphChange(ctx.naming.catalog_graph, tuple(description))])


def _reachable_from(triples: list[ox.Triple], start) -> list[ox.Triple]:
    return reachable(start, by_subject_index(t for t in triples if t.predicate.value not in _CATALOG_LINKS))


def load_records(ctx: NodeContext, triples: list[ox.Triple], *, source: str) -> list[PublishResult]:
    """Publish every dataset of a document; all are validated before any is written."""
    records = []
    for dataset, record_triples in split_records(triples):
        if not isinstance(dataset, ox.NamedNode):
            raise InvalidRecord(f"{source}: a dataset without an IRI cannot be loaded; give it an IRI")
        record_id = ctx.naming.record_id_for(dataset.value) or _foreign_record_id(dataset.value)
        records.append((record_id, dataset.value, record_triples))
    if not records:
        raise InvalidRecord(f"{source}: no dcat:Dataset found")
    reports = ctx.validator.validate_records((record_id, record_triples) for record_id, _, record_triples in records)
    failures = [(record_id, report) for record_id, report in reports.items() if not report.conforms]
    if failures:
        names = ", ".join(record_id for record_id, _ in failures)
        raise ValidationFailed(f"{source}: {len(failures)} record(s) do not conform ({names}); nothing was written",
                               failures[0][1], detail={"records": names})
    return [publish(ctx.store, ctx.naming, rid, rt, lambda _t, report=reports[rid]: report, dataset_iri=iri)
            for rid, iri, rt in records]


def _foreign_record_id(dataset_iri: str) -> str:
    """A stable, readable id for a dataset whose IRI is not under our base URL."""
    import hashlib
    import re

    tail = re.sub(r"[^A-Za-z0-9._-]+", "-", dataset_iri.rstrip("/#").rsplit("/", 1)[-1]).strip("-._")[:60]
    digest = hashlib.sha1(dataset_iri.encode()).hexdigest()[:10]
    return f"{tail or 'dataset'}-{digest}"
