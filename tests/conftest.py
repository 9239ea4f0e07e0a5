"""Shared fixtures. Area-specific fixtures live in the conftest.py of each test folder."""

import pytest

from tests.support.shared import reference, shared_dir


@pytest.fixture(scope="session")
def shared():
    """The ../shared folder (conformance tests only)."""
    return shared_dir()


@pytest.fixture(scope="session")
def ref():
    """reference('standards', 'dcat-ap-3.0.1', ...) -> Path, failing loudly when missing."""
    return reference
