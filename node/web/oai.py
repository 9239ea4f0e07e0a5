"""/oai: the OAI-PMH 2.0 repository (node/oai, docs/oai-pmh.md); errors are OAI error elements, HTTP 200."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from node.oai.listing import Listing
from node.oai.repository import answer
from node.web.app import node_context

blueprint = Blueprint("oai", __name__)


@blueprint.route("/oai", methods=["GET", "POST"])
def oai():
    # POST carries the same arguments as application/x-www-form-urlencoded (the protocol's two bindings)
    pairs = list(request.form.items(multi=True)) if request.method == "POST" else list(request.args.items(multi=True))
    return Response(answer(_listing(), pairs), mimetype="text/xml")


def _listing() -> Listing:
    """One listing per app (it follows the store's changes), kept on the app, not in a module global."""
    ctx = node_context()
    listing = current_app.extensions.get("ehds.oai.listing")
    if listing is None or listing.ctx is not ctx:
        listing = current_app.extensions["ehds.oai.listing"] = Listing(ctx)
    return listing


def warm_up(app) -> None:
    """Build /oai's listing now (`serve` does it in the background at start): one read of the change log
    (~9 s at 100,000 records, docs/benchmarks.md) that the first harvester would otherwise wait for."""
    with app.app_context():
        _listing().items()
