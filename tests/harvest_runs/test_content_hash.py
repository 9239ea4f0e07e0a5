"""The content hash that tells an unchanged harvested record: equal exactly for isomorphic records."""

import hashlib

import pyoxigraph as ox
import pytest

from node.harvest.provenance import content_hash

PREFIX = "@prefix : <http://e.test/> . "


def record(turtle: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse((PREFIX + turtle).encode(), format=ox.RdfFormat.TURTLE)]


def test_order_repeats_and_blank_node_labels_do_not_count():
    a = record(':d :p [ :q "1" ; :r [ :s "x _:y" ] ] ; :t [ :q "2" ] ; :u "_:z" .')
    b = record(':d :u "_:z" ; :t _:b1 ; :p [ :r [ :s "x _:y" ] ; :q "1" ] . _:b1 :q "2" . :d :u "_:z" .')
    assert content_hash(a) == content_hash(b)


@pytest.mark.parametrize("other", [
    ':d :p [ :q "1" ; :r [ :s "x _:y" ] ] ; :t [ :q "3" ] ; :u "_:z" .',   # a value inside a blank node
    ':d :p [ :q "1" ; :r [ :s "x _:y" ] ] ; :t [ :q "2" ] .',              # a triple gone
    ':d :p [ :q "1" ; :r [ :s "x _:y" ] ; :t [ :q "2" ] ] ; :u "_:z" .',   # a blank node moved
])
def test_any_change_changes_the_hash(other):
    base = record(':d :p [ :q "1" ; :r [ :s "x _:y" ] ] ; :t [ :q "2" ] ; :u "_:z" .')
    assert content_hash(base) != content_hash(record(other))


def test_blank_nodes_that_are_not_trees_are_still_told_apart():
    one = record(':d :p [ :q "1" ] .')
    two_alike = record(':d :p [ :q "1" ] , [ :q "1" ] .')
    shared = record(':d :p _:x ; :r _:x . _:x :q "1" .')
    separate = record(':d :p _:y ; :r _:z . _:y :q "1" . _:z :q "1" .')
    cycle = record(':d :p _:x . _:x :q _:y . _:y :q _:x .')
    assert content_hash(one) != content_hash(two_alike)
    assert content_hash(shared) != content_hash(separate)
    assert content_hash(cycle) == content_hash(record(':d :p _:a . _:a :q _:b . _:b :q _:a .'))


def test_a_record_without_blank_nodes_hashes_its_sorted_n_triples():
    assert content_hash(record(':d :p "1" ; :o :x .')) == hashlib.sha256(
        b'<http://e.test/d> <http://e.test/o> <http://e.test/x> .\n<http://e.test/d> <http://e.test/p> "1" .').hexdigest()
