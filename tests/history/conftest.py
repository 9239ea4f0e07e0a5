"""History tests reuse the harvesters' loopback partner server and the harvest runs' central node."""

from tests.harvest_runs.test_runs import central  # noqa: F401  (a pytest fixture)
