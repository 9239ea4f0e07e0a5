"""The MQA indicators, their weights, and the reason each one gives.

Weights are those of the data.europa.eu Metadata Quality Assessment (405 points). Dataset-level
indicators look at the dataset; distribution-level ones at the best-scoring distribution (see
node.quality.distributions); "DCAT-AP compliant" at the SHACL report.
"""

from __future__ import annotations

from dataclasses import dataclass

from node.quality.compliance import Compliance
from node.quality.distributions import DISTRIBUTION_CHECKS, DistributionResult, best_distribution
from node.quality.facts import DatasetFacts
from node.quality.formats import Vocabularies
from node.quality.model import MET, MISSING, NOT_CHECKED, IndicatorResult


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    dimension: str
    label: str
    weight: int
    hint: str  # how to earn the points


INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("keyword", "findability", "Keywords", 30, "add dcat:keyword terms people would search for"),
    IndicatorSpec("theme", "findability", "Themes", 30, "add a dcat:theme from the EU data-theme vocabulary"),
    IndicatorSpec("spatial", "findability", "Spatial coverage", 20, "add dct:spatial, e.g. a country IRI"),
    IndicatorSpec("temporal", "findability", "Temporal coverage", 20, "add dct:temporal with a start and end date"),
    IndicatorSpec("access_url_reachable", "accessibility", "accessURL reachable", 50,
                  "give each distribution a working dcat:accessURL"),
    IndicatorSpec("download_url", "accessibility", "downloadURL", 20,
                  "add a dcat:downloadURL pointing at the file itself"),
    IndicatorSpec("download_url_reachable", "accessibility", "downloadURL reachable", 30,
                  "make the dcat:downloadURL answer with HTTP 2xx"),
    IndicatorSpec("format", "interoperability", "Format", 20, "add dct:format from the EU file-type vocabulary"),
    IndicatorSpec("media_type", "interoperability", "Media type", 10, "add dcat:mediaType (an IANA media type)"),
    IndicatorSpec("format_media_type_from_vocabulary", "interoperability", "Format/media type from vocabulary", 10,
                  "use EU file-type IRIs for dct:format and IANA media types for dcat:mediaType"),
    IndicatorSpec("non_proprietary", "interoperability", "Non-proprietary format", 20,
                  "offer a distribution in an open format such as CSV or JSON"),
    IndicatorSpec("machine_readable", "interoperability", "Machine-readable format", 20,
                  "offer a distribution in a machine-readable format such as CSV, JSON or RDF"),
    IndicatorSpec("dcat_ap_compliant", "interoperability", "DCAT-AP compliant", 30,
                  "fix the violations `ehds-node validate --profile dcat-ap-3` reports"),
    IndicatorSpec("licence", "reusability", "Licence", 20, "add dct:license to each distribution"),
    IndicatorSpec("licence_from_vocabulary", "reusability", "Licence from vocabulary", 10,
                  "use a licence IRI from the EU licence vocabulary"),
    IndicatorSpec("access_rights", "reusability", "Access rights", 10, "add dct:accessRights"),
    IndicatorSpec("access_rights_from_vocabulary", "reusability", "Access rights from vocabulary", 5,
                  "use PUBLIC, RESTRICTED or NON_PUBLIC from the EU access-right vocabulary"),
    IndicatorSpec("contact_point", "reusability", "Contact point", 20, "add dcat:contactPoint with an email or URL"),
    IndicatorSpec("publisher", "reusability", "Publisher", 10, "add dct:publisher"),
    IndicatorSpec("rights", "contextuality", "Rights", 5, "add dct:rights to the distribution"),
    IndicatorSpec("byte_size", "contextuality", "File size", 5, "add dcat:byteSize to the distribution"),
    IndicatorSpec("issued", "contextuality", "Date of issue", 5, "add dct:issued"),
    IndicatorSpec("modified", "contextuality", "Modification date", 5, "add dct:modified"),
)
WEIGHTS = {spec.key: spec.weight for spec in INDICATORS}
DISTRIBUTION_WEIGHTS = {key: WEIGHTS[key] for key in DISTRIBUTION_CHECKS}


_NOT_PUBLIC = {"http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC",
               "http://publications.europa.eu/resource/authority/access-right/RESTRICTED"}
# A dataset that is not public has no file to download: its 50 downloadURL points are earned by what such
# a dataset can offer instead (docs/quality.md): a way to apply for access, and the body that grants it.
NON_PUBLIC_SUBSTITUTES = {
    "download_url": ("Access application", "give the distribution a dcat:accessURL or a dcat:accessService, or "
                     "the dataset a dcat:landingPage, where researchers apply for access"),
    "download_url_reachable": ("Health Data Access Body", "name the Health Data Access Body that grants access "
                               "(healthdcatap:hdab, a valid agent with a contact point)"),
}


@dataclass(frozen=True)
class AccessOffer:
    """What a non-public dataset offers instead of a download (read by node.quality.scoring)."""

    application: str | None   # where to apply: an access URL, access service or landing page
    hdab: bool                # a valid healthdcatap:hdab


def score_indicators(facts: DatasetFacts, distributions: list[DistributionResult],
                     vocabularies: Vocabularies, compliance: Compliance,
                     offer: AccessOffer | None = None) -> tuple[IndicatorResult, ...]:
    best = best_distribution(distributions, DISTRIBUTION_WEIGHTS)
    not_public = offer is not None and bool(set(facts.access_rights) & _NOT_PUBLIC)
    results = []
    for spec in INDICATORS:
        if not_public and spec.key in NON_PUBLIC_SUBSTITUTES:
            results.append(_substitute(spec, offer))
            continue
        if spec.key in DISTRIBUTION_CHECKS:
            status, reason = _distribution_outcome(spec, distributions, best)
        elif spec.key == "dcat_ap_compliant":
            status, reason = _compliance_outcome(compliance, spec)
        else:
            status, reason = _dataset_outcome(spec, facts, vocabularies, best)
        earned = spec.weight if status == MET else 0
        results.append(IndicatorResult(spec.key, spec.dimension, spec.label, earned, spec.weight, status, reason))
    return tuple(results)


def _substitute(spec: IndicatorSpec, offer: AccessOffer) -> IndicatorResult:
    label, hint = NON_PUBLIC_SUBSTITUTES[spec.key]
    if spec.key == "download_url":
        status, reason = (MET, f"access is applied for at {offer.application}") if offer.application else \
            (MISSING, f"not public and no way to apply for access: {hint}")
    else:
        status, reason = (MET, "the Health Data Access Body is named") if offer.hdab else \
            (MISSING, f"not public and no valid Health Data Access Body: {hint}")
    return IndicatorResult(spec.key, spec.dimension, label, spec.weight if status == MET else 0, spec.weight,
                           status, reason)


def _dataset_outcome(spec: IndicatorSpec, facts: DatasetFacts, vocabularies: Vocabularies,
                     best: DistributionResult | None) -> tuple[str, str]:
    counts = {"keyword": (facts.keywords, "keyword"), "theme": (facts.themes, "theme"),
              "spatial": (facts.spatial, "spatial coverage"), "temporal": (facts.temporal, "temporal coverage"),
              "contact_point": (facts.contact_points, "contact point"), "publisher": (facts.publishers, "publisher"),
              "access_rights": (len(facts.access_rights), "access rights value")}
    if spec.key in counts:
        count, noun = counts[spec.key]
        if count:
            return MET, f"{count} {noun}{'s' if count > 1 and not noun.endswith('s') else ''}"
        return MISSING, f"none: {spec.hint}"
    if spec.key == "access_rights_from_vocabulary":
        return _access_rights_vocabulary(spec, facts, vocabularies)
    return _date_outcome(spec, facts, best)


def _access_rights_vocabulary(spec, facts: DatasetFacts, vocabularies: Vocabularies) -> tuple[str, str]:
    if not facts.access_rights:
        return MISSING, f"no access rights: {spec.hint}"
    outside = [a for a in facts.access_rights if a not in vocabularies.access_rights]
    if outside:
        return MISSING, f"{', '.join(outside)} is not in the EU access-right vocabulary: {spec.hint}"
    return MET, f"{', '.join(facts.access_rights)} is from the EU access-right vocabulary"


def _date_outcome(spec, facts: DatasetFacts, best: DistributionResult | None) -> tuple[str, str]:
    on_dataset = facts.has_issued if spec.key == "issued" else facts.has_modified
    on_best = best is not None and (best.facts.has_issued if spec.key == "issued" else best.facts.has_modified)
    if on_dataset:
        return MET, "stated on the dataset"
    if on_best:
        return MET, f"stated on the best-scoring distribution {best.facts.iri}"
    return MISSING, f"not stated: {spec.hint}"


def _compliance_outcome(compliance: Compliance, spec: IndicatorSpec) -> tuple[str, str]:
    if not compliance.checked:
        return NOT_CHECKED, compliance.detail
    if compliance.violations == 0:
        return MET, "no SHACL violation under the dcat-ap-3 profile"
    plural = "s" if compliance.violations > 1 else ""
    return MISSING, f"{compliance.violations} SHACL violation{plural} ({compliance.detail}): {spec.hint}"


def _distribution_outcome(spec: IndicatorSpec, distributions: list[DistributionResult],
                          best: DistributionResult | None) -> tuple[str, str]:
    if best is None:
        return MISSING, f"the dataset has no distribution: {spec.hint}"
    meeting = sum(1 for d in distributions if d.checks[spec.key].status == MET)
    share = f"met by {meeting} of {len(distributions)} distribution{'s' if len(distributions) > 1 else ''}"
    check = best.checks[spec.key]
    where = f"best-scoring distribution {best.facts.iri}"
    if check.status == MET:
        return MET, f"{share}; {where} {check.detail}"
    if check.status == NOT_CHECKED:
        return NOT_CHECKED, f"{check.detail}; MQA gives unmeasured links no points"
    if meeting:
        return MISSING, (f"{share}, but MQA scores only the best-scoring distribution, "
                         f"{best.facts.iri}, which {check.detail}")
    return MISSING, f"{share}; {where} {check.detail}: {spec.hint}"
