"""The diff model: statements compared by what they say, not by blank-node ids or the path that reaches them."""

from __future__ import annotations

from node.history import RECORD_ROOT, diff_versions
from node.store.changelog import ChangeEntry

DS = "http://example.org/ds"
DCT = "http://purl.org/dc/terms/"
NAME = "http://xmlns.com/foaf/0.1/name"
CUSTODIAN = "http://healthdataportal.eu/ns/health#custodian"


def entry(sequence: int, ntriples: str) -> ChangeEntry:
    return ChangeEntry(sequence, f"2026-01-0{sequence}T00:00:00.000Z", "update", DS, "g", "local", "h",
                       payload=ntriples)


def test_an_agent_reached_by_another_path_is_not_a_change():
    agent = f'<http://example.org/agent> <{NAME}> "Agency" .\n'
    old = entry(1, f"<{DS}> <{CUSTODIAN}> <http://example.org/agent> .\n<{DS}> <{DCT}publisher> <http://example.org/agent> .\n" + agent)
    new = entry(2, f"<{DS}> <{DCT}publisher> <http://example.org/agent> .\n" + agent)
    diff = diff_versions(old, new)
    assert [(f.path, f.removed, f.added) for f in diff.fields] == [((CUSTODIAN,), ["http://example.org/agent"], [])]


def test_blank_nodes_renamed_are_not_a_change_but_their_values_are():
    old = entry(1, f'<{DS}> <http://www.w3.org/ns/dcat#contactPoint> _:a .\n_:a <http://www.w3.org/2006/vcard/ns#fn> "Desk" .\n'
                   f'_:a <http://www.w3.org/2006/vcard/ns#hasEmail> <mailto:a@example.org> .\n')
    new = entry(2, old.payload.replace("_:a", "_:zz").replace("mailto:a@", "mailto:b@"))
    diff = diff_versions(old, new)
    assert [(f.root, f.path[-1].rsplit("#")[-1], f.removed, f.added) for f in diff.fields] == [
        ("", "hasEmail", ["mailto:a@example.org"], ["mailto:b@example.org"])]
    assert (diff.added, diff.removed, diff.truncated) == (1, 1, False)


def test_the_catalogue_record_has_its_own_root_and_values_show_language_and_datatype():
    record = "<http://example.org/ds#record>"
    typed = f"{record} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/dcat#CatalogRecord> .\n"
    old = entry(1, typed + f'{record} <{DCT}modified> "2026-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
                   f'<{DS}> <{DCT}title> "Titre"@fr .\n')
    new = entry(2, typed + f'{record} <{DCT}modified> "2026-02-01"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
                   f'<{DS}> <{DCT}title> "Titre"@fr .\n<{DS}> <{DCT}title> "Title"@en .\n')
    diff = diff_versions(old, new)
    assert [(f.root, f.removed, f.added) for f in diff.fields] == [
        ("", [], ["Title @en"]), (RECORD_ROOT, ["2026-01-01 (date)"], ["2026-02-01 (date)"])]


def test_from_nothing_everything_is_added_and_to_a_deletion_everything_removed():
    first = entry(1, f'<{DS}> <{DCT}title> "T" .\n')
    deletion = ChangeEntry(2, "2026-01-02T00:00:00.000Z", "delete", DS, "g", "local", "h")
    assert [(f.added, f.removed) for f in diff_versions(None, first).fields] == [(["T"], [])]
    assert [(f.added, f.removed) for f in diff_versions(first, deletion).fields] == [([], ["T"])]
