"""One description per shared resource among the node's own records.

Records copy the resources they point to (agents, contact points, licences). Each local record's
graph keeps, as an index term, a hash of its copy of each shared resource (`ehds:localDescription`
on the resource itself). All local records that describe a resource carry the same copy: publishing a
record whose copy differs updates that resource in every other local record that describes it (each
logged as an update), as if the resource had been edited on its own page. So the union of any local
records describes each resource exactly as each record does, and validates as each record does.

Checking is one index lookup in the usual case (the first other holder has the same hash); the
rewrite touches every holder, but only when a shared resource actually changes.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from node.datasets import by_subject_index, reachable
from node.skolem import genid_prefix
from vocab.namespaces import EHDS

LOCAL_DESCRIPTION = ox.NamedNode(str(EHDS.localDescription))


def shared_subjects(triples: list[ox.Triple], dataset: ox.NamedNode, base_url: str) -> list[ox.NamedNode]:
    """The IRIs a record describes besides its dataset and the skolem nodes below them."""
    skolem = genid_prefix(base_url)
    return sorted({t.subject for t in triples if isinstance(t.subject, ox.NamedNode) and t.subject != dataset
                   and not t.subject.value.startswith(skolem)}, key=lambda n: n.value)


def description(triples_by_subject: dict, resource: ox.NamedNode, base_url: str) -> list[ox.Triple]:
    """What a record says about a resource: its triples and those of the skolem nodes below it."""
    skolem = genid_prefix(base_url)
    stop = {s for s in triples_by_subject if isinstance(s, ox.NamedNode) and not s.value.startswith(skolem)}
    return reachable(resource, triples_by_subject, stop - {resource})


def description_hash(triples: list[ox.Triple], base_url: str) -> str:
    """Of the description as a set, with the base URL taken out: `rebase` moves IRIs, not hashes."""
    lines = sorted({str(t).replace(base_url, "<base>") for t in triples})  # a document may state a triple twice
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32]


def description_terms(triples: list[ox.Triple], dataset: ox.NamedNode, base_url: str) -> list[ox.Triple]:
    """The index terms a local record's graph keeps: one hash per shared resource it describes."""
    by_subject = by_subject_index(triples)
    return [ox.Triple(resource, LOCAL_DESCRIPTION,
                      ox.Literal(description_hash(description(by_subject, resource, base_url), base_url)))
            for resource in shared_subjects(triples, dataset, base_url)]


def changed_resources(store, own_graph: str, terms: list[ox.Triple]) -> list[ox.Triple]:
    """The terms whose resource other local records describe differently (they need the new copy)."""
    changed = []
    for term in terms:
        other = next((q for q in store.local_description_holders(term.subject) if q[0] != own_graph), None)
        if other is not None and other[1] != term.object.value:
            changed.append(term)
    return changed


def holders_to_update(store, own_graph: str, changed: list[ox.Triple]) -> set[str]:
    return {graph for term in changed for graph, value in store.local_description_holders(term.subject)
            if graph != own_graph and value != term.object.value}


def with_descriptions_of(body: list[ox.Triple], source: list[ox.Triple], resources: list[ox.NamedNode],
                         base_url: str) -> list[ox.Triple]:
    """`body` with its copy of each of `resources` replaced by the copy in `source`."""
    old_by_subject, new_by_subject = by_subject_index(body), by_subject_index(source)
    dropped, added = set(), []
    for resource in resources:
        if resource in old_by_subject:
            dropped.update(description(old_by_subject, resource, base_url))
            added += description(new_by_subject, resource, base_url)
    kept = [t for t in body if t not in dropped]
    present = set(kept)
    return kept + [t for t in dict.fromkeys(added) if t not in present]
