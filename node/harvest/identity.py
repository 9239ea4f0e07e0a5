"""Which copy of a dataset a run keeps: the same dataset (IRI or identifier) held elsewhere.

Another source's copy: local records and lower precedence win. The same source's copy under another
IRI with the same identifier is a rename: the new copy replaces the old one (never dropped).
"""

from __future__ import annotations

from dataclasses import dataclass, field





@dataclass
class Claim:
    """What writing one record replaces besides its own graph, once it is staged."""

    displaced: set[str] = field(default_factory=set)  # other sources' copies it wins over
    renamed: set[str] = field(default_factory=set)    # this source's copies under an earlier IRI


def claim(ctx, run, record, graph: str) -> Claim | None:
    """The record's claim, or None when another holder keeps the dataset (reported as a duplicate)."""
    others = ctx.store.holders(record.dataset_iri)
    for identifier in record.identifiers:
        others |= ctx.store.holders_of_identifier(identifier)
    others.discard(graph)
    found = Claim()
    for other in sorted(others):
        holder = holder_of(ctx, other)
        if holder == run.source.name:
            if other not in run.parsed:  # listed in this run too: two datasets, not a rename
                found.renamed.add(other)
            continue
        ours_wins = holder != "local" and run.source.precedence < _precedence(ctx, holder)
        run.report.duplicate({"dataset": record.dataset_iri, "other": holder,
                              "kept": run.source.name if ours_wins else holder})
        if not ours_wins:
            return None
        found.displaced.add(other)
    return found


def settle_renames(ctx, run) -> list[str]:
    """The old graphs that renamed records replace: those the partner no longer lists under their old
    IRI (one listed later in the run is a second dataset, and both stay)."""
    replaced = []
    for old, dataset in sorted(run.renamed.items()):
        if old in run.seen:
            continue
        previous = ctx.store.dataset_of_graph(old) or old
        run.report.rename(dataset, previous)
        replaced.append(old)
    return replaced


def holder_of(ctx, graph: str) -> str:
    prefix = ctx.naming.base_url + "graph/source/"
    return graph[len(prefix):].split("/", 1)[0] if graph.startswith(prefix) else "local"


def _precedence(ctx, source_name: str) -> int:
    return next((s.precedence for s in ctx.settings.sources if s.name == source_name), 10_000)
