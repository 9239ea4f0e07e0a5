"""GET /harvest: the runs of every source (HTML or JSON); POST /harvest/<source>: run one now.

POST is how `ehds-node harvest` reaches a running server that holds the embedded store.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, request

from node import rdfio
from node.errors import ConfigError, NotFound
from node.harvest.locks import RunLocks
from node.web.api import require_token
from node.web import harvest_pages
from node.web.app import node_context

blueprint = Blueprint("harvest", __name__)


def run_locks(app) -> RunLocks:
    """The app's harvest locks, shared by the API and the scheduler (node.harvest.schedule)."""
    return app.config.setdefault("HARVEST_LOCKS", RunLocks())


@blueprint.get("/harvest")
def harvest_runs():
    from node.harvest import read_reports

    ctx = node_context()
    runs = read_reports(ctx.settings.data_dir, request.args.get("source") or None, limit=100)
    wanted = rdfio.negotiate(request.headers.get("Accept"), ("application/json", "text/html"))
    if wanted == "text/html":
        return harvest_pages.runs_page(ctx, runs, request.args.get("source") or None)
    body = {"sources": [{"name": s.name, "kind": s.kind, "url": s.url, "schedule": s.schedule}
                        for s in ctx.settings.sources], "runs": runs}
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")


@blueprint.get("/harvest/runs/<run_id>")
def harvest_run(run_id: str):
    """One run's report: JSON for programs, a page for people."""
    from node.harvest import read_reports

    ctx = node_context()
    run = next((r for r in read_reports(ctx.settings.data_dir, None, limit=10_000) if r.get("run_id") == run_id), None)
    if run is None:
        raise NotFound(f"no harvest run '{run_id}' among the kept reports")
    if rdfio.negotiate(request.headers.get("Accept"), ("application/json", "text/html")) == "text/html":
        return harvest_pages.run_page(ctx, run)
    return Response(json.dumps(run, ensure_ascii=False), mimetype="application/json")


@blueprint.post("/harvest/<name>")
def harvest_now(name: str):
    ctx = node_context()
    require_token(ctx)
    try:
        source = ctx.settings.source(name)
    except ConfigError as err:
        raise NotFound(err.message) from None
    options = request.get_json(silent=True) or {}
    report = run_locks(current_app).run(ctx, source, full=bool(options.get("full")),
                        force=bool(options.get("force")))
    return Response(json.dumps(report.to_dict(), ensure_ascii=False), mimetype="application/json")
