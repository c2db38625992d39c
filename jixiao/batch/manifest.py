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
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import IO, Any

from jixiao import __version__
from jixiao.batch.task import Outcome
from jixiao.output.atomic import write_bytes_atomic
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


@dataclass(frozen=True, slots=True)
class Entry:
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
        return {name: getattr(self, name) for name in _FIELDS}  # asdict is 10x slower

    def current(self, config: str) -> bool:
        """Same version and config, and not stopped by a limit (those are retried)."""
        return (
            self.version == __version__ and self.config == config and self.status not in CONTAINED
        )

    def same_file(self, quick: tuple[int, int] | None) -> bool:
        """The file's size and modification time are those recorded (like make and rsync, the
        bytes are then taken as unchanged; `--checksum` compares sha256 instead)."""
        return quick is not None and quick == (self.size, self.mtime_ns) and self.size >= 0


_FIELDS = tuple(f.name for f in fields(Entry))


class Manifest:
    """Entries by source path, plus the digest of the last tables built."""

    def __init__(self, out: Path) -> None:
        self.path = out / NAME
        self.entries: dict[str, Entry] = {}
        self.tables = ""
        self._file: IO[str] | None = None
        self._lines = 0  # lines in the file
        self._changed = False  # a source was recorded since the file was last rewritten

    @classmethod
    def load(cls, out: Path) -> Manifest:
        manifest = cls(out)
        if manifest.path.exists():
            for line in manifest.path.read_text("utf-8").splitlines():
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
                self.entries[entry.path] = entry
        except (ValueError, KeyError, TypeError, AttributeError):
            return  # a torn or foreign line: that source is simply redone

    def begin(self, keep: list[str]) -> None:
        """Start a run: forget the entries of sources not in `keep` and the tables digest
        (rebuilt or re-recorded at the end, so tables a killed run left half-swapped are
        rebuilt). The file is rewritten only when entries went; otherwise one line is
        appended, so an unchanged re-run does not rewrite the whole manifest."""
        self.tables = ""
        if len(self.entries) > len(set(keep) & self.entries.keys()) or self._bloated():
            self.rewrite(keep)
        else:
            self._append(_line("tables", {"digest": ""}))

    def finish(self, keep: list[str], digest: str) -> None:
        """End a run: record the tables digest; rewrite the file compactly when sources were
        recorded or dropped in this run (or it grew), else append one line."""
        self.tables = digest
        if self._changed or len(self.entries) != len(keep) or self._bloated():
            self.rewrite(keep)
        else:
            self._append(_line("tables", {"digest": digest}))
        self.close()

    def _bloated(self) -> bool:
        return self._lines > 2 * len(self.entries) + 16

    def rewrite(self, keep: list[str]) -> None:
        """Rewrite the file with the entries of `keep` (in that order) and the tables digest."""
        self.close()
        self.entries = {p: self.entries[p] for p in keep if p in self.entries}
        lines = [_line("source", entry.as_record()) for entry in self.entries.values()]
        if self.tables:
            lines.append(_line("tables", {"digest": self.tables}))
        write_bytes_atomic(self.path, "".join(lines).encode("utf-8"))
        self._lines, self._changed = len(lines), False

    def record(self, entry: Entry) -> None:
        """Append one finished source (the line reaches the OS before the next source)."""
        self.entries[entry.path] = entry
        self._changed = True
        self._append(_line("source", entry.as_record()))

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


def _line(kind: str, record: dict[str, Any]) -> str:
    return json.dumps({"kind": kind, **record}, ensure_ascii=False, sort_keys=True) + "\n"
