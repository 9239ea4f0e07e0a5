"""`ehds-node review --not-changed-since 12M`: the records whose holders owe their yearly accuracy check
(EHDS Art. 60), grouped by holder (the dataset's dct:publisher), as text, CSV or JSON.

Exit codes: 0 the report was written (also when it lists records: it is a report, not a check),
2 bad arguments (a period that is not 30D/12M/2Y or an ISO date, an unknown format) or no store.
"""

from __future__ import annotations

import csv
import json
import sys

from node.cli import common_node_options, settings_from_args

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run these cells as formulas
CSV_COLUMNS = ("holder", "holder_iri", "record_id", "dataset_iri", "title", "last_change", "basis", "page")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "review",
        help="records not changed for a while, by holder (the yearly accuracy check, EHDS Art. 60)",
        description="List the records whose last change (the change log's last entry, else the dataset's "
                    "dct:modified) is older than a period, grouped by holder (dct:publisher). Exit 0 even "
                    "when records are listed: this is a report.",
    )
    common_node_options(parser)
    parser.add_argument("--not-changed-since", required=True, metavar="PERIOD",
                        help="30D, 12M, 2Y (days, months, years before now) or an ISO 8601 date or date-time")
    parser.add_argument("--format", choices=("text", "csv", "json"), default="text", help="output (default: text)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from node.context import open_node
    from node.review import by_holder, cutoff, late_records

    before = cutoff(args.not_changed_since)  # bad arguments fail before the store is opened
    settings = settings_from_args(args)
    ctx = open_node(settings, read_only=True)  # never creates a store; runs beside `serve`
    try:
        groups = by_holder(late_records(ctx.store, ctx.naming, ctx.index.entries(), before))
        since = before.isoformat(timespec="seconds").replace("+00:00", "Z")
        write = {"text": _text, "csv": _csv, "json": _json}[args.format]
        write(groups, since, args.not_changed_since, ctx.naming.base_url)
    finally:
        ctx.close()
    return 0


def _text(groups, since: str, period: str, base_url: str) -> None:
    count = sum(len(records) for _, _, records in groups)
    out = sys.stdout
    out.write(f"Records not changed since {since} ({period}): {count} record(s), {len(groups)} holder(s)\n")
    for iri, label, records in groups:
        heading = f"{_printable(label)} <{iri}>" if iri and label != iri else (_printable(label) or "(no publisher)")
        out.write(f"\n{heading}: {len(records)} record(s)\n")
        for r in records:
            when = r.last_change[:10] if r.last_change else "unknown"
            out.write(f"  {when}  {r.record_id}  {_printable(r.title)}  ({r.basis}; {base_url}datasets/{r.record_id})\n")


def _printable(text: str) -> str:
    """Titles and names come from partners: no terminal control sequence reaches the steward's screen."""
    return "".join(c if c.isprintable() else " " for c in text)


def _cell(text: str) -> str:
    """A partner's title opened in a spreadsheet must stay text (CSV injection): quote a formula start."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv(groups, since: str, period: str, base_url: str) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for iri, label, records in groups:
        for r in records:
            writer.writerow((_cell(label), iri, r.record_id, r.dataset_iri, _cell(r.title), r.last_change, r.basis,
                             f"{base_url}datasets/{r.record_id}"))


def _json(groups, since: str, period: str, base_url: str) -> None:
    document = {
        "not_changed_since": since, "period": period,
        "count": sum(len(records) for _, _, records in groups),
        "holders": [{"holder": label, "holder_iri": iri or None, "records": [
            {"record_id": r.record_id, "dataset_iri": r.dataset_iri, "title": r.title,
             "last_change": r.last_change or None, "basis": r.basis, "page": f"{base_url}datasets/{r.record_id}"}
            for r in records]} for iri, label, records in groups],
    }
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
