"""The store's creation record: which base URL a store was created for, and whether it was seeded.

Every IRI the node writes (records, graphs, the catalogue) starts with the base URL, so a store
belongs to one base URL. It is written once, when a store is first opened, in a graph of its own
outside the base; a later start with another base URL stops (`ehds-node rebase` moves the store).
"""

from __future__ import annotations

import pyoxigraph as ox

from node.errors import ConfigError
from node.store.base import GraphChange

STORE_GRAPH = "urn:ehds-node:store"
_STORE = ox.NamedNode(STORE_GRAPH)
_BASE_URL = ox.NamedNode("urn:ehds-node:baseUrl")
_CREATED = ox.NamedNode("urn:ehds-node:created")
_SEEDED = ox.NamedNode("urn:ehds-node:seededWith")
_REBASED = ox.NamedNode("urn:ehds-node:rebasedFrom")
_REBASING = ox.NamedNode("urn:ehds-node:rebasingTo")
_GRAPH_MARKERS = ("graph/catalog", "graph/local/", "graph/source/")


def created_for(store) -> str | None:
    """The base URL the store was created for; None for a new (empty) store.

    Stores written before this record existed are recognised by their graph names."""
    for triple in store.graph_triples(STORE_GRAPH):
        if triple.predicate == _BASE_URL:
            return triple.object.value
    return _inferred_base(store)


def _inferred_base(store) -> str | None:
    for name in store.graph_names():
        for marker in _GRAPH_MARKERS:
            at = name.find(marker)
            if at > 0 and name != STORE_GRAPH:
                return name[:at]
    return None


def creation_record(base_url: str, created: str, seeded_with: str | None) -> GraphChange:
    """The record of a new store, written in the same transaction as its seed (if any)."""
    triples = [ox.Triple(_STORE, _BASE_URL, ox.Literal(base_url)), ox.Triple(_STORE, _CREATED, ox.Literal(created))]
    if seeded_with:
        triples.append(ox.Triple(_STORE, _SEEDED, ox.Literal(seeded_with)))
    return GraphChange(STORE_GRAPH, tuple(triples))


def rebasing_to(store) -> str | None:
    """The target of a rebase that was started and not finished, if any."""
    for triple in store.graph_triples(STORE_GRAPH):
        if triple.predicate == _REBASING:
            return triple.object.value
    return None


def rebasing_record(store, new_base: str) -> GraphChange:
    kept = [t for t in store.graph_triples(STORE_GRAPH) if t.predicate != _REBASING]
    return GraphChange(STORE_GRAPH, tuple(kept + [ox.Triple(_STORE, _REBASING, ox.Literal(new_base))]))


def moved_record(store, old_base: str, new_base: str, when: str) -> GraphChange:
    """The creation record after a rebase: the new base URL, and where the store came from."""
    kept = [t for t in store.graph_triples(STORE_GRAPH) if t.predicate not in (_BASE_URL, _REBASING)]
    if not any(t.predicate == _CREATED for t in kept):
        kept.append(ox.Triple(_STORE, _CREATED, ox.Literal(when)))
    kept += [ox.Triple(_STORE, _BASE_URL, ox.Literal(new_base)),
             ox.Triple(_STORE, _REBASED, ox.Literal(f"{old_base} {when}"))]
    return GraphChange(STORE_GRAPH, tuple(kept))


def check_base_url(store, base_url: str, data_dir) -> None:
    """Stop when the store was created for another base URL: its IRIs would not match the new one."""
    existing = created_for(store)
    target = rebasing_to(store)
    if target is not None:
        raise ConfigError(f"the store in {data_dir} is being moved from {existing} to {target} and the move "
                          f"was interrupted; finish it with: ehds-node rebase {target} --data {data_dir}")
    if existing is not None and existing != base_url and getattr(getattr(store, "backend", store), "shared", False):
        raise ConfigError(
            f"the SPARQL server's store was created for base URL {existing}, but this start uses {base_url}; "
            f"start with base URL {existing} (ehds-node rebase moves the embedded store only)")
    if existing is not None and existing != base_url:
        raise ConfigError(
            f"the store in {data_dir} was created for base URL {existing}, but this start uses {base_url}; "
            f"to move the store to the new base URL, run: ehds-node rebase {base_url} --data {data_dir}; "
            f"or start with base URL {existing}")
