"""One SPARQL Update request for a write (graph replacements, deletions, value copies): what every
backend sends, so that a record and its change-log entry are written in one transaction."""

from __future__ import annotations

from typing import Callable

import pyoxigraph as ox

from node.errors import StoreError
from node.store import changelog
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


def bounded_updates(changes: list[GraphChange], copies: list[ValueCopy], insert: Callable[[str, object], str],
                    max_bytes: int | None) -> list[str]:
    """The write as requests of at most `max_bytes` (None: one request). A server that limits a request's
    size (Virtuoso: about 10 MB) gets several, each holding whole graphs, and each record graph with the
    change-log entry that names it and the value copies into that entry: a record and its entry are still
    written together, a block of records no longer is (a harvest journal replays the rest)."""
    whole = graph_update(changes, copies, insert)
    if max_bytes is None or len(whole.encode()) <= max_bytes:
        return [whole] if whole else []
    requests, group, size = [], [], 0
    for unit in _units(changes, copies):
        text = graph_update(*unit, insert)
        if group and size + len(text.encode()) > max_bytes:
            requests.append(" ;\n".join(group))
            group, size = [], 0
        group.append(text)
        size += len(text.encode()) + 3
    return requests + ([" ;\n".join(group)] if group else [])


def _units(changes: list[GraphChange], copies: list[ValueCopy]):
    """(changes, copies) that must stay in one request: a graph, the entry naming it, the copies into it."""
    entry_of = {t.object.value: change for change in changes for t in (change.triples or ())
                if t.predicate == changelog.GRAPH}
    placed = set()
    for change in changes:
        if change in entry_of.values():
            continue
        entry = entry_of.get(change.name)
        placed.add(change.name)
        if entry is None:
            yield [change], []
        else:
            yield [change, entry], [copy for copy in copies if copy.graph == entry.name]
    for graph, entry in entry_of.items():
        if graph not in placed:  # an entry whose record is not in this write (not made by RecordStore)
            yield [entry], [copy for copy in copies if copy.graph == entry.name]
    entries = {entry.name for entry in entry_of.values()}
    others = [copy for copy in copies if copy.graph not in entries]
    if others:  # copies into other graphs: last, when every graph they read from is written
        yield [], others
