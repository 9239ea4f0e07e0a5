"""The vocabulary subsets: every file loads, is one scheme, and answers concept_iris / label."""

import pytest

from node.errors import ConfigError
from vocab.vocabularies import VOCABULARY_NAMES, concept_iris, label, vocabulary

EU = "http://publications.europa.eu/resource/authority/"


@pytest.mark.parametrize("name", VOCABULARY_NAMES)
def test_every_vocabulary_has_labelled_concepts_in_its_scheme(name):
    vocab = vocabulary(name)
    assert vocab.iris, name
    for iri, labels in vocab.labels.items():
        assert iri.startswith(vocab.scheme) or name == "legislation", iri  # ELI acts keep EUR-Lex IRIs
        assert labels.get("en"), f"{iri} has no English label"


def test_access_rights_are_the_eu_table():
    iris = concept_iris("access-right")
    assert {EU + "access-right/PUBLIC", EU + "access-right/RESTRICTED", EU + "access-right/NON_PUBLIC"} <= iris
    assert EU + "access-right/OPEN" not in iris


def test_file_types_and_licences_used_by_the_quality_score():
    assert EU + "file-type/CSV" in concept_iris("file-type")
    assert EU + "licence/CC_BY_4_0" in concept_iris("licence")
    assert label("file-type", EU + "file-type/CSV") == "CSV"
    assert label("licence", EU + "licence/NOT_A_LICENCE") is None


def test_health_categories_are_the_seventeen_of_article_51():
    assert len(concept_iris("health-category")) == 17
    assert vocabulary("health-category").complete
    assert not vocabulary("language").complete


def test_unknown_vocabulary_is_a_config_error():
    with pytest.raises(ConfigError, match="known: access-right"):
        concept_iris("colours")
