"""The run manifest, OUT/manifest.jsonl: what was done for each source, and when to redo it.

One JSON object per line: a `source` entry per finished source (path, sha256, jixiao version,
config hash, status, counts, seconds), appended as each source finishes (after its JSON file
is in place), and a `tables` entry once the Parquet tables are built. The last entry for a
path wins; a torn last line (the run was killed while writing it) is ignored. Each run starts
and ends by rewriting the file compactly (atomic rename).
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

    @classmethod
    def load(cls, out: Path) -> Manifest:
        manifest = cls(out)
        if manifest.path.exists():
            for line in manifest.path.read_text("utf-8").splitlines():
                manifest._take(line)
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

    def rewrite(self, keep: list[str]) -> None:
        """Rewrite the file with the entries of `keep` (in that order) and the tables digest."""
        self.close()
        self.entries = {p: self.entries[p] for p in keep if p in self.entries}
        lines = [_line("source", entry.as_record()) for entry in self.entries.values()]
        if self.tables:
            lines.append(_line("tables", {"digest": self.tables}))
        write_bytes_atomic(self.path, "".join(lines).encode("utf-8"))

    def record(self, entry: Entry) -> None:
        """Append one finished source (the line reaches the OS before the next source)."""
        if self._file is None:
            self._file = self.path.open("a", encoding="utf-8")
        self.entries[entry.path] = entry
        self._file.write(_line("source", entry.as_record()))
        self._file.flush()

    def record_tables(self, digest: str) -> None:
        self.tables = digest

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _line(kind: str, record: dict[str, Any]) -> str:
    return json.dumps({"kind": kind, **record}, ensure_ascii=False, sort_keys=True) + "\n"
