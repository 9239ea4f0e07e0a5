"""Move a store to a new base URL: every IRI under the old base, in every graph, in one transaction.

Graph names, subjects and objects are rewritten; so are the node's own literals that hold IRIs:
the index entries (tab-separated fields) and each record's published form (N-Triples, parsed and
rewritten term by term, never by text search). IRIs outside the old base (partners' datasets,
vocabularies) are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from node import creation
from node.datasets import PUBLISHED_FORM
from node.errors import ConfigError
from node.records import with_own_blank_nodes
from node.store.base import GraphChange


@dataclass(frozen=True)
class RebaseResult:
    old_base: str
    new_base: str
    graphs: int
    triples: int


def rebase_store(store, new_base: str, when: str) -> RebaseResult:
    old_base = creation.created_for(store)
    if old_base is None:
        raise ConfigError("this store is empty: there is nothing to rebase")
    if old_base == new_base:
        raise ConfigError(f"the store is already on base URL {new_base}")
    move = _Mover(old_base, new_base)
    changes, count = [], 0
    names = [name for name in store.graph_names() if name != creation.STORE_GRAPH]
    for name in names:
        triples = tuple(move.triple(t) for t in store.graph_triples(name))
        count += len(triples)
        new_name = move.iri(name)
        if new_name != name:
            changes.append(GraphChange(name, None))
        changes.append(with_own_blank_nodes(GraphChange(new_name, triples)))
    changes.append(creation.moved_record(store, old_base, new_base, when))
    store.apply(changes)  # one transaction: all graphs move, or none
    return RebaseResult(old_base, new_base, len(names), count)


class _Mover:
    def __init__(self, old_base: str, new_base: str):
        self.old, self.new = old_base, new_base

    def iri(self, value: str) -> str:
        return self.new + value[len(self.old):] if value.startswith(self.old) else value

    def term(self, term):
        if isinstance(term, ox.NamedNode):
            return ox.NamedNode(self.iri(term.value))
        if isinstance(term, ox.Literal) and term.datatype.value.endswith("#string") and self.old in term.value:
            return ox.Literal("\t".join(self.iri(field) for field in term.value.split("\t")))
        return term

    def triple(self, triple: ox.Triple) -> ox.Triple:
        if triple.predicate == PUBLISHED_FORM:
            return ox.Triple(self.term(triple.subject), PUBLISHED_FORM, self._published_form(triple.object))
        return ox.Triple(self.term(triple.subject), self.term(triple.predicate), self.term(triple.object))

    def _published_form(self, literal: ox.Literal) -> ox.Literal:
        parsed = ox.parse(literal.value.encode(), format=ox.RdfFormat.N_TRIPLES)
        moved = (ox.Triple(self.term(t.subject), self.term(t.predicate), self.term(t.object)) for t in parsed)
        return ox.Literal(ox.serialize(moved, format=ox.RdfFormat.N_TRIPLES).decode())
