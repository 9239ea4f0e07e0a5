"""The /sparql protocol tests (tests/sparql), run again with the node on a remote store: queries are
forwarded to the Oxigraph server, answers re-serialised by the node."""

import pytest

from tests.remote.conftest import remote_settings
from tests.sparql.conftest import sparql_client  # noqa: F401  (a pytest fixture)
from tests.sparql.test_protocol import (  # noqa: F401  (collected here, with this module's fixtures)
    test_ask_and_describe,
    test_construct_formats_by_format_parameter_parse_to_the_same_graph,
    test_errors_are_clear_and_never_500,
    test_every_example_query_answers_rows,
    test_get_form_post_and_direct_post_give_the_same_answer,
    test_select_result_formats_by_accept,
    test_service_description_and_void,
    test_the_default_graph_is_the_union_of_records_and_graph_picks_one,
    test_the_index_terms_filter_of_the_docs_leaves_out_every_ehds_term,
    test_update_by_any_route_is_403,
)


@pytest.fixture(scope="module")
def sparql_node(tmp_path_factory, oxigraph_server):
    from node.context import open_node

    oxigraph_server.clear()
    ctx = open_node(remote_settings(oxigraph_server, tmp_path_factory.mktemp("sparql") / "data", sparql_timeout=3.0))
    yield ctx
    ctx.close()
