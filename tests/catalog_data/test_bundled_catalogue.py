"""The bundled HDH catalogue (node/data/hdh-catalogue.ttl): content and facts from the HDH seeds.

Plain tests: they need neither ../shared nor a network.
"""

from __future__ import annotations

from pathlib import Path

import re

import pyoxigraph
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from tests.support.official_shapes import record_graph

CATALOGUE_FILE = Path(__file__).resolve().parents[2] / "node" / "data" / "hdh-catalogue.ttl"
BASE = "http://localhost:8080/"
# Open namespaces: pytest's collection probes module globals, which rdflib's closed ones warn about.
CSVW = Namespace("http://www.w3.org/ns/csvw#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
HEALTH = Namespace("http://healthdataportal.eu/ns/health#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
NON_PUBLIC = URIRef("http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC")
ACCESS_RIGHTS = {
    NON_PUBLIC,
    URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC"),
    URIRef("http://publications.europa.eu/resource/authority/access-right/RESTRICTED"),
}
EHDS = URIRef("http://data.europa.eu/eli/reg/2025/327/oj")
HEAL = URIRef("http://publications.europa.eu/resource/authority/data-theme/HEAL")
FRA = URIRef("http://publications.europa.eu/resource/authority/country/FRA")
COUNTS = (HEALTH.numberOfRecords, HEALTH.numberOfUniqueIndividuals, HEALTH.minTypicalAge,
          HEALTH.maxTypicalAge, DCAT.byteSize)

# slug -> (French title, English title)
DATASETS = {
    "snds": ("Système national des données de santé (SNDS historique)",
             "French National Health Data System (historical SNDS)"),
    "oscour": ("OSCOUR®", "OSCOUR® emergency department database"),
    "bone-marrow-register": ("Registre français des greffes de moelle osseuse", "French bone-marrow transplant register"),
    "angioplasties-500k": ("Base des 500 000 angioplasties", "Base of 500,000 angioplasties"),
    "i-share": ("Cohorte I-Share", "I-Share cohort"),
    "hydro": ("Données du projet Hydro", "Hydro project data"),
}


def iri(path: str, base: str = BASE) -> URIRef:
    return URIRef(base + path)


@pytest.fixture(scope="module")
def catalogue() -> Graph:
    graph = Graph()
    graph.parse(CATALOGUE_FILE, format="turtle", publicID=BASE)
    return graph


def number(graph: Graph, slug: str, prop: URIRef) -> Literal:
    value = graph.value(iri(f"datasets/{slug}"), prop)
    assert isinstance(value, Literal), f"{slug} has no {prop}"
    assert value.datatype == XSD.nonNegativeInteger, f"{slug} {prop} is {value.datatype}, not xsd:nonNegativeInteger"
    return value


def test_the_file_has_no_base_and_resolves_against_any_base_url():
    text = CATALOGUE_FILE.read_text(encoding="utf-8")
    assert not re.search(r"^\s*(@base|BASE)\b", text, flags=re.MULTILINE | re.IGNORECASE)
    other = Graph().parse(CATALOGUE_FILE, format="turtle", publicID="https://node.example.org/ehds/")
    assert (iri("datasets/snds", "https://node.example.org/ehds/"), RDF.type, DCAT.Dataset) in other


def test_the_node_store_parser_reads_it_with_a_base_iri(catalogue):
    store = pyoxigraph.Store()
    store.load(path=str(CATALOGUE_FILE), format=pyoxigraph.RdfFormat.TURTLE, base_iri=BASE)
    assert len(store) == len(catalogue)


@pytest.mark.parametrize("slug", sorted(DATASETS))
def test_each_dataset_exists_with_titles_in_french_and_english(catalogue, slug):
    dataset = iri(f"datasets/{slug}")
    assert (dataset, RDF.type, DCAT.Dataset) in catalogue
    titles = set(catalogue.objects(dataset, DCTERMS.title))
    french, english = DATASETS[slug]
    assert Literal(french, lang="fr") in titles
    assert Literal(english, lang="en") in titles
    descriptions = {d.language for d in catalogue.objects(dataset, DCTERMS.description)}
    assert {"fr", "en"} <= descriptions
    keywords = {k.language for k in catalogue.objects(dataset, DCAT.keyword)}
    assert {"fr", "en"} <= keywords


def test_exactly_the_six_datasets(catalogue):
    found = set(catalogue.subjects(RDF.type, DCAT.Dataset))
    assert found == {iri(f"datasets/{slug}") for slug in DATASETS}


def test_the_catalogue_describes_the_node_and_lists_every_dataset(catalogue):
    catalog = iri("catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in catalogue
    assert set(catalogue.objects(catalog, DCAT.dataset)) == {iri(f"datasets/{slug}") for slug in DATASETS}
    assert {t.language for t in catalogue.objects(catalog, DCTERMS.title)} >= {"fr", "en"}
    assert {d.language for d in catalogue.objects(catalog, DCTERMS.description)} >= {"fr", "en"}
    assert catalogue.value(catalog, DCTERMS.publisher) == iri("agents/hdh")
    assert catalogue.value(catalog, FOAF.homepage) == URIRef("https://www.health-data-hub.fr/")
    assert catalogue.value(catalog, DCATAP.applicableLegislation) == EHDS
    assert set(catalogue.objects(catalog, DCTERMS.language))


@pytest.mark.parametrize("slug", sorted(DATASETS))
def test_each_dataset_has_access_rights_hdab_and_an_access_distribution(catalogue, slug):
    dataset = iri(f"datasets/{slug}")
    assert set(catalogue.objects(dataset, DCTERMS.accessRights)) <= ACCESS_RIGHTS
    assert len(set(catalogue.objects(dataset, DCTERMS.accessRights))) == 1
    assert catalogue.value(dataset, HEALTH.hdab) == iri("agents/hdh")
    assert EHDS in set(catalogue.objects(dataset, DCATAP.applicableLegislation))
    assert catalogue.value(dataset, DCAT.theme) == HEAL
    assert catalogue.value(dataset, DCTERMS.spatial) == FRA
    distributions = set(catalogue.objects(dataset, DCAT.distribution))
    assert distributions, f"{slug} has no distribution"
    for distribution in distributions:
        assert str(distribution).startswith(BASE + f"datasets/{slug}/distributions/")
        assert catalogue.value(distribution, DCAT.accessURL) is not None
        assert catalogue.value(distribution, DCTERMS.license) is not None
        assert EHDS in set(catalogue.objects(distribution, DCATAP.applicableLegislation))


def test_all_datasets_are_non_public(catalogue):
    levels = {catalogue.value(d, DCTERMS.accessRights) for d in catalogue.subjects(RDF.type, DCAT.Dataset)}
    assert levels == {NON_PUBLIC}


def test_the_seed_figures_are_there_as_non_negative_integers(catalogue):
    assert number(catalogue, "snds", HEALTH.numberOfUniqueIndividuals).toPython() == 65_000_000
    assert number(catalogue, "snds", HEALTH.numberOfRecords).toPython() == 1_200_000_000
    assert number(catalogue, "i-share", HEALTH.numberOfUniqueIndividuals).toPython() == 30_000
    assert number(catalogue, "angioplasties-500k", HEALTH.numberOfRecords).toPython() == 500_000
    size = catalogue.value(iri("datasets/snds/distributions/portal"), DCAT.byteSize)
    assert size == Literal("250000000000000", datatype=XSD.nonNegativeInteger)  # 250 TB
    snds = " ".join(catalogue.objects(iri("datasets/snds"), DCTERMS.description))
    for figure in ("65 million", "1.2 billion care sheets", "11 million hospital stays", "250 TB", "CépiDc", "PMSI"):
        assert figure in snds


def test_every_count_and_age_uses_xsd_non_negative_integer(catalogue):
    values = [o for p in COUNTS for o in catalogue.objects(None, p)]
    assert values
    assert all(v.datatype == XSD.nonNegativeInteger for v in values)


def test_oscour_carries_the_facts_of_its_hdh_catalogue_page(catalogue):
    oscour = iri("datasets/oscour")
    keywords = set(catalogue.objects(oscour, DCAT.keyword))
    assert {Literal("passages aux urgences", lang="fr"), Literal("suivi épidémies", lang="fr")} <= keywords
    assert catalogue.value(oscour, DCTERMS.identifier) == Literal("oscour")
    assert catalogue.value(oscour, DCTERMS.alternative) == Literal("OSCOUR")
    assert catalogue.value(oscour, DCTERMS.publisher) == iri("agents/spf")
    domain = catalogue.value(oscour, DCTERMS.subject)
    assert Literal("autre", lang="fr") in set(catalogue.objects(domain, SKOS.prefLabel))
    french = next(d for d in catalogue.objects(oscour, DCTERMS.description) if d.language == "fr")
    assert "détection précoce" in french and "Financements : public" in french


def test_holders_are_the_ones_named_in_the_seeds(catalogue):
    holders = {"snds": "cnam", "oscour": "spf", "bone-marrow-register": "abm", "angioplasties-500k": "sfc",
               "i-share": "u-bordeaux"}
    for slug, agent in holders.items():
        assert catalogue.value(iri(f"datasets/{slug}"), URIRef("http://data.europa.eu/930/custodian")) == iri(
            f"agents/{agent}")
    for agent in catalogue.subjects(RDF.type, FOAF.Agent):
        assert catalogue.value(agent, FOAF.name) is not None


@pytest.mark.parametrize("slug", sorted(DATASETS))
def test_illustrative_values_are_flagged(catalogue, slug):
    notes = [str(n) for n in catalogue.objects(iri(f"datasets/{slug}"), SKOS.editorialNote)]
    assert any(n.startswith("Illustrative values:") for n in notes)


@pytest.mark.parametrize("slug", sorted(DATASETS))
def test_structured_data_is_described_with_csvw(catalogue, slug):
    dataset = iri(f"datasets/{slug}")
    assert catalogue.value(dataset, HEALTH.hasStructuredData) == Literal(True)
    group = catalogue.value(dataset, HEALTH.hasVariables)
    assert (group, RDF.type, CSVW.TableGroup) in catalogue
    tables = list(catalogue.objects(group, CSVW.table))
    assert tables
    for table in tables:
        assert (table, RDF.type, CSVW.Table) in catalogue
        columns = set(catalogue.objects(table, CSVW.column))
        assert columns
        assert set(catalogue.objects(catalogue.value(table, CSVW.tableSchema), CSVW.column)) == columns
        for column in columns:
            for prop in (CSVW.name, CSVW.title, CSVW.datatype, DCTERMS.description):
                assert catalogue.value(column, prop) is not None, f"{column} lacks {prop}"


def column_names(graph: Graph, table: URIRef) -> set[str]:
    return {str(graph.value(c, CSVW.name)) for c in graph.objects(table, CSVW.column)}


def test_snds_and_oscour_tables(catalogue):
    assert {"BEN_NIR_PSA", "EXE_SOI_DTD", "PRS_NAT_REF"} <= column_names(
        catalogue, iri("datasets/snds/tables/er-prs-f"))
    assert {"BEN_NIR_PSA", "BEN_SEX_COD", "BEN_NAI_ANN"} <= column_names(
        catalogue, iri("datasets/snds/tables/ir-ben-r"))
    assert {"DGN_PAL", "ETA_NUM"} <= column_names(catalogue, iri("datasets/snds/tables/t-mcoaab"))
    assert len(column_names(catalogue, iri("datasets/oscour/tables/passages"))) == 7


def test_records_are_self_contained_and_cover_the_whole_file(catalogue):
    others = {iri(f"datasets/{slug}") for slug in DATASETS} | {iri("catalog")}
    union = Graph()
    for slug in DATASETS:
        dataset = iri(f"datasets/{slug}")
        record = record_graph(catalogue, dataset)
        assert not set(record.subjects()) & (others - {dataset}), f"{slug} record enters another record"
        union += record
    union += record_graph(catalogue, iri("catalog"))
    orphans = set(catalogue) - set(union)
    assert not orphans, f"triples reachable from no record: {sorted(orphans)[:5]}"
