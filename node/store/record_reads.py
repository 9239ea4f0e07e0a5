"""Record-level reads of the record store: what the rest of the node asks of stored records.

Each is one or two index lookups (a fixed graph, predicate or object), never a scan of the store, so
they cost the same on the embedded store and, as SELECTs, on a remote one. The exception,
latest_changes, reads the change log's record-graph statements once, for /oai's listing.
"""

from __future__ import annotations

from typing import Iterator

import pyoxigraph as ox

from node.datasets import publishable
from node.store import changelog
from vocab.namespaces import DCAT, DCTERMS, EHDS, PROV

PUBLISHED_FORM = ox.NamedNode(str(EHDS.publishedForm))
INDEXED_DATASET = ox.NamedNode(str(EHDS.dataset))
IDENTIFIER = ox.NamedNode(str(EHDS.identifier))
CONTENT_HASH = ox.NamedNode(str(EHDS.contentHash))
_ISSUED = ox.NamedNode(str(DCTERMS.issued))
_DCAT_CATALOG = ox.NamedNode(str(DCAT.catalog))
_PUBLISHER = ox.NamedNode(str(DCTERMS.publisher))
LOCAL_DESCRIPTION = ox.NamedNode(str(EHDS.localDescription))


class RecordReads:
    """Needs `self.backend` (a quad store backend) and `self.naming` (node.store.naming.Naming)."""

    def latest_changes(self) -> dict[str, tuple[int, str]]:
        """graph -> (sequence, time) of each record graph's newest change-log entry, deletions included:
        one scan of the log's record-graph statements, then one time lookup per graph (no payloads). For
        readers that index the whole log once (/oai, node/oai/listing.py); later entries: changes()."""
        base = self.naming.base_url
        newest: dict[str, tuple[int, ox.NamedNode]] = {}
        for quad in self.backend.quads(None, changelog.GRAPH, None, None):
            sequence = changelog.sequence_of(base, quad.subject.value)
            if sequence is not None and quad.graph_name == quad.subject:
                graph = quad.object.value
                if newest.get(graph, (0,))[0] < sequence:
                    newest[graph] = (sequence, quad.subject)
        found = {}
        for graph, (sequence, entry) in newest.items():
            published = next(iter(self.backend.quads(entry, changelog.AS_PUBLISHED, None, entry)), None)
            if published is not None:
                found[graph] = (sequence, changelog.canonical_time(published.object.value))
        return found

    def graph_triples(self, name: str) -> list[ox.Triple]:
        return self.backend.graph_triples(name)

    def has_graph(self, name: str) -> bool:
        return self.backend.has_graph(name)

    def graph_names(self, prefix: str = "") -> Iterator[str]:
        return self.backend.graph_names(prefix)

    def published_ntriples(self, graph: str) -> bytes:
        """A record as published, in N-Triples (its stored published form; derived when it has none)."""
        stored = self._stored_published_form(graph)
        if stored is not None:
            return stored.encode()
        return ox.serialize(publishable(self.backend.graph_triples(graph)), format=ox.RdfFormat.N_TRIPLES)

    def published_ntriples_of(self, graphs: list[str]) -> list[bytes]:
        """Several records as published, in order: on a remote store one query for all (a catalogue page
        is then one request, not one per entry), on the embedded store one lookup each."""
        if not getattr(self.backend, "shared", False) or len(graphs) < 2:
            return [self.published_ntriples(graph) for graph in graphs]
        values = " ".join(f"<{graph}>" for graph in graphs)
        rows = self.backend.select(f"SELECT ?g ?form WHERE {{ VALUES ?g {{ {values} }} "
                                   f"GRAPH ?g {{ ?record <{PUBLISHED_FORM.value}> ?form }} }}")
        forms = {row["g"].value: row["form"].value for row in rows}
        return [forms[graph].encode() if graph in forms else self.published_ntriples(graph) for graph in graphs]

    def _stored_published_form(self, graph: str) -> str | None:
        return self._object_value(PUBLISHED_FORM, graph)

    def dataset_of_graph(self, graph: str) -> str | None:
        """The dataset IRI a record graph describes (from its index terms)."""
        return self._object_value(INDEXED_DATASET, graph)

    def record_issued(self, graph: str) -> str | None:
        """When a record was first published (its catalogue record's dct:issued), or None."""
        for quad in self.backend.quads(None, _ISSUED, None, ox.NamedNode(graph)):
            if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.endswith("#record"):
                return quad.object.value
        return None

    def holders(self, dataset_iri: str) -> set[str]:
        """The record graphs describing a dataset IRI (local and harvested)."""
        return self._graphs_with(INDEXED_DATASET, ox.NamedNode(dataset_iri))

    def holders_of_identifier(self, identifier: str) -> set[str]:
        """The record graphs whose dataset carries this identifier (duplicate detection)."""
        return self._graphs_with(IDENTIFIER, ox.Literal(identifier))

    def graphs_with_index_term(self, predicate: ox.NamedNode, value) -> set[str]:
        """The record graphs holding one index term (node.catalog_index's tokens and facets)."""
        return self._graphs_with(predicate, value)

    def index_term_values(self, predicate: ox.NamedNode) -> Iterator[tuple[str, object]]:
        """(graph, value) of every index term of one kind, for facet counts."""
        for quad in self.backend.quads(None, predicate, None, None):
            yield quad.graph_name.value, quad.object

    def index_values(self, predicate: ox.NamedNode, graph: str) -> list[str]:
        return [q.object.value for q in self.backend.quads(None, predicate, None, ox.NamedNode(graph))]

    def content_hashes(self, source: str) -> dict[str, str]:
        """Graph → partner content hash of every record harvested from `source`."""
        prefix = self.naming.source_graph_prefix(source)
        return {q.graph_name.value: q.object.value for q in self.backend.quads(None, CONTENT_HASH, None, None)
                if q.graph_name.value.startswith(prefix)}

    def graphs_derived_from(self, url: str, source: str) -> list[str]:
        """The records of `source` last written from a partner page (their prov:wasDerivedFrom)."""
        prefix = self.naming.source_graph_prefix(source)
        return sorted(q.graph_name.value for q in self.backend.quads(None, ox.NamedNode(str(PROV.wasDerivedFrom)),
                                                                     ox.NamedNode(url), None)
                      if q.graph_name.value.startswith(prefix))

    def sub_catalogue_graphs(self) -> list[str]:
        """The graphs that link our catalogue to a harvest source's sub-catalogue (dcat:catalog)."""
        return [q.graph_name.value for q in self.backend.quads(ox.NamedNode(self.naming.catalog), _DCAT_CATALOG, None, None)]

    def catalog_publisher(self):
        return next((q.object for q in self.backend.quads(ox.NamedNode(self.naming.catalog), _PUBLISHER, None, None)), None)

    def description_of(self, resource: ox.NamedNode) -> list[ox.Triple]:
        """The triples of the first graph that describes a resource (an agent, a distribution)."""
        for quad in self.backend.quads(resource, None, None, None):
            return [q.triple for q in self.backend.quads(resource, None, None, quad.graph_name)]
        return []

    def graph_describing(self, resource: ox.NamedNode) -> str | None:
        quad = next(iter(self.backend.quads(resource, None, None, None)), None)
        return quad.graph_name.value if quad is not None and isinstance(quad.graph_name, ox.NamedNode) else None

    def local_description_holders(self, resource: ox.NamedNode) -> Iterator[tuple[str, str]]:
        """(graph, hash) of each local record's copy of a shared resource (node.shared_resources)."""
        for quad in self.backend.quads(resource, LOCAL_DESCRIPTION, None, None):
            yield quad.graph_name.value, quad.object.value

    def referrers(self, resource: ox.NamedNode) -> Iterator[tuple[ox.Triple, str]]:
        """Every statement that points at a resource, with its graph (who links to an agent)."""
        for quad in self.backend.quads(None, None, resource, None):
            yield quad.triple, quad.graph_name.value

    def default_graph_triples(self) -> list[ox.Triple]:
        return [q.triple for q in self.backend.quads(None, None, None, ox.DefaultGraph())]

    def _graphs_with(self, predicate: ox.NamedNode, value) -> set[str]:
        return {q.graph_name.value for q in self.backend.quads(None, predicate, value, None)}

    def _object_value(self, predicate: ox.NamedNode, graph: str) -> str | None:
        for quad in self.backend.quads(None, predicate, None, ox.NamedNode(graph)):
            return quad.object.value
        return None
