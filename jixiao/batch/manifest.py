"""The run manifest, OUT/manifest.jsonl: what was done for each source, and when to redo it.

One JSON object per line: a `source` entry per finished source (path, sha256, jixiao version,
config hash, status, counts, seconds), appended as each source finishes (after its JSON file
is in place), and a `tables` entry once the Parquet tables are built. The last entry for a
path wins; a torn last line (the run was killed while writing it) is ignored. A run rewrites
the file compactly (atomic rename) when sources went or were redone, or the file grew to twice
its entries; an unchanged re-run only appends two `tables` lines.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import IO, Any, NamedTuple, Protocol

from jixiao import __version__
from jixiao.batch.task import Outcome
from jixiao.output.atomic import write_with
from jixiao.problems import CONTAINED

NAME = "manifest.jsonl"


def config_hash(output_options: dict[str, Any]) -> str:
    """Hash of the vocabulary data files and of the options that change the output."""
    digest = hashlib.sha256()
    data = resources.files("jixiao") / "data"
    for item in sorted(data.iterdir(), key=lambda entry: entry.name):
        if item.name.endswith(".toml"):
            digest.update(item.name.encode() + b"\0" + item.read_bytes() + b"\0")
    digest.update(json.dumps(output_options, sort_keys=True).encode())
    return digest.hexdigest()[:16]


class Entry(NamedTuple):
    """A source's manifest line. A tuple: one is made for every source of every run, and
    for every source planned or tabulated again from the run's plan (a frozen dataclass
    took ten times as long to make)."""

    path: str
    sha256: str
    version: str
    config: str
    status: str
    forms: int
    indicators: int
    unread: int  # required: an entry written before Form.unread existed is redone
    problems: int
    seconds: float
    size: int = -1  # the file's size and modification time when it was read (quick check)
    mtime_ns: int = -1

    @classmethod
    def of(cls, outcome: Outcome, config: str, quick: tuple[int, int] = (-1, -1)) -> Entry:
        return cls(
            path=outcome.rel_path,
            sha256=outcome.sha256,
            version=__version__,
            config=config,
            status=outcome.status,
            forms=outcome.forms,
            indicators=outcome.indicators,
            unread=outcome.unread,
            problems=len(outcome.problems),
            seconds=outcome.seconds,
            size=quick[0],
            mtime_ns=quick[1],
        )

    def as_record(self) -> dict[str, Any]:
        return dict(zip(self._fields, self))

    def current(self, config: str) -> bool:
        """Same version and config, and not stopped by a limit (those are retried)."""
        return (
            self.version == __version__ and self.config == config and self.status not in CONTAINED
        )

    def same_file(self, quick: tuple[int, int] | None) -> bool:
        """The file's size and modification time are those recorded (like make and rsync, the
        bytes are then taken as unchanged; `--checksum` compares sha256 instead)."""
        return quick is not None and quick == (self.size, self.mtime_ns) and self.size >= 0


def entry_line(entry: Entry) -> str:
    """The manifest line of an entry."""
    return _line("source", entry.as_record())


class Manifest:
    """The manifest file of OUT: the entries of the last runs by source path (`previous`,
    for planning this run), lines appended as sources finish, the digest of the last tables.

    After planning the entries are let go (`begin`): the main process holds no entry per
    source through the run. The run's final entries come back in input order, as the
    tables take them (jixiao.batch.ledger), and make the compact file `finish` writes."""

    def __init__(self, out: Path) -> None:
        self.path = out / NAME
        self.previous: dict[str, Entry] = {}
        self.tables = ""
        self._file: IO[str] | None = None
        self._lines = 0  # lines in the file
        self._changed = False  # a source was recorded since the file was last rewritten

    @classmethod
    def load(cls, out: Path) -> Manifest:
        manifest = cls(out)
        if manifest.path.exists():
            # lines end at "\n" alone: a path may hold other line breaks (U+2028, U+0085),
            # which the JSON of its line keeps as they are
            with manifest.path.open(encoding="utf-8", newline="\n") as file:
                for line in file:
                    manifest._take(line)
                    manifest._lines += 1
        return manifest

    def _take(self, line: str) -> None:
        try:
            record = json.loads(line)
            kind = record.pop("kind")
            if kind == "tables":
                self.tables = str(record["digest"])
            elif kind == "source":
                for shared in ("version", "config", "status"):  # same few values on every line
                    record[shared] = sys.intern(record[shared])
                entry = Entry(**record)
                self.previous[entry.path] = entry
        except (ValueError, KeyError, TypeError, AttributeError):
            return  # a torn or foreign line: that source is simply redone

    def begin(self, kept: Iterable[Entry], matched: int) -> None:
        """Start a run, its sources planned: `matched` of them have an entry in `previous`,
        `kept` gives those entries in input order (read only when the file is rewritten).
        Forget the previous entries and the tables digest (rebuilt or re-recorded at the
        end, so tables a killed run left half-swapped are rebuilt). The file is rewritten,
        with the entries of `kept`, only when entries went; otherwise one line is appended,
        so an unchanged re-run does not rewrite the whole manifest."""
        self.tables = ""
        if len(self.previous) > matched or self._bloated(len(self.previous)):
            self._rewrite(entry_line(entry) for entry in kept)
        else:
            self._append(_line("tables", {"digest": ""}))
        self.previous = {}

    def finish(self, final: Final) -> None:
        """End a run: record the tables digest; rewrite the file compactly (the final entry
        of every source, in input order) when sources were recorded in this run or the
        file grew, else append one line."""
        self.tables = final.digest
        if self.rewrites(final.count):
            self._rewrite(final.lines())
        else:
            self._append(_line("tables", {"digest": final.digest}))
        self.close()

    def rewrites(self, sources: int) -> bool:
        """Whether `finish` would rewrite the file now, the run having `sources` sources."""
        return self._changed or self._bloated(sources)

    def _bloated(self, entries: int) -> bool:
        return self._lines > 2 * entries + 16

    def _rewrite(self, lines: Iterable[str]) -> None:
        """Rewrite the file with `lines` (the source lines) and the tables digest."""
        self.close()
        count = 0

        def write(tmp: Path) -> None:
            nonlocal count
            with tmp.open("w", encoding="utf-8", newline="") as file:
                for line in lines:
                    file.write(line)
                    count += 1
                if self.tables:
                    file.write(_line("tables", {"digest": self.tables}))
                    count += 1

        write_with(self.path, write)
        self._lines, self._changed = count, False

    def record(self, entry: Entry) -> str:
        """Append one finished source (the line reaches the OS before the next source);
        its line."""
        self._changed = True
        line = entry_line(entry)
        self._append(line)
        return line

    def _append(self, line: str) -> None:
        if self._file is None:
            self._file = self.path.open("a", encoding="utf-8")
        self._file.write(line)
        self._file.flush()
        self._lines += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class Final(Protocol):
    """The run's final entries in input order (jixiao.batch.ledger.Ledger)."""

    @property
    def digest(self) -> str: ...

    @property
    def count(self) -> int: ...

    def lines(self) -> Iterator[str]: ...


def _line(kind: str, record: dict[str, Any]) -> str:
    return json.dumps({"kind": kind, **record}, ensure_ascii=False, sort_keys=True) + "\n"
