"""`ehds-node validate` (healthdcat-ap) and pyshacl with the official HealthDCAT-AP Release 8 shapes, the
FOAF/vCard subclass axioms and the same background vocabularies find the same violations on the same files
(issue 14, "Done means"): the golden files (one defect each), the R8 official example, and valid records
whose publisher is a foaf:Organization and whose contact point a vcard:Organization (false violations once).

The two rule sets are written differently, so a defect may be reported on a neighbouring node: a missing
contact point of the HDAB on the HDAB (official) or on the dataset's healthdcatap:hdab (ours). Two results
match when they name the same property, either as their path or as the property that links the dataset to
their focus node; a node-level result (no path: the official SPARQL constraints) matches any result on the
same focus node.
"""

import json
from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import DCAT, RDF

from node.cli import main
from tests.support import official_shapes
from tests.support.shared import params_from_reference, reference, shared_dir
from tests.validation.support import GOLDEN
from vocab.vocabularies import background_ntriples

pytestmark = pytest.mark.conformance
# Deliberate difference (docs/validation.md): a date literal that is not a date (e.g. 2023-02-30) is a
# violation here; the official shapes check only the datatype IRI.
DELIBERATE = {"<http://purl.org/dc/terms/issued>", "<http://purl.org/dc/terms/modified>"}
SUBCLASS_CASES = {"organisation-publisher.ttl": ("ex:registry a foaf:Agent", "ex:registry a foaf:Organization"),
                  "organisation-contact.ttl": ("dcat:contactPoint [ a vcard:Kind", "dcat:contactPoint [ a vcard:Organization")}


@lru_cache(maxsize=1)
def background() -> Graph:
    return Graph().parse(data=background_ntriples(), format="nt")


@lru_cache(maxsize=2)
def r8_shapes(level: str) -> Graph:
    return official_shapes.load_healthdcat_r8(reference, level)


def cases() -> list:
    files = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(GOLDEN.glob("*.ttl"))]
    example = reference("standards", "healthdcat-ap-release-8", "examples", "example-healthdcat-dataset.ttl")
    files.append((example.name, example.read_text(encoding="utf-8")))
    valid = (GOLDEN / "valid-non-public.ttl").read_text(encoding="utf-8")
    for name, (old, new) in SUBCLASS_CASES.items():
        assert old in valid, f"the golden file changed: {old!r} not found"
        files.append((name, valid.replace(old, new)))
    return files


def linking_property(graph: Graph, focus: str) -> str | None:
    """The property that links a dataset to `focus` (an IRI or blank node label as results give it)."""
    for dataset in graph.subjects(RDF.type, DCAT.Dataset):
        for predicate, obj in graph.predicate_objects(dataset):
            if obj.n3() == focus or str(obj) == focus.strip("<>"):
                return f"<{predicate}>"
    return None


def properties(path: str) -> set[str]:
    """The property IRIs a SHACL path names, whatever the syntax ('(<a>|<b>)', 'alternative(<a>, <b>)')."""
    return {part.split(">")[0].join("<>") for part in path.split("<")[1:]} if path and path != "-" else set()


def keys(graph: Graph, focus: str, path: str) -> set[str]:
    found = properties(path)
    link = linking_property(graph, focus)
    return found | ({link} if link else set())


def ours(tmp_path: Path, name: str, text: str, capsys) -> list[tuple[str, str]]:
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    main(["validate", "--profile", "healthdcat-ap", "--format", "json", "--severity", "violation", str(file)])
    document = json.loads(capsys.readouterr().out)
    return [(r["focus_node"] if r["focus_node"].startswith("_:") else f"<{r['focus_node']}>", r["path"] or "-")
            for r in document["files"][0]["results"]]


def theirs(graph: Graph) -> list[tuple[str, str]]:
    outcome = official_shapes.validate(graph + background(), r8_shapes(access_level(graph)))
    return [(r.focus, r.path) for r in outcome.violations]


def access_level(graph: Graph) -> str:
    """The R8 shape set for the file's dataset: R8 has 'public' and 'non-public' (restricted uses the latter)."""
    dataset = next(graph.subjects(RDF.type, DCAT.Dataset))
    try:
        level = official_shapes.access_level(graph, dataset)
    except KeyError:  # no or unknown access rights: the public shapes, which also require them
        return "public"
    return "non-public" if level == "restricted" else level


def unmatched(mine, other, graph: Graph) -> list:
    """Results of `mine` that no result of `other` matches (see the module docstring)."""
    left = []
    for focus, path in mine:
        if path == "-":
            if not any(f == focus for f, _ in other):
                left.append((focus, path))
            continue
        wanted = keys(graph, focus, path)
        if not any(wanted & keys(graph, f, p) or (p == "-" and f == focus) for f, p in other):
            left.append((focus, path))
    return left


@pytest.mark.parametrize("name,text", params_from_reference(cases), ids=lambda v: v if isinstance(v, str) and
                         v.endswith(".ttl") else "")
def test_ehds_node_validate_and_official_r8_find_the_same_violations(name, text, tmp_path, capsys):
    shared_dir()
    graph = Graph().parse(data=text, format="turtle")
    mine = [r for r in ours(tmp_path, name, text, capsys) if r[1] not in DELIBERATE]
    official = theirs(graph)
    assert bool(mine) == bool(official), f"{name}: ours {mine}, official {official}"
    assert not unmatched(official, mine, graph), f"{name}: official violations we miss"
    assert not unmatched(mine, official, graph), f"{name}: violations the official shapes do not report"


def test_the_subclass_cases_conform_on_both_sides(tmp_path, capsys):
    shared_dir()
    for name, text in cases():
        if name in SUBCLASS_CASES:
            assert not ours(tmp_path, name, text, capsys), name
            assert not theirs(Graph().parse(data=text, format="turtle")), name
