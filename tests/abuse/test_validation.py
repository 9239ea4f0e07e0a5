"""Hostile input to `ehds-node validate` and the web validator (/validate): work that stays linear in the
input, reports that stay well-formed whatever the file's name or bytes, exit codes the docs promise."""

import io
import json
import re
import xml.dom.minidom
import xml.etree.ElementTree as ET
from dataclasses import replace

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


BINARY = b"\x15\x00\x01\x1b[2J\x7f\xff\xfe binary"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what no report line may carry raw (tabs and newlines may)


def _reports(tmp_path, capsys, name: str, content: bytes) -> dict[str, str]:
    path = tmp_path / name
    path.write_bytes(content)
    outputs = {}
    for kind in ("text", "json", "turtle", "junit"):
        main(["validate", "--format", kind, str(path)])
        captured = capsys.readouterr()
        outputs[kind], outputs[f"{kind} stderr"] = captured.out, captured.err
    return outputs


def test_a_binary_file_gives_well_formed_reports_with_its_control_bytes_escaped(tmp_path, capsys, client):
    outputs = _reports(tmp_path, capsys, "bin.ttl", BINARY)
    message = ET.fromstring(outputs["junit"]).find(".//error").get("message")  # minidom: "not well-formed" before
    assert "\\x15" in message
    xml.dom.minidom.parseString(outputs["junit"])
    assert not any(CONTROL.search(text) for text in outputs.values())
    for kind in ("junit", "turtle", "json"):
        download = post(client, file=(io.BytesIO(BINARY), "bin.ttl"), download=kind)
        assert download.status_code == 200 and not CONTROL.search(download.get_data(as_text=True)), kind
    xml.dom.minidom.parseString(post(client, file=(io.BytesIO(BINARY), "bin.ttl"), download="junit").data)
    page = post(client, file=(io.BytesIO(BINARY), "bin.ttl")).get_data(as_text=True)
    assert "\\x15" in page and not CONTROL.search(page)


def test_a_file_name_cannot_add_lines_to_a_report(tmp_path, capsys, client):
    name = "nl\n<urn:a> <urn:b> <urn:c> .\r\n\x1b[31m.ttl"
    outputs = _reports(tmp_path, capsys, name, BROKEN)
    report = list(ox.parse(outputs["turtle"].encode(), format=ox.RdfFormat.TURTLE))
    assert report and not any(quad.subject == ox.NamedNode("urn:a") for quad in report)
    assert "/nl\\x0a<urn:a> <urn:b> <urn:c> .\\x0d\\x0a\\x1b[31m.ttl\n" in outputs["turtle"]
    assert json.loads(outputs["json"])["files"][0]["file"].endswith(name)  # JSON escapes it its own way
    ET.fromstring(outputs["junit"])
    assert "<urn:a>" not in outputs["text"].split("\n")[-2].split(".ttl")[-1]
    assert not any(CONTROL.search(text) for text in outputs.values())
    # the web: multipart cannot carry a raw newline in a file name (browsers send %0A), other controls it can
    web_name, shown = "a\x15\x1b[31m\x85.ttl", "a\\x15\\x1b[31m\\x85.ttl"
    downloads = {kind: post(client, file=(io.BytesIO(BROKEN), web_name), download=kind) for kind in ("turtle", "junit", "json")}
    assert all(d.status_code == 200 and not CONTROL.search(d.get_data(as_text=True)) for d in downloads.values())
    assert f"# {shown}\n" in downloads["turtle"].get_data(as_text=True)
    assert list(ox.parse(downloads["turtle"].data, format=ox.RdfFormat.TURTLE))
    assert ET.fromstring(downloads["junit"].data).find("testsuite").get("name") == shown
    assert json.loads(downloads["json"].data)["files"][0]["file"] == shown


def test_a_long_bad_token_is_quoted_in_100_characters(tmp_path, capsys, client):
    token = "x" * 300_000
    outputs = _reports(tmp_path, capsys, "long.ttl", token.encode())
    assert all(len(text) < 3_000 for text in outputs.values())
    assert "x" * 100 + "…" in outputs["text"] and "x" * 101 not in outputs["text"]
    page = post(client, text=token)
    assert page.status_code == 422 and len(page.data) < 50_000 and "x" * 100 + "…" in page.get_data(as_text=True)
    assert len(post(client, headers={"Accept": "application/json"}, text=token, download="json").data) < 3_000


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=300), name=st.text(st.characters(blacklist_categories=("Cs",),
                                                                    blacklist_characters="/\x00"), min_size=1, max_size=20))
def test_any_bytes_under_any_name_give_reports_that_parse(tmp_path_factory, capsys, content, name):
    folder = tmp_path_factory.mktemp("any")
    outputs = _reports(folder, capsys, name[:20] + ".ttl", content)
    ET.fromstring(outputs["junit"])
    json.loads(outputs["json"])
    list(ox.parse(outputs["turtle"].encode(), format=ox.RdfFormat.TURTLE))
    assert not any(CONTROL.search(outputs[kind]) for kind in ("text", "turtle", "junit", "text stderr", "junit stderr"))


def test_a_validation_over_validate_max_results_is_a_413_saying_so(settings, tmp_path):
    """One record can hold ~12 KB of engine memory per result: a dataset with 220,000 blank distributions
    (10 MB) took 18 GB in one engine run. The engine is told to stop at the limit."""
    from node.context import open_node
    from node.web.app import create_app

    many = ("@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<http://e/d> a dcat:Dataset "
            + "; dcat:distribution [ a dcat:Distribution ] " * 50 + ".\n")
    context = open_node(replace(settings, validate_max_results=40, load_bundled_catalogue=False,
                                data_dir=tmp_path / "limited"))
    try:
        client = create_app(context=context).test_client()
        page = post(client, file=(io.BytesIO(many.encode()), "many.ttl"))
        assert page.status_code == 413 and "more than 40 results" in page.get_data(as_text=True)
        answer = post(client, headers={"Accept": "application/json"}, text=many, download="json")
        assert answer.status_code == 413 and "ehds-node validate" in answer.json["message"]
        assert post(client, file=(io.BytesIO(BROKEN), "broken.ttl")).status_code == 200  # 35 results: a report
    finally:
        context.close()
    path = tmp_path / "many.ttl"
    path.write_text(many)
    assert main(["validate", str(path)]) == 1  # the CLI has no limit


def test_line_separators_inside_a_literal_do_not_cut_its_triple(tmp_path, capsys, client):
    """Oxigraph writes U+0085, U+2028 and U+2029 unescaped in N-Triples literals, and str.splitlines()
    ended a line at each: validating a title holding one was a traceback (and a 500 on the web)."""
    from importlib.resources import files

    text = files("node.data").joinpath("hdh-catalogue.ttl").read_text(encoding="utf-8")
    odd = text.replace("Système national des données de santé", "Système\u2028national\u0085des\u2029données", 1)
    assert odd != text
    path = tmp_path / "odd.ttl"
    path.write_text(odd, encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert "conforms" in capsys.readouterr().out
    pasted = "@base <http://localhost:8080/> .\n" + odd  # pasted text has no file location to resolve against
    answer = post(client, text=pasted, download="json")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    [report] = answer.get_json()["files"]
    assert report["error"] is None and report["conforms"], report
