"""Generated partner catalogues (DCAT-AP Turtle with Hydra paging) for harvester tests."""

from __future__ import annotations

PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix adms: <http://www.w3.org/ns/adms#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
BASE = "https://partner.example.eu"


def dataset_iri(number: int) -> str:
    return f"{BASE}/dataset/{number}"


def dataset_turtle(number: int, modified: str = "2024-03-01") -> str:
    """One dataset: a distribution, a shared publisher, a blank-node contact point, two identifiers."""
    iri = dataset_iri(number)
    return f"""<{BASE}/catalog> dcat:dataset <{iri}> .
<{iri}> a dcat:Dataset ;
  dct:title "Dataset {number}"@en ; dct:description "Generated dataset {number}."@en ;
  dct:identifier "ds-{number}" ; dct:modified "{modified}"^^xsd:date ;
  adms:identifier [ a adms:Identifier ; skos:notation "alt-{number}" ] ;
  dct:publisher <{BASE}/org/partner> ;
  dcat:contactPoint [ a vcard:Kind ; vcard:fn "Desk {number}" ; vcard:hasEmail <mailto:desk{number}@example.eu> ] ;
  dcat:distribution <{iri}/csv> .
<{iri}/csv> a dcat:Distribution ; dcat:accessURL <{iri}/data.csv> ; dct:title "CSV {number}" .
"""


def catalogue_turtle(numbers, *, this_page: str | None = None, next_page: str | None = None,
                     legacy: bool = False) -> str:
    body = [PREFIXES, f"<{BASE}/catalog> a dcat:Catalog ; dct:title \"Partner catalogue\"@en .\n",
            f"<{BASE}/org/partner> a foaf:Agent ; foaf:name \"Partner\" .\n"]
    body += [dataset_turtle(n) for n in numbers]
    if this_page:
        kind, link = ("hydra:PagedCollection", "hydra:nextPage") if legacy else ("hydra:PartialCollectionView",
                                                                                 "hydra:next")
        body.append(f"<{this_page}> a {kind} .\n")
        if next_page:
            body.append(f"<{this_page}> {link} <{next_page}> .\n")
    return "".join(body)


def serve_paged(partner, total: int, page_size: int, *, legacy: bool = False, path: str = "/catalog") -> str:
    """Register the pages `path?page=1..N` on the partner server; return the first page's URL."""
    pages = max(1, -(-total // page_size))
    for page in range(1, pages + 1):
        numbers = range((page - 1) * page_size + 1, min(page * page_size, total) + 1)
        this_page = partner.url(f"{path}?page={page}")
        next_page = partner.url(f"{path}?page={page + 1}") if page < pages else None
        partner.serve(f"{path}?page={page}", catalogue_turtle(numbers, this_page=this_page,
                                                              next_page=next_page, legacy=legacy))
    return partner.url(f"{path}?page=1")


def partner_config(partner, api_token: str | None = None) -> str:
    """A node configuration (TOML) with one source, "partner": three records on two pages of `partner`."""
    token = f'api_token = "{api_token}"\n' if api_token else ""
    return f"""
[node]
base_url = "http://central.test/"
{token}load_bundled_catalogue = false
validation_profile = "dcat-ap-3"
[[sources]]
name = "partner"
kind = "dcat"
url = "{serve_paged(partner, total=3, page_size=2)}"
allow_private_network = true
retries = 0
profile = "dcat-ap-3"
"""
