"""Harvest applies left pending, for the commands that read or copy the catalogue without starting the
node (`export`, `backup`).

A harvest killed mid-apply leaves its journal in `<data_dir>/harvest/<source>/`, outside the store, and
the store holding part of the run; the next start rolls it forward (node.harvest.journal). A command
that copied the store as it is would copy a half-written source that no start would ever serve, and a
backup would lose the journal that completes it. So these commands first finish the apply as the next
start would, when they can take the store; when another process holds it, that process is applying the
journal now (every start rolls journals forward first), and they refuse rather than copy half of it.
"""

from __future__ import annotations

from pathlib import Path

from node.errors import StoreError, StoreLocked
from node.harvest.journal import recover_interrupted_applies
from node.harvest.reports import reports_file


def pending_journals(data_dir) -> list[Path]:
    return sorted((Path(data_dir) / "harvest").glob("*/*.apply.json"))


def applies_seen(data_dir) -> tuple:
    """What changes when a harvest apply starts or ends (its journal; the report it appends at the end):
    equal before and after a copy, no apply overlapped it."""
    reports = reports_file(data_dir)
    return tuple(p.name for p in pending_journals(data_dir)), reports.stat().st_size if reports.exists() else 0


def finish_pending_applies(settings) -> int:
    """Roll forward the applies a stopped process left (0 when none); StoreError when they cannot be
    finished now (another process holds the store, or the store is a shared SPARQL server)."""
    journals = pending_journals(settings.data_dir)
    store_path = Path(settings.data_dir) / "store"
    if not journals or (settings.store == "oxigraph" and not store_path.is_dir()):
        return 0
    if settings.store != "oxigraph":
        raise StoreError(f"{_named(journals)}: a harvest apply is pending ({journals[0]}) and another process "
                         "may be applying it on the shared store; the next `ehds-node harvest` or start finishes "
                         "it: retry then, so that the copy holds the whole run")
    from node import creation
    from node.store.naming import Naming
    from node.store.oxigraph import OxigraphStore
    from node.store.records import RecordStore

    try:
        backend = OxigraphStore(store_path)
    except StoreLocked:
        raise StoreError(f"{_named(journals)}: a harvest apply is in progress in the ehds-node process that holds "
                         f"the store ({journals[0]}); a copy now would hold part of it: retry when the run has "
                         "ended") from None
    try:  # written under the base URL the store was created for, as a start would
        recorded = RecordStore(backend, Naming(creation.created_for(backend) or settings.base_url))
        count = recover_interrupted_applies(recorded, settings.data_dir)
    finally:
        backend.close()
    return count


def _named(journals: list[Path]) -> str:
    sources = sorted({journal.parent.name for journal in journals})
    return "source" + ("s " if len(sources) > 1 else " ") + ", ".join(f"'{s}'" for s in sources)
