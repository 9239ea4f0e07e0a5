"""Shared resources stay single: the blank nodes below a shared IRI become stable IRIs.

A record carries its own copy of every resource it points to (a publisher and its contact point, a
licence). Blank nodes never merge, so two records that give one agent the same blank-node contact
point would together give it two, and the union of valid records would not be valid. Below any IRI
other than the record's dataset, each blank node is replaced by a skolem IRI (RDF 1.1 §3.5)
`<base>.well-known/genid/<hash>`, the hash taken from the IRI above it, the property that links them
and the node's own content: equal copies in any number of records become one node. The dataset's own
blank nodes (a temporal coverage, a contact point of the dataset itself) stay blank: no other record
can describe them.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from node.datasets import by_subject_index

GENID = ".well-known/genid/"
MAX_DEPTH = 16  # deeper blank structures are hashed as "deep" below this level


def genid_prefix(base_url: str) -> str:
    return base_url + GENID


def skolemise_shared(triples: list[ox.Triple], dataset, base_url: str) -> list[ox.Triple]:
    """`triples` with every blank node reachable from an IRI other than `dataset` named by content."""
    by_subject = by_subject_index(triples)
    names: dict[ox.BlankNode, ox.NamedNode] = {}
    contents: dict[ox.BlankNode, str] = {}
    for subject in list(by_subject):
        if isinstance(subject, ox.NamedNode) and subject != dataset:
            for triple in by_subject[subject]:
                if isinstance(triple.object, ox.BlankNode):
                    _name(triple.object, subject.value, triple.predicate.value, by_subject, names, contents, base_url)
    if not names:
        return triples
    return [ox.Triple(names.get(t.subject, t.subject), t.predicate, names.get(t.object, t.object)) for t in triples]


def _name(node: ox.BlankNode, parent: str, predicate: str, by_subject, names, contents, base_url: str) -> None:
    """Name `node` and, below it, its blank children (the first path that reaches a node names it)."""
    todo = [(node, parent, predicate)]
    while todo:
        node, parent, predicate = todo.pop()
        if node in names:
            continue
        content = _content(node, by_subject, contents, frozenset(), 0)
        digest = hashlib.sha256(f"{parent}\n{predicate}\n{content}".encode()).hexdigest()[:32]
        names[node] = iri = ox.NamedNode(genid_prefix(base_url) + digest)
        todo += [(t.object, iri.value, t.predicate.value) for t in by_subject.get(node, ())
                 if isinstance(t.object, ox.BlankNode)]


def _content(node: ox.BlankNode, by_subject, memo: dict, path: frozenset, depth: int) -> str:
    """A canonical digest of what is said about a blank node, its blank children included.

    Memoised whatever the path (a cycle or a cut makes a digest depend on where it was entered: such
    structures are pathological, and the memo keeps every document linear in its size)."""
    if node in memo:
        return memo[node]
    if node in path:
        return "(cycle)"
    if depth >= MAX_DEPTH:
        return "(deep)"
    lines = []
    for triple in by_subject.get(node, ()):
        obj = triple.object
        text = (f"[{_content(obj, by_subject, memo, path | {node}, depth + 1)}]"
                if isinstance(obj, ox.BlankNode) else str(obj))
        lines.append(f"{triple.predicate} {text}")
    memo[node] = digest = hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()
    return digest
