"""Export the whole catalogue as one RDF document, streaming: one record at a time goes through
Oxigraph's writer (N-Triples: the stored published forms are written as they are), so memory stays
flat however large the catalogue is."""

from __future__ import annotations

from typing import BinaryIO, Iterator

import pyoxigraph as ox

from node.datasets import PUBLISHED_FORM
from node.rdfio import RdfSyntax, ntriples_to_triples
from vocab.namespaces import PREFIXES



def catalogue_ntriples(ctx, counter: list[int]) -> Iterator[bytes]:
    """The catalogue description, then every record's published form in store order (one streamed
    scan: ~5x faster than reading record by record in catalogue order, and an export needs no order)."""
    yield ctx.store.published_ntriples(ctx.naming.catalog_graph)
    for graph in ctx.store.sub_catalogue_graphs():
        yield ctx.store.published_ntriples(graph)  # harvested sources' sub-catalogues
    # Every record has one: local and harvested writes add it, and /store refuses record graphs.
    for row in ctx.store.iter_select(f"SELECT ?form WHERE {{ ?record <{PUBLISHED_FORM.value}> ?form }}"):
        counter[0] += 1
        yield row["form"].value.encode()


def export_catalogue(ctx, output: BinaryIO, syntax: RdfSyntax) -> int:
    """Write the catalogue to `output`; returns the number of datasets written."""
    counter = [0]
    chunks = catalogue_ntriples(ctx, counter)
    if syntax.ox_format == ox.RdfFormat.N_TRIPLES:
        for chunk in chunks:
            output.write(chunk)
        return counter[0]
    triples = (triple for chunk in chunks for triple in ntriples_to_triples(chunk))
    ox.serialize(triples, output, format=syntax.ox_format, prefixes=PREFIXES)
    return counter[0]
