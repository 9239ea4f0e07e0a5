"""A generated, Hydra-paged DCAT-AP 3 partner catalogue, written once under bench/out/ and served on loopback.

    .venv/bin/python bench/harvest_server.py --datasets 100000 [--page-size 100]   # generate only
    .venv/bin/python bench/harvest_server.py --serve                                # serve bench/out/harvest

Each dataset is a realistic DCAT-AP 3 record of 29 triples once split (dataset, blank-node contact
point and period of time, one distribution, one of five shared publishers) that conforms to the
`dcat-ap-3` profile. Pages link to the next one with a relative `hydra:next`, so the same files can
be served under two prefixes:
- `/<datasets>/etag/catalog?page=N`: with ETag and Last-Modified, answering conditional GETs with 304;
- `/<datasets>/plain/catalog?page=N`: no validators, like a partner without conditional GET support
  (the same bytes every time: the harvester's page digests notice);
- `/<datasets>/volatile/catalog?page=N`: no validators and a generation time on every page, so no two
  answers are the same bytes and only the records' content hashes can tell nothing changed.
The server runs in its own process (`--serve`), prints `URL <base>` on stdout once listening, and
serves until killed.
"""

from __future__ import annotations

import argparse
import re
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "harvest"
GENERATOR_VERSION = "1"  # bump when the record shape changes: cached pages are then regenerated
PARTNER = "https://partner.example.eu"
EU = "http://publications.europa.eu/resource/authority"
DCT = "http://purl.org/dc/terms/"
PUBLISHERS = 5
PUBLISHER_TYPE = "https://hdeu-dcat.data.health.europa.eu/resource/authority/publisher-type/national-authority"
PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcatap: <http://data.europa.eu/r5r/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
_ROUTE = re.compile(r"^/(\d+)/(etag|plain|volatile)/catalog\?page=(\d+)$")


def dataset_turtle(n: int) -> str:
    """One dataset as a partner would publish it (publisher described once per page, not here)."""
    iri = f"{PARTNER}/dataset/{n}"
    year, month, day = 2010 + n % 14, 1 + n % 12, 1 + n % 28
    return f"""<{PARTNER}/catalog> dcat:dataset <{iri}> .
<{iri}> a dcat:Dataset ;
  dct:title "Regional health survey {n}"@en ;
  dct:description "Aggregated answers of the regional health survey number {n}, by age band and sex."@en ;
  dct:identifier "survey-{n}" ;
  dct:issued "{year}-{month:02d}-{day:02d}"^^xsd:date ;
  dct:modified "2024-{month:02d}-{day:02d}T10:00:00Z"^^xsd:dateTime ;
  dct:publisher <{PARTNER}/org/{n % PUBLISHERS}> ;
  dcat:keyword "health"@en, "survey {n % 50}"@en ;
  dcat:theme <{EU}/data-theme/HEAL> ;
  dct:accessRights <{EU}/access-right/PUBLIC> ;
  dct:spatial <{EU}/country/FRA> ;
  dcat:contactPoint [ a vcard:Kind ; vcard:fn "Survey desk {n % 50}" ;
                      vcard:hasEmail <mailto:survey{n % 50}@partner.example.eu> ] ;
  dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "{year}-01-01"^^xsd:date ;
                 dcat:endDate "{year}-12-31"^^xsd:date ] ;
  dcat:distribution <{iri}/csv> .
<{iri}/csv> a dcat:Distribution ;
  dcat:accessURL <{PARTNER}/download/{n}.csv> ;
  dct:description "Survey {n} answers as CSV."@en ;
  dct:format <{EU}/file-type/CSV> ;
  dct:license <{EU}/licence/CC_BY_4_0> ;
  dcatap:availability <{EU}/planned-availability/STABLE> .
"""


def page_turtle(numbers: range, *, last: bool, page: int) -> str:
    head = [PREFIXES, f'<{PARTNER}/catalog> a dcat:Catalog ; dct:title "Partner catalogue"@en .\n']
    head += [f'<{PARTNER}/org/{k}> a foaf:Agent ; foaf:name "Partner agency {k}"@en ;\n'
             f'  dct:type <{PUBLISHER_TYPE}> .\n' for k in range(PUBLISHERS)]
    view = f"<catalog?page={page}> a hydra:PartialCollectionView"
    view += " .\n" if last else f" ;\n  hydra:next <catalog?page={page + 1}> .\n"
    return "".join(head + [dataset_turtle(n) for n in numbers] + [view])


def catalogue_dir(datasets: int, page_size: int = 100) -> Path:
    """Generate the pages of a `datasets`-dataset catalogue once; later calls reuse them."""
    folder = OUT / str(datasets)
    marker = folder / "complete"
    wanted = f"{GENERATOR_VERSION} {page_size}"
    if marker.exists() and marker.read_text() == wanted:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    for stale in folder.glob("page-*.ttl"):
        stale.unlink()
    pages = -(-datasets // page_size)
    for page in range(1, pages + 1):
        numbers = range((page - 1) * page_size + 1, min(page * page_size, datasets) + 1)
        (folder / f"page-{page}.ttl").write_text(page_turtle(numbers, last=page == pages, page=page))
    marker.write_text(wanted)
    return folder


def _handler(root: Path):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real partner behind nginx would offer

        def do_GET(self):
            match = _ROUTE.match(self.path)
            file = root / match.group(1) / f"page-{match.group(3)}.ttl" if match else None
            if file is None or not file.exists():
                return self._send(404, b"not found", {"Content-Type": "text/plain"})
            stat = file.stat()
            headers = {"Content-Type": "text/turtle"}
            if match.group(2) == "etag":
                headers["ETag"] = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
                headers["Last-Modified"] = formatdate(stat.st_mtime, usegmt=True)
                if self.headers.get("If-None-Match") == headers["ETag"]:
                    return self._send(304, b"", headers)
            body = file.read_bytes()
            if match.group(2) == "volatile":
                body += f'<catalog?page={match.group(3)}> <{DCT}issued> "{time.time_ns()}" .\n'.encode()
            self._send(200, body, headers)

        def _send(self, status: int, body: bytes, headers: dict) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


def serve(root: Path = OUT) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(root))
    server.daemon_threads = True
    print(f"URL http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=0, help="generate this catalogue (cached under bench/out)")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--serve", action="store_true", help="serve every generated catalogue until killed")
    args = parser.parse_args()
    if args.datasets:
        print(catalogue_dir(args.datasets, args.page_size))
    if args.serve:
        serve()
    elif not args.datasets:
        parser.error("give --datasets N to generate, --serve to serve, or both")


if __name__ == "__main__":
    main()
