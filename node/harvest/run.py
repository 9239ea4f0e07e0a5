"""One harvest run of one source: read everything, decide per record, then commit or leave alone."""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass, field
from functools import partial
from datetime import datetime, timezone
from pathlib import Path


from node.config import SourceConfig
from node.errors import HarvestError, NodeError
from node.harvest import provenance as prov
from node.harvest.identity import Claim, claim, settle_renames
from node.harvest.journal import RUNNING_FILE, STATE_FILE, set_aside, write_atomically
from node.harvest.reports import HarvestReport, save_report
from node.harvest.staging import Staging, oversized_literal
from node.records import now_iso
from node.store.base import GraphChange

log = logging.getLogger("ehds.harvest")


@dataclass
class RunState:
    """What one run knows while it reads the partner."""

    source: SourceConfig
    report: HarvestReport
    staging: Staging
    existing: dict[str, str]                       # graph → content hash, before this run
    previous_pages: dict[str, list[str]]           # page URL → graphs it listed in the last complete run
    seen: set[str] = field(default_factory=set)    # graphs the partner still lists
    parsed: set[str] = field(default_factory=set)  # graphs read from a page this run (not kept as unchanged)
    pages: dict[str, list[str]] = field(default_factory=dict)  # this run's page → graphs
    displaced: set[str] = field(default_factory=set)  # other sources' copies we win over
    renamed: dict[str, str] = field(default_factory=dict)  # this source's old graph → the dataset's new IRI
    announced: set[str] = field(default_factory=set)  # graphs a feed (kind ldes) says were deleted
    feed_position: dict | None = None  # where the last run left the feed (kept when deletes are refused)
    max_literal_bytes: int = 1_000_000
    now: str = ""


def run_harvest(ctx, source: SourceConfig, *, fetcher=None, full: bool = False, force: bool = False,
                dry_run: bool = False, progress=None) -> HarvestReport:
    from harvesters import harvester_for
    from node.fetch import Fetcher

    started = now_iso()
    run_id = f"{started.replace(':', '')}-{secrets.token_hex(3)}"  # unique even for runs in the same second
    report = HarvestReport(source.name, run_id, started, kind=source.kind, url=source.url)
    folder = Path(ctx.settings.data_dir) / "harvest" / source.name
    previous = _read_state(folder / STATE_FILE)
    since = None if full or not previous.get("last_success") else _parse_time(previous["last_success"])
    staging = Staging(ctx.settings.data_dir, source.name, report.run_id,
                      max_record_bytes=ctx.settings.max_record_bytes)
    write_atomically(folder / RUNNING_FILE, json.dumps(report.to_dict()))  # a crash leaves it: a failed run
    run = RunState(source, report, staging, _existing_hashes(ctx, source.name),
                   _page_graphs(ctx, source.name, previous.get("pages", {})), now=started,
                   max_literal_bytes=ctx.settings.max_literal_bytes)
    validators: dict[str, dict] = {}
    incremental = False
    fetcher = fetcher or Fetcher(source)
    try:
        with fetcher:
            harvester = harvester_for(source, fetcher)
            if hasattr(harvester, "resume_from"):  # a feed (kind ldes) goes on from its last position
                run.feed_position = None if full else previous.get("feed_position")
                harvester.resume_from(run.feed_position)
            pages = harvester.pages(modified_since=since, validators=previous.get("validators", {}))
            for page in pages:
                incremental |= page.incremental
                _take_page(ctx, run, page)
                validators[page.url] = page.validators
                if progress:
                    progress(report)
    except HarvestError as err:
        return _fail(ctx, run, f"{err.message}" + (f" (at {err.url})" if err.url and err.url not in err.message else ""))
    except NodeError as err:  # the node's own trouble (its store went away): _fail's one line, no traceback
        return _fail(ctx, run, err.message)
    except Exception as err:  # noqa: BLE001 — a partner must not crash the process: the run fails, with why
        log.exception("harvest of %s failed", source.name)
        return _fail(ctx, run, f"the run stopped on an unexpected error: {type(err).__name__}: {err}")
    report.mode = "incremental" if incremental else "full"
    if dry_run:
        run.staging.discard()
        (folder / RUNNING_FILE).unlink(missing_ok=True)
        report.status, report.finished = "dry-run", now_iso()
        return report
    return _commit(ctx, run, incremental, force, {"last_success": started, "validators": validators,
                                                  "pages": _page_ids(ctx, source.name, run.pages),
                                                  "feed_position": getattr(harvester, "position", None)})


def _commit(ctx, run: RunState, incremental: bool, force: bool, state: dict) -> HarvestReport:
    """Apply the run in one journal that also leaves its state and report (see node.harvest.journal)."""
    report = run.report
    renamed = settle_renames(ctx, run)
    deletions = _deletions(run, incremental, force)
    report.deleted = len(deletions)
    if report.deletions_refused and state.get("feed_position"):
        state["feed_position"] = run.feed_position  # the refused deletes are read again next run
    report.status, report.finished = "complete", now_iso()
    try:
        run.staging.commit(ctx.store, deletions + renamed, [_description_change(ctx, run.source)],
                           state=state, report=report.to_dict())
    except Exception as err:  # noqa: BLE001 — kept aside for the operator; the previous copy stays
        journal = run.staging.path.with_suffix(".apply.json")
        if not journal.exists():  # failed before the journal was written: the store was not touched
            return _fail(ctx, run, f"the apply could not start ({type(err).__name__}: {err})")
        kept = set_aside(journal, f"{type(err).__name__}: {err}")
        report.status, report.journal_set_aside = "failed", str(kept)
        report.error = f"the apply could not be completed ({type(err).__name__}: {err}); kept as {kept}"
        return report
    log.info(json.dumps({"event": "harvest-run", **{k: v for k, v in report.to_dict().items()
                                                     if k not in ("rejected", "problems", "duplicates", "renames")}}))
    return report


def _take_page(ctx, run: RunState, page) -> None:
    report = run.report
    report.pages += 1
    listed = run.pages.setdefault(page.url, [])
    if page.not_modified:  # the partner says the page is as last time: its records are unchanged
        kept = [g for g in _listed_last_time(ctx, run, page.url) if g in run.existing and g not in run.seen]
        report.fetched += len(kept)
        report.unchanged += len(kept)
        run.seen.update(kept)
        listed += kept
    for problem in page.problems:
        report.problem(problem)
    for dataset in page.deleted:  # only what this source holds; the guard in _deletions applies
        graph = prov.record_graph(ctx.naming, run.source.name, dataset)
        if graph in run.existing:
            run.announced.add(graph)
    for url in page.deleted_sources:  # the records last written from that URL (their provenance)
        run.announced.update(g for g in ctx.store.graphs_derived_from(url, run.source.name) if g in run.existing)
    written_before = report.written
    graphs = [prov.record_graph(ctx.naming, run.source.name, record.dataset_iri) for record in page.records]
    changed = [found for found in map(partial(_changed_record, ctx, run), page.records, graphs) if found]
    if changed:
        reports = _validator(run.source.profile).validate_records((r.dataset_iri, r.triples) for r, *_ in changed)
        for record, graph, digest, found in changed:
            _stage_record(ctx, run, record, graph, digest, found, reports[record.dataset_iri])
    listed += (graph for graph in graphs if graph in run.seen)
    log.info(json.dumps({"event": "harvest-page", "source": run.source.name, "url": page.url,
                         "records": len(page.records), "written": report.written - written_before,
                         "not_modified": page.not_modified}))


def _changed_record(ctx, run: RunState, record, graph: str) -> tuple | None:
    """(record, graph, content hash) when the record is new or changed; None when there is nothing to do."""
    report = run.report
    if graph in run.parsed:
        report.fetched += 1
        report.problem(f"{record.source_url}: dataset <{record.dataset_iri}> appears twice in this source")
        return None
    run.parsed.add(graph)
    kept = graph in run.seen  # an unchanged page listed it last time; now it is (also) here
    if not kept:
        report.fetched += 1
    digest = prov.content_hash(record.triples)
    if run.existing.get(graph) == digest:  # unchanged: it already won any duplicate check when written
        run.seen.add(graph)
        report.unchanged += 0 if kept else 1
        return None
    if kept:
        report.unchanged -= 1  # counted as unchanged with its old page; it changed
    too_large = oversized_literal(record.triples, run.max_literal_bytes)
    if too_large:
        _refuse(run, record, graph, Claim(), [too_large])
        return None
    found = claim(ctx, run, record, graph)
    if found is None:
        return None
    run.seen.add(graph)
    return record, graph, digest, found


def _stage_record(ctx, run: RunState, record, graph: str, digest: str, found: Claim, validation) -> None:
    """Apply the source's policy to the record's validation report, then stage it for writing."""
    report, source = run.report, run.source
    if not validation.conforms:
        if source.policy == "reject":
            return _refuse(run, record, graph, found, [_reason(r) for r in validation.violations])
        report.warnings += 1
    earlier = _issued(ctx, graph)
    triples = prov.harvested_record_triples(ctx.naming, source.name, record, digest=digest,
                                            issued=earlier or run.now, modified=run.now,
                                            first_version=earlier is None)
    refused = run.staging.add(graph, triples)
    if refused:
        return _refuse(run, record, graph, found, [refused])
    report.written += 1
    run.displaced |= found.displaced
    run.renamed.update(dict.fromkeys(found.renamed, record.dataset_iri))


def _refuse(run: RunState, record, graph: str, found: Claim, reasons: list[str]) -> None:
    """A rejected record: its previous good copy, if any (also under an earlier IRI), stays."""
    run.report.reject(record.dataset_iri, reasons)
    if graph in run.existing:
        run.seen.add(graph)
    else:
        run.seen.discard(graph)
    run.seen |= found.renamed


def _deletions(run: RunState, incremental: bool, force: bool) -> list[str]:
    # A feed's announced deletions count against max_delete_share like a full run's vanished records:
    # the share is of the records this source held before the run.
    gone = sorted(run.announced - run.seen) if incremental else sorted(set(run.existing) - run.seen - set(run.renamed))
    limit = run.source.max_delete_share * len(run.existing)
    if gone and len(gone) > limit and not force:
        run.report.deletions_refused = len(gone)
        gone = []
    return gone + sorted(run.displaced)


def _fail(ctx, run: RunState, message: str) -> HarvestReport:
    run.staging.discard()
    run.report.status, run.report.error, run.report.finished = "failed", message, now_iso()
    save_report(ctx.settings.data_dir, run.report)
    (run.staging.folder / RUNNING_FILE).unlink(missing_ok=True)
    log.warning(json.dumps({"event": "harvest-failed", "source": run.source.name, "error": message}))
    return run.report


def _existing_hashes(ctx, source: str) -> dict[str, str]:
    return ctx.store.content_hashes(source)


def _page_graphs(ctx, source: str, pages: dict[str, list[str]]) -> dict[str, list[str]]:
    prefix = prov.source_graph_prefix(ctx.naming, source)
    return {url: [prefix + h for h in ids] for url, ids in pages.items()}


def _page_ids(ctx, source: str, pages: dict[str, list[str]]) -> dict[str, list[str]]:
    """What the state file keeps: each page's graphs by their hash (the part after the source prefix)."""
    start = len(prov.source_graph_prefix(ctx.naming, source))
    return {url: [g[start:] for g in graphs] for url, graphs in pages.items()}


def _listed_last_time(ctx, run: RunState, url: str) -> list[str]:
    """The graphs a page listed in the last complete run (state written by an older version: the
    records last written from that page, as their provenance says)."""
    if url in run.previous_pages:
        return run.previous_pages[url]
    return ctx.store.graphs_derived_from(url, run.source.name)


def _issued(ctx, graph: str) -> str | None:
    return ctx.store.record_issued(graph)


def _description_change(ctx, source: SourceConfig) -> GraphChange:
    publisher = ctx.store.catalog_publisher()
    return GraphChange(prov.source_description_graph(ctx.naming, source.name),
                       tuple(prov.source_description(ctx.naming, source, publisher)))


def _validator(profile: str):
    from node.validation import Validator

    return Validator.for_profile(profile, violations_only=True)  # a run acts on violations only


def _reason(result) -> str:
    path = getattr(result, "path", None) or ""
    return f"{path}: {result.message}" if path else str(result.message)


def _read_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
