"""/validate: the web validator stewards use instead of the EU's ITB — paste or upload a file, pick the
profile, read the same report `ehds-node validate` prints (grouped by dataset and field, with how to fix
it), or download it as JSON, Turtle or JUnit. Nothing is stored; the body size is capped by max_body_bytes.
A URL is fetched by node/web/validate_url.py (guarded client, allow-listed origins).
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask_babel import gettext as _

from node import rdfio
from node.errors import NodeError, ParseError, TooManyResults, ValidationTimeout
from node.profiles import DEFAULT_PROFILE, PROFILES
from node.rdfio import printable
from node.validation import Validator, minimum
from node.validation.budget import Budget
from node.validation.inputs import Document
from node.validation.output import (FileOutcome, checklist_dict, outcome_of, render_json, render_junit,
                                    render_turtle, summary_line)
from node.web.app import node_context
from node.web.html import render
from node.web.i18n import current_language
from node.web.labels import SEVERITY_LABELS
from node.web.report_pages import report_groups
from node.web.texts import profile_description
from node.web.validate_url import fetch_document

blueprint = Blueprint("validate", __name__)
DOWNLOADS = {"json": ("application/json", "json", lambda o: render_json(o, "warning")),
             "turtle": ("text/turtle", "ttl", render_turtle),
             "junit": ("application/xml", "xml", lambda o: render_junit(o, "warning", "violation"))}
SYNTAX_CHOICES = [("", "auto")] + [(s.media_type, s.name) for s in rdfio.SYNTAXES]


@blueprint.get("/validate")
def form():
    return _page(None, DEFAULT_PROFILE, "", "", "")


@blueprint.post("/validate")
def validate():
    profile = request.form.get("profile", DEFAULT_PROFILE)
    if profile not in PROFILES:
        raise ParseError(f"unknown profile '{profile[:60]}'; choose one of {', '.join(PROFILES)}")
    media_type = request.form.get("syntax", "")
    if media_type and media_type not in rdfio.RDF_MEDIA_TYPES:
        raise ParseError(f"unknown syntax '{media_type[:60]}'; choose one of {', '.join(rdfio.RDF_MEDIA_TYPES)}")
    text, url = request.form.get("text", ""), request.form.get("url", "")
    outcome = _validate(_document(text, url, media_type), profile)
    wanted = request.form.get("download", "")
    if wanted in DOWNLOADS:
        mimetype, suffix, renderer = DOWNLOADS[wanted]
        response = Response(renderer([outcome]), mimetype=mimetype)
        response.headers["Content-Disposition"] = f'attachment; filename="validation-report.{suffix}"'
        return response
    page = _page(outcome, profile, media_type, text if len(text) < 200_000 else "", url[:2000])
    return (page, 422) if outcome.error else page


def _document(text: str, url: str, media_type: str) -> Document:
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        name = printable(upload.filename[-200:], longest=None)  # shown in the page and in every report
        return Document(name, data=upload.read(), media_type=media_type or None)
    if url.strip():
        return fetch_document(url, node_context().settings, media_type)
    if not text.strip():
        raise ParseError(_("Nothing to validate: paste RDF in the text box, give a URL or choose a file."))
    return Document("pasted text", data=text.encode("utf-8"), media_type=media_type or "text/turtle")


def _validate(document: Document, profile: str) -> FileOutcome:
    """What `ehds-node validate FILE --profile P` does for one file (node/cli/validate.py), within
    validate_seconds and validate_max_results (then a 503 or 413 page, not a report)."""
    validator = Validator.for_profile(profile)
    settings = node_context().settings
    budget = Budget(settings.validate_seconds, settings.validate_max_results)
    try:
        report, titles = validator.validate_with_titles(document.triples(), budget)
    except (ValidationTimeout, TooManyResults):
        raise
    except NodeError as err:
        return FileOutcome(document.name, error=err.message)
    return outcome_of(document.name, report, titles)


def _page(outcome: FileOutcome | None, profile: str, media_type: str, text: str, url: str):
    groups = report_groups(outcome.report, dict(outcome.titles)) if outcome and outcome.report else []
    checklist = checklist_dict(outcome.report) if outcome and minimum.applies(outcome.report) else None
    descriptions = {name: profile_description(p) for name, p in PROFILES.items()}
    return render("validate.html", outcome=outcome, groups=groups, profiles=descriptions, profile=profile,
                  checklist=checklist,
                  syntaxes=SYNTAX_CHOICES, syntax=media_type, text=text, url=url, severity_labels=SEVERITY_LABELS,
                  summary=summary_line(outcome, current_language()) if outcome else "", title="Validate")
