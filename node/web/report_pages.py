"""A record's validation report and quality score as pages (grouped as `ehds-node validate` prints them)."""

from __future__ import annotations

from itertools import groupby

from node.quality.model import MAX_POINTS, MISSING
from node.validation.output import compact, focus_label
from node.web.html import render
from node.web.texts import health_texts, indicator_texts, shape_message
from node.web.labels import DIMENSION_LABELS, RATING_LABELS, SEVERITY_LABELS, STATUS_LABELS


def report_groups(report, titles: dict[str, str] | None = None) -> list[dict]:
    """Dataset → field → results, in the report's order (the CLI's text grouping)."""
    groups = []
    for dataset, results in groupby(report.results, key=lambda r: r.dataset):
        fields = []
        for (focus, path), group in groupby(results, key=lambda r: (r.focus_node, r.path)):
            items = list(group)
            fields.append({"path": compact(path), "focus": None if focus == dataset else focus_label(items[0]),
                           "results": [_result_view(r) for r in items]})
        groups.append({"dataset": dataset, "title": (titles or {}).get(dataset), "fields": fields})
    return groups


def _result_view(result) -> dict:
    message, language = shape_message(result.message)
    return {"severity": result.severity, "value": compact(result.value), "message": message,
            "message_lang": language, "rule": result.name}


def validation_page(record_id: str, report):
    return render("validation.html", record_id=record_id, report=report, groups=report_groups(report),
                  severity_labels=SEVERITY_LABELS, title=record_id)


def quality_page(record_id: str, score):
    """Dimensions, every indicator, and the missing ones worth the most points first."""
    indicators = [_indicator_view(i) for i in score.indicators]
    improve = sorted((i for i in indicators if i["status"] == MISSING), key=lambda i: -i["possible"])
    health = [dict(zip(("label", "reason", "reason_lang"), health_texts(h)), present=h.present) for h in score.health]
    return render("quality.html", record_id=record_id, score=score, improve=improve, indicators=indicators,
                  health=health, max_points=MAX_POINTS,
                  dimension_labels=DIMENSION_LABELS, rating_labels=RATING_LABELS, status_labels=STATUS_LABELS,
                  title=score.title or record_id)


def _indicator_view(indicator) -> dict:
    label, reason, language = indicator_texts(indicator)
    return {"label": label, "reason": reason, "reason_lang": language, "dimension": indicator.dimension,
            "earned": indicator.earned, "possible": indicator.possible, "status": indicator.status}
