"""Where the node's resources and record graphs live under the public base URL.

The layout belongs to the store: the record store (node.store.records) reads a graph's name to know
whether it holds a local record, a harvested one or neither, and whose."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

RECORD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_DIGEST = re.compile(r"[0-9a-f]{24}")


def is_iri(text: str) -> bool:
    """An absolute IRI as Oxigraph's IRI parser reads it (every IRI the node mints or is given must be one)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Naming:
    """Where the node's own resources live under the public base URL."""

    base_url: str

    @property
    def catalog(self) -> str:
        return self.base_url + "catalog"

    @property
    def catalog_graph(self) -> str:
        return self.base_url + "graph/catalog"

    def dataset(self, record_id: str) -> str:
        return f"{self.base_url}datasets/{record_id}"

    def record(self, record_id: str) -> str:
        return f"{self.base_url}datasets/{record_id}#record"

    def local_graph(self, record_id: str) -> str:
        return f"{self.base_url}graph/local/{record_id}"

    def harvested_graph(self, source: str, digest: str) -> str:
        return f"{self.base_url}graph/source/{source}/{digest}"

    def source_graph_prefix(self, source: str) -> str:
        return f"{self.base_url}graph/source/{source}/"

    def record_source(self, graph: str) -> str | None:
        """"local" for a local record's graph, the source's name for a harvested one, else None."""
        local, harvested = self.base_url + "graph/local/", self.base_url + "graph/source/"
        if graph.startswith(local):
            return "local"
        if graph.startswith(harvested) and "/" in graph[len(harvested):]:
            return graph[len(harvested):].split("/", 1)[0]
        return None

    def graph_for_record_id(self, record_id: str) -> list[str]:
        """Candidate graphs of a record id: `<id>` is local, `<source>.<hash>` is harvested."""
        graphs = [self.local_graph(record_id)]
        source, dot, digest = record_id.partition(".")
        if dot and _DIGEST.fullmatch(digest):
            graphs.append(self.harvested_graph(source, digest))
        return graphs

    def record_id_for_graph(self, graph: str) -> str:
        local, harvested = self.base_url + "graph/local/", self.base_url + "graph/source/"
        if graph.startswith(local):
            return graph[len(local):]
        return graph[len(harvested):].replace("/", ".", 1)

    def record_id_for(self, dataset_iri: str) -> str | None:
        prefix = self.base_url + "datasets/"
        if dataset_iri.startswith(prefix):
            candidate = dataset_iri[len(prefix):]
            if RECORD_ID.fullmatch(candidate):
                return candidate
        return None
