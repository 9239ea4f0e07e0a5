"""The floor of any Python /sparql in front of a SPARQL server, for bench/scale.py: a Flask app that
forwards a query to the server with urllib3 and returns the answer, with none of the node's checks
(no guard, no Oxigraph pre-check, no caps, no time limit, no dialect). Served like the node (waitress
for one worker, gunicorn gthread for more), what it adds to the server's own time is what the hop
itself costs on this machine; /sparql's ratio to it is what the node's guarantees cost.

    EHDS_BENCH_FORWARD_TO=http://127.0.0.1:7878/query python -m waitress --listen=127.0.0.1:8081 bare_forwarder:app
"""

from __future__ import annotations

import os
from urllib.parse import urlencode

import urllib3
from flask import Flask, Response, request

app = Flask(__name__)
_pool = urllib3.PoolManager(maxsize=16, retries=False)
_SERVER = os.environ.get("EHDS_BENCH_FORWARD_TO", "")


@app.post("/sparql")
def forward():
    accept = request.headers.get("Accept", "application/sparql-results+json")
    answer = _pool.request("POST", _SERVER, body=urlencode({"query": request.form["query"]}).encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
                           preload_content=False, timeout=urllib3.Timeout(connect=10, read=120))
    body = b"".join(answer.stream(64 * 1024))  # read whole, as the node does
    answer.release_conn()
    return Response(body, status=answer.status, mimetype=answer.headers.get("Content-Type", accept))


@app.get("/ready")
def ready():
    return "ok"
