"""Harvest-run tests reuse the harvesters' loopback partner server."""

