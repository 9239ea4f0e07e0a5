"""A file without any dcat:Dataset is not a pass (issue 14, finding 5): "could not validate: no dataset
found", exit 2 as --help and docs/validation.md promise for files that cannot be validated, unless
--allow-empty asks for catalogue-level checks only."""

import json

import pytest

from node.cli import main

SHAPES = "shapes/dcat-ap-3.ttl"


@pytest.mark.parametrize("name, content, allowed_exit", [
    ("empty.ttl", b"", 0),
    ("ckan.json", b'{"name": "x", "title": "A CKAN package, not JSON-LD"}', 0),
    ("catalogue.ttl", b"<http://e/c> a <http://www.w3.org/ns/dcat#Catalog> .", 1),  # catalogue-level violations
])
def test_a_file_without_datasets_fails_with_no_dataset_found(tmp_path, capsys, name, content, allowed_exit):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["validate", str(path)]) == 2
    assert "could not validate: no dataset found" in capsys.readouterr().out
    assert main(["validate", "--allow-empty", str(path)]) == allowed_exit


def test_a_shapes_file_is_not_a_passing_catalogue(capsys):
    assert main(["validate", "--format", "json", SHAPES]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["conforms"] is False and "no dataset found" in report["files"][0]["error"]


def test_an_unreadable_file_is_still_exit_2_even_beside_an_empty_one(tmp_path):
    empty = tmp_path / "empty.ttl"
    empty.write_bytes(b"")
    broken = tmp_path / "broken.ttl"
    broken.write_bytes(b"<http://e/a> <http://e/b> .")
    assert main(["validate", str(empty), str(broken)]) == 2
