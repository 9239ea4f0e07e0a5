"""ckanext-dcat's DCAT-AP parser reads the catalogue as the CKAN DCAT harvester does.

The harvester (ckanext.dcat.harvesters.DCATRDFHarvester) fetches a page, parses it with a fresh
RDFParser (profile euro_dcat_ap_3) in the format of the response's Content-Type, and follows
`parser.next_page()` (hydra:next, else hydra:nextPage) until there is none. Here against a real
`ehds-node serve`, in Turtle and in RDF/XML (the harvester's default), 2 datasets a page.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS

from tests.publish.sample_records import BUNDLED_IDS, bundled_bytes

pytestmark = pytest.mark.conformance
MAX_PAGES = 50


def harvest(http, first_url: str, accept: str) -> tuple[list[dict], int]:
    """Datasets as CKAN dicts, and the number of pages read."""
    from ckanext.dcat.processors import RDFParser

    datasets, url, seen = [], first_url, set()
    while url:
        assert url not in seen and len(seen) < MAX_PAGES, f"paging loops at {url}"
        seen.add(url)
        response = http.get(url, headers={"Accept": accept}, timeout=60)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        parser = RDFParser(profiles=["euro_dcat_ap_3"])
        parser.parse(response.content, _format=response.headers["Content-Type"].split(";")[0])
        datasets.extend(parser.datasets())
        url = parser.next_page()
    return datasets, len(seen)


def source_facts(root: str) -> dict[str, tuple[set[str], int, set[str]]]:
    """dataset IRI → (titles, number of distributions, their access URLs), from the bundled file."""
    graph = Graph().parse(data=bundled_bytes(), format="turtle", publicID=root)
    facts = {}
    for record_id in BUNDLED_IDS:
        dataset = URIRef(f"{root}datasets/{record_id}")
        titles = {str(t) for t in graph.objects(dataset, DCTERMS.title)}
        distributions = list(graph.objects(dataset, DCAT.distribution))
        urls = {str(u) for d in distributions for u in graph.objects(d, DCAT.accessURL)}
        facts[str(dataset)] = (titles, len(distributions), urls)
    return facts


def extra(dataset: dict, key: str) -> str | None:
    return next((e["value"] for e in dataset.get("extras", []) if e["key"] == key), None)


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml"])
def test_ckan_harvester_finds_every_dataset_with_title_and_distributions(live_node, http, accept):
    datasets, pages = harvest(http, live_node.root + "catalog?per_page=2", accept)
    assert pages == 3
    facts = source_facts(live_node.root)
    uris = [extra(d, "uri") for d in datasets]
    assert sorted(uris) == sorted(facts), "every dataset exactly once"
    for dataset in datasets:
        titles, distributions, access_urls = facts[extra(dataset, "uri")]
        assert dataset["title"] in titles
        assert distributions >= 1 and len(dataset["resources"]) == distributions, dataset["title"]
        assert {r["url"] for r in dataset["resources"]} == access_urls
        assert dataset["notes"] and dataset["tags"]
