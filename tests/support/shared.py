"""Where the third-party reference material lives (../shared), for conformance tests.

Conformance tests never skip: if they are selected and the material is missing, they fail and say
how to point at it. The README's plain test command deselects them with `-m "not conformance"`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _configured() -> Path:
    configured = os.environ.get("EHDS_SHARED_DIR")
    return Path(configured) if configured else REPO_ROOT.parent / "shared"


def shared_dir() -> Path:
    path = _configured()
    if not (path / "reference").is_dir():
        pytest.fail(
            f"conformance tests need the reference material: {path}/reference not found. "
            "Set EHDS_SHARED_DIR to the shared/ folder, or deselect with -m 'not conformance'."
        )
    return path


def reference(*parts: str) -> Path:
    path = shared_dir().joinpath("reference", *parts)
    if not path.exists():
        pytest.fail(f"missing reference file {path}")
    return path


def params_from_reference(build, arity: int = 2) -> list:
    """Test parameters read from the reference material at collection time. Without the material, one
    placeholder instead of a collection error, so that `-m "not conformance"` still collects on a fresh
    machine; a selected test must call shared_dir() first, which then fails saying what to set."""
    if not (_configured() / "reference").is_dir():
        return [pytest.param(*([None] * arity), id="reference-material-missing")]
    return build()
