"""The record store: every write of the node, at the level of records, with its change log.

Everything outside node/store/ reads and writes the catalogue through a RecordStore, never through
quad patterns. A write replaces or deletes whole graphs; for each record graph it changes (local
`<base>graph/local/<id>` or harvested `<base>graph/source/<name>/<hash>`, see node.store.naming) it
appends a change-log entry (node.store.changelog) in the same transaction, so the log can never
disagree with the records. A write that leaves a record as it was logs nothing: a harvest journal
replayed after a crash writes no entry twice.

A backend (the quad store under it) needs only: `apply` (replace/delete named graphs atomically),
`graph_triples`, `has_graph`, `graph_names`, `quads` (a pattern with a fixed graph or predicate),
`select`/`iter_select`/`query`/`query_refusal` (SPARQL), `generation`/`changed_graphs` (cache keys),
`triple_count` and `close`. OxigraphStore is the embedded one (on disk, or in memory for tests); a
remote SPARQL 1.1 server can be another (Update for `apply`, the Graph Store protocol for reads).
"""

from __future__ import annotations

import threading
from contextlib import nullcontext
from typing import Iterable

import pyoxigraph as ox

from node.datasets import publishable
from node.errors import StoreError
from node.store import changelog
from node.store.base import GraphChange, ValueCopy
from node.store.changelog import ChangeEntry
from node.store.naming import Naming
from node.store.record_reads import INDEXED_DATASET, PUBLISHED_FORM, RecordReads
from vocab.namespaces import FOAF

_PRIMARY_TOPIC = ox.NamedNode(str(FOAF.primaryTopic))


class RecordStore(RecordReads):
    """Records and their change log over a quad store backend (see the module docstring); the
    record-level reads are in node.store.record_reads."""

    def __init__(self, backend, naming: Naming):
        self.backend = backend
        self.naming = naming
        self._write_lock = threading.Lock()
        self._last_sequence: int | None = None
        self._last_time = ""

    # -- writes -------------------------------------------------------------------------------

    def apply(self, changes: Iterable[GraphChange], *, run: str | None = None, logged: bool = True) -> list[ChangeEntry]:
        """Replace or delete graphs in one transaction, with a change-log entry for every record
        graph whose content changes (`run`: the harvest run writing them). `logged=False` only for
        moves that change no record's content (a rebase)."""
        changes = list(changes)
        if sum(1 for change in changes if change.triples) > 1:  # one graph alone shares no blank node
            changes = [with_own_blank_nodes(change) for change in changes]
        with self._write_lock, self._exclusive_writes():
            changes = [self._marked_fresh(change) for change in changes]
            entries = self._entries_for(changes, run) if logged else []
            if all(change.fresh for change in changes):  # only new graphs: the backend's native insert
                log, copies = self._log_writes(entries, set()), []
            else:
                log, copies = self._log_writes_copying(entries, changes)
            self.backend.apply(changes + log, copies)
            if entries:
                self._last_sequence, self._last_time = entries[-1].sequence, entries[-1].published
        return entries

    def _exclusive_writes(self):
        """Other processes writing the same store (a remote one) wait: the change log's next number
        is read and used under this lock (node.store.remote_lease)."""
        exclusive = getattr(self.backend, "exclusive_writes", None)
        return exclusive() if exclusive is not None else nullcontext()

    def lease(self, name: str, *, seconds: float, wait: float = 0.0, renew: bool = False):
        """A lock shared by every process on this store; on an embedded store (one process) none is needed."""
        lease = getattr(self.backend, "lease", None)
        return lease(name, seconds=seconds, wait=wait, renew=renew) if lease is not None else nullcontext()

    def _marked_fresh(self, change: GraphChange) -> GraphChange:
        """A graph written that does not exist yet needs no drop; a backend may then insert natively."""
        if change.triples and not change.fresh and not self.backend.has_graph(change.name):
            return GraphChange(change.name, change.triples, fresh=True)
        return change

    def _log_writes(self, entries: list[ChangeEntry], copied: set[str]) -> list[GraphChange]:
        """The entries' graphs, with their payloads unless copied in the store (`copied` record graphs)."""
        base = self.naming.base_url
        return [GraphChange(changelog.entry_iri(base, e.sequence),
                            changelog.entry_triples(base, e, with_payload=e.graph not in copied), fresh=True)
                for e in entries]

    def _log_writes_copying(self, entries: list[ChangeEntry], changes: list[GraphChange]) -> tuple[list[GraphChange], list[ValueCopy]]:
        """For a SPARQL Update: a version's payload is copied inside the store from the published form its
        record graph gets in the same write (the same literal is not sent and parsed twice)."""
        with_form = {c.name for c in changes if c.triples and any(t.predicate == PUBLISHED_FORM for t in c.triples)}
        copied = {e.graph for e in entries if e.payload is not None and e.graph in with_form}
        copies = [ValueCopy(e.graph, PUBLISHED_FORM.value, iri, changelog.PAYLOAD.value, iri)
                  for e in entries if e.graph in copied
                  for iri in (changelog.entry_iri(self.naming.base_url, e.sequence),)]
        return self._log_writes(entries, copied), copies

    def _entries_for(self, changes: list[GraphChange], run: str | None) -> list[ChangeEntry]:
        sequence, now = self.last_sequence(), self._next_time()
        entries = []
        for change in changes:
            entry = self._entry_for(change, sequence + 1, now, run)
            if entry is not None:
                entries.append(entry)
                sequence += 1
        return entries

    def _entry_for(self, change: GraphChange, sequence: int, now: str, run: str | None) -> ChangeEntry | None:
        source = self.naming.record_source(change.name)
        if source is None:
            return None
        old_payload = None if change.fresh else self._stored_published_form(change.name)
        existed = not change.fresh and (old_payload is not None or self.backend.has_graph(change.name))
        if change.triples is None:
            if not existed:
                return None
            dataset, kind, payload = self.dataset_of_graph(change.name), "delete", None
        else:
            payload = _published_form(change.triples)
            if existed and payload == old_payload:
                return None  # the same version again (a replayed journal): nothing happened
            dataset, kind = _dataset_of(change.triples), "update" if existed else "create"
        return ChangeEntry(sequence, now, kind, dataset or change.name, change.name, source,
                           changelog.content_hash(payload), run, payload)

    def _next_time(self) -> str:
        """Now, never earlier than the last entry: the log's times never go back (clock steps)."""
        if self._last_sequence is None:
            self.last_sequence()
        return max(changelog.timestamp(), self._last_time)

    def write_default_graph(self, triples: list[ox.Triple], *, replace: bool) -> None:
        """The default graph (never a record, so never logged): replace or merge, one transaction."""
        with self._write_lock:
            self.backend.write_default_graph(triples, replace=replace)

    # -- the change log -----------------------------------------------------------------------

    def last_sequence(self) -> int:
        """The newest entry's number (0 for an empty log). Entries are numbered without gaps from the
        first kept one (the head records it when old ones are pruned), so a galloping search over
        graph names finds the last in O(log n) lookups, and no write has to update a counter."""
        if self._last_sequence is not None and getattr(self.backend, "shared", False):
            # other processes append to the same log (a remote store): one lookup past the known end,
            # and their last entry's time (so that this process's next time does not go back)
            found = self.backend.last_sequence_from(self._last_sequence)
            if found != self._last_sequence:
                self._last_time = self.change_time(found) or self._last_time
            self._last_sequence = found
        if self._last_sequence is None:
            low = self.first_sequence()
            if not self._entry_exists(low):
                self._last_sequence, self._last_time = low - 1, ""
                return self._last_sequence
            low = changelog.last_entry_from(low, self._entry_exists)
            self._last_sequence = low
            self._last_time = self.change(low, with_payload=False).published
        return self._last_sequence

    def first_sequence(self) -> int:
        """The oldest entry kept (1 until entries are pruned)."""
        head = ox.NamedNode(changelog.head_graph(self.naming.base_url))
        found = next(iter(self.backend.quads(head, changelog.FIRST_SEQUENCE, None, head)), None)
        return int(found.object.value) if found is not None else 1

    def _entry_exists(self, sequence: int) -> bool:
        return self.backend.has_graph(changelog.entry_iri(self.naming.base_url, sequence))

    def change(self, sequence: int, *, with_payload: bool = True) -> ChangeEntry | None:
        """One entry (None when out of range or pruned)."""
        iri = changelog.entry_iri(self.naming.base_url, sequence)
        return changelog.read_entry(self.backend.graph_triples(iri), self.naming.base_url,
                                    with_payload=with_payload)

    def change_time(self, sequence: int) -> str | None:
        """When entry `sequence` was published (one lookup, without reading its payload)."""
        iri = ox.NamedNode(changelog.entry_iri(self.naming.base_url, sequence))
        found = next(iter(self.backend.quads(iri, changelog.AS_PUBLISHED, None, iri)), None)
        return changelog.canonical_time(found.object.value) if found is not None else None

    def changes(self, first: int, last: int, *, with_payload: bool = True) -> list[ChangeEntry]:
        """Entries `first`..`last` (inclusive) that still exist, in order."""
        found = (self.change(n, with_payload=with_payload) for n in range(max(first, self.first_sequence()), last + 1))
        return [entry for entry in found if entry is not None]

    def first_sequence_at(self, time: str) -> int:
        """The first entry published at or after `time` (last + 1 when none): a binary search over the
        gapless numbers, one time lookup a step."""
        low, high = self.first_sequence(), self.last_sequence() + 1
        while low < high:
            middle = (low + high) // 2
            published = self.change_time(middle)
            if published is None or published >= time:
                high = middle
            else:
                low = middle + 1
        return low

    def history(self, dataset_iri: str, *, with_payload: bool = False) -> list[ChangeEntry]:
        """Every entry about a dataset, oldest first."""
        return self._entries_with(changelog.AS_OBJECT, dataset_iri, with_payload)

    def graph_history(self, graph: str, *, with_payload: bool = False) -> list[ChangeEntry]:
        """Every entry about one record graph, oldest first: a record's history (also once deleted,
        when no index term names its dataset any more)."""
        return self._entries_with(changelog.GRAPH, graph, with_payload)

    def _entries_with(self, predicate: ox.NamedNode, iri: str, with_payload: bool) -> list[ChangeEntry]:
        entries = []
        for quad in self.backend.quads(None, predicate, ox.NamedNode(iri), None):
            sequence = changelog.sequence_of(self.naming.base_url, quad.graph_name.value)
            entry = self.change(sequence, with_payload=with_payload) if sequence else None
            if entry is not None:
                entries.append(entry)
        return sorted(entries, key=lambda e: e.sequence)

    def prune_changes(self, before: str) -> int:
        """Forget entries published before `before` (retention), oldest first, but a deletion that is its
        record's last entry (a tombstone); returns how many entries passed the retention. The head records
        the new first entry in the same transaction as each batch."""
        first = self.first_sequence()
        keep_from = self.first_sequence_at(before)  # last + 1 when all go: the head then carries the numbering
        for start in range(first, keep_from, 500):
            end = min(start + 500, keep_from)
            doomed = [GraphChange(changelog.entry_iri(self.naming.base_url, n), None) for n in range(start, end)
                      if not self._is_tombstone(n)]
            head = GraphChange(changelog.head_graph(self.naming.base_url),
                               changelog.head_triples(self.naming.base_url, end))
            with self._write_lock, self._exclusive_writes():
                self.backend.apply(doomed + [head])
        return max(0, keep_from - first)

    def _is_tombstone(self, sequence: int) -> bool:
        """A deletion that is still its record's last word: kept past the retention (a few statements), so
        that /oai's deletedRecord is persistent. It lies below the first sequence: the feed and changes()
        start there, while latest_changes() and a record's history still find it."""
        entry = self.change(sequence, with_payload=False)
        if entry is None or entry.kind != "delete":
            return False
        return max(e.sequence for e in self.graph_history(entry.graph)) == sequence

    # -- SPARQL and the rest, as the backend offers them -----------------------------------------

    @property
    def generation(self) -> int:
        return self.backend.generation

    def changed_graphs(self, since_generation: int):
        return self.backend.changed_graphs(since_generation)

    def select(self, sparql: str, **kwargs):
        return self.backend.select(sparql, **kwargs)

    def iter_select(self, sparql: str):
        return self.backend.iter_select(sparql)

    def query(self, sparql: str, media_type: str, **kwargs):
        return self.backend.query(sparql, media_type, **kwargs)

    def query_refusal(self, client: str, timeout: float):
        return self.backend.query_refusal(client, timeout)

    def triple_count(self) -> int:
        return self.backend.triple_count()

    def flush(self) -> None:
        """Write buffered writes out (bounds the backend's memory during long applies)."""
        self.backend.flush()

    def backup(self, destination) -> None:
        """A consistent copy of the embedded store in a new directory (StoreError on a remote store)."""
        backup = getattr(self.backend, "backup", None)
        if backup is None:
            raise StoreError("this node's store is a SPARQL server: back it up with the server's own tools")
        backup(destination)

    def close(self) -> None:
        self.backend.close()


def _published_form(triples) -> str:
    for triple in triples:
        if triple.predicate == PUBLISHED_FORM:
            return triple.object.value
    return ox.serialize(publishable(triples), format=ox.RdfFormat.N_TRIPLES).decode()


def _dataset_of(triples) -> str | None:
    primary = None
    for triple in triples:
        if triple.predicate == INDEXED_DATASET:
            return triple.object.value
        if triple.predicate == _PRIMARY_TOPIC and primary is None:
            primary = triple.object.value
    return primary


def with_own_blank_nodes(change: GraphChange) -> GraphChange:
    """The same graph with fresh blank nodes: several graphs written in one transaction must not share
    a blank node (Oxigraph refuses it, and each record's blank nodes are its own anyway)."""
    if not change.triples:
        return change
    fresh: dict[ox.BlankNode, ox.BlankNode] = {}

    def own(term):
        if isinstance(term, ox.BlankNode):
            return fresh.setdefault(term, ox.BlankNode())
        return term

    return GraphChange(change.name, tuple(ox.Triple(own(t.subject), t.predicate, own(t.object))
                                          for t in change.triples))
