"""Every verb and every error case of /oai against the OAI-PMH 2.0 response schema.

The plain suite checks the structure element by element (tests/oai/structure.py). The conformance run
validates against the official OAI-PMH.xsd: no package installs it, and its licence is not stated, so
it is not checked in; .ci/run takes it from the sdist of pyoai 2.5.0 (BSD; src/oaipmh/tests/OAI-PMH.xsd,
Simeon Warner's 2005-06-08 revision) and sets EHDS_OAI_PMH_XSD. The conformance test fails (never skips)
without it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from lxml import etree

from tests.oai import structure
from tests.oai.corpus import error_code, responses

# sha256 of OAI-PMH.xsd in pyoai-2.5.0.tar.gz: the file the conformance run must find
OFFICIAL_XSD_SHA256 = "1da2a22b2b7753700a5dbf74fef663714927be49a7404b53627a2fdf4e011fc9"

_HEAD = b"""<?xml version='1.0' encoding='utf-8'?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-01-01T00:00:00Z</responseDate>
<request verb="ListIdentifiers" metadataPrefix="dcat_ap">http://x.test/oai</request>"""
_LIST = b"""<ListIdentifiers><header><identifier>oai:x.test:a</identifier><datestamp>2026-01-01T00:00:00Z</datestamp>
<setSpec>local</setSpec></header><resumptionToken completeListSize="2" cursor="0">t</resumptionToken></ListIdentifiers>"""
_VALID = _HEAD + _LIST + b"</OAI-PMH>"
# Each breaks one rule of the schema: the checks must be able to fail
BROKEN = {
    "datestamp with offset": (b"00:00Z</datestamp>", b"00:00+01:00</datestamp>"),
    "setSpec with a space": (b"<setSpec>local", b"<setSpec>lo cal"),
    "header status": (b"<header>", b'<header status="gone">'),
    "unknown verb element": (b"ListIdentifiers>", b"ListThings>"),
    "request echoes a bad prefix": (b'metadataPrefix="dcat_ap"', b'metadataPrefix="dcat ap"'),
    "cursor negative": (b'cursor="0"', b'cursor="-1"'),
    "completeListSize zero": (b'completeListSize="2"', b'completeListSize="0"'),
    "elements out of order": (b"<identifier>oai:x.test:a</identifier><datestamp>2026-01-01T00:00:00Z</datestamp>",
                              b"<datestamp>2026-01-01T00:00:00Z</datestamp><identifier>oai:x.test:a</identifier>"),
    "unknown error code": (_LIST, b'<error code="tooBad">x</error>'),
    "error and a verb element": (_LIST, b'<error code="badVerb">x</error>' + _LIST),
    "no responseDate": (b"<responseDate>2026-01-01T00:00:00Z</responseDate>", b""),
}


def broken(name: str) -> bytes:
    old, new = BROKEN[name]
    assert old in _VALID
    return _VALID.replace(old, new)


@pytest.fixture
def corpus(client, node):
    return responses(client, node)


def test_every_response_passes_the_structural_checks(corpus):
    assert len(corpus) > 50
    failed = {name: structure.problems(xml) for name, xml in corpus if structure.problems(xml)}
    assert failed == {}
    codes = {error_code(xml) for _, xml in corpus}
    assert codes >= {None, "badVerb", "badArgument", "cannotDisseminateFormat", "idDoesNotExist",
                     "noRecordsMatch", "badResumptionToken"}


def test_error_names_match_their_codes(corpus):
    for name, xml in corpus:
        expected = name.partition(":")[0]
        assert error_code(xml) == (expected if expected in structure.ERROR_CODES else None), name


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_structural_checks_reject_a_broken_response(name):
    assert structure.problems(_VALID) == []
    assert structure.problems(broken(name)) != []


def official_schema() -> etree.XMLSchema:
    path = os.environ.get("EHDS_OAI_PMH_XSD", "")
    assert path and Path(path).is_file(), "set EHDS_OAI_PMH_XSD to OAI-PMH.xsd from pyoai's sdist (.ci/run does)"
    data = Path(path).read_bytes()
    assert hashlib.sha256(data).hexdigest() == OFFICIAL_XSD_SHA256, f"{path} is not the expected OAI-PMH.xsd"
    return etree.XMLSchema(etree.fromstring(data))


@pytest.mark.conformance
def test_every_response_validates_against_the_official_schema(corpus):
    schema = official_schema()
    failed = {}
    for name, xml in corpus:
        if not schema.validate(etree.fromstring(xml)):
            failed[name] = str(schema.error_log.last_error)
    assert failed == {}
    assert all(not schema.validate(etree.fromstring(broken(name))) for name in BROKEN)
    assert schema.validate(etree.fromstring(_VALID))
