"""How long scoring takes next to parsing the same catalogue (the baseline, measured in the same run).

    .venv/bin/python bench/quality_score.py [SIZES…]      default: 1000 10000

Generates catalogues of N HealthDCAT-AP-like datasets (two distributions each; every 20th one
sparse), parses them into rdflib (baseline), then scores them with `score_catalogue` without the
SHACL step (validation has its own bench) and without link checks. Prints seconds and the ratio
score/parse; both should grow linearly with N.
"""

from __future__ import annotations

import sys
import time

from node.quality import score_catalogue
from node.rdfio import parse

HEAD = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix ft: <http://publications.europa.eu/resource/authority/file-type/> .
@prefix healthdcatap: <http://healthdataportal.eu/ns/health#> .
<http://bench.example/org> a <http://xmlns.com/foaf/0.1/Agent> .
"""

FULL = """<http://bench.example/d{i}> a dcat:Dataset ; dct:title "Dataset {i}"@en ; dct:description "d"@en ;
  dcat:keyword "k{i}"@en ; dcat:theme <http://publications.europa.eu/resource/authority/data-theme/HEAL> ;
  dct:spatial <http://publications.europa.eu/resource/authority/country/FRA> ;
  dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
  dcat:contactPoint [ a vcard:Kind ; vcard:hasEmail <mailto:x@bench.example> ] ;
  dct:publisher <http://bench.example/org> ; dct:issued "2024-01-01"^^xsd:date ;
  healthdcatap:numberOfRecords "{i}"^^xsd:nonNegativeInteger ;
  dcat:distribution <http://bench.example/d{i}/csv> , <http://bench.example/d{i}/pdf> .
<http://bench.example/d{i}/csv> dcat:accessURL <https://bench.example/d{i}> ; dct:format ft:CSV ;
  dct:license <http://publications.europa.eu/resource/authority/licence/CC_BY_4_0> .
<http://bench.example/d{i}/pdf> dcat:accessURL <https://bench.example/d{i}.pdf> ; dct:format ft:PDF .
"""
SPARSE = '<http://bench.example/d{i}> a dcat:Dataset ; dct:title "Sparse {i}" .\n'


class NoValidation:
    def validate(self, triples):
        return type("Report", (), {"results": ()})()


def catalogue(size: int) -> bytes:
    body = "".join((SPARSE if i % 20 == 0 else FULL).format(i=i) for i in range(size))
    return (HEAD + body).encode()


def main(sizes: list[int]) -> None:
    print(f"{'datasets':>9} {'parse s':>9} {'score s':>9} {'score/parse':>12} {'ms/dataset':>11}")
    for size in sizes:
        data = catalogue(size)
        started = time.perf_counter()
        graph = parse(data, "text/turtle")
        parsed = time.perf_counter() - started
        started = time.perf_counter()
        result = score_catalogue(graph, validator=NoValidation())
        scored = time.perf_counter() - started
        assert len(result.datasets) == size
        print(f"{size:>9} {parsed:>9.2f} {scored:>9.2f} {scored / parsed:>12.2f} {1000 * scored / size:>11.3f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
