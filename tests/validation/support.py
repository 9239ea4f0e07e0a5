"""Helpers shared by the validation tests: golden files and IRIs."""

from pathlib import Path

from node.rdfio import parse_triples

GOLDEN = Path(__file__).parent / "golden"
EX = "https://registry.example.org/"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
HEALTH = "http://healthdataportal.eu/ns/health#"
VCARD = "http://www.w3.org/2006/vcard/ns#"


def golden_triples(name: str):
    path = GOLDEN / name
    return parse_triples(path.read_bytes(), filename=str(path))


def blank_object(triples, predicate: str) -> str:
    """The "_:label" of the blank node that `predicate` points to (there is one in the golden records)."""
    return next(f"_:{t.object.value}" for t in triples if t.predicate.value == predicate)
