"""`ehds-node load FILE…` and `ehds-node export`: records in and the whole catalogue out."""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager
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
    from node.context import checked_records, open_node, write_records

    ctx = open_node(settings_from_args(args))
    written: list[str] = []  # files written whole, in order
    try:
        for name in args.files:
            triples = _parsed_file(ctx, name)
            checked = checked_records(ctx, triples, source=name)  # Ctrl-C until here: nothing of it written
            with _interrupt_deferred(f"finishing the write of {name}"):  # one transaction: whole or nothing
                for result in write_records(ctx, checked):
                    verb = "added" if result.created else "replaced"
                    print(f"{name}: {verb} {result.record_id} <{result.dataset_iri}>")
                written.append(name)
    except KeyboardInterrupt:
        raise KeyboardInterrupt(_what_was_written(args.files, written)) from None
    finally:
        ctx.close()
    return 0


def _parsed_file(ctx, name: str) -> list:
    from node import rdfio

    path = Path(name)
    if not path.exists():
        raise ConfigError(f"{name}: no such file")
    if path.is_dir():
        raise ConfigError(f"{name} is a directory: give RDF files")
    if not path.is_file():
        raise ConfigError(f"{name} is not a regular file (a device, a pipe or a socket): give RDF files")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ConfigError(f"{name}: cannot read it: {err.strerror or err}") from None
    return rdfio.parse_triples(data, filename=path.name, base_iri=ctx.settings.base_url,
                               limits=ParseLimits.of(ctx.settings))


@contextmanager
def _interrupt_deferred(doing: str):
    """Ctrl-C waits for the end of the block (a write and what it prints), so the command can say truly
    what was written; the main thread only (signals are delivered there)."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):  # ignored (a background job)
        yield
        return
    caught = []

    def note(signum, frame):
        caught.append(signum)
        print(f"ehds-node: interrupt: {doing}, then stopping", file=sys.stderr, flush=True)

    previous = signal.signal(signal.SIGINT, note)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _what_was_written(files: list[str], written: list[str]) -> str:
    rest = files[len(written):]
    parts = [f"written whole: {', '.join(written)}" if written else "nothing was written"]
    if written and rest:
        parts.append(f"nothing of {', '.join(rest)}")
    return "; ".join(parts)


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
