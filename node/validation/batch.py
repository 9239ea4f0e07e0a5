"""Validate many separate records (a harvested page) in few engine runs, each record getting exactly the
report its own `Validator.validate(triples)` would give.

Records share one engine run (a chunk) only when merging them cannot change what any rule sees:
- blank nodes are renamed per record ("_:r<k>x<label>") for the run and named back in the reports;
- an IRI two records both mention must be described identically in both (same triples with it as
  subject, none with a blank node), else the records go to different chunks: a publisher described
  in one record and only referenced by another is checked apart, as each record alone would be;
- an IRI that a rule reaches backwards (the object of a predicate used in sh:inversePath or
  sh:targetObjectsOf) is never shared: the incoming links of both records would be counted.
SPARQL targets are taken to select on the focus node's own triples (ours do); shapes with SPARQL-based
constraints or complex backward paths make every record run alone.
A result is given to every record in which its focus node is a subject, as that record's own run
keeps exactly the results on its own subjects; a broken shared publisher fails every record describing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

import pyoxigraph as ox

from node.rdfio import ntriples_lines
from node.validation.engines import RawResult
from node.validation.records import Chunk, RecordSplitter, TripleIndex, hierarchy_classes, ntriples_texts

if TYPE_CHECKING:
    from node.validation.report import ValidationReport
    from node.validation.validator import Validator

_PRIVATE = object()  # the signature of a term no other record may share
_LABEL = re.compile(r"^_:r\d+x")
_IRI_OBJECTS = re.compile(r" (<[^>]*>) \.$", re.M)


@dataclass
class _Record:
    number: int
    key: str
    index: TripleIndex  # its own lines, own blank-node labels: what its report is built from
    text: list[str]  # the same lines with blank nodes renamed for the shared run
    signatures: dict[str, object]  # IRI it mentions -> hash of its description here (or _PRIVATE)


@dataclass
class _Group:
    records: list[_Record] = field(default_factory=list)
    terms: dict[str, object] = field(default_factory=dict)

    def accepts(self, record: _Record) -> bool:
        terms = self.terms
        for term, signature in record.signatures.items():
            theirs = terms.get(term)
            if theirs is not None and (theirs is _PRIVATE or signature is _PRIVATE or theirs != signature):
                return False
        return True

    def add(self, record: _Record) -> None:
        self.records.append(record)
        self.terms.update(record.signatures)


def validate_records(validator: "Validator", records: Iterable[tuple[str, Iterable[ox.Triple]]],
                     backward_predicates: frozenset[str] | None, records_per_chunk: int) -> dict[str, "ValidationReport"]:
    """{key: report} for each (key, triples). backward_predicates None: shapes too complex to share runs."""
    prepared = [_prepare(number, key, triples, backward_predicates or frozenset())
                for number, (key, triples) in enumerate(records)]
    raw: dict[int, list[RawResult]] = {record.number: [] for record in prepared}
    alone = {r.number for r in prepared if len(RecordSplitter(r.index).roots) > records_per_chunk}
    shared = [r for r in prepared if r.number not in alone]
    groups = _pack(shared, records_per_chunk if backward_predicates is not None else 1)
    chunks = (_chunk(group, validator.background()) for group in groups)
    for chunk, results in validator.run_chunk_results(chunks):
        for r in results:
            for number in _owners(r.focus_node, chunk):
                raw[number].append(_named_back(r))
    return {record.key: validator.validate_index(record.index) if record.number in alone
            else validator.report(raw[record.number], record.index) for record in prepared}


def _prepare(number: int, key: str, triples: Iterable[ox.Triple], backward: frozenset[str]) -> _Record:
    whole = "".join(ntriples_texts(triples))
    index = TripleIndex([whole])
    lines = ntriples_lines(whole)
    prefix = f"_:r{number}x"
    text = [_renamed(line, prefix) if "_:" in line else line for line in lines]
    signatures: dict[str, object] = {}
    for subject in index.subjects():
        if not subject.startswith("_:"):
            own = ntriples_lines(index.text(subject))
            signatures[subject] = _PRIVATE if any(" _:" in line for line in own) else hash(tuple(sorted(own)))
    for term in _IRI_OBJECTS.findall(whole):  # the IRIs it links to or types with
        signatures.setdefault(term, 0)  # mentioned, not described: shared only with others that do the same
    for line in lines if backward else ():
        if any(predicate in line for predicate in backward):  # cheap test first: such links are rare
            _, predicate, rest = line.split(" ", 2)
            if predicate in backward:
                signatures[rest[:-2]] = _PRIVATE
    return _Record(number, key, index, text, signatures)


def _renamed(line: str, prefix: str) -> str:
    subject, predicate, rest = line.split(" ", 2)
    if subject.startswith("_:"):
        subject = prefix + subject[2:]
    if rest.startswith("_:"):
        rest = prefix + rest[2:]
    return f"{subject} {predicate} {rest}"


def _pack(records: list[_Record], per_chunk: int) -> list[_Group]:
    """First fit over the few groups still open: records of a page rarely conflict."""
    done: list[_Group] = []
    open_groups: list[_Group] = []
    for record in records:
        group = next((g for g in open_groups if g.accepts(record)), None)
        if group is None:
            group = _Group()
            open_groups.append(group)
            if len(open_groups) > 4:
                done.append(open_groups.pop(0))
        group.add(record)
        if len(group.records) >= per_chunk:
            open_groups.remove(group)
            done.append(group)
    return done + open_groups


def _chunk(group: _Group, background: TripleIndex) -> Chunk:
    text: list[str] = []
    owned: dict[str, list[int]] = {}
    used: set[str] = set()
    for record in group.records:
        text.extend(record.text)
        for subject in record.index.subjects():
            renamed = f"_:r{record.number}x{subject[2:]}" if subject.startswith("_:") else subject
            owned.setdefault(renamed, []).append(record.number)
            used.update(record.index.links(subject))
    background_text = "".join(background.text(iri) for iri in (*used, *hierarchy_classes()))  # rdf:type objects too
    return _BatchChunk("\n".join(text) + "\n" + background_text, frozenset(owned), frozenset(), frozenset(),
                       owners=owned)


@dataclass
class _BatchChunk(Chunk):
    owners: dict[str, list[int]] = field(default_factory=dict)  # subject -> records describing it


def _owners(focus: str, chunk: _BatchChunk) -> list[int]:
    return chunk.owners.get(focus, [])


def _named_back(r: RawResult) -> RawResult:
    if not (r.focus_node.startswith("_:r") or (r.value or "").startswith("_:r")):
        return r
    return r._replace(focus_node=_LABEL.sub("_:", r.focus_node, count=1),
                      value=_LABEL.sub("_:", r.value, count=1) if r.value and r.value.startswith("_:") else r.value)
