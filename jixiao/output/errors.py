"""Errors of the output side: OUT's disk is full, read-only or not writable.

They are no fault of a source: a run that meets one stops (one line, its own exit status)
instead of recording every remaining source as a problem, and the same command resumes once
the cause is fixed (finished sources are in the manifest).
"""

from __future__ import annotations

import errno

OUTPUT_ERRNOS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EFBIG: "file too large for the file system",
}


class OutputError(Exception):
    """OUT could not be written; the message says why and where, in one line."""


def output_error_of(exc: BaseException) -> OutputError | None:
    """An OutputError for an OSError of a kind only the output side causes, else None."""
    if not isinstance(exc, OSError) or exc.errno not in OUTPUT_ERRNOS:
        return None
    where = f" ({exc.filename})" if exc.filename else ""
    return OutputError(f"{OUTPUT_ERRNOS[exc.errno]}{where}")
