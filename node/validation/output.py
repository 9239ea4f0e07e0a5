"""Reports for people and machines: text (grouped by dataset, then field), JSON, Turtle, JUnit XML."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from itertools import groupby

from node.rdfio import printable
from node.validation import minimum
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
    no_dataset: bool = False  # the file held no dcat:Dataset: nothing was checked (could not validate, exit 2)
    titles: tuple[tuple[str, str], ...] = ()  # (dataset IRI, title)

    def shown(self, severity: str) -> tuple[ValidationResult, ...]:
        return self.report.at_least(severity) if self.report else ()


NO_DATASET = "no dataset found: the file holds no dcat:Dataset, so nothing was checked"


def outcome_of(name: str, report: ValidationReport, titles: dict[str, str], allow_empty: bool = False,
               hint: str = "") -> FileOutcome:
    """A validated file's outcome; without any dcat:Dataset (an empty file, a CKAN JSON, a shapes file) it
    could not be validated, unless catalogue-level checks are all that is asked for (CLI --allow-empty)."""
    if not report.datasets and not allow_empty:
        return FileOutcome(name, error=NO_DATASET + hint, no_dataset=True)
    return FileOutcome(name, report=report, titles=tuple(sorted(titles.items())))


_IRI = re.compile(r"<([^<>\s]*)>")
# + GeoDCAT-AP (geodcatap:custodian, an EHDS minimum element) for reading; not a prefix the node serialises with
_NAMESPACES = sorted(((ns, prefix) for prefix, ns in {**PREFIXES, "geodcatap": "http://data.europa.eu/930/"}.items()),
                     key=lambda item: -len(item[0]))


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


def focus_label(result, _=str) -> str:
    """Where a result is, for reading: an IRI, or a blank node by its path from the dataset."""
    focus = result.focus_node
    if not focus.startswith("_:"):
        return compact(f"<{focus}>")
    return _("{path} (a blank node)").format(path=compact(result.location)) if result.location else focus


def summary_line(outcome: FileOutcome, language: str = ENGLISH) -> str:
    words = catalogue(language, "validation")
    _, ngettext = words.gettext, words.ngettext
    name = printable(outcome.name, longest=None)  # a file name may hold a newline or an escape sequence
    if outcome.error:
        return _("{name}: could not validate: {error}").format(
            name=name, error=printable(outcome.error.removeprefix(outcome.name + ": ")))
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
        name=name, verdict=verdict, violations=violations, warnings=warnings, counts=counts)


def render_text(outcomes: list[FileOutcome], severity: str, colour: bool, language: str = ENGLISH) -> str:
    """The report for people, grouped by dataset then field; `language` "fr" gives it in French."""
    paint = (lambda code, text: f"{code}{text}{RESET}") if colour else (lambda code, text: text)
    _ = catalogue(language, "validation").gettext
    lines: list[str] = []
    for outcome in outcomes:
        titles = dict(outcome.titles)
        for dataset, results in groupby(outcome.shown(severity), key=lambda r: r.dataset):
            heading = _('Dataset "{title}" <{iri}>').format(title=printable(titles[dataset], None), iri=dataset) \
                if dataset in titles \
                else (_("Dataset <{iri}>").format(iri=dataset) if dataset else _("Resources outside any dataset"))
            lines.append(paint(BOLD, heading))
            for (focus, path), group in groupby(results, key=lambda r: (r.focus_node, r.path)):
                items = list(group)
                on = _("on {node}").format(node=focus_label(items[0], _))
                where = "" if focus == dataset else "  " + paint(DIM, on)
                lines.append("  " + (compact(path) or _("(the resource itself)")) + where)
                for r in items:
                    mark, code = MARKS[r.severity]
                    value = " " + _("value {value} —").format(value=printable(compact(r.value), None)) if r.value else ""
                    message = shape_text(r.message, language)[0]
                    severity_word = _("{severity}:").format(severity=paint(code, mark + " " + _(SEVERITY_WORDS[r.severity])))
                    lines.append(f"    {severity_word}{value} {message}")
        if minimum.applies(outcome.report):
            lines += checklist_lines(outcome.report, paint, _=_)
        line = summary_line(outcome, language)
        if outcome.error or (outcome.report and not outcome.report.conforms):
            line = paint(MARKS["violation"][1], line)
        lines.append(line)
    return "\n".join(lines) + "\n"


def checklist_lines(report: ValidationReport, paint=lambda code, text: text, listed: int = 5, _=str) -> list[str]:
    """The EHDS minimum elements section: each element, its property, how many datasets give it."""
    statuses = minimum.checklist(report)
    complete = len(set(report.datasets) - {d for s in statuses for d in s.missing})
    lines = [paint(BOLD, _("EHDS minimum metadata elements ({count}): {complete} of {total} dataset(s) give them all")
                   .format(count=len(statuses), complete=complete, total=len(report.datasets)))]
    for status in statuses:
        given = status.datasets - len(status.missing)
        mark = paint(MARKS["violation"][1], "✗") if status.missing else "✓"
        line = f"  {mark} {status.element.name} ({compact(f'<{status.element.property}>')}): {given}/{status.datasets}"
        if status.missing:
            names = ", ".join(f"<{d}>" for d in status.missing[:listed])
            more = _(" and {count} more").format(count=len(status.missing) - listed) if len(status.missing) > listed else ""
            line += _(" — missing in {datasets}").format(datasets=names + more)
        lines.append(line)
    return lines


def checklist_dict(report: ValidationReport) -> list[dict]:
    return [{"element": s.element.name, "property": s.element.property, "compact": compact(f"<{s.element.property}>"),
             "datasets": s.datasets, "missing": list(s.missing)} for s in minimum.checklist(report)]


def render_json(outcomes: list[FileOutcome], severity: str) -> str:
    files = []
    for outcome in outcomes:
        # a name undecodable on disk holds lone surrogates: written as \udcff, the document stays UTF-8
        entry = {"file": outcome.name.encode("utf-8", "backslashreplace").decode("utf-8"), "error": outcome.error}
        if outcome.report:
            body = outcome.report.to_dict()
            body["results"] = [r.to_dict() for r in outcome.shown(severity)]
            body["titles"] = dict(outcome.titles)
            if minimum.applies(outcome.report):
                body["ehds_minimum"] = checklist_dict(outcome.report)
            entry.update(body)
        files.append(entry)
    document = {"format_version": 1, "conforms": all(o.report and o.report.conforms for o in outcomes),
                "files": files}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_turtle(outcomes: list[FileOutcome]) -> str:
    parts = []
    for outcome in outcomes:
        parts.append(_comment(outcome.name))
        parts.append(outcome.report.to_turtle() if outcome.report else _comment(f"could not validate: {outcome.error}"))
        if minimum.applies(outcome.report):  # a SHACL report has no term for it: the checklist as comments
            parts.append("".join(_comment(line) for line in checklist_lines(outcome.report)))
    return "\n".join(parts)


def _comment(text: str) -> str:
    """One Turtle comment line: a newline or carriage return in a file name ended the comment, and what
    followed it was read as triples; control characters are escaped (printable) so the line stays one."""
    return f"# {printable(text, longest=None)}\n"


def render_junit(outcomes: list[FileOutcome], severity: str, fail_on: str) -> str:
    """One <testsuite> per file, one <testcase> per dataset (and one for resources outside datasets);
    for the ehds-minimum profile, one more suite with a <testcase> per minimum element."""
    root = ET.Element("testsuites")
    for outcome in outcomes:
        if outcome.error:
            suite = _suite(root, outcome.name)
            ET.SubElement(_case(suite, "read", outcome.name), "error", message=outcome.error)
            continue
        failing = set(outcome.report.at_least(fail_on))
        shown = outcome.shown(severity)
        suite = _suite(root, outcome.name)
        names = list(outcome.report.datasets) + ([None] if any(r.dataset is None for r in shown) else [])
        for dataset in names:
            mine = [r for r in shown if r.dataset == dataset]
            failures = [r for r in mine if r in failing]
            body = "".join(f"{r.severity}: {compact(r.path)}{'' if r.focus_node == dataset else ' on ' + focus_label(r)} "
                           f"{r.message}\n" for r in mine)
            case = _case(suite, dataset or "resources outside any dataset", outcome.name)
            if failures:
                ET.SubElement(case, "failure", message=f"{len(failures)} result(s) at or above {fail_on}").text = body
            elif body:
                ET.SubElement(case, "system-out").text = body
        if minimum.applies(outcome.report):
            _checklist_suite(root, outcome)
    _count(root)
    _xml_safe(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# What XML 1.0 forbids (Char production: ElementTree writes it as it is, and no parser reads the file then)
# and the controls it discourages (\x7f-\x9f).
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_safe(root: ET.Element) -> None:
    """Every text and attribute of the tree with the characters XML 1.0 forbids escaped (\\x15): a parser's
    message on a binary file, a file name, a literal value may hold them."""
    def safe(text: str | None) -> str | None:
        return _NOT_XML.sub(_escaped, text) if text else text
    for element in root.iter():
        element.text, element.tail = safe(element.text), safe(element.tail)
        for key, value in element.attrib.items():
            element.set(key, safe(value))


def _escaped(match: re.Match) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _checklist_suite(root: ET.Element, outcome: FileOutcome) -> None:
    """One <testcase> per EHDS minimum element, failing when a dataset lacks it."""
    name = f"{outcome.name}: EHDS minimum metadata elements"
    suite = _suite(root, name)
    for status in minimum.checklist(outcome.report):
        case = _case(suite, f"{status.element.name} ({compact(f'<{status.element.property}>')})", name)
        if status.missing:
            message = f"missing in {len(status.missing)} of {status.datasets} dataset(s)"
            ET.SubElement(case, "failure", message=message).text = "\n".join(status.missing)


def _suite(root: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(root, "testsuite", name=name)


def _case(suite: ET.Element, name: str, classname: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", name=name, classname=classname)


def _count(root: ET.Element) -> None:
    """tests / failures / errors of each suite, from its cases."""
    for suite in root:
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
        suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
