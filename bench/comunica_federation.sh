#!/usr/bin/env bash
# Federated SPARQL across two running ehds-nodes with Comunica (npm @comunica/query-sparql 4.x).
#
#   bench/comunica_federation.sh            # from the repository root; needs node >= 18 and npm
#
# Node A serves the bundled HDH catalogue on :18081. Node B starts empty on :18082 and gets a small
# "partner" graph (labels for the HealthDCAT-AP health categories) through its Graph Store endpoint.
# Comunica then joins A's datasets with B's labels in one query; the script checks that rows with
# labels only node B has come back (A has labels of its own too), then stops both nodes.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/comunica
mkdir -p "$OUT"
if [ ! -x "$OUT/node_modules/.bin/comunica-sparql" ]; then
  (cd "$OUT" && npm init -y >/dev/null && npm install --no-audit --no-fund @comunica/query-sparql@4 >/dev/null)
fi
TOKEN=federation-token
start_node() {  # name port extra-args...
  local name=$1 port=$2; shift 2
  rm -rf "$OUT/$name"
  EHDS_NODE_API_TOKEN=$TOKEN .venv/bin/ehds-node serve --data "$OUT/$name" --port "$port" \
    --base-url "http://127.0.0.1:$port/" "$@" >"$OUT/$name.log" 2>&1 &
  echo $!
}
A=$(start_node a 18081)
B=$(start_node b 18082 --empty)
trap 'kill $A $B 2>/dev/null || true' EXIT
for port in 18081 18082; do
  for _ in $(seq 60); do curl -sf -o /dev/null "http://127.0.0.1:$port/sparql?query=ASK%7B%7D" && break; sleep 0.5; done
done
curl -sf -X PUT -H "Authorization: Bearer $TOKEN" -H "Content-Type: text/turtle" \
  "http://127.0.0.1:18082/store?graph=http%3A%2F%2Fpartner.example%2Fcategory-labels" --data-binary @- <<'TTL'
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix hc: <https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/> .
hc:HRAD skos:prefLabel "Health insurance and reimbursement data (label served by node B)"@en .
hc:MRMR skos:prefLabel "Medical registries (label served by node B)"@en .
hc:EHR skos:prefLabel "Electronic health records (label served by node B)"@en .
hc:REGISTRY skos:prefLabel "Registries (label served by node B)"@en .
TTL
QUERY='PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/>
PREFIX healthdcatap: <http://healthdataportal.eu/ns/health#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?dataset ?label WHERE { ?dataset a dcat:Dataset ; healthdcatap:healthCategory ?c . ?c skos:prefLabel ?label }'
started=$(date +%s.%N)
"$OUT/node_modules/.bin/comunica-sparql" sparql@http://127.0.0.1:18081/sparql sparql@http://127.0.0.1:18082/sparql \
  -t application/sparql-results+json "$QUERY" >"$OUT/answer.json"
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
.venv/bin/python - "$OUT/answer.json" "$elapsed" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
rows = rows["results"]["bindings"] if isinstance(rows, dict) else rows
labels = [r["label"]["value"] if isinstance(r["label"], dict) else r["label"] for r in rows]
from_b = [label for label in labels if "served by node B" in label]
assert from_b, rows  # node A also has category labels of its own; B's can only come through the join
print(f"federated answer in {float(sys.argv[2]):.1f} s: {len(rows)} rows, {len(from_b)} joining node A's datasets "
      "with labels only node B has")
PY
