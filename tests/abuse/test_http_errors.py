"""Hostile or odd request parameters and CLI situations: a 4xx with a message, or one clean line and
an exit code, never a 500 or a traceback (issue 10, finding 9)."""

from __future__ import annotations

import dataclasses
import socket
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

FACETS = ("theme", "publisher", "access_rights", "health_category")


@pytest.fixture(name="settings")
def settings_without_request_rate(settings):
    """These tests send hundreds of requests from one address in a burst (Hypothesis examples): that is
    what the request rate refuses (tests/abuse/test_request_rate.py), so it is off here."""
    return dataclasses.replace(settings, request_rate=0)


@pytest.mark.parametrize("facet", FACETS)
@pytest.mark.parametrize("value", ["HEAL", "\x00\xff", "http://x y", "<http://x>", "", "a" * 5000])
def test_facet_values_that_are_not_iris_are_400(client, facet, value):
    response = client.get("/catalog", query_string={facet: value}, headers={"Accept": "text/turtle"})
    if not value:
        assert response.status_code == 200  # an empty filter is no filter
        return
    assert response.status_code == 400
    assert f"?{facet} must be an absolute IRI" in response.get_json()["message"]


def test_a_facet_iri_still_filters(client):
    theme = "http://publications.europa.eu/resource/authority/data-theme/HEAL"
    response = client.get("/catalog", query_string={"theme": theme, "per_page": 100},
                          headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert b"/datasets/" in response.data


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+14:00"])
def test_modified_since_out_of_range_once_in_utc_is_400(client, since):
    response = client.get("/catalog", query_string={"modified_since": since})
    assert response.status_code == 400
    assert "outside the years 1 to 9999" in response.get_json()["message"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(("page", "per_page", "modified_since", "q", *FACETS)), value=st.text(max_size=60))
def test_any_catalogue_parameter_value_is_answered_without_a_server_error(client, name, value):
    response = client.get("/catalog", query_string={name: value}, headers={"Accept": "text/turtle"})
    assert response.status_code in (200, 400, 404), (name, value, response.data[:300])


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "node", *args], capture_output=True, text=True, timeout=120, **kwargs)


def test_serve_on_a_busy_port_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = _cli("serve", "--data", str(tmp_path / "data"), "--port", str(port))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "serving" not in done.stderr
    assert not (tmp_path / "data").exists()  # refused before the store was created


def test_export_into_a_closed_pipe_stops_quietly(tmp_path):
    from node.config import Settings
    from node.context import open_node

    data = str(tmp_path / "data")
    open_node(Settings(data_dir=tmp_path / "data")).close()  # a new store, seeded as `serve` seeds it
    export = subprocess.Popen([sys.executable, "-m", "node", "export", "--data", data],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    export.stdout.read(10)  # the export is ~200 KB, more than a pipe holds: the writer must meet the close
    export.stdout.close()  # the reader goes away, like `| head -c 10`
    stderr = export.stderr.read().decode()
    assert export.wait(timeout=120) == 141
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr
