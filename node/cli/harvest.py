"""`ehds-node harvest`: run configured sources, try an unconfigured one, or show past runs.

The embedded store admits one writing process. When `ehds-node serve` holds this data directory,
the command asks the running server to do the run (POST /harvest/<source> with the API token).
"""

from __future__ import annotations

import json
import sys

from node.cli import common_node_options, server_to_ask, settings_from_args
from node.config import HARVESTER_KINDS
from node.errors import ConfigError, StoreError, StoreLocked

CONNECT_SECONDS = 10.0   # to reach the running server; the run itself may take up to max_run_seconds


def register(subparsers) -> None:
    parser = subparsers.add_parser("harvest", help="harvest partner catalogues into the node")
    common_node_options(parser)
    parser.add_argument("source", nargs="?", help="name of a [[sources]] entry in the config file")
    parser.add_argument("--all", action="store_true", help="harvest every configured source")
    parser.add_argument("--url", help="try a source that is not configured (dry run unless --apply)")
    parser.add_argument("--kind", choices=HARVESTER_KINDS, help="kind of the --url source")
    parser.add_argument("--allow-private-network", action="store_true", help="with --url: allow loopback/private hosts")
    parser.add_argument("--apply", action="store_true", help="with --url: write the records instead of a dry run")
    parser.add_argument("--full", action="store_true", help="read the whole source, not only what changed")
    parser.add_argument("--force", action="store_true", help="apply deletions even past the safety limit")
    parser.add_argument("--report", action="store_true", help="show the latest runs instead of harvesting")
    parser.add_argument("--json", action="store_true", help="print reports as JSON")
    parser.set_defaults(handler=run)


def run(args) -> int:
    settings = settings_from_args(args)
    if args.report:
        return _show_reports(settings, args)
    sources = _sources(settings, args)
    try:
        return _harvest_here(settings, sources, args)
    except StoreLocked:
        return _harvest_through_server(settings, sources, args)


def _sources(settings, args):
    from node.config import SourceConfig

    if args.url:
        if not args.kind:
            from harvesters import HARVESTERS

            kinds = list(HARVESTERS)
            raise ConfigError(f"--url needs --kind ({', '.join(kinds[:-1])} or {kinds[-1]})")
        return [SourceConfig(name="try", kind=args.kind, url=args.url,
                             allow_private_network=args.allow_private_network)]
    if args.all:
        if not settings.sources:
            raise ConfigError("no [[sources]] configured (give --config or EHDS_NODE_CONFIG)")
        return list(settings.sources)
    if not args.source:
        raise ConfigError("name a source, or use --all, --url or --report")
    return [settings.source(args.source)]


def _harvest_here(settings, sources, args) -> int:
    from node.context import open_node
    from node.harvest.locks import RunLocks

    ctx = open_node(settings)
    locks = RunLocks()  # on a shared remote store, refuses a source another process is harvesting
    failed = 0
    try:
        for source in sources:
            dry_run = bool(args.url) and not args.apply
            report = locks.run(ctx, source, full=args.full, force=args.force, dry_run=dry_run,
                               progress=_progress if sys.stderr.isatty() else None)
            _print(report.to_dict(), report.summary(), args)
            failed += report.status == "failed"
    finally:
        ctx.close()
    return 1 if failed else 0


def _progress(report) -> None:
    print(f"\r{report.source}: page {report.pages}, fetched {report.fetched}, written {report.written}, "
          f"unchanged {report.unchanged}, rejected {report.rejected_count}", end="", file=sys.stderr, flush=True)


def _harvest_through_server(settings, sources, args) -> int:
    server = server_to_ask(settings, "run the harvest")
    if args.url:
        raise ConfigError("--url tries need the store: stop the server, or configure the source")
    failed = 0
    for source in sources:
        body = _ask_server(server["url"], source, settings.api_token, args)
        _print(body, f"(run by the server at {server['url']}) {body.get('source', source.name)}: {body['status']}, "
                     f"written {body.get('written', 0)}, deleted {body.get('deleted', 0)}", args)
        failed += body["status"] == "failed"
    return 1 if failed else 0


def _ask_server(server_url: str, source, token: str, args) -> dict:
    """POST /harvest/<source> to the running server; any failure is one StoreError line, never a traceback."""
    import requests

    # The server ends the run itself at max_run_seconds; wait a little longer for its answer.
    wait = (CONNECT_SECONDS, source.max_run_seconds + 60)
    try:
        response = requests.post(f"{server_url}harvest/{source.name}", json={"full": args.full, "force": args.force},
                                 headers={"Authorization": f"Bearer {token}"}, timeout=wait)
        body = response.json()
    except requests.RequestException as err:
        raise StoreError(f"the running server at {server_url} did not answer ({_reason(err)}); the store stays "
                         "locked by it: check that ehds-node serve is still running, or stop it and retry") from None
    except ValueError:
        raise StoreError(f"the running server at {server_url} answered HTTP {response.status_code} without a JSON "
                         "report; see its log") from None
    if response.status_code != 200 or not isinstance(body, dict) or "status" not in body:
        message = body.get("message") if isinstance(body, dict) else None
        raise StoreError(f"the running server refused the harvest: {message or f'HTTP {response.status_code}'}")
    return body


def _reason(err) -> str:
    import requests

    if isinstance(err, requests.Timeout):
        return "no answer in time"
    if isinstance(err, requests.ConnectionError):
        return "connection refused or reset"
    return type(err).__name__


def _show_reports(settings, args) -> int:
    from node.harvest import read_reports

    runs = read_reports(settings.data_dir, args.source, limit=20)
    if args.json:
        print(json.dumps(runs, indent=1, ensure_ascii=False))
        return 0
    if not runs:
        print("no harvest runs recorded yet")
    for item in runs:
        print(f"{item['started']}  {item['source']:<16} {item['status']:<9} pages {item['pages']:>5}  "
              f"fetched {item['fetched']:>6}  written {item['written']:>6}  unchanged {item['unchanged']:>6}  "
              f"rejected {item['rejected_count']:>4}  deleted {item['deleted']:>4}"
              + (f"  error: {item['error']}" if item.get("error") else ""))
    return 0


def _print(report: dict, summary: str, args) -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
        return
    print(summary)
    for rejected in report.get("rejected", [])[:20]:
        print(f"  rejected <{rejected['dataset']}>: " + "; ".join(rejected["reasons"][:3]))
    for duplicate in report.get("duplicates", [])[:20]:
        print(f"  duplicate <{duplicate['dataset']}> also in {duplicate['other']}: kept {duplicate['kept']}")
    for problem in report.get("problems", [])[:20]:
        print(f"  problem: {problem}")
