"""The plan of a run: every source of INPUT in input order, run now or kept as it is.

A source is kept when its bytes, jixiao version and config match its manifest entry (and its
JSON is there); every other source is run. The plan is written as it is made, one `Planned`
record per source, to a temporary file in OUT that has no name (it is gone when the run
ends, even a killed one): the main process holds no record per source. The engines take
the tasks from it one at a time, and the tables, the manifest and the run's counts walk it
again in input order, each pass with its own reader.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from jixiao.batch.manifest import Entry, Manifest
from jixiao.batch.options import RunOptions
from jixiao.batch.task import SourceTask
from jixiao.inputs import ListedFile

Quick = tuple[int, int]  # (size, mtime_ns) of a regular file: the quick check of a re-run
NO_QUICK: Quick = (-1, -1)  # what an entry records for a source that is no regular file


@dataclass(frozen=True, slots=True)
class Planned:
    """One source as planned: what it is, its manifest entry before the run, and whether it
    is kept (nothing run, its JSON stays) or run."""

    rel_path: str
    path: str  # absolute path of the file ("" for a kept source: it is not read)
    refused: str  # why the listing refused to follow it (a link), or ""
    quick: Quick | None  # None for anything but a regular file
    previous: Entry | None
    kept: bool

    @property
    def entry(self) -> Entry:
        """A kept source's entry, with the quick check as planned (the file may have been
        touched: same bytes, another modification time)."""
        if self.previous is None or self.quick is None:
            raise ValueError(f"{self.rel_path} is not kept")
        if self.previous.same_file(self.quick):
            return self.previous
        return self.previous._replace(size=self.quick[0], mtime_ns=self.quick[1])

    @property
    def refreshed(self) -> bool:
        """Kept, its entry's quick check refreshed (recorded again)."""
        return self.kept and self.previous is not None and not self.previous.same_file(self.quick)

    def task(self) -> SourceTask:
        return SourceTask(self.path, self.rel_path, self.refused)

    def checked(self) -> Quick:
        """The quick check an entry records for it."""
        return self.quick if self.quick is not None else NO_QUICK


def _as_tuple(planned: Planned) -> tuple[Any, ...]:
    previous = planned.previous
    fields = None if previous is None else tuple(previous)
    return (planned.rel_path, planned.path, planned.refused, planned.quick, fields, planned.kept)


def _from_tuple(values: tuple[Any, ...]) -> Planned:
    rel_path, path, refused, quick, fields, kept = values
    previous = None if fields is None else Entry._make(fields)
    return Planned(rel_path, path, refused, quick, previous, kept)


class _ReaderAt(io.RawIOBase):
    """A file descriptor read from its own position (pread), so that several passes over
    one file can go on at once."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd, self.position = fd, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = os.pread(self.fd, len(buffer), self.position)
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


class Plan:
    """The Planned records of a run, in input order, in a nameless temporary file of OUT,
    with their counts. Iterating gives a new pass from the first source. `gather_paths`
    also holds the set of paths until `path_set` (a re-run: cleaning OUT needs it, and the
    previous entries are held while planning anyway)."""

    def __init__(self, out: Path, gather_paths: bool = False) -> None:
        self._file = tempfile.TemporaryFile(dir=out)
        self.sources = self.tasks = self.kept = 0
        self.matched = 0  # sources with a manifest entry from before the run
        self.refreshed = 0  # kept sources whose entry is recorded again (touched files)
        self._paths: set[str] | None = set() if gather_paths else None

    def add(self, planned: Planned) -> None:
        self._file.write(pickle.dumps(_as_tuple(planned), pickle.HIGHEST_PROTOCOL))
        if self._paths is not None:
            self._paths.add(planned.rel_path)
        self.sources += 1
        self.kept += planned.kept
        self.tasks += not planned.kept
        self.matched += planned.previous is not None
        self.refreshed += planned.refreshed

    def __iter__(self) -> Iterator[Planned]:
        return map(_from_tuple, self._records())

    def paths(self) -> Iterator[str]:
        """The path of every source, in input order."""
        return (values[0] for values in self._records())

    def path_set(self) -> set[str]:
        """The paths of the sources: gathered as they were planned (`gather_paths`, let go
        now), else read back."""
        found, self._paths = self._paths, None
        return found if found is not None else set(self.paths())

    def _records(self) -> Iterator[tuple[Any, ...]]:
        self._file.flush()
        reader = io.BufferedReader(_ReaderAt(self._file.fileno()), 1 << 16)
        while True:
            try:
                yield pickle.load(reader)
            except EOFError:
                return

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Plan:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def make_plan(
    items: Iterable[ListedFile], manifest: Manifest, config: str, options: RunOptions, plan: Plan
) -> None:
    """Add every listed source to `plan`: kept when unchanged since its manifest entry
    (see the module docstring), else run."""
    json_root = str(options.out / "json")
    for item in items:
        quick = None if item.refused else _quick(item.path)
        entry = manifest.previous.get(item.rel_path)
        kept = (
            entry is not None
            and quick is not None
            and not options.force
            and entry.current(config)
            and os.path.exists(f"{json_root}/{item.rel_path}.json")
            and _unchanged(entry, item.path, quick, options.checksum)
        )
        path = "" if kept else item.path
        plan.add(Planned(item.rel_path, path, item.refused, quick, entry, kept))


def _quick(path: str) -> Quick | None:
    """(size, mtime_ns) of a regular file, None for anything else."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None


def _unchanged(entry: Entry, path: str, quick: Quick, checksum: bool) -> bool:
    if not checksum and entry.same_file(quick):
        return True
    return _sha256(Path(path)) == entry.sha256


def _sha256(path: Path) -> str | None:
    from jixiao.extract import read_bytes
    from jixiao.problems import SourceError

    try:
        return hashlib.sha256(read_bytes(path)).hexdigest()
    except SourceError:
        return None
