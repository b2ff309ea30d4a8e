"""The element whose code an engine process runs now, kept in a small file both processes share.

The isolated engine process (engine.sandbox_worker) writes the id of each script, condition or
decision before it runs it; the caller (engine.sandbox) reads it only when it has had to stop the
process (time limit, crash), to name the element in the coded failure. A write is one ``pwrite``
at the start of the file: the caller is not woken for it and no message crosses the pipe (a line
per element on the answer pipe cost about a tenth of an ordinary step). The record is the id's
length (4 bytes, little-endian) then the id in UTF-8; a length of 0 means none yet.
"""

from __future__ import annotations

import os
import struct
import tempfile

_LENGTH = struct.Struct("<I")
MAX_BYTES = 4096  # an id longer than this is cut (ids are names in a diagram, far shorter)


def shared_file() -> int:
    """A new file for one engine process: in memory where the system offers it (Linux), else an
    unlinked temporary file. Not inherited by other children (the caller passes it to its own)."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("mahalla-running-element", os.MFD_CLOEXEC)
    with tempfile.TemporaryFile(buffering=0) as handle:
        return os.dup(handle.fileno())


def write(fd: int, element: str | None) -> None:
    data = (element or "").encode("utf-8", errors="replace")[:MAX_BYTES]
    os.pwrite(fd, _LENGTH.pack(len(data)) + data, 0)


def read(fd: int) -> str | None:
    """The last element written; None when none was written since the file was cleared."""
    head = os.pread(fd, _LENGTH.size, 0)
    if len(head) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(head)
    if not 0 < length <= MAX_BYTES:
        return None
    return os.pread(fd, length, _LENGTH.size).decode("utf-8", errors="replace") or None
