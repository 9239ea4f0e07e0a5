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

# The score's words (node.quality.mqa / health): names and what to do, by indicator key.
INDICATOR_LABELS = {
    "keyword": _l("Keywords"), "theme": _l("Themes"), "spatial": _l("Spatial coverage"),
    "temporal": _l("Temporal coverage"), "access_url_reachable": _l("accessURL reachable"),
    "download_url": _l("downloadURL"), "download_url_reachable": _l("downloadURL reachable"),
    "format": _l("Format"), "media_type": _l("Media type"),
    "format_media_type_from_vocabulary": _l("Format/media type from vocabulary"),
    "non_proprietary": _l("Non-proprietary format"), "machine_readable": _l("Machine-readable format"),
    "dcat_ap_compliant": _l("DCAT-AP compliant"), "licence": _l("Licence"),
    "licence_from_vocabulary": _l("Licence from vocabulary"), "access_rights": _l("Access rights"),
    "access_rights_from_vocabulary": _l("Access rights from vocabulary"), "contact_point": _l("Contact point"),
    "publisher": _l("Publisher"), "rights": _l("Rights"), "byte_size": _l("File size"),
    "issued": _l("Date of issue"), "modified": _l("Modification date"),
    "download_url:not_public": _l("Access application"),
    "download_url_reachable:not_public": _l("Health Data Access Body"),
}
INDICATOR_HINTS = {
    "keyword": _l("add dcat:keyword terms people would search for"),
    "theme": _l("add a dcat:theme from the EU data-theme vocabulary"),
    "spatial": _l("add dct:spatial, e.g. a country IRI"),
    "temporal": _l("add dct:temporal with a start and end date"),
    "access_url_reachable": _l("give each distribution a working dcat:accessURL"),
    "download_url": _l("add a dcat:downloadURL pointing at the file itself"),
    "download_url_reachable": _l("make the dcat:downloadURL answer with HTTP 2xx"),
    "format": _l("add dct:format from the EU file-type vocabulary"),
    "media_type": _l("add dcat:mediaType (an IANA media type)"),
    "format_media_type_from_vocabulary": _l(
        "use EU file-type IRIs for dct:format and IANA media types for dcat:mediaType"),
    "non_proprietary": _l("offer a distribution in an open format such as CSV or JSON"),
    "machine_readable": _l("offer a distribution in a machine-readable format such as CSV, JSON or RDF"),
    "dcat_ap_compliant": _l("fix the violations `ehds-node validate --profile dcat-ap-3` reports"),
    "licence": _l("add dct:license to each distribution"),
    "licence_from_vocabulary": _l("use a licence IRI from the EU licence vocabulary"),
    "access_rights": _l("add dct:accessRights"),
    "access_rights_from_vocabulary": _l("use PUBLIC, RESTRICTED or NON_PUBLIC from the EU access-right vocabulary"),
    "contact_point": _l("add dcat:contactPoint with an email or URL"),
    "publisher": _l("add dct:publisher"), "rights": _l("add dct:rights to the distribution"),
    "byte_size": _l("add dcat:byteSize to the distribution"), "issued": _l("add dct:issued"),
    "modified": _l("add dct:modified"),
    "download_url:not_public": _l("give the distribution a dcat:accessURL or a dcat:accessService, or the "
                                  "dataset a dcat:landingPage, where researchers apply for access"),
    "download_url_reachable:not_public": _l("name the Health Data Access Body that grants access "
                                            "(healthdcatap:hdab, a valid agent with a contact point)"),
}
HEALTH_LABELS = {
    "hdab": _l("Health Data Access Body"), "purpose": _l("Purpose"), "legal_basis": _l("Legal basis"),
    "health_category": _l("Health category"), "health_theme": _l("Health theme"),
    "coding_system": _l("Coding system"), "population_coverage": _l("Population coverage"),
    "number_of_records": _l("Number of records"), "number_of_unique_individuals": _l("Number of unique individuals"),
}
HEALTH_HINTS = {
    "hdab": _l("name the Health Data Access Body that grants access (healthdcatap:hdab, an agent with a "
               "contact point)"),
    "purpose": _l("state the purpose the data were collected for (dpv:hasPurpose)"),
    "legal_basis": _l("state the legal basis of the processing (dpv:hasLegalBasis)"),
    "health_category": _l("add a health category from the EHDS health-categories vocabulary "
                          "(healthdcatap:healthCategory)"),
    "health_theme": _l("add a health theme (healthdcatap:healthTheme)"),
    "coding_system": _l("name the coding systems used, e.g. ICD-10 or SNOMED CT (healthdcatap:hasCodingSystem)"),
    "population_coverage": _l("describe the population covered (healthdcatap:populationCoverage)"),
    "number_of_records": _l("give the number of records (healthdcatap:numberOfRecords, xsd:nonNegativeInteger)"),
    "number_of_unique_individuals": _l("give the number of distinct individuals "
                                       "(healthdcatap:numberOfUniqueIndividuals, xsd:nonNegativeInteger)"),
}
QUALITY_PHRASES = {"met": _l("met: the points are earned"), "missing": _l("missing"),
                   "not_checked": _l("not checked"), "invalid": _l("present but not valid")}

# The SPARQL page's example titles (node.sparql.examples), by their English title.
EXAMPLE_TITLES = {
    "Datasets by theme": _l("Datasets by theme"),
    "Datasets by health category": _l("Datasets by health category"),
    "Datasets by publisher": _l("Datasets by publisher"),
    "Datasets with more than 1 million individuals": _l("Datasets with more than 1 million individuals"),
    "Variables of each table": _l("Variables of each table"),
    "Keyword search (index lookup)": _l("Keyword search (index lookup)"),
    "Catalogue records, without the node's index terms": _l("Catalogue records, without the node's index terms"),
    "Latest modified datasets": _l("Latest modified datasets"),
}
