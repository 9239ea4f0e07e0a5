"""Reports for people and machines: text (grouped by dataset, then field), JSON, Turtle, JUnit XML."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from itertools import groupby
from xml.sax.saxutils import escape, quoteattr

from node.validation.language import ENGLISH, catalogue, shape_text
from node.validation.report import ValidationReport, ValidationResult
from vocab.namespaces import PREFIXES


def N_(text: str) -> str:
    """Marks a word for extraction; translated where it is shown."""
    return text


SEVERITY_WORDS = {"violation": N_("violation"), "warning": N_("warning"), "info": N_("info")}
MARKS = {"violation": ("✗", "\033[31m"), "warning": ("!", "\033[33m"), "info": ("i", "\033[36m")}
BOLD, DIM, RESET = "\033[1m", "\033[2m", "\033[0m"


@dataclass(frozen=True)
class FileOutcome:
    name: str
    report: ValidationReport | None = None
    error: str | None = None  # could not validate: why
    no_dataset: bool = False  # the file held no dcat:Dataset: nothing was checked (a failure, exit 1)
    titles: tuple[tuple[str, str], ...] = ()  # (dataset IRI, title)

    def shown(self, severity: str) -> tuple[ValidationResult, ...]:
        return self.report.at_least(severity) if self.report else ()


_IRI = re.compile(r"<([^<>\s]*)>")
_NAMESPACES = sorted(((ns, prefix) for prefix, ns in PREFIXES.items()), key=lambda item: -len(item[0]))


def compact(term: str | None) -> str:
    """An IRI, path or N-Triples term with the node's prefixes, for reading: <…/terms/title> -> dct:title."""
    return _IRI.sub(_prefixed, term) if term else ""


def _prefixed(match: re.Match) -> str:
    iri = match.group(1)
    for namespace, prefix in _NAMESPACES:
        local = iri[len(namespace):]
        if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z_][\w-]*", local):
            return f"{prefix}:{local}"
    return match.group(0)


def summary_line(outcome: FileOutcome, language: str = ENGLISH) -> str:
    words = catalogue(language, "validation")
    _, ngettext = words.gettext, words.ngettext
    if outcome.error:
        return _("{name}: could not validate: {error}").format(
            name=outcome.name, error=outcome.error.removeprefix(outcome.name + ": "))
    report = outcome.report
    datasets = len(report.datasets)
    with_violations = len({r.dataset for r in report.violations if r.dataset})
    verdict = _("conforms") if report.conforms else _("does not conform")
    violations = ngettext("{n} violation(s)", "{n} violation(s)", len(report.violations)).format(n=len(report.violations))
    warnings = (ngettext("{n} warning(s)", "{n} warning(s)", len(report.warnings)).format(n=len(report.warnings))
                if "warning" in report.checked else _("warnings not checked"))
    counts = ngettext("{n} dataset(s), {m} with violations ({profile})", "{n} dataset(s), {m} with violations ({profile})",
                      datasets).format(n=datasets, m=with_violations, profile=report.profile)
    return _("{name}: {verdict} — {violations}, {warnings}; {counts}").format(
        name=outcome.name, verdict=verdict, violations=violations, warnings=warnings, counts=counts)


def render_text(outcomes: list[FileOutcome], severity: str, colour: bool, language: str = ENGLISH) -> str:
    """The report for people, grouped by dataset then field; `language` "fr" gives it in French."""
    paint = (lambda code, text: f"{code}{text}{RESET}") if colour else (lambda code, text: text)
    _ = catalogue(language, "validation").gettext
    lines: list[str] = []
    for outcome in outcomes:
        titles = dict(outcome.titles)
        for dataset, results in groupby(outcome.shown(severity), key=lambda r: r.dataset):
            heading = _('Dataset "{title}" <{iri}>').format(title=titles[dataset], iri=dataset) if dataset in titles \
                else (_("Dataset <{iri}>").format(iri=dataset) if dataset else _("Resources outside any dataset"))
            lines.append(paint(BOLD, heading))
            for (focus, path), items in groupby(results, key=lambda r: (r.focus_node, r.path)):
                on = _("on {node}").format(node=compact(f"<{focus}>" if not focus.startswith("_:") else focus))
                where = "" if focus == dataset else "  " + paint(DIM, on)
                lines.append("  " + (compact(path) or _("(the resource itself)")) + where)
                for r in items:
                    mark, code = MARKS[r.severity]
                    value = " " + _("value {value} —").format(value=compact(r.value)) if r.value else ""
                    message = shape_text(r.message, language)[0]
                    severity_word = _("{severity}:").format(severity=paint(code, mark + " " + _(SEVERITY_WORDS[r.severity])))
                    lines.append(f"    {severity_word}{value} {message}")
        line = summary_line(outcome, language)
        if outcome.error or (outcome.report and not outcome.report.conforms):
            line = paint(MARKS["violation"][1], line)
        lines.append(line)
    return "\n".join(lines) + "\n"


def render_json(outcomes: list[FileOutcome], severity: str) -> str:
    files = []
    for outcome in outcomes:
        entry = {"file": outcome.name, "error": outcome.error}
        if outcome.report:
            body = outcome.report.to_dict()
            body["results"] = [r.to_dict() for r in outcome.shown(severity)]
            body["titles"] = dict(outcome.titles)
            entry.update(body)
        files.append(entry)
    document = {"format_version": 1, "conforms": all(o.report and o.report.conforms for o in outcomes),
                "files": files}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_turtle(outcomes: list[FileOutcome]) -> str:
    parts = []
    for outcome in outcomes:
        parts.append(f"# {outcome.name}\n")
        parts.append(outcome.report.to_turtle() if outcome.report else f"# could not validate: {outcome.error}\n")
    return "\n".join(parts)


def render_junit(outcomes: list[FileOutcome], severity: str, fail_on: str) -> str:
    """One <testsuite> per file, one <testcase> per dataset (and one for resources outside datasets)."""
    suites = []
    for outcome in outcomes:
        if outcome.error:
            suites.append(f'  <testsuite name={quoteattr(outcome.name)} tests="1" failures="0" errors="1">\n'
                          f'    <testcase name="read" classname={quoteattr(outcome.name)}>'
                          f'<error message={quoteattr(outcome.error)}/></testcase>\n  </testsuite>')
            continue
        failing = set(outcome.report.at_least(fail_on))
        shown = outcome.shown(severity)
        cases = []
        names = list(outcome.report.datasets) + ([None] if any(r.dataset is None for r in shown) else [])
        for dataset in names:
            mine = [r for r in shown if r.dataset == dataset]
            failures = [r for r in mine if r in failing]
            body = "".join(f"{r.severity}: {compact(r.path)} {r.message}\n" for r in mine)
            inner = (f'<failure message={quoteattr(f"{len(failures)} result(s) at or above {fail_on}")}>'
                     f"{escape(body)}</failure>") if failures else (f"<system-out>{escape(body)}</system-out>" if body else "")
            cases.append(f'    <testcase name={quoteattr(dataset or "resources outside any dataset")} '
                         f'classname={quoteattr(outcome.name)}>{inner}</testcase>')
        failed = sum(1 for c in cases if "<failure" in c)
        suites.append(f'  <testsuite name={quoteattr(outcome.name)} tests="{len(cases)}" failures="{failed}" errors="0">\n'
                      + "\n".join(cases) + "\n  </testsuite>")
    return '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n' + "\n".join(suites) + "\n</testsuites>\n"
