"""Every record of the bundled HDH catalogue rates at least Good (real vocabularies and validator)."""

from pathlib import Path

from node.quality import rating_rank, score_catalogue
from node.rdfio import parse

CATALOGUE = Path(__file__).resolve().parents[2] / "node" / "data" / "hdh-catalogue.ttl"


def test_every_bundled_record_rates_at_least_good():
    graph = parse(CATALOGUE.read_bytes(), filename=CATALOGUE.name, base_iri="http://localhost:8080/")
    catalogue = score_catalogue(graph)  # no link checks: tests stay offline
    assert len(catalogue.datasets) >= 6
    below = {
        d.dataset: f"{d.points} ({d.rating}); missing: "
                   + ", ".join(f"{i.key} ({i.reason})" for i in d.indicators if i.earned < i.possible)
        for d in catalogue.datasets if rating_rank(d.rating) < rating_rank("good")
    }
    assert not below, below
