"""The query guard on its own: what it refuses, what it rewrites, and what it leaves alone."""

import pytest

from node.errors import PayloadTooLarge, QueryError, QueryRefused
from node.sparql.guard import MAX_DEPTH, check_query

ALLOWED = ("https://partner.example/sparql",)


def check(text, max_rows=100, allowlist=ALLOWED, max_bytes=100_000):
    return check_query(text, max_bytes=max_bytes, max_rows=max_rows, service_allowlist=allowlist)


@pytest.mark.parametrize("update", [
    "INSERT DATA { <a:s> <a:p> <a:o> }",
    "PREFIX ex: <http://e/> DELETE WHERE { ?s ?p ?o }",
    "# comment\nBASE <http://e/> CLEAR ALL",
    "drop graph <http://e/g>",
    "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://169.254.169.254/latest/meta-data>",
])
def test_updates_are_refused_with_a_message(update):
    with pytest.raises(QueryRefused, match="read-only"):
        check(update)


@pytest.mark.parametrize("query, endpoint", [
    ("SELECT * { SERVICE <http://169.254.169.254/> { ?s ?p ?o } }", "http://169.254.169.254/"),
    ("select * { service silent <http://localhost:5432/> { ?s ?p ?o } }", "http://localhost:5432/"),
    ("PREFIX e: <http://internal.example/> SELECT * { SeRvIcE e:sparql { ?s ?p ?o } }", "http://internal.example/sparql"),
])
def test_service_outside_the_allowlist_is_refused(query, endpoint):
    with pytest.raises(QueryRefused, match=endpoint.replace("?", r"\?")):
        check(query)


@pytest.mark.parametrize("query", [
    "SELECT * { BIND(<http://evil.example/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "SELECT * { SERVICE <relative> { ?s ?p ?o } }",
    "BASE <http://internal.example/> SELECT * { SERVICE <sparql> { ?s ?p ?o } }",
    "SELECT * { SERVICE unknown:x { ?s ?p ?o } }",
])
def test_service_that_cannot_be_checked_is_refused(query):
    # Relative endpoints are refused outright (was: resolved against BASE), so that no two IRI
    # resolvers have to agree on where a SERVICE goes.
    with pytest.raises(QueryRefused, match="allow-list|full IRI"):
        check(query)


def test_service_on_the_allowlist_passes_and_strings_comments_iris_are_not_keywords():
    checked = check("""SELECT * {  # SERVICE <http://evil.example/> in a comment
        ?s <http://e/SERVICE> "SERVICE <http://evil.example/> { }" , '''SERVICE ?x'''
        SERVICE <https://partner.example/sparql/> { ?s ?p ?o } }""")
    assert checked.services == ("https://partner.example/sparql/",)


def test_size_and_nesting_limits():
    with pytest.raises(PayloadTooLarge, match="1000001 bytes"):
        check("SELECT * {}" + " " * 999_990, max_bytes=100_000)
    deep = "SELECT * WHERE " + "{" * (MAX_DEPTH + 1) + "?s ?p ?o" + "}" * (MAX_DEPTH + 1)
    with pytest.raises(QueryError, match="levels deep"):
        check(deep)
    fine = "SELECT * WHERE " + "{" * 10 + "?s ?p ?o" + "}" * 10
    assert check(fine).form == "SELECT"


@pytest.mark.parametrize("query, expected_tail", [
    ("SELECT * { ?s ?p ?o }", "\nLIMIT 101"),
    ("SELECT * { ?s ?p ?o } ORDER BY ?s OFFSET 5 # last line is a comment", "comment\nLIMIT 101"),
    ("SELECT * { ?s ?p ?o } LIMIT 1000", "LIMIT 101"),
    ("SELECT * { ?s ?p ?o } LIMIT 10", "LIMIT 10"),
    ("SELECT * { { SELECT ?s { ?s ?p ?o } LIMIT 5000 } }", "LIMIT 5000 } }\nLIMIT 101"),
])
def test_rows_are_capped_with_a_top_level_limit(query, expected_tail):
    assert check(query).text.endswith(expected_tail)


def test_limit_goes_before_a_trailing_values_clause():
    text = check("SELECT * { ?s ?p ?o } VALUES ?s { <http://e/a> }").text
    assert text == "SELECT * { ?s ?p ?o } LIMIT 101\nVALUES ?s { <http://e/a> }"


def test_non_select_forms_are_not_rewritten_and_garbage_is_a_bad_query():
    assert check("CONSTRUCT WHERE { ?s ?p ?o }").text == "CONSTRUCT WHERE { ?s ?p ?o }"
    assert check("ASK {}").form == "ASK"
    with pytest.raises(QueryError, match="expected SELECT"):
        check("HELLO { }")


def test_unicode_escapes_are_read_as_sparql_1_1_section_19_2_says():
    # An escaped keyword is a SERVICE for a conforming parser: judged (and run) unescaped.
    query = "SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    with pytest.raises(QueryRefused, match="127.0.0.1:9"):
        check(query)
