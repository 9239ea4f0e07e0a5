"""Words of the portal that code (not templates) chooses: field names, facet titles, statuses.

Lazy gettext strings: each is translated when a page renders, in the reader's language.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FACT_LABELS = {
    "identifier": _l("Identifier"), "access_rights": _l("Access rights"), "publisher": _l("Publisher"),
    "hdab": _l("Health data access body"), "creator": _l("Creator"), "theme": _l("Theme"),
    "health_category": _l("Health category"), "health_theme": _l("Health theme"),
    "spatial": _l("Spatial coverage"), "records": _l("Number of records"),
    "individuals": _l("Unique individuals"), "population": _l("Population coverage"),
    "issued": _l("Issued"), "modified": _l("Modified"), "frequency": _l("Update frequency"),
    "language": _l("Language"), "version": _l("Version"), "landing_page": _l("Landing page"),
    "temporal": _l("Temporal coverage"), "contact": _l("Contact"), "custodian": _l("Custodian"),
    "rights_holder": _l("Rights holder"),
}

FACET_TITLES = {"theme": _l("Theme"), "publisher": _l("Publisher"), "access_rights": _l("Access rights"),
                "health_category": _l("Health category"), "source": _l("Origin")}

SEVERITY_LABELS = {"violation": _l("Violation"), "warning": _l("Warning"), "info": _l("Information")}

DIMENSION_LABELS = {"findability": _l("Findability"), "accessibility": _l("Accessibility"),
                    "interoperability": _l("Interoperability"), "reusability": _l("Reusability"),
                    "contextuality": _l("Contextuality")}

RATING_LABELS = {"excellent": _l("Excellent"), "good": _l("Good"), "sufficient": _l("Sufficient"), "bad": _l("Bad")}

STATUS_LABELS = {"met": _l("met"), "missing": _l("missing"), "not_checked": _l("not checked")}

HTTP_TITLES = {
    400: _l("The request is not valid"), 401: _l("Authentication needed"), 403: _l("Not allowed"),
    404: _l("Page not found"), 405: _l("Method not allowed"), 406: _l("No acceptable format"),
    409: _l("Conflict"), 413: _l("Too large"), 415: _l("Unsupported format"),
    422: _l("The metadata does not conform"), 429: _l("Too many requests"),
    500: _l("Something went wrong on the node"), 503: _l("The node is busy or unavailable"),
}

ORIGIN_LOCAL = _l("This node")

RUN_STATUSES = {"running": _l("running"), "complete": _l("complete"), "failed": _l("failed"), "dry-run": _l("dry run")}
RUN_MODES = {"full": _l("full"), "incremental": _l("incremental")}
