"""The subject-block index behind the record split."""

from node.validation.records import DATASET, RDF_TYPE, TripleIndex, dataset_titles, links_in

TEXT = (
    f"<urn:d1> {RDF_TYPE} {DATASET} .\n"
    "<urn:d1> <urn:p> <urn:a> .\n"
    f"<urn:a> <urn:note> \"x {RDF_TYPE} {DATASET} .\" .\n"  # words in a literal, not a type
    "<urn:d1> <http://purl.org/dc/terms/title> \"Titre\"@fr .\n"  # d1 again, after another subject
    "<urn:d1> <http://purl.org/dc/terms/title> \"Title \\\"one\\\"\"@en .\n"
    "<urn:d1> <urn:q> _:b .\n"
)


def test_runs_of_a_subject_are_all_its_lines_and_only_root_types_count():
    index = TripleIndex([TEXT])
    assert list(index.subjects()) == ["<urn:d1>", "<urn:a>"]
    assert index.text("<urn:d1>").count("\n") == 5 and index.text("<urn:a>").count("\n") == 1
    assert index.datasets() == ["<urn:d1>"]  # <urn:a>'s literal mentions the type but is none
    assert links_in(index.text("<urn:d1>")) == ["<urn:a>", "_:b"]


def test_titles_prefer_english_and_unescape():
    assert dataset_titles(TripleIndex([TEXT]), ["urn:d1", "urn:missing"]) == {"urn:d1": 'Title "one"'}
