"""Harvest sources and runs as pages: what each run did, how long it took, what it refused and why."""

from __future__ import annotations

from datetime import datetime

import pyoxigraph as ox

from node.catalog_index import SOURCE_FACET
from node.web.html import render
from node.web.i18n import current_language
from node.web.views import Description
from vocab.namespaces import DCTERMS


def run_view(run: dict) -> dict:
    """A run as the templates show it: the stored report plus its duration in seconds."""
    return {**run, "duration": _seconds_between(run.get("started"), run.get("finished"))}


def _seconds_between(started: str | None, finished: str | None) -> float | None:
    try:
        return round((datetime.fromisoformat(finished.replace("Z", "+00:00"))
                      - datetime.fromisoformat(started.replace("Z", "+00:00"))).total_seconds(), 1)
    except (AttributeError, TypeError, ValueError):
        return None  # still running, or a report written by an older version


def runs_page(ctx, runs: list[dict], source: str | None):
    return render("harvest.html", runs=[run_view(r) for r in runs], sources=ctx.settings.sources, source=source,
                  title="Harvests")


def run_page(ctx, run: dict):
    return render("harvest_run.html", run=run_view(run), title=run.get("source", ""))


def source_page(ctx, name: str, triples: list[ox.Triple]):
    """A harvested source's sub-catalogue as a page: what it is, how it is configured, its last runs."""
    from node.harvest import read_reports

    d = Description(triples, current_language())
    catalog = next((t.subject for t in triples if t.predicate.value == str(DCTERMS.title)), None)
    configured = next((s for s in ctx.settings.sources if s.name == name), None)
    runs = [run_view(r) for r in read_reports(ctx.settings.data_dir, name, limit=20)]
    return render("source.html", name=name, title=d.text(catalog, DCTERMS.title) if catalog else name,
                  description=d.text(catalog, DCTERMS.description) if catalog else "", source=configured,
                  runs=runs, records_link=f"catalog?{SOURCE_FACET}={name}", alternates=[])
