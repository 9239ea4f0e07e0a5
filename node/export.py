"""Export the whole catalogue as one RDF document, streaming: one record graph at a time goes
through Oxigraph's writer, so memory stays flat however large the catalogue is."""

from __future__ import annotations

from typing import BinaryIO, Iterator

import pyoxigraph as ox

from node.datasets import publishable
from node.rdfio import RdfSyntax
from vocab.namespaces import PREFIXES


def catalogue_triples(ctx, counter: list[int]) -> Iterator[ox.Triple]:
    yield from publishable(ctx.store.graph_triples(ctx.naming.catalog_graph))
    for entry in ctx.index.entries():
        counter[0] += 1
        yield from publishable(ctx.store.graph_triples(entry.graph))


def export_catalogue(ctx, output: BinaryIO, syntax: RdfSyntax) -> int:
    """Write the catalogue to `output`; returns the number of datasets written."""
    counter = [0]
    kwargs = {} if syntax.ox_format == ox.RdfFormat.N_TRIPLES else {"prefixes": PREFIXES}
    ox.serialize(catalogue_triples(ctx, counter), output, format=syntax.ox_format, **kwargs)
    return counter[0]
