"""`ehds-node validate PATH…`: check DCAT-AP / HealthDCAT-AP files on a laptop or in CI, no server.

Exit codes: 0 every file conforms, 1 a file does not conform (results at or above --fail-on), 2 a file could
not be validated (unreadable, syntax error, no dcat:Dataset unless --allow-empty, unknown profile, bad shapes file).
"""

from __future__ import annotations

import argparse
import sys

from node.cli import use_colour
from node.errors import NodeError
from node.profiles import DEFAULT_PROFILE, PROFILES
from node.rdfio import printable
from node.validation import Validator
from node.validation.inputs import expand, read
from node.validation.language import LANGUAGES
from node.validation.output import FileOutcome, outcome_of, render_json, render_junit, render_text, render_turtle
from node.validation.report import SEVERITIES

def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "validate", help="validate DCAT-AP / HealthDCAT-AP metadata with SHACL",
        description="Validate metadata files, directories (recursively), stdin ('-') or http(s) URLs. "
                    "Exit 0: conforms; 1: does not conform; 2: could not validate (unreadable, syntax error, "
                    "no dcat:Dataset unless --allow-empty).")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="file, directory, '-' for stdin, or http(s) URL")
    parser.add_argument("--profile", default=DEFAULT_PROFILE,
                        help=f"validation profile: {', '.join(PROFILES)} (default: {DEFAULT_PROFILE})")
    parser.add_argument("--shapes", action="append", default=[], metavar="FILE",
                        help="extra SHACL shapes file (Turtle) checked as well; repeatable")
    parser.add_argument("--format", choices=("text", "json", "turtle", "junit"), default="text")
    parser.add_argument("--severity", choices=SEVERITIES, default="warning",
                        help="show results of this severity and worse (default: warning)")
    parser.add_argument("--fail-on", choices=("violation", "warning"), default="violation",
                        help="exit 1 when a result of this severity or worse is found (default: violation)")
    parser.add_argument("--allow-empty", action="store_true",
                        help="accept files without any dcat:Dataset (catalogue-level checks); by default they "
                             "cannot be validated (exit 2)")
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="language of the text report (default: en; json, turtle and junit stay English)")
    parser.add_argument("--engine", choices=("fast", "pyshacl"), default="fast", help=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


def run(args) -> int:
    # Nothing below a violation shown or failing: the rules that can only warn need not run (~40 % less work).
    only_violations = args.severity == "violation" and args.fail_on == "violation"
    validator = Validator.for_profile(args.profile, args.shapes, engine=args.engine,
                                      violations_only=only_violations)  # ConfigError -> exit 2
    outcomes = [_validate_one(validator, argument, args.allow_empty) for argument in expand(args.paths)]
    sys.stdout.write(_render(outcomes, args))
    if args.format != "text":
        for outcome in outcomes:  # machine formats keep stdout clean; people still see the verdict
            print(_short(outcome), file=sys.stderr)
    return _exit_code(outcomes, args.fail_on)


def _validate_one(validator: Validator, argument: str, allow_empty: bool) -> FileOutcome:
    try:
        document = read(argument)
        report, titles = validator.validate_with_titles(document.triples())  # a file is streamed, read once
    except NodeError as err:
        return FileOutcome("<stdin>" if argument == "-" else argument, error=err.message)
    return outcome_of(document.name, report, titles, allow_empty, hint=" (--allow-empty accepts it)")


def _render(outcomes: list[FileOutcome], args) -> str:
    if args.format == "json":
        return render_json(outcomes, args.severity)
    if args.format == "turtle":
        return render_turtle(outcomes)
    if args.format == "junit":
        return render_junit(outcomes, args.severity, args.fail_on)
    return render_text(outcomes, args.severity, use_colour(), args.lang)


def _short(outcome: FileOutcome) -> str:
    name = printable(outcome.name, longest=None)  # no control character from a name or a message reaches the terminal
    if outcome.error:
        return f"{name}: could not validate: {printable(outcome.error)}"
    return f"{name}: {'conforms' if outcome.report.conforms else 'does not conform'}"


def _exit_code(outcomes: list[FileOutcome], fail_on: str) -> int:
    if any(o.error for o in outcomes):  # no dataset found included: nothing was checked, as --help and the docs say
        return 2
    return 1 if any(o.report.at_least(fail_on) for o in outcomes) else 0
