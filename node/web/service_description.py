"""SPARQL 1.1 Service Description of /sparql, with VoID statistics of the catalogue.

Statistics (triples, datasets, graphs) cost a scan of the store: they are computed once per
store generation and kept on the app (`app.extensions`), not in a module global.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from flask import current_app

from vocab.namespaces import DCAT, DCTERMS, RDF, RDFS, SD, VOID, XSD

FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "JSON-LD", "RDF_XML", "N-Triples")
_EXTENSION_KEY = "ehds.sparql.statistics"
OAI_PMH = "http://www.openarchives.org/OAI/2.0/openarchivesprotocol.htm"  # the protocol /oai speaks


@dataclass(frozen=True)
class Statistics:
    generation: int
    triples: int
    datasets: int
    graphs: int


def statistics(ctx) -> Statistics:
    cache = current_app.extensions.setdefault(_EXTENSION_KEY, {})
    generation = ctx.store.generation
    if cache.get("value") is None or cache["value"].generation != generation:
        rows = ctx.store.select(f"SELECT (COUNT(DISTINCT ?d) AS ?n) {{ ?d a <{DCAT.Dataset}> }}")
        datasets = int(rows[0]["n"].value) if rows else 0
        graphs = sum(1 for _ in ctx.store.graph_names())
        cache["value"] = Statistics(generation, ctx.store.triple_count(), datasets, graphs)
    return cache["value"]


def _n(name) -> ox.NamedNode:
    return ox.NamedNode(str(name))


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(XSD.integer))


def description_triples(ctx) -> list[ox.Triple]:
    base = ctx.naming.base_url
    endpoint, service = _n(base + "sparql"), _n(base + "sparql#service")
    dataset, default_graph = _n(base + "void#catalogue"), ox.BlankNode("defaultGraph")
    stats = statistics(ctx)
    t = [
        (service, _n(RDF.type), _n(SD.Service)),
        (service, _n(SD.endpoint), endpoint),
        (service, _n(SD.supportedLanguage), _n(SD.SPARQL11Query)),
        (service, _n(SD.defaultDataset), dataset),
        (dataset, _n(RDF.type), _n(SD.Dataset)),
        (dataset, _n(SD.defaultGraph), default_graph),
        (default_graph, _n(RDF.type), _n(SD.Graph)),
        (default_graph, _n(VOID.triples), _int(stats.triples)),
        *[(service, _n(SD.resultFormat), _n(FORMATS + name)) for name in RESULT_FORMATS],
    ]
    if ctx.settings.sparql_union_default_graph:
        t.append((service, _n(SD.feature), _n(SD.UnionDefaultGraph)))
    if ctx.settings.sparql_service_allowlist:
        t.append((service, _n(SD.feature), _n(SD.BasicFederatedQuery)))
    return [ox.Triple(*triple) for triple in t] + void_triples(ctx)


def void_triples(ctx) -> list[ox.Triple]:
    base = ctx.naming.base_url
    dataset, partition = _n(base + "void#catalogue"), ox.BlankNode("datasets")
    stats = statistics(ctx)
    t = [
        (dataset, _n(RDF.type), _n(VOID.Dataset)),
        (dataset, _n(DCTERMS.title), ox.Literal("Catalogue of this ehds-node (all local and harvested records)")),
        (dataset, _n(VOID.sparqlEndpoint), _n(base + "sparql")),
        (dataset, _n(VOID.rootResource), _n(ctx.naming.catalog)),
        (dataset, _n(VOID.triples), _int(stats.triples)),
        (dataset, _n(VOID.documents), _int(stats.graphs)),
        (dataset, _n(VOID.classPartition), partition),
        (partition, _n(VOID["class"]), _n(DCAT.Dataset)),
        (partition, _n(VOID.entities), _int(stats.datasets)),
        (dataset, _n(VOID.vocabulary), _n(DCAT)),
        (dataset, _n(VOID.vocabulary), _n("http://healthdataportal.eu/ns/health#")),
        (dataset, _n(RDFS.seeAlso), _n(base + "feed")),  # every change, deletions too (docs/feed.md)
        (_n(base + "feed"), _n(RDF.type), _n("https://w3id.org/ldes#EventStream")),
        (dataset, _n(RDFS.seeAlso), _n(base + "oai")),  # the same records by OAI-PMH (docs/oai-pmh.md)
        (_n(base + "oai"), _n(DCTERMS.conformsTo), _n(OAI_PMH)),
    ]
    return [ox.Triple(*triple) for triple in t]
