"""Move a store to a new base URL: every IRI under the old base, in every graph, in batches that resume.

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
from node.store.base import GraphChange
from node.store.changelog import PAYLOAD
from node.store.records import with_own_blank_nodes


_NTRIPLES_LITERALS = (PUBLISHED_FORM, PAYLOAD)  # records and change-log versions hold N-Triples
BATCH_GRAPHS = 500  # graphs per transaction: bounds the memory of a rebase


@dataclass(frozen=True)
class RebaseResult:
    old_base: str
    new_base: str
    graphs: int
    triples: int


def rebase_store(store, new_base: str, when: str, *, batch: int = BATCH_GRAPHS) -> RebaseResult:
    """Move every graph under the old base, `batch` graphs per transaction.

    The store is marked "moving to NEW" first: until the last batch is written and the mark replaced
    by the new base URL, the node refuses to start, and running the same command again resumes."""
    old_base = creation.created_for(store)
    if old_base is None:
        raise ConfigError("this store is empty: there is nothing to rebase")
    target = creation.rebasing_to(store)
    if target is not None and target != new_base:
        raise ConfigError(f"a move of this store to {target} was interrupted: finish it first "
                          f"(ehds-node rebase {target}), then move it again")
    if old_base == new_base:
        raise ConfigError(f"the store is already on base URL {new_base}")
    store.apply([creation.rebasing_record(store, new_base)])
    move = _Mover(old_base, new_base)
    graphs = triples = 0
    remaining = _still_to_move(store, old_base, new_base)  # names only: small even for a large store
    for start in range(0, len(remaining), batch):
        names = remaining[start:start + batch]
        changes = []
        for name in names:
            moved = tuple(move.triple(t) for t in store.graph_triples(name))
            changes += [GraphChange(name, None), with_own_blank_nodes(GraphChange(move.iri(name), moved))]
            triples += len(moved)
        store.apply(changes)  # each batch whole or not at all
        graphs += len(names)
    store.apply([creation.moved_record(store, old_base, new_base, when)])
    return RebaseResult(old_base, new_base, graphs, triples)


def _still_to_move(store, old_base: str, new_base: str) -> list[str]:
    """Graphs still named under the old base (under a new base that extends the old one: already moved)."""
    already_moved = len(new_base) > len(old_base)
    return [name for name in store.graph_names(old_base) if not (already_moved and name.startswith(new_base))]


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
        if triple.predicate in _NTRIPLES_LITERALS:
            return ox.Triple(self.term(triple.subject), triple.predicate, self._published_form(triple.object))
        return ox.Triple(self.term(triple.subject), self.term(triple.predicate), self.term(triple.object))

    def _published_form(self, literal: ox.Literal) -> ox.Literal:
        parsed = ox.parse(literal.value.encode(), format=ox.RdfFormat.N_TRIPLES)
        moved = (ox.Triple(self.term(t.subject), self.term(t.predicate), self.term(t.object)) for t in parsed)
        return ox.Literal(ox.serialize(moved, format=ox.RdfFormat.N_TRIPLES).decode())
