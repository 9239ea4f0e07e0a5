"""Where a command writes a document it produces (`export -o FILE`, standard output): whole or not at all.

A regular file is written under a temporary name beside it and renamed into place once complete, so
a failed or interrupted write leaves no half-written file, and a file it replaces stays whole until
then. A device or a pipe (`-o /dev/stdout`, a FIFO) has nothing to rename: it is written directly.
Any failure to write is one StoreError line (exit 3, as `backup`'s "cannot write the backup"), never
a traceback; a bad path (a directory, a missing parent) is a ConfigError (exit 2).
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

from node.errors import ConfigError, StoreError


@contextmanager
def written_file(name: str) -> Iterator[BinaryIO]:
    """A handle on `name` (a path, or "-" for standard output) that is complete when the block ends."""
    if name == "-":
        with _standard_output() as handle:
            yield handle
        return
    path = Path(name)
    if path.is_dir():
        raise ConfigError(f"{name} is a directory: give a file name")
    if path.exists() and not path.is_file():  # a device or a pipe
        with _direct(path) as handle:
            yield handle
        return
    with _replaced(path.resolve(), name) as handle:  # through a symbolic link: its target is replaced
        yield handle


@contextmanager
def _replaced(target: Path, shown: str) -> Iterator[BinaryIO]:
    if not target.parent.is_dir():
        raise ConfigError(f"{target.parent} is not a directory: create it first")
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        # O_EXCL: never through a link someone placed there; 0o666 & umask, as a file the shell creates
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as err:
        raise _write_error(shown, err) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException as err:
        temporary.unlink(missing_ok=True)
        if isinstance(err, OSError) and not isinstance(err, BrokenPipeError):
            raise _write_error(shown, err) from None
        raise


@contextmanager
def _direct(path: Path) -> Iterator[BinaryIO]:
    try:
        with path.open("wb") as handle:
            yield handle
    except BrokenPipeError:
        raise
    except OSError as err:
        raise _write_error(str(path), err) from None


@contextmanager
def _standard_output() -> Iterator[BinaryIO]:
    try:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        raise
    except OSError as err:
        _discard_standard_output()  # the interpreter's last flush would fail again, with a traceback
        raise _write_error("standard output", err) from None


def _discard_standard_output() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _write_error(shown: str, err: OSError) -> StoreError:
    return StoreError(f"cannot write the export to {shown}: {err.strerror or err}")
