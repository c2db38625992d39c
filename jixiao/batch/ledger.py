"""The final entry of each source of a run, taken in input order as the tables take its rows.

The ledger is what the run knows at its end without holding an entry per source: the digest
of the tables (sources, their entries, the layout, the aliases), the run's counts, and the
lines of the compact manifest (in a temporary file with no name, when they are wanted), which
`Manifest.finish` writes in place.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator

from jixiao.batch.manifest import Entry, entry_line
from jixiao.batch.options import RunOptions, RunSummary


class Ledger:
    """Fed each source's final entry in input order (`add`); `lines` needs `write`."""

    def __init__(self, options: RunOptions, write: bool) -> None:
        self._digest = hashlib.sha256(f"{options.partition_by}\0".encode())
        for aliases in options.aliases:
            self._digest.update(aliases.read_bytes() + b"\0")
        self.summary = RunSummary()
        self.count = 0
        self._lines = tempfile.TemporaryFile(dir=options.out) if write else None

    def add(self, entry: Entry, line: str | None = None) -> None:
        """The source's final entry (`line`: its manifest line, when already made)."""
        self.count += 1
        self.summary.add(entry.forms, entry.indicators, entry.unread, entry.problems)
        self._digest.update(
            f"{entry.path}\0{entry.sha256}\0{entry.config}\0{entry.version}\n".encode()
        )
        if self._lines is not None:
            self._lines.write((line or entry_line(entry)).encode("utf-8"))

    @property
    def digest(self) -> str:
        """The digest of the tables built from the sources so far."""
        return self._digest.hexdigest()[:16]

    def lines(self) -> Iterator[str]:
        """The manifest line of every source added, in order."""
        if self._lines is None:
            raise RuntimeError("the ledger was made without its manifest lines")
        self._lines.seek(0)
        for line in self._lines:
            yield line.decode("utf-8")

    def close(self) -> None:
        if self._lines is not None:
            self._lines.close()
