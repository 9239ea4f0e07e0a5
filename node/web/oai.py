"""/oai: the OAI-PMH 2.0 repository (node/oai, docs/oai-pmh.md); errors are OAI error elements, HTTP 200."""

from __future__ import annotations

from flask import Blueprint, Response, request

from node.oai.repository import answer
from node.web.app import node_context

blueprint = Blueprint("oai", __name__)


@blueprint.route("/oai", methods=["GET", "POST"])
def oai():
    # POST carries the same arguments as application/x-www-form-urlencoded (the protocol's two bindings)
    pairs = list(request.form.items(multi=True)) if request.method == "POST" else list(request.args.items(multi=True))
    return Response(answer(node_context(), pairs), mimetype="text/xml")
