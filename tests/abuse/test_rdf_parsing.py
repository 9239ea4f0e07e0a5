"""Untrusted RDF is read by parsers with limits (issue 10, findings 1, 3, 5, 10): a clear 400/413 and
a process that lives on, whatever the body. If a case crashed the parser, this test process would die."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from node import rdfio
from node.errors import NodeError, ParseError, PayloadTooLarge
from node.rdflimits import ParseLimits
from tests.conftest import API_TOKEN

RDF_NS = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:x="http://x.example/"'


def rdf_xml(dtd: str, body: str) -> bytes:
    doctype = f"<!DOCTYPE rdf:RDF [{dtd}]>" if dtd else ""
    return (f'<?xml version="1.0"?>{doctype}<rdf:RDF {RDF_NS}>'
            f'<rdf:Description rdf:about="http://s.example/d">{body}</rdf:Description></rdf:RDF>').encode()


BOMBS = {
    "nested entities, colon in names": rdf_xml('<!ENTITY a:b "lollollol"><!ENTITY c:d "&a:b;&a:b;&a:b;&a:b;">',
                                               "<x:p>&c:d;</x:p>"),
    "nested entities, non-ASCII names": rdf_xml('<!ENTITY é "lol"><!ENTITY ü "&é;&é;&é;&é;&é;&é;">',
                                                "<x:p>&ü;</x:p>"),
    "nested entity in an attribute": rdf_xml('<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">',
                                             '<x:p rdf:resource="http://e/&b;"/>'),
    "one long entity used often": rdf_xml('<!ENTITY a "' + "x" * 5000 + '">', "<x:p>" + "&a;" * 1000 + "</x:p>"),
    "external entity": rdf_xml('<!ENTITY e SYSTEM "file:///etc/passwd">', "<x:p>&e;</x:p>"),
    "parameter entity": rdf_xml('<!ENTITY % p "x">', "<x:p>v</x:p>"),
    "undeclared entity": rdf_xml("", "<x:p>&nope;</x:p>"),
    "truncated document": rdf_xml("", "<x:p>v</x:p>")[:-20],
    "deep parseType=Resource": rdf_xml("", '<x:p rdf:parseType="Resource">' * 60_000 + "</x:p>" * 60_000),
}


@pytest.mark.parametrize("name", BOMBS)
def test_hostile_rdf_xml_is_a_400_through_put(client, name):
    response = client.put("/datasets/hostile", data=BOMBS[name], headers={
        "Authorization": f"Bearer {API_TOKEN}", "Content-Type": "application/rdf+xml"})
    assert response.status_code in (400, 413), response.data[:300]
    assert response.get_json()["message"].startswith("request body: ")
    assert client.get("/datasets/hostile", headers={"Accept": "text/turtle"}).status_code == 404


def test_namespace_abbreviation_entities_as_protege_writes_them_still_work():
    data = rdf_xml('<!ENTITY owl "http://www.w3.org/2002/07/owl#"><!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">',
                   '<x:n rdf:datatype="&xsd;integer">5</x:n><x:k rdf:resource="&owl;Thing"/>'
                   '<x:t xml:lang="fr">a &amp; b <![CDATA[<c>]]></x:t>')
    triples = {(t.predicate.value, str(t.object)) for t in rdfio.parse_triples(data, "application/rdf+xml")}
    assert ("http://x.example/n", '"5"^^<http://www.w3.org/2001/XMLSchema#integer>') in triples
    assert ("http://x.example/k", "<http://www.w3.org/2002/07/owl#Thing>") in triples
    assert ("http://x.example/t", '"a & b <c>"@fr') in triples


def test_json_ld_nested_ten_thousand_deep_is_a_400_and_the_process_lives(client):
    body = '{"@id":"http://s.example/d","http://x.example/p":' * 10_000 + '"x"' + "}" * 10_000
    response = client.put("/datasets/deep", data=body, headers={
        "Authorization": f"Bearer {API_TOKEN}", "Content-Type": "application/ld+json"})
    assert response.status_code == 400
    assert "nested" in response.get_json()["message"]
    assert client.get("/catalog", headers={"Accept": "text/turtle"}).status_code == 200


def test_json_ld_just_over_the_depth_limit_is_refused_and_under_it_parses():
    limits = ParseLimits(max_depth=10)

    def nested(levels: int) -> bytes:
        return ('{"@id":"http://s.example/d","http://x.example/p":' * levels + '"x"' + "}" * levels).encode()

    assert rdfio.parse_triples(nested(9), "application/ld+json", limits=limits)
    with pytest.raises(ParseError, match="more than 10 levels"):
        rdfio.parse_triples(nested(11), "application/ld+json", limits=limits)


@pytest.mark.parametrize("media_type, template", [
    ("text/turtle", '<http://s.example/d> <http://x.example/p> "{}" .'),
    ("application/n-triples", '<http://s.example/d> <http://x.example/p> "{}" .'),
    ("application/ld+json", '{{"@id": "http://s.example/d", "http://x.example/p": "{}"}}'),
    ("application/rdf+xml", None),
])
@pytest.mark.parametrize("size", [2_000_000, 17_000_000])
def test_an_oversized_literal_is_413_in_every_syntax(media_type, template, size):
    text = "a" * size
    data = rdf_xml("", f"<x:p>{text}</x:p>") if template is None else template.format(text).encode()
    with pytest.raises(PayloadTooLarge):
        rdfio.parse_triples(data, media_type)


@settings(max_examples=80, deadline=None)
@given(shape=st.recursive(st.one_of(st.text(max_size=8), st.integers(), st.none()),
                          lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                  st.dictionaries(st.sampled_from(["@id", "@type", "@value", "@graph",
                                                                                   "http://x.example/p", "@list"]),
                                                                  inner, max_size=3)),
                          max_leaves=40))
def test_any_json_shape_parses_or_is_a_node_error(shape):
    try:
        rdfio.parse_triples(json.dumps(shape).encode(), "application/ld+json", limits=ParseLimits(max_depth=6))
    except NodeError:
        pass


_NAMES = st.sampled_from(["a", "b:c", "é", "ü:x", "long-name"])


@settings(max_examples=80, deadline=None)
@given(declarations=st.lists(st.tuples(_NAMES, st.lists(st.one_of(st.text("lo", max_size=40), _NAMES.map(
    lambda n: f"&{n};")), max_size=6)), max_size=5), uses=st.lists(_NAMES, max_size=20))
def test_any_entity_declarations_parse_boundedly_or_are_refused(declarations, uses):
    dtd = "".join(f'<!ENTITY {name} "{"".join(parts)}">' for name, parts in declarations)
    data = rdf_xml(dtd, "<x:p>" + "".join(f"&{n};" for n in uses) + "</x:p>")
    try:
        triples = rdfio.parse_triples(data, "application/rdf+xml")
    except NodeError:
        return
    assert sum(len(t.object.value) for t in triples) <= 16 * len(data)
