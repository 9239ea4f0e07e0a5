"""The stewards' write API: PUT and DELETE /datasets/<id> with a bearer token, and the current
validation report and quality score of a record."""

from __future__ import annotations

import hmac
import json
from datetime import datetime, timezone
from pathlib import Path

from flask import Blueprint, Response, request

from node import rdfio
from node.catalog import dataset_triples, record_dataset_iri
from node.errors import Forbidden, ParseError, Unauthorized
from node.rdflimits import ParseLimits
from node.records import check_record_id, delete, publish
from node.web import report_pages
from node.web.app import node_context

blueprint = Blueprint("api", __name__)


def require_token(ctx) -> None:
    """Writes need the configured token; with no token configured, writes are disabled."""
    expected = ctx.settings.api_token
    if not expected:
        raise Forbidden("writes are disabled on this node: no API token is configured (EHDS_NODE_API_TOKEN)")
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise Unauthorized("send 'Authorization: Bearer <token>' with the node's API token")


@blueprint.put("/datasets/<record_id>")
def put_dataset(record_id: str):
    ctx = node_context()
    require_token(ctx)
    check_record_id(record_id)
    if not request.content_type:
        raise ParseError("send the record with a Content-Type: " + ", ".join(rdfio.RDF_MEDIA_TYPES))
    dataset_iri = ctx.naming.dataset(record_id)
    triples = rdfio.parse_triples(request.get_data(), request.content_type, base_iri=dataset_iri,
                                  limits=ParseLimits.of(ctx.settings))
    result = publish(ctx.store, ctx.naming, record_id, triples, ctx.validate)
    body = {"record": record_id, "dataset": result.dataset_iri, "created": result.created,
            "warnings": len(getattr(result.report, "warnings", ()))}
    if result.updated:  # records whose copy of a shared agent/contact point this write changed
        body["updated"] = list(result.updated)
    response = Response(json.dumps(body), status=201 if result.created else 200, mimetype="application/json")
    response.headers["Location"] = dataset_iri
    return response


@blueprint.delete("/datasets/<record_id>")
def delete_dataset(record_id: str):
    ctx = node_context()
    require_token(ctx)
    delete(ctx.store, ctx.naming, record_id)
    return Response(status=204)


@blueprint.get("/datasets/<record_id>/validation")
def dataset_validation(record_id: str):
    ctx = node_context()
    report = ctx.validate(dataset_triples(ctx.store, ctx.naming, record_id))
    wanted = _wanted(("application/json", "text/turtle", "text/html"))
    if wanted == "text/html":
        return report_pages.validation_page(record_id, report)
    if wanted == "text/turtle":
        return Response(report.to_turtle(), mimetype="text/turtle")
    return Response(json.dumps(report.to_dict(), ensure_ascii=False), mimetype="application/json")


@blueprint.get("/datasets/<record_id>/quality")
def dataset_quality(record_id: str):
    from node.quality import score_dataset

    ctx = node_context()
    triples = dataset_triples(ctx.store, ctx.naming, record_id)
    dataset_iri = record_dataset_iri(ctx.naming, record_id, triples)
    score = score_dataset(rdfio.to_rdflib(triples), dataset_iri)  # MQA: compliance with DCAT-AP 3
    if _wanted(("application/json", "text/html")) == "text/html":
        return report_pages.quality_page(record_id, score)
    return Response(json.dumps(score.to_dict(), ensure_ascii=False), mimetype="application/json")


def _wanted(offered: tuple[str, ...]) -> str | None:
    """?format=json|turtle (the report page's download links) or Accept: JSON first, a page for browsers."""
    by_name = {"json": "application/json", "turtle": "text/turtle"}
    asked = by_name.get(request.args.get("format", ""))
    return asked if asked in offered else rdfio.negotiate(request.headers.get("Accept"), offered)


@blueprint.post("/admin/backup")
def backup():
    """A consistent copy of the embedded store, taken by the process that holds it (`ehds-node backup`
    asks for it while `serve` runs). Always a new directory under <data_dir>/backups/: the request names
    no path, so the API token cannot be used to write anywhere else."""
    ctx = node_context()
    require_token(ctx)
    folder = Path(ctx.settings.data_dir) / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    destination = folder / datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    ctx.store.backup(destination)
    return Response(json.dumps({"backup": str(destination)}), status=201, mimetype="application/json")

