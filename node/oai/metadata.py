"""A record's <metadata> content: dcat_ap (the RDF/XML /datasets/<id>.rdf serves) or oai_dc."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pyoxigraph as ox

from node import rdfio
from node.catalog import dataset_ntriples, record_dataset_iri

DC = "http://purl.org/dc/elements/1.1/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_DCT = "http://purl.org/dc/terms/"
_DCAT = "http://www.w3.org/ns/dcat#"
_FOAF_NAME = "http://xmlns.com/foaf/0.1/name"
# oai_dc element <- the DCAT-AP properties it is read from (subject also from themes)
_MAPPING = {
    "title": [_DCT + "title"],
    "description": [_DCT + "description"],
    "identifier": [_DCT + "identifier"],
    "publisher": [_DCT + "publisher"],
    "subject": [_DCAT + "keyword", _DCAT + "theme"],
    "date": [_DCT + "issued", _DCT + "modified"],
    "language": [_DCT + "language"],
    "rights": [_DCT + "accessRights", _DCT + "rights", _DCT + "license"],
}


def dcat_ap_xml(ctx, record_id: str) -> str:
    """The RDF/XML of the record as /datasets/<id>.rdf serves it, without its XML declaration, to be
    written into <metadata> as it is (our own serialiser's output: one rdf:RDF element, no DTD; it is
    not parsed and written again, which was most of a page's cost). NotFound when it is gone."""
    rdfxml = rdfio.from_ntriples(dataset_ntriples(ctx.store, ctx.naming, record_id), "application/rdf+xml")
    text = rdfxml.decode("utf-8")
    if text.startswith("<?xml"):
        text = text[text.index("?>") + 2:]
    return text.strip()


def oai_dc_element(ctx, record_id: str) -> ET.Element:
    triples = rdfio.ntriples_to_triples(dataset_ntriples(ctx.store, ctx.naming, record_id))
    dataset = ox.NamedNode(record_dataset_iri(ctx.naming, record_id, triples))
    about: dict[object, list[ox.Triple]] = {}
    for t in triples:
        about.setdefault(t.subject, []).append(t)
    root = ET.Element(f"{{{OAI_DC}}}dc", {f"{{{XSI}}}schemaLocation":
                                          f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"})
    described = about.get(dataset, [])
    for element, predicates in _MAPPING.items():
        for predicate in predicates:
            for t in described:
                if t.predicate.value == predicate:
                    text = _text(about, t.object, element)
                    if text:
                        ET.SubElement(root, f"{{{DC}}}{element}").text = text
    ET.SubElement(root, f"{{{DC}}}identifier").text = dataset.value
    ET.SubElement(root, f"{{{DC}}}type").text = "Dataset"
    return root


def _text(about: dict, term, element: str) -> str:
    if isinstance(term, ox.Literal):
        return term.value
    if element == "publisher":  # the agent's name when the record carries it
        for t in about.get(term, ()):
            if t.predicate.value == _FOAF_NAME and isinstance(t.object, ox.Literal):
                return t.object.value
    return term.value if isinstance(term, ox.NamedNode) else ""
