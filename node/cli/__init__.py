"""The `ehds-node` command: one argparse tree, one error wrapper.

Each command lives in its own module exposing `register(subparsers)`; the parser it adds sets
`handler=run`, where `run(args) -> int` returns the exit code. A NodeError becomes one line on
stderr and its exit code; nothing else escapes as a traceback except real bugs.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from node import __version__
from node.errors import NodeError


def use_colour(stream=None) -> bool:
    """ANSI colours on a terminal, unless NO_COLOR is set to a non-empty value (no-color.org)."""
    return (stream or sys.stdout).isatty() and not os.environ.get("NO_COLOR")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ehds-node",
        description="Federated HealthDCAT-AP metadata node for the European Health Data Space.",
    )
    parser.add_argument("--version", action="version", version=f"ehds-node {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    from node.cli import backup, harvest, init, rebase, records, review, score, serve, validate

    for command in (init, serve, validate, score, records, harvest, rebase, review, backup):
        command.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help(sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        return int(args.handler(args) or 0)
    except NodeError as err:
        print(f"ehds-node: error: {err.message}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt as interrupt:  # a command may say what it had done (load: the files written)
        print(f"ehds-node: interrupted{f': {interrupt}' if str(interrupt) else ''}", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _reader_went_away()


def _reader_went_away() -> int:
    """`ehds-node export | head`: the reader closed the pipe; stop quietly, as Unix tools do.
    Point stdout at /dev/null so the interpreter's final flush does not complain either."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 128 + 13  # what a shell reports for a process ended by SIGPIPE


def server_to_ask(settings, task: str) -> dict:
    """The running server (its server.json) to hand `task` to, the store being locked; StoreLocked
    saying why not when no live server holds it (another command does) or no API token is set."""
    from node.errors import StoreLocked
    from node.server_file import read_server_file

    server = read_server_file(settings.data_dir)
    if not server:
        raise StoreLocked(f"the store in {settings.data_dir} is in use by another ehds-node process (a harvest, a "
                          "load, a backup; no server is running on it): retry when that process has ended")
    if not settings.api_token:
        raise StoreLocked(f"the store is in use by the running ehds-node serve at {server['url']}; set "
                          "EHDS_NODE_API_TOKEN (the same as the server's) so this command can ask the server to "
                          f"{task}, or stop the server")
    return server


def common_node_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by the commands that open the node's store."""
    parser.add_argument("--config", help="TOML config file (default: $EHDS_NODE_CONFIG)")
    parser.add_argument("--data", dest="data_dir", help="data directory of the embedded store (default: ./data)")
    parser.add_argument("--base-url", dest="base_url", help="public base URL for IRIs (default: $EHDS_NODE_BASE_URL)")
    parser.add_argument("--store", choices=("oxigraph", "sparql"),
                        help="the store: embedded oxigraph (default) or a SPARQL 1.1 server")
    parser.add_argument("--store-query-url", dest="store_query_url", help="the SPARQL server's query endpoint")
    parser.add_argument("--store-update-url", dest="store_update_url", help="its update endpoint")


def settings_from_args(args: argparse.Namespace, *, seeds_new_store: bool = False, **extra):
    """Settings from --config, the environment and the flags; the log level follows them.

    Only `serve` seeds a new store with the bundled catalogue: every other command that creates
    a store leaves it empty (`load --data NEWDIR my.ttl` holds my.ttl only)."""
    from node.config import load_settings

    if not seeds_new_store:
        extra["load_bundled_catalogue"] = False
    settings = load_settings(
        getattr(args, "config", None),
        data_dir=getattr(args, "data_dir", None),
        base_url=getattr(args, "base_url", None),
        store=getattr(args, "store", None),
        store_query_url=getattr(args, "store_query_url", None),
        store_update_url=getattr(args, "store_update_url", None),
        **extra,
    )
    logging.getLogger().setLevel(settings.log_level)
    return settings
