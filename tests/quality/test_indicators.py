"""Exact points per MQA indicator on handcrafted records, and the rating bands."""

import pytest
from rdflib import URIRef

from node.errors import NotFound
from node.quality import INDICATORS, MAX_POINTS, rating_for, score_catalogue, score_dataset
from node.quality.model import DIMENSION_POSSIBLE
from tests.quality.fakes import (
    FULL_RECORD, PREFIXES, AllReachable, FakeValidator, ex, graph_of, vocabularies,
)
from vocab.namespaces import DCAT, DCTERMS


def score(graph, name="full", links=False):
    return score_dataset(graph, ex(name), validator=FakeValidator(), vocabularies=vocabularies(),
                         check_links=links, link_checker=AllReachable() if links else None)


def earned(result):
    return {i.key: i.earned for i in result.indicators}


def test_weights_are_the_mqa_weights():
    assert sum(spec.weight for spec in INDICATORS) == MAX_POINTS == 405
    for dimension, possible in DIMENSION_POSSIBLE.items():
        assert sum(s.weight for s in INDICATORS if s.dimension == dimension) == possible


def test_full_record_with_links_earns_every_point():
    result = score(graph_of(FULL_RECORD), links=True)
    assert earned(result) == {spec.key: spec.weight for spec in INDICATORS}
    assert (result.points, result.rating, result.not_checked_points) == (405, "excellent", 0)
    assert result.title == "Full record"


def test_without_link_checks_the_80_reachability_points_are_not_checked():
    result = score(graph_of(FULL_RECORD))
    assert result.points == 325 and result.rating == "good" and result.not_checked_points == 80
    for key in ("access_url_reachable", "download_url_reachable"):
        indicator = result.indicator(key)
        assert (indicator.earned, indicator.status) == (0, "not_checked")
        assert "--check-links" in indicator.reason


def test_sparse_record_scores_only_what_is_there():
    graph = graph_of(PREFIXES + """
        ex:sparse a dcat:Dataset ; dct:title "Sparse" ; dcat:distribution ex:sparse-d .
        ex:sparse-d a dcat:Distribution ; dcat:accessURL <https://x.example/a> ; dct:format "CSV" .
    """)
    result = score(graph, "sparse", links=True)
    assert {k: v for k, v in earned(result).items() if v} == {
        "access_url_reachable": 50, "format": 20, "dcat_ap_compliant": 30}
    assert result.points == 100 and result.rating == "bad"
    assert "CSV" in result.indicator("format_media_type_from_vocabulary").reason
    assert "add dcat:keyword" in result.indicator("keyword").reason


def test_dataset_without_distribution_gets_no_distribution_points():
    graph = graph_of(FULL_RECORD)
    graph.remove((ex("full"), DCAT.distribution, None))
    result = score(graph, links=True)
    assert result.points == 405 - 100 - 80 - 30 - 10  # accessibility, interop. of files, licence, rights+size
    assert result.indicator("licence").reason.startswith("the dataset has no distribution")


def test_mqa_scores_the_best_distribution_only():
    graph = graph_of(PREFIXES + """
        ex:two a dcat:Dataset ; dct:title "Two" ; dcat:distribution ex:two-a , ex:two-b .
        ex:two-a dcat:accessURL <https://x.example/a> ; dct:format ft:CSV ; dcat:mediaType iana:text\\/csv ;
            dct:license lic:CC_BY_4_0 .
        ex:two-b dcat:accessURL <https://x.example/b> ; dcat:downloadURL <https://x.example/b.pdf> .
    """)
    result = score(graph, "two")
    assert earned(result)["download_url"] == 0
    assert "met by 1 of 2 distributions, but MQA scores only the best-scoring distribution" in \
        result.indicator("download_url").reason
    assert earned(result)["licence"] == 20 and "http://example.org/two-a" in result.indicator("licence").reason


def test_media_type_alone_counts_for_vocabulary_and_format_lists():
    graph = graph_of(PREFIXES + """
        ex:mt a dcat:Dataset ; dcat:distribution ex:mt-d .
        ex:mt-d dcat:accessURL <https://x.example/a> ; dcat:mediaType "text/csv" .
    """)
    got = earned(score(graph, "mt"))
    assert (got["format"], got["media_type"], got["format_media_type_from_vocabulary"],
            got["non_proprietary"], got["machine_readable"]) == (0, 10, 10, 20, 20)


def test_values_outside_the_vocabularies_lose_the_vocabulary_points():
    graph = graph_of(FULL_RECORD.replace("ft:CSV", "<http://example.org/format/csv>")
                     .replace("lic:CC_BY_4_0", "<http://example.org/my-licence>")
                     .replace("ar:PUBLIC", "<http://example.org/open>"))
    result = score(graph)
    assert {k: v for k, v in earned(result).items()
            if k in ("format", "format_media_type_from_vocabulary", "licence", "licence_from_vocabulary",
                     "access_rights", "access_rights_from_vocabulary", "machine_readable")} == {
        "format": 20, "format_media_type_from_vocabulary": 0, "licence": 20, "licence_from_vocabulary": 0,
        "access_rights": 10, "access_rights_from_vocabulary": 0, "machine_readable": 20}  # via text/csv
    assert "http://example.org/my-licence" in result.indicator("licence_from_vocabulary").reason


def test_proprietary_format_is_neither_open_nor_machine_readable():
    graph = graph_of(FULL_RECORD.replace("ft:CSV", "ft:DOCX").replace("iana:text\\/csv", "\"application/msword\""))
    result = score(graph)
    assert (result.indicator("non_proprietary").earned, result.indicator("machine_readable").earned) == (0, 0)
    assert "DOCX" in result.indicator("machine_readable").reason
    assert result.indicator("format_media_type_from_vocabulary").earned == 10


def test_dates_on_the_best_distribution_count():
    graph = graph_of(FULL_RECORD)
    graph.remove((ex("full"), DCTERMS.issued, None))
    assert score(graph).indicator("issued").earned == 0
    graph.add((ex("full-csv"), DCTERMS.issued, graph.value(ex("full"), DCTERMS.modified)))
    assert score(graph).indicator("issued").earned == 5


def _without(graph, *removals):
    for subject, predicate in removals:
        graph.remove((ex(subject), predicate, None))
    return graph


FINDABILITY = [("full", DCAT.keyword), ("full", DCAT.theme), ("full", DCTERMS.spatial), ("full", DCTERMS.temporal)]
REUSABILITY = [("full-csv", DCTERMS.license), ("full", DCAT.contactPoint), ("full", DCTERMS.publisher),
               ("full", DCTERMS.accessRights)]
CONTEXT = [("full-csv", DCAT.byteSize), ("full", DCTERMS.issued), ("full", DCTERMS.modified)]


@pytest.mark.parametrize("removals, links, points, rating", [
    ([("full", DCAT.keyword), ("full", DCTERMS.spatial)], True, 355, "excellent"),
    ([("full", DCAT.keyword), ("full", DCTERMS.spatial), ("full-csv", DCTERMS.rights)], True, 350, "good"),
    (FINDABILITY, False, 225, "good"),
    (FINDABILITY + [("full-csv", DCTERMS.rights)], False, 220, "sufficient"),
    (FINDABILITY + REUSABILITY + CONTEXT + [("full-csv", DCAT.mediaType)], False, 125, "sufficient"),
    (FINDABILITY + REUSABILITY + CONTEXT + [("full-csv", DCAT.mediaType), ("full-csv", DCTERMS.rights)],
     False, 120, "bad"),
])
def test_ratings_at_the_band_boundaries(removals, links, points, rating):
    result = score(_without(graph_of(FULL_RECORD), *removals), links=links)
    assert (result.points, result.rating) == (points, rating)


@pytest.mark.parametrize("points, rating", [
    (405, "excellent"), (351, "excellent"), (350.99, "good"), (221, "good"), (220.5, "sufficient"),
    (121, "sufficient"), (120.9, "bad"), (0, "bad"),
])
def test_rating_bands(points, rating):
    assert rating_for(points) == rating


def test_catalogue_scores_each_dataset_and_averages():
    graph = graph_of(FULL_RECORD + """
        ex:other a dcat:Dataset ; dct:title "Other" .
        ex:catalogue a dcat:Catalog ; dcat:dataset ex:full , ex:other .
    """)
    catalogue = score_catalogue(graph, validator=FakeValidator(), vocabularies=vocabularies())
    assert [d.dataset for d in catalogue.datasets] == ["http://example.org/full", "http://example.org/other"]
    assert [d.points for d in catalogue.datasets] == [325, 30]
    assert catalogue.average_points == 177.5 and catalogue.rating == "sufficient"
    assert catalogue.rating_counts() == {"excellent": 0, "good": 1, "sufficient": 0, "bad": 1}
    as_dict = catalogue.to_dict()
    assert as_dict["dataset_count"] == 2 and as_dict["datasets"][0]["indicators"][0]["key"] == "keyword"


def test_unknown_dataset_is_a_clear_error():
    with pytest.raises(NotFound, match="http://example.org/nowhere"):
        score_dataset(graph_of(FULL_RECORD), URIRef("http://example.org/nowhere"),
                      validator=FakeValidator(), vocabularies=vocabularies())
