"""`ehds-node score PATH…`: the metadata-quality score of each dataset, explained indicator by indicator.

Exit codes: 0 scored (and every dataset reaches --min-rating), 1 a dataset rates below --min-rating,
2 could not score (unreadable file, syntax error, no dataset found).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Iterator

from node.cli import use_colour
from node.errors import NotFound, ParseError
from node.quality import RATING_NAMES, LinkChecker, Vocabularies, rating_rank, score_catalogue
from node.quality.compliance import default_validator
from node.quality.text import render_text
from node.rdfio import parse, syntax_for_suffix


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "score",
        help="metadata-quality score (data.europa.eu MQA method + HealthDCAT-AP essentials)",
        description="Score each dcat:Dataset in the given files the way the data.europa.eu Metadata Quality "
                    "Assessment does (405 points, rated Excellent/Good/Sufficient/Bad), explaining every "
                    "indicator, and list the HealthDCAT-AP essentials separately.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="RDF file (Turtle, JSON-LD, RDF/XML, N-Triples), directory (recursive) or - for stdin")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("--check-links", action="store_true",
                        help="check that accessURL/downloadURL answer (HTTP, 10 s timeout); "
                             "without it those 80 points are reported as not checked")
    parser.add_argument("--base-iri", default=None,
                        help="base IRI for relative IRIs in the input (default: the file's own file: URI)")
    parser.add_argument("--min-rating", choices=RATING_NAMES[::-1], default=None,
                        help="exit with 1 when a dataset rates below this")
    parser.set_defaults(handler=run)


def run(args) -> int:
    vocabularies = Vocabularies.load()
    validator = default_validator()
    checker = LinkChecker() if args.check_links else None
    scored = []
    for label, data in _read_inputs(args.paths):
        graph = parse(data, filename=label, base_iri=args.base_iri or _file_iri(label))  # errors name it
        catalogue = score_catalogue(graph, check_links=args.check_links, validator=validator,
                                    vocabularies=vocabularies, link_checker=checker)
        if not catalogue.datasets:
            print(f"ehds-node: warning: {label}: no dcat:Dataset found", file=sys.stderr)
        scored.append((label, catalogue))
    if not any(c.datasets for _, c in scored):
        raise NotFound("no dcat:Dataset found in " + ", ".join(label for label, _ in scored))
    below = _below_min_rating(scored, args.min_rating)
    if args.format == "json":
        print(json.dumps(_json_document(scored, args.min_rating, below), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(render_text(scored, colour=use_colour()))
    for dataset in below:
        print(f"ehds-node: {dataset.dataset} rates {dataset.rating}, below --min-rating {args.min_rating}",
              file=sys.stderr)
    return 1 if below else 0


def _below_min_rating(scored, min_rating: str | None) -> list:
    if not min_rating:
        return []
    floor = rating_rank(min_rating)
    return [d for _, c in scored for d in c.datasets if rating_rank(d.rating) < floor]


def _json_document(scored, min_rating: str | None, below) -> dict:
    return {
        "files": [{"path": label, **catalogue.to_dict()} for label, catalogue in scored],
        "min_rating": min_rating,
        "below_min_rating": [d.dataset for d in below],
    }


def _read_inputs(paths: list[str]) -> Iterator[tuple[str, bytes]]:
    for raw in paths:
        if raw == "-":
            yield "<stdin>", sys.stdin.buffer.read()
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and syntax_for_suffix(p.suffix))
            if not files:
                raise NotFound(f"{path}: no RDF file (.ttl, .jsonld, .rdf, .nt, …) in this directory")
            for file in files:
                yield str(file), _read(file)
        else:
            yield str(path), _read(path)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file") from None
    except OSError as err:
        raise ParseError(f"{path}: cannot read: {err.strerror}") from None


def _file_iri(label: str) -> str | None:
    return None if label == "<stdin>" else Path(label).resolve().as_uri()

