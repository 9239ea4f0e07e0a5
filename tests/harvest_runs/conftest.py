"""Harvest-run tests reuse the harvesters' loopback partner server."""

from tests.harvesters.conftest import partner  # noqa: F401  (a pytest fixture)
