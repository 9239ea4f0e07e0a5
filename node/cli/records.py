"""`ehds-node load FILE…` and `ehds-node export`: records in and the whole catalogue out."""

from __future__ import annotations

import sys
from pathlib import Path

from node.cli import common_node_options, settings_from_args
from node.cli.output import written_file
from node.errors import ConfigError
from node.rdflimits import ParseLimits


def register(subparsers) -> None:
    load = subparsers.add_parser("load", help="add or replace records from RDF files (validated first)")
    common_node_options(load)
    load.add_argument("files", nargs="+", metavar="FILE", help="Turtle, JSON-LD, RDF/XML or N-Triples files")
    load.set_defaults(handler=run_load)

    export = subparsers.add_parser("export", help="write the whole catalogue as one RDF file, streaming")
    common_node_options(export)
    export.add_argument("-o", "--output", default="-", help="output file (default: standard output)")
    export.add_argument("--format", default=None, help="ttl, nt, jsonld or rdf (default: from the file suffix, else nt)")
    export.set_defaults(handler=run_export)


def run_load(args) -> int:
    from node import rdfio
    from node.context import load_records, open_node

    ctx = open_node(settings_from_args(args))
    try:
        for name in args.files:
            path = Path(name)
            if not path.is_file():
                raise ConfigError(f"{name}: no such file")
            triples = rdfio.parse_triples(path.read_bytes(), filename=path.name, base_iri=ctx.settings.base_url,
                                          limits=ParseLimits.of(ctx.settings))
            for result in load_records(ctx, triples, source=name):
                verb = "added" if result.created else "replaced"
                print(f"{name}: {verb} {result.record_id} <{result.dataset_iri}>")
    finally:
        ctx.close()
    return 0


def run_export(args) -> int:
    from node.context import open_node
    from node.export import export_catalogue

    from node.harvest.pending import finish_pending_applies

    syntax = _export_syntax(args.format, args.output)
    settings = settings_from_args(args)
    finish_pending_applies(settings)  # the catalogue the next start would serve, not half a harvest
    ctx = open_node(settings, read_only=True)  # beside a running serve, too
    try:
        with written_file(args.output) as handle:  # complete, or no file at all
            count = export_catalogue(ctx, handle, syntax)
        print(f"exported {count} datasets as {syntax.name}", file=sys.stderr)
    finally:
        ctx.close()
    return 0


def _export_syntax(name: str | None, output: str):
    from node import rdfio

    if name:
        syntax = rdfio.syntax_for_name(name) or rdfio.syntax_for_suffix(name)
        if syntax is None:
            raise ConfigError(f"unknown export format '{name}': use ttl, nt, jsonld or rdf")
        return syntax
    if output != "-" and "." in output:
        found = rdfio.syntax_for_suffix(output.rsplit(".", 1)[1])
        if found:
            return found
    return rdfio.syntax_for_name("nt")
