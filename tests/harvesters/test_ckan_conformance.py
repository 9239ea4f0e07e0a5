"""Our CKAN mapping of qualified relations, qualified attributions and provenance activities against
ckanext-dcat 2.4.4's own RDF serializer (profile euro_health_dcat_ap), on ckanext-dcat's HealthDCAT-AP
sample dict, the one that has all three fields (conformance: reads ../shared). The other samples with
qualified_relation lack `uri` and resource ids, which the serializer then looks up in a CKAN database.

Each field's sub-graph (the dataset's link and everything reachable from its object) must be
isomorphic to ckanext-dcat's, after two documented corrections of ckanext-dcat's output:
- 2.4.4 writes attributions as dcat:qualifiedAttribution / dcat:Attribution / dcat:agent, terms the
  DCAT vocabulary does not define; DCAT-AP 3 (and ckanext-dcat's own parser) use prov: for all three.
- it types every agent it writes under PROV foaf:Organization as well as foaf:Agent, persons included;
  we state foaf:Agent only.
"""

from __future__ import annotations

import json

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCAT, FOAF, PROV, RDF, XSD

from harvesters.ckan_mapping import dataset_triples
from node.rdfio import to_rdflib

pytestmark = pytest.mark.conformance

DCAT_NS = str(DCAT)  # rdflib's DCAT namespace refuses the terms ckanext-dcat invents
FIELD_PREDICATES = {"qualified_relation": DCAT.qualifiedRelation,
                    "qualified_attribution": PROV.qualifiedAttribution,
                    "provenance_activity": PROV.wasGeneratedBy}
CKANEXT_TERMS_CORRECTED = {URIRef(DCAT_NS + "qualifiedAttribution"): PROV.qualifiedAttribution,
                           URIRef(DCAT_NS + "Attribution"): PROV.Attribution, URIRef(DCAT_NS + "agent"): PROV.agent}
SAMPLE, PROFILE = "health_dcat_ap.json", "euro_health_dcat_ap"


def sample_dict(ref) -> dict:
    loaded = json.loads(ref("samples", "ckanext-dcat", "ckan", SAMPLE).read_bytes())
    return loaded[0] if isinstance(loaded, list) else loaded


def ckanext_graph(package: dict) -> tuple[URIRef, Graph]:
    """ckanext-dcat's serialisation of the dict, with its attribution terms and agent typing corrected."""
    from ckanext.dcat.processors import RDFSerializer

    serializer = RDFSerializer(profiles=[PROFILE])
    dataset = serializer.graph_from_dataset(json.loads(json.dumps(package)))  # it may edit the dict
    corrected = Graph()
    for s, p, o in serializer.g:
        if p == RDF.type and o == FOAF.Organization:
            continue
        corrected.add((s, CKANEXT_TERMS_CORRECTED.get(p, p), CKANEXT_TERMS_CORRECTED.get(o, o)))
    return dataset, corrected


def plain_strings(graph: Graph) -> Graph:
    """xsd:string literals as simple literals: one term in RDF 1.1, two in rdflib (our conversion types them)."""
    plain = Graph()
    for s, p, o in graph:
        plain.add((s, p, Literal(str(o)) if isinstance(o, Literal) and o.datatype == XSD.string else o))
    return plain


def sub_graph(graph: Graph, dataset: URIRef, predicate: URIRef) -> Graph:
    """The dataset's `predicate` links and every triple reachable from their objects (not via the dataset)."""
    found, pending, seen = Graph(), [], {dataset}
    for target in graph.objects(dataset, predicate):
        found.add((dataset, predicate, target))
        pending.append(target)
    while pending:
        node = pending.pop()
        if node in seen or not isinstance(node, (URIRef, BNode)):
            continue
        seen.add(node)
        for triple in graph.triples((node, None, None)):
            found.add(triple)
            pending.append(triple[2])
    return found


def described(graph: Graph) -> str:
    return "\n".join(sorted(line for line in graph.serialize(format="nt").splitlines() if line))


def test_sub_graphs_match_ckanext_dcat_serializer(ref):
    package = sample_dict(ref)
    iri, triples = dataset_triples(package, "https://ckan.example.org")
    ours, dataset = plain_strings(to_rdflib(triples)), URIRef(iri)
    theirs_dataset, theirs = ckanext_graph(package)
    assert theirs_dataset == dataset
    for field, predicate in FIELD_PREDICATES.items():
        mine, expected = sub_graph(ours, dataset, predicate), sub_graph(theirs, dataset, predicate)
        assert package.get(field) and len(expected), f"{field}: nothing to compare"
        if not isomorphic(mine, expected):
            _, only_ours, only_theirs = graph_diff(to_isomorphic(mine), to_isomorphic(expected))
            pytest.fail(f"{field}:\nonly ours:\n{described(only_ours)}\nonly ckanext-dcat:\n"
                        f"{described(only_theirs)}")

