"""The tables of a run, as the sources finish.

Each source's rows go into the tables as soon as it and every source before it (in input
order) are done, so the tables are built while the workers parse, in the order of INPUT on
every engine. A source run now brings its rows with its Outcome (built by its worker); a
source kept from an earlier run is read from its JSON. A run with nothing to redo rebuilds
the tables (from the JSON files) only when the sources, their entries, the layout or the
aliases changed.

A source whose JSON is missing or unreadable when its turn comes is recorded as
`worker_lost` (and redone by the next run) instead of stopping the run.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.batch.manifest import Entry, Manifest
from jixiao.batch.options import RunOptions
from jixiao.batch.task import SourceTask, contained_result, write_contained
from jixiao.output.json_out import json_path
from jixiao.output.layout import PANEL_FILE, table_paths

if TYPE_CHECKING:
    from jixiao.models import SourceResult
    from jixiao.output.rows import Columns

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lost:
    """How a source whose JSON is missing or unreadable at table time is recorded."""

    config: str
    quicks: dict[str, tuple[int, int]]

    def result(self, manifest: Manifest, out: Path, rel_path: str, why: str) -> SourceResult:
        task = SourceTask("", rel_path)
        detail = f"(its JSON output was {why})"
        outcome = write_contained(task, str(out), "worker_lost", 0.0, detail)
        manifest.record(Entry.of(outcome, self.config, self.quicks.get(rel_path, (-1, -1))))
        log.warning("%s: worker_lost: its JSON output was %s", rel_path, why)
        return contained_result(task, "worker_lost", detail)


def read_result(path: str, manifest: Manifest, out: Path, lost: Lost) -> SourceResult:
    """A source's result read back from its JSON, or its `worker_lost` result."""
    from jixiao.models import SourceResult

    try:
        data = json_path(out, path).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return lost.result(manifest, out, path, "missing")
    try:
        return SourceResult.model_validate_json(data)
    except ValueError:
        return lost.result(manifest, out, path, "unreadable")


def _panel_of(options: RunOptions) -> Callable[[Path], object]:
    def panel(building: Path) -> object:  # before partitioning: keys reach every layout
        from jixiao.output.panel import add_panel

        return add_panel(building, options.aliases)

    return panel


class TablesInOrder:
    """Feeds a DatasetWriter with each source's rows in input order, as soon as that source
    and all before it are done. A source finished out of order waits with its rows (one
    source's, a few KB; the engines have a bounded number of sources in flight)."""

    def __init__(
        self, paths: list[str], done: set[str], manifest: Manifest, options: RunOptions, lost: Lost
    ) -> None:
        from jixiao.output.dataset import DatasetWriter

        self.paths, self.done, self.next = paths, done, 0
        self.ready: dict[str, dict[str, Columns]] = {}  # rows of sources done out of order
        self.manifest, self.options, self.lost = manifest, options, lost
        self.writer = DatasetWriter(options.out, options.partition_by)
        self._advance()

    def mark(self, path: str, tables: dict[str, Columns] | None = None) -> None:
        """`path` is done: its JSON is final; `tables`: its rows, as its worker built them
        (else they are read from its JSON)."""
        self.done.add(path)
        if tables is not None:
            self.ready[path] = tables
        self._advance()

    def _advance(self) -> None:
        while self.next < len(self.paths) and self.paths[self.next] in self.done:
            path = self.paths[self.next]
            self.done.discard(path)
            self.next += 1
            tables = self.ready.pop(path, None)
            if tables is None:
                result = read_result(path, self.manifest, self.options.out, self.lost)
                self.writer.add(result)
            else:
                self.writer.add_columns(tables)

    def finish(self) -> str:
        """Finish the tables and the panel and swap them in; the digest of the tables."""
        if self.next < len(self.paths):  # every source is reported before this is called
            self.abandon()
            raise RuntimeError(f"the tables stopped at {self.paths[self.next]!r}")
        self.writer.finish(_panel_of(self.options))
        return tables_digest(self.paths, self.manifest, self.options)

    def abandon(self) -> None:
        self.writer.abandon()


def tables_digest(paths: list[str], manifest: Manifest, options: RunOptions) -> str:
    digest = hashlib.sha256(f"{options.partition_by}\0".encode())
    for aliases in options.aliases:
        digest.update(aliases.read_bytes() + b"\0")
    for path in paths:
        entry = manifest.entries.get(path)
        digest.update(f"{path}\0{entry.sha256 if entry else '-'}\0".encode())
        digest.update(
            f"{entry.config if entry else '-'}\0{entry.version if entry else '-'}\n".encode()
        )
    return digest.hexdigest()[:16]


def _results(paths: list[str], manifest: Manifest, out: Path, lost: Lost) -> Iterator[SourceResult]:
    for path in paths:
        yield read_result(path, manifest, out, lost)


def build_tables(
    paths: list[str], manifest: Manifest, options: RunOptions, previous: str, lost: Lost
) -> str:
    """Rebuild the tables (and the analyst's panel over them) from the JSON files unless the
    sources, their entries, the layout and the aliases are all as before (`previous` is the
    digest recorded with the tables in place); the digest of the tables."""
    digest = tables_digest(paths, manifest, options)
    wanted = [*table_paths(options.out, options.partition_by), options.out / PANEL_FILE]
    in_place = all(p.exists() for p in wanted)
    if digest != previous or not in_place or options.force:
        from jixiao.output.dataset import write_dataset

        results = _results(paths, manifest, options.out, lost)
        write_dataset(options.out, results, options.partition_by, _panel_of(options))
        digest = tables_digest(paths, manifest, options)  # a lost source changes it
    return digest
