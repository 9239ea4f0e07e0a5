"""`ehds-node load` and `ehds-node export` end to end through node.cli.main, and the store's life."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from node import rdfio
from node.cli import main
from node.config import Settings
from node.context import open_node
from tests.conftest import BASE_URL
from tests.publish.sample_records import BUNDLED_IDS, HDAB, renamed, retitled, turtle, without

RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh data dir; the bundled catalogue is not loaded unless a test asks for it."""
    monkeypatch.setenv("EHDS_NODE_LOAD_BUNDLED_CATALOGUE", "false")
    monkeypatch.setenv("EHDS_NODE_BASE_URL", BASE_URL)
    return tmp_path / "data"


@pytest.fixture
def clock(monkeypatch):
    times = {"now": "2030-01-01T00:00:00Z"}
    monkeypatch.setattr("node.records.now_iso", lambda: times["now"])
    return times


def write(tmp_path, name: str, body: bytes):
    path = tmp_path / name
    path.write_bytes(body)
    return str(path)


def record_dates(data_dir, record_id) -> tuple[str, str]:
    """(issued, modified) of a record's dcat:CatalogRecord, read back from the store."""
    ctx = open_node(Settings(base_url=BASE_URL, data_dir=data_dir, load_bundled_catalogue=False))
    try:
        graph = rdfio.to_rdflib(ctx.store.graph_triples(ctx.naming.local_graph(record_id)))
        record = URIRef(ctx.naming.record(record_id))
        return str(graph.value(record, DCTERMS.issued)), str(graph.value(record, DCTERMS.modified))
    finally:
        ctx.close()


def dataset_titles(data_dir, record_id) -> set[str]:
    ctx = open_node(Settings(base_url=BASE_URL, data_dir=data_dir, load_bundled_catalogue=False))
    try:
        dataset = BASE_URL + "datasets/" + record_id
        return {t.object.value for t in ctx.store.graph_triples(ctx.naming.local_graph(record_id))
                if t.subject.value == dataset and t.predicate.value == str(DCTERMS.title)}
    finally:
        ctx.close()


def test_load_two_then_replace_one_keeps_issued_and_moves_modified(tmp_path, data_dir, clock, capsys):
    both = write(tmp_path, "two.ttl", turtle(renamed("snds", "cli-a") + renamed("oscour", "cli-b")))
    assert main(["load", "--data", str(data_dir), both]) == 0
    out = capsys.readouterr().out
    assert "added cli-a" in out and "added cli-b" in out

    clock["now"] = "2030-06-01T00:00:00Z"
    one = write(tmp_path, "one.ttl", turtle(retitled(renamed("oscour", "cli-b"), "OSCOUR, second edition")))
    assert main(["load", "--data", str(data_dir), one]) == 0
    assert "replaced cli-b" in capsys.readouterr().out

    assert record_dates(data_dir, "cli-b") == ("2030-01-01T00:00:00Z", "2030-06-01T00:00:00Z")
    assert record_dates(data_dir, "cli-a") == ("2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z")
    assert dataset_titles(data_dir, "cli-b") == {"OSCOUR, second edition"}


def test_load_copies_a_shared_resource_once_per_record_however_often_the_file_states_it(tmp_path, data_dir,
                                                                                        capsys):
    """Twenty copies of a record, each stating the triples of the same publisher, contact point and
    themes: every record holds them once (they were copied twenty times into each, the memory of a
    load growing with the square of the file)."""
    parts = [turtle(renamed("oscour", f"many-{i}")) for i in range(20)]
    assert main(["load", "--data", str(data_dir), write(tmp_path, "many.ttl", b"\n".join(parts))]) == 0
    assert "added many-19" in capsys.readouterr().out
    ctx = open_node(Settings(base_url=BASE_URL, data_dir=data_dir, load_bundled_catalogue=False))
    try:
        for record_id in ("many-0", "many-19"):
            triples = list(ctx.store.graph_triples(ctx.naming.local_graph(record_id)))
            forms = [t.object.value for t in triples if t.predicate.value.endswith("#publishedForm")]
            lines = "".join(forms).splitlines()
            assert forms and len(lines) == len(set(lines)), record_id
    finally:
        ctx.close()


def test_load_with_one_invalid_record_writes_nothing(tmp_path, data_dir, capsys):
    good = write(tmp_path, "good.ttl", turtle(renamed("snds", "keep")))
    assert main(["load", "--data", str(data_dir), good]) == 0
    before = dataset_titles(data_dir, "keep")
    mixed = turtle(retitled(renamed("snds", "keep"), "Should not land") + without(renamed("oscour", "bad-one"), HDAB))
    assert main(["load", "--data", str(data_dir), write(tmp_path, "mixed.ttl", mixed)]) == 1
    err = capsys.readouterr().err
    assert "bad-one" in err and "nothing was written" in err, err
    assert "Traceback" not in err
    assert dataset_titles(data_dir, "keep") == before
    assert dataset_titles(data_dir, "bad-one") == set()


def test_load_of_a_syntax_error_exits_2_with_the_line(tmp_path, data_dir, capsys):
    body = turtle(renamed("snds", "x")) + b"\n<a> <b> \"never closed .\n"
    lines = body.count(b"\n")
    assert main(["load", "--data", str(data_dir), write(tmp_path, "broken.ttl", body)]) == 2
    err = capsys.readouterr().err
    assert "broken.ttl" in err and f"line {lines}" in err, err
    assert main(["load", "--data", str(data_dir), str(tmp_path / "missing.ttl")]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", sorted(RDFLIB_FORMATS))
def test_export_parses_back_to_every_dataset(tmp_path, settings, suffix, capsys):
    ctx = open_node(settings)  # the bundled catalogue: six records
    ctx.close()
    target = tmp_path / f"catalogue.{suffix}"
    assert main(["export", "--data", str(settings.data_dir), "--base-url", BASE_URL, "-o", str(target)]) == 0
    assert "exported 6 datasets" in capsys.readouterr().err
    graph = Graph().parse(target, format=RDFLIB_FORMATS[suffix])
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert datasets == {URIRef(BASE_URL + "datasets/" + i) for i in BUNDLED_IDS}
    assert set(graph.objects(URIRef(BASE_URL + "catalog"), DCAT.dataset)) == datasets
    assert not [p for p in graph.predicates() if "ehds" in str(p)]  # index terms stay private


def test_export_of_an_unknown_format_is_a_clear_error(tmp_path, data_dir, capsys):
    assert main(["export", "--data", str(data_dir), "--format", "yaml", "-o", str(tmp_path / "x")]) == 2
    assert "unknown export format 'yaml'" in capsys.readouterr().err


def test_store_survives_a_restart(settings):
    from node.records import delete

    first = open_node(settings)
    assert len(first.index.entries()) == 6
    delete(first.store, first.naming, "hydro")
    first.close()
    second = open_node(settings)  # the bundled catalogue is not loaded again into an existing store
    try:
        ids = sorted(e.graph.rsplit("/", 1)[1] for e in second.index.entries())
        assert ids == sorted(set(BUNDLED_IDS) - {"hydro"})
        assert second.store.graph_triples(second.naming.local_graph("snds"))
    finally:
        second.close()


def test_empty_setting_starts_without_the_bundled_catalogue(tmp_path):
    ctx = open_node(Settings(base_url=BASE_URL, data_dir=tmp_path / "empty", load_bundled_catalogue=False))
    try:
        assert ctx.index.entries() == []
    finally:
        ctx.close()
