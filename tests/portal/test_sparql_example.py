"""The "Latest modified datasets" example answers with dct:modified, one row per dataset."""

from node.sparql.examples import EXAMPLES


def test_latest_modified_gives_dct_modified_once_per_dataset(client):
    query = dict(EXAMPLES)["Latest modified datasets"]
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    rows = response.json["results"]["bindings"]
    datasets = [row["dataset"]["value"] for row in rows]
    assert len(datasets) == len(set(datasets)) == 6
    stated = {row["dataset"]["value"]: row["modified"]["value"] for row in rows}
    turtle = client.get("/datasets/snds", headers={"Accept": "application/n-triples"}).get_data(as_text=True)
    snds = next(d for d in stated if d.endswith("/datasets/snds"))
    assert f'<{snds}> <http://purl.org/dc/terms/modified> "{stated[snds]}"' in turtle  # the record's own date
