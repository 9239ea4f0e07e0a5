"""A record's validation report and quality score as pages (grouped as `ehds-node validate` prints them)."""

from __future__ import annotations

from itertools import groupby

from node.quality.model import MAX_POINTS, MISSING
from node.validation.output import compact
from node.web.html import render
from node.web.labels import DIMENSION_LABELS, RATING_LABELS, SEVERITY_LABELS, STATUS_LABELS


def report_groups(report, titles: dict[str, str] | None = None) -> list[dict]:
    """Dataset → field → results, in the report's order (the CLI's text grouping)."""
    groups = []
    for dataset, results in groupby(report.results, key=lambda r: r.dataset):
        fields = []
        for (focus, path), items in groupby(results, key=lambda r: (r.focus_node, r.path)):
            fields.append({"path": compact(path), "focus": None if focus == dataset else compact(
                f"<{focus}>" if not focus.startswith("_:") else focus),
                "results": [{"severity": r.severity, "value": compact(r.value), "message": r.message,
                             "rule": r.name} for r in items]})
        groups.append({"dataset": dataset, "title": (titles or {}).get(dataset), "fields": fields})
    return groups


def validation_page(record_id: str, report):
    return render("validation.html", record_id=record_id, report=report, groups=report_groups(report),
                  severity_labels=SEVERITY_LABELS, title=record_id)


def quality_page(record_id: str, score):
    """Dimensions, every indicator, and the missing ones worth the most points first."""
    improve = sorted((i for i in score.indicators if i.status == MISSING), key=lambda i: -i.possible)
    return render("quality.html", record_id=record_id, score=score, improve=improve, max_points=MAX_POINTS,
                  dimension_labels=DIMENSION_LABELS, rating_labels=RATING_LABELS, status_labels=STATUS_LABELS,
                  title=score.title or record_id)
