"""`ehds-node backup DEST`: a consistent copy of the embedded store, taken with the store open.

pyoxigraph's `Store.backup` is a RocksDB checkpoint: one consistent snapshot of every graph, taken
without stopping writers of this process (hard links on the same file system, a copy elsewhere).
The copy is a store directory: to restore, stop the node and put it in place of `<data_dir>/store`.
While `serve` holds the store, the server takes the checkpoint (POST /admin/backup, with the API token)
and this command moves it to DEST.

A remote store (store = "sparql") is the server's to back up with its own tools: the node cannot
take a consistent snapshot of it through SPARQL, so the command refuses and says which tools.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from node.cli import common_node_options, server_to_ask, settings_from_args
from node.errors import ConfigError, StoreError, StoreLocked

REMOTE_STORE_ADVICE = (
    "backup copies the embedded store, but this node's store is the SPARQL server at {url}: back it up with "
    "the server's own tools (Oxigraph: GET its /store as N-Quads while it runs, or `oxigraph dump` with it "
    "stopped; Virtuoso: `backup_online` in isql), or write the catalogue with `ehds-node export` "
    "(docs/deployment.md, Backups)")


def register(subparsers) -> None:
    backup = subparsers.add_parser("backup", help="write a consistent copy of the embedded store to a new directory")
    common_node_options(backup)
    backup.add_argument("destination", metavar="DEST", help="a new directory (must not exist yet)")
    backup.set_defaults(handler=run_backup)


def run_backup(args) -> int:
    from node.harvest.pending import finish_pending_applies

    settings = settings_from_args(args)
    if settings.store == "sparql":
        raise ConfigError(REMOTE_STORE_ADVICE.format(url=settings.store_query_url))
    source = Path(settings.data_dir) / "store"
    destination = Path(args.destination)
    _check_paths(source, destination)
    try:
        finish_pending_applies(settings)  # a harvest killed mid-apply: its journal is not in the store
        backup_embedded_store(source, destination)
        how = ""
    except StoreLocked:  # `serve` holds the store: it takes the checkpoint, between two of its writes
        _move(_backup_through_server(settings), destination)
        how = " (taken by the running server)"
    print(f"backed up the store in {source} to {destination}{how}; to restore, stop the node and put "
          f"{destination} in place of {source}")
    return 0


def _backup_through_server(settings) -> Path:
    """POST /admin/backup to the running server; it answers with the new directory under data_dir/backups."""
    import requests

    from node.harvest.pending import applies_seen

    server = server_to_ask(settings, "take the backup")
    before = applies_seen(settings.data_dir)  # none pending: finish_pending_applies refused otherwise
    try:
        response = requests.post(server["url"] + "admin/backup", timeout=(5, 3600),
                                 headers={"Authorization": f"Bearer {settings.api_token}"})
    except requests.RequestException as err:
        raise StoreError(f"could not ask the server at {server['url']} for a backup: {err}") from None
    if response.status_code != 201:
        raise StoreError(f"the server at {server['url']} refused the backup: HTTP {response.status_code} "
                         f"{response.text[:300]}")
    taken = Path(response.json()["backup"])
    if applies_seen(settings.data_dir) != before:  # a harvest apply overlapped the checkpoint
        shutil.rmtree(taken, ignore_errors=True)
        raise StoreError("a harvest apply ran in the server while it took the backup, which may hold part of "
                         "it; the copy was removed: retry")
    return taken


def _move(taken: Path, destination: Path) -> None:
    try:
        shutil.move(str(taken), str(destination))  # a rename on the same file system
    except OSError as err:
        raise StoreError(f"the server wrote the backup to {taken} but it could not be moved to {destination}: "
                         f"{err}") from None


def _check_paths(source: Path, destination: Path) -> None:
    if not source.is_dir() or not any(source.iterdir()):
        raise ConfigError(f"no store in {source}: give the node's data directory with --data or data_dir")
    if destination.exists() or destination.is_symlink():
        raise ConfigError(f"{destination} exists: the backup goes to a new directory")
    if not destination.parent.is_dir():
        raise ConfigError(f"{destination.parent} is not a directory: create it first")
    if destination.resolve().is_relative_to(source.resolve()):
        raise ConfigError(f"{destination} is inside the store {source}: choose a directory outside it")


def backup_embedded_store(source: Path, destination: Path) -> None:
    """Open the store (the one process allowed) and checkpoint it to `destination`."""
    import pyoxigraph as ox

    try:
        store = ox.Store(str(source))
    except OSError as err:
        if "lock" in str(err).lower():  # RocksDB says so only in its message
            raise StoreLocked(f"the store in {source} is in use by another ehds-node process (RocksDB lock): "
                              "let it end, or stop it, to take the backup (docs/deployment.md)") from None
        raise StoreError(f"cannot open the store in {source}: {err}") from None
    try:
        store.backup(str(destination))
    except (OSError, RuntimeError) as err:
        raise StoreError(f"cannot write the backup to {destination}: {err}") from None
    finally:
        del store  # closes RocksDB now, not at interpreter exit
