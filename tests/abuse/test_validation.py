"""Hostile input to `ehds-node validate` and the web validator (/validate): work that stays linear in the
input, reports that stay well-formed whatever the file's name or bytes, exit codes the docs promise."""

import io
import json
from dataclasses import replace

from node.cli import main
from node.validation.records import RecordSplitter, TripleIndex

P = "<urn:p>"


def _chunk_lines(text: str, per_chunk: int = 100) -> tuple[int, list[frozenset[str]]]:
    chunks = list(RecordSplitter(TripleIndex([text])).chunks(per_chunk))
    return sum(chunk.text.count("\n") for chunk in chunks), [chunk.owned for chunk in chunks]


def test_a_chain_no_dataset_reaches_is_walked_once_whatever_its_order():
    """Written innermost first (as a parser writes nested blank nodes), each chunk used to walk the rest of
    the chain again from its own first node: n²/100 lines given to the engine instead of n."""
    n = 2_000
    for lines in ([f"_:b{i + 1} {P} _:b{i} .\n" for i in range(n)], [f"_:b{i} {P} _:b{i + 1} .\n" for i in range(n)]):
        total, owned = _chunk_lines("".join(lines))
        assert total == n
        assert sum(len(nodes) for nodes in owned) == n  # each node in one chunk


def test_orphans_sharing_a_node_and_cycles_are_all_validated_once():
    text = ("<urn:x> <urn:p> _:shared .\n<urn:y> <urn:p> _:shared .\n_:shared <urn:q> \"v\" .\n"
            "<urn:c1> <urn:p> <urn:c2> .\n<urn:c2> <urn:p> <urn:c1> .\n")
    total, owned = _chunk_lines(text, per_chunk=1)
    assert set().union(*owned) == {"<urn:x>", "<urn:y>", "_:shared", "<urn:c1>", "<urn:c2>"}
    assert total <= text.count("\n") + 1  # _:shared once more, beside the second orphan that links to it


NESTED_AGENTS = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<http://e/d> a dcat:Dataset ; dct:publisher {open}<http://e/z>{close} .
"""


def test_results_deep_in_a_dataset_name_a_shortened_path(tmp_path, capsys):
    """Each of n nested agents has a result; each result spelt out its whole path from the dataset (n²
    bytes: 165 KB of Turtle gave a 930 MB report and took 4.7 GB)."""
    n = 400
    path = tmp_path / "agents.ttl"
    path.write_text(NESTED_AGENTS.format(open="[ a foaf:Agent ; dct:publisher " * n, close=" ]" * n))
    assert main(["validate", "--format", "json", "--severity", "violation", str(path)]) == 1
    results = json.loads(capsys.readouterr().out)["files"][0]["results"]
    locations = [r["location"] for r in results if r["focus_node"].startswith("_:")]
    assert len(locations) >= n
    step = "<http://purl.org/dc/terms/publisher>"
    assert step in locations and "/".join([step] * 10) in locations  # short paths in full
    deep = [loc for loc in locations if "…" in loc]
    assert len(deep) >= n - 10 and {loc.count(step) for loc in deep} == {10}  # 5 steps, "…", 5 steps


BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
BROKEN = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<http://example.org/ds> a dcat:Dataset ; dct:title "Broken"@en ."""


def post(client, headers=None, **form):
    return client.post("/validate", data=form, headers=headers or {"Accept": BROWSER},
                       content_type="multipart/form-data")


def test_an_empty_file_is_no_dataset_found_on_the_web_as_in_the_cli(client, tmp_path, capsys):
    empty = tmp_path / "empty.ttl"
    empty.write_bytes(b"")
    assert main(["validate", str(empty)]) == 2  # --help and docs/validation.md: 2, could not validate
    assert "could not validate: no dataset found" in capsys.readouterr().out
    response = post(client, file=(io.BytesIO(b""), "empty.ttl"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "no dataset found" in page and "0 dataset(s)" not in page
    report = json.loads(post(client, file=(io.BytesIO(b"# nothing\n"), "empty.ttl"), download="json").data)
    assert report["conforms"] is False and report["files"][0]["error"].startswith("no dataset found")


def test_a_validation_past_validate_seconds_is_a_503_saying_so(settings, client):
    from node.context import open_node
    from node.web.app import create_app

    assert post(client, file=(io.BytesIO(BROKEN), "broken.ttl")).status_code == 200  # within the default limit
    limited = replace(settings, validate_seconds=1e-9, load_bundled_catalogue=False,
                      data_dir=settings.data_dir.parent / "limited")
    context = open_node(limited)
    try:
        client = create_app(context=context).test_client()
        page = post(client, file=(io.BytesIO(BROKEN), "broken.ttl"))
        assert page.status_code == 503 and "this validator&#39;s limit" in page.get_data(as_text=True)
        answer = post(client, headers={"Accept": "application/json"}, text=BROKEN.decode(), download="junit")
        assert answer.status_code == 503 and answer.json["error"] == "Validation timeout"
        assert "ehds-node validate" in answer.json["message"]
    finally:
        context.close()
