"""One SPARQL Update request for a write (graph replacements, deletions, value copies): what every
backend sends, so that a record and its change-log entry are written in one transaction."""

from __future__ import annotations

from typing import Callable

import pyoxigraph as ox

from node.errors import StoreError
from node.store.base import GraphChange, ValueCopy


def check_iri(name: str) -> str:
    """A graph or term IRI that can be written between <> without escaping (the node mints them)."""
    if any(c in name for c in "<>\"{}|^`\\ \n\t"):
        raise StoreError(f"invalid graph name {name!r}")
    return name


def insert_data(graph: str, triples) -> str:
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
    return f"INSERT DATA {{ GRAPH {graph} {{\n{body}}} }}"


def copy_statement(copy: ValueCopy) -> str:
    iris = [check_iri(i) for i in (copy.graph, copy.subject, copy.as_predicate, copy.from_graph, copy.predicate)]
    return "INSERT {{ GRAPH <{}> {{ <{}> <{}> ?value }} }} WHERE {{ GRAPH <{}> {{ ?any <{}> ?value }} }}".format(*iris)


def graph_update(changes: list[GraphChange], copies: list[ValueCopy],
                 insert: Callable[[str, object], str] = insert_data) -> str:
    """The request's text ("" when there is nothing to write); `insert` writes one graph's triples."""
    statements = []
    for change in changes:
        graph = f"<{check_iri(change.name)}>"
        if not change.fresh:
            statements.append(f"DROP SILENT GRAPH {graph}")
        if change.triples:
            statements.append(insert(graph, change.triples))
    statements += [copy_statement(copy) for copy in copies]
    return " ;\n".join(statements)


def default_graph_update(triples, *, replace: bool, graph: str | None = None,
                         insert: Callable[[str, object], str] | None = None) -> str:
    """Replace or merge the default graph's triples (`graph`: a named graph standing in for it, on a
    server that has no default graph of its own); "" when there is nothing to do."""
    if graph is None:
        statements = ["CLEAR SILENT DEFAULT"] if replace else []
        if triples:
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
            statements.append(f"INSERT DATA {{\n{body}}}")
        return " ;\n".join(statements)
    statements = [f"DROP SILENT GRAPH {graph}"] if replace else []
    if triples:
        statements.append((insert or insert_data)(graph, triples))
    return " ;\n".join(statements)
