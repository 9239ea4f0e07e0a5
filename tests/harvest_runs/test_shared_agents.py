"""Harvested records that share an agent with a blank-node contact point publish one agent with one
contact point (issue 14, finding 3): the central node's pages describe it as the partner did."""

from rdflib import Graph, URIRef

from node.catalog import PageRequest, page_triples, select_page
from node.rdfio import to_rdflib
from node.skolem import GENID
from tests.harvest_runs.test_runs import central, harvest, source  # noqa: F401  (central: a fixture)
from tests.harvesters.catalogues import BASE, PREFIXES, dataset_turtle

CV = "http://data.europa.eu/m8g/"
AGENT = f"{BASE}/org/partner"


def page_with_shared_agent(numbers) -> str:
    agent = (f"<{AGENT}> a <http://xmlns.com/foaf/0.1/Organization> ; foaf:name \"Partner\"@en ;\n"
             f"  <{CV}contactPoint> [ a <{CV}ContactPoint> ; <{CV}email> \"desk@partner.example.eu\" ] .\n")
    return "".join([PREFIXES, f"<{BASE}/catalog> a dcat:Catalog ; dct:title \"Partner\"@en .\n", agent]
                   + [dataset_turtle(n) for n in numbers])


def central_page(ctx) -> Graph:
    page = select_page(ctx.index, PageRequest(per_page=100))
    return to_rdflib(page_triples(ctx.store, ctx.naming, page))


def test_harvested_records_share_one_contact_point(partner, central):
    url = partner.serve("/catalog", page_with_shared_agent(range(1, 4)), content_type="text/turtle")
    report = harvest(central, source(url))
    assert (report.status, report.written) == ("complete", 3)
    graph = central_page(central)
    [point] = graph.objects(URIRef(AGENT), URIRef(CV + "contactPoint"))
    assert str(point).startswith("http://central.test/" + GENID)
    assert {str(e) for e in graph.objects(point, URIRef(CV + "email"))} == {"desk@partner.example.eu"}
    # each dataset's own blank-node contact point stays its own
    assert len(set(graph.objects(None, URIRef("http://www.w3.org/ns/dcat#contactPoint")))) == 3
