"""Distribution-level MQA indicators and the choice of the distribution that is scored.

The data.europa.eu MQA (piveau-metrics) scores every distribution of a dataset and keeps the
best-scoring one: distributions are taken to carry the same data, so one good distribution is
enough. We do the same, and say in each reason how many distributions meet the indicator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from node.quality.facts import DistributionFacts
from node.quality.formats import IANA_MEDIA_TYPES, Vocabularies, media_type_essence
from node.quality.links import LinkStatus
from node.quality.model import MET, MISSING, NOT_CHECKED


@dataclass(frozen=True)
class Check:
    status: str
    detail: str  # about one distribution, e.g. "has no downloadURL"


@dataclass(frozen=True)
class Evidence:
    """What the distribution checks compare with; links is None when links were not checked."""

    vocabularies: Vocabularies
    links: Mapping[str, LinkStatus] | None


def _present(values, name: str) -> Check:
    if values:
        return Check(MET, f"has {name} {', '.join(_short(v) for v in values)}")
    return Check(MISSING, f"has no {name}")


def _flag(flag: bool, name: str) -> Check:
    return Check(MET, f"states {name}") if flag else Check(MISSING, f"does not state {name}")


def _reachable(urls, name: str, links: Mapping[str, LinkStatus] | None) -> Check:
    if not urls:
        return Check(MISSING, f"has no {name}")
    if links is None:
        return Check(NOT_CHECKED, f"{name} not checked (run with --check-links)")
    statuses = [links.get(url) for url in urls]
    for status in statuses:
        if status is not None and status.reachable:
            return Check(MET, f"has {name} {status.url} answering {status.detail}")
    checked = [s for s in statuses if s is not None and s.checked]
    if not checked:
        reason = next((s.detail for s in statuses if s is not None), "not checked")
        return Check(NOT_CHECKED, f"has {name} {urls[0]}: {reason}")
    return Check(MISSING, "has " + "; ".join(f"{name} {s.url} that {_failure(s.detail)}" for s in checked))


def _failure(detail: str) -> str:
    """LinkStatus.detail as a verb phrase: "answered HTTP 404", "timed out after 10 s", …"""
    if detail.startswith("HTTP"):
        return f"answered {detail}"
    if detail.startswith("refused"):
        return f"was {detail}"
    if detail.startswith("no connection"):
        return f"could not be reached: {detail}"
    return detail


def _from_vocabulary(d: DistributionFacts, v: Vocabularies) -> Check:
    if not d.formats and not d.media_types:
        return Check(MISSING, "states neither format nor media type")
    outside = v.format_or_media_type_outside(d.formats, d.media_types)
    if outside:
        return Check(MISSING, "has values outside the EU file-type / IANA media-type vocabularies: "
                     + ", ".join(_short(o) for o in outside))
    return Check(MET, "takes format and media type from the EU file-type / IANA vocabularies")


def _format_list(d: DistributionFacts, v: Vocabularies, which: str) -> Check:
    listed = v.formats.machine_readable if which == "machine-readable" else v.formats.non_proprietary
    file_types = v.formats.file_types(d.formats, d.media_types)
    hits = sorted(file_types & listed)
    if hits:
        return Check(MET, f"is offered as {_short(hits[0])}, which is {which}")
    stated = ", ".join(_short(f) for f in sorted(file_types))
    if not stated:
        return Check(MISSING, "states no file type we can recognise")
    return Check(MISSING, f"is offered as {stated}, not on the MQA {which} list")


def _licence_from_vocabulary(d: DistributionFacts, v: Vocabularies) -> Check:
    if not d.licences:
        return Check(MISSING, "has no licence")
    outside = [lic for lic in d.licences if lic not in v.licences]
    if outside:
        return Check(MISSING, f"has licence {', '.join(outside)}, not from the EU licence vocabulary")
    return Check(MET, f"has licence {_short(d.licences[0])} from the EU licence vocabulary")


DistributionCheck = Callable[[DistributionFacts, Evidence], Check]

# key -> check of one distribution
DISTRIBUTION_CHECKS: dict[str, DistributionCheck] = {
    "access_url_reachable": lambda d, e: _reachable(d.access_urls, "accessURL", e.links),
    "download_url": lambda d, e: _present(d.download_urls, "downloadURL"),
    "download_url_reachable": lambda d, e: _reachable(d.download_urls, "downloadURL", e.links),
    "format": lambda d, e: _present(d.formats, "format"),
    "media_type": lambda d, e: _present(d.media_types, "media type"),
    "format_media_type_from_vocabulary": lambda d, e: _from_vocabulary(d, e.vocabularies),
    "non_proprietary": lambda d, e: _format_list(d, e.vocabularies, "non-proprietary"),
    "machine_readable": lambda d, e: _format_list(d, e.vocabularies, "machine-readable"),
    "licence": lambda d, e: _present(d.licences, "licence"),
    "licence_from_vocabulary": lambda d, e: _licence_from_vocabulary(d, e.vocabularies),
    "rights": lambda d, e: _flag(d.has_rights, "rights (dct:rights)"),
    "byte_size": lambda d, e: _flag(d.has_byte_size, "its size in bytes"),
}


@dataclass(frozen=True)
class DistributionResult:
    facts: DistributionFacts
    checks: dict[str, Check]

    def points(self, weights: Mapping[str, int]) -> int:
        return sum(weights[key] for key, check in self.checks.items() if check.status == MET)


def check_distributions(distributions, evidence: Evidence) -> list[DistributionResult]:
    return [DistributionResult(d, {key: check(d, evidence) for key, check in DISTRIBUTION_CHECKS.items()})
            for d in distributions]


def best_distribution(results: list[DistributionResult], weights: Mapping[str, int]) -> DistributionResult | None:
    """Highest points wins; on a tie the first in IRI order (stable across runs)."""
    best = None
    for result in results:
        if best is None or result.points(weights) > best.points(weights):
            best = result
    return best


def _short(value: str) -> str:
    """The last path segment of an IRI, enough to recognise a vocabulary code (text/csv for IANA)."""
    if value.startswith(IANA_MEDIA_TYPES):
        return media_type_essence(value) or value
    if value.startswith(("http://", "https://")):
        tail = value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        return tail or value
    return value
