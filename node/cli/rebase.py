"""`ehds-node rebase NEW_URL`: move a store to a new public base URL (all IRIs; resumable)."""

from __future__ import annotations

from node.cli import settings_from_args


def register(subparsers) -> None:
    parser = subparsers.add_parser("rebase", help="move the store to a new public base URL (rewrites every IRI)")
    parser.add_argument("new_base_url", metavar="NEW_URL", help="the new public base URL, e.g. https://node.example/")
    parser.add_argument("--config", help="TOML config file (default: $EHDS_NODE_CONFIG)")
    parser.add_argument("--data", dest="data_dir", help="data directory of the embedded store (default: ./data)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from pathlib import Path

    from node.config import Settings
    from node.rebase import rebase_store
    from node.records import now_iso
    from node.store.oxigraph import OxigraphStore

    # The new URL is checked like any base_url; the store is opened without the base-URL check,
    # which is what this command resolves. Stop `serve` first: the store takes one writer process.
    settings = settings_from_args(args)
    if settings.store != "oxigraph":  # it would rewrite the embedded store in data_dir, not the server's
        from node.errors import ConfigError

        raise ConfigError("rebase works on the embedded store only; on a SPARQL server (store = \"sparql\") "
                          "it is not supported yet (docs/deployment.md)")
    new_base = Settings(base_url=args.new_base_url).base_url
    store_path = Path(settings.data_dir) / "store"
    if not store_path.is_dir() or not any(store_path.iterdir()):  # opening it would create an empty one
        from node.errors import ConfigError

        raise ConfigError(f"no store in {store_path}: there is nothing to rebase (give the node's data "
                          "directory with --data or data_dir)")
    store = OxigraphStore(store_path)
    try:
        from node.harvest import recover_interrupted_applies

        from node import creation
        from node.store.naming import Naming
        from node.store.records import RecordStore

        # finish an interrupted harvest apply first (logged under the base URL it was written for)
        recorded = RecordStore(store, Naming(creation.created_for(store) or settings.base_url))
        recover_interrupted_applies(recorded, settings.data_dir)
        result = rebase_store(store, new_base, now_iso())
    finally:
        store.close()
    print(f"moved {result.graphs} graphs ({result.triples} triples) from {result.old_base} to {result.new_base}; "
          f"start the node with base_url = \"{result.new_base}\"")
    return 0
