"""The tables of a run, as the sources finish.

Each source's rows go into the tables as soon as it and every source before it (in input
order) are done, so the tables are built while the workers parse, in the order of INPUT on
every engine. A source run now brings its rows with its Outcome (built by its dask
worker), or they follow in its local worker's RowBatch (jixiao.output.batches); a source
kept from an earlier run, or whose RowBatch was lost with its worker, is read from its
JSON. A run with nothing to redo rebuilds the tables (from the JSON files) only when the
sources, their entries, the layout or the aliases changed. Either way each source's final
entry goes to the run's Ledger as its rows enter the tables.

A source whose JSON is missing or unreadable when its turn comes is recorded as
`worker_lost` (and redone by the next run) instead of stopping the run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.batch.ledger import Ledger
from jixiao.batch.manifest import Entry, Manifest
from jixiao.batch.options import RunOptions
from jixiao.batch.plan import Plan, Planned, Quick
from jixiao.batch.task import SourceTask, contained_result, write_contained
from jixiao.output.json_out import read_json
from jixiao.output.layout import PANEL_FILE, table_paths

if TYPE_CHECKING:
    from jixiao.models import SourceResult
    from jixiao.output.batches import RowBatch, SourceBatches
    from jixiao.output.rows import Columns

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lost:
    """How a source whose JSON is missing or unreadable at table time is recorded."""

    config: str

    def result(
        self, manifest: Manifest, out: Path, rel_path: str, quick: Quick, why: str
    ) -> tuple[SourceResult, Entry]:
        task = SourceTask("", rel_path)
        detail = f"(its JSON output was {why})"
        outcome = write_contained(task, str(out), "worker_lost", 0.0, detail)
        entry = Entry.of(outcome, self.config, quick)
        manifest.record(entry)
        log.warning("%s: worker_lost: its JSON output was %s", rel_path, why)
        return contained_result(task, "worker_lost", detail), entry


def read_result(
    path: str, quick: Quick, manifest: Manifest, out: Path, lost: Lost
) -> tuple[SourceResult, Entry | None]:
    """A source's result read back from its JSON; or its `worker_lost` result, with the
    entry then recorded (None when the JSON was read)."""
    try:
        return read_json(out, path), None
    except (FileNotFoundError, IsADirectoryError):
        return lost.result(manifest, out, path, quick, "missing")
    except ValueError:
        return lost.result(manifest, out, path, quick, "unreadable")


def _panel_of(options: RunOptions) -> Callable[[Path], object]:
    def panel(building: Path) -> object:  # before partitioning: keys reach every layout
        from jixiao.output.panel import add_panel

        return add_panel(building, options.aliases)

    return panel


@dataclass
class Finished:
    """A source done, waiting for its turn in the tables. Its rows: `columns` (sent with its
    Outcome) or `batches` (sent in a RowBatch, awaited while `follow`); with neither, they
    are read from its JSON."""

    entry: Entry
    line: str  # its manifest line
    columns: dict[str, Columns] | None = None
    batches: SourceBatches | None = None
    follow: bool = False


class TablesInOrder:
    """Feeds a DatasetWriter with each source's rows in input order, as soon as that source
    and all before it are done, and the run's Ledger with its final entry. A source finished
    out of order waits with its rows (a source's are a few KB; the engines have a bounded
    number of sources in flight: a chunk or two per local worker)."""

    def __init__(self, plan: Plan, manifest: Manifest, options: RunOptions, lost: Lost) -> None:
        from jixiao.output.dataset import DatasetWriter

        self.manifest, self.options, self.lost = manifest, options, lost
        self.ready: dict[str, Finished] = {}  # sources done out of order
        self.ledger = Ledger(options, write=True)  # a source is run: the manifest is rewritten
        self.writer = DatasetWriter(options.out, options.partition_by)
        self.order = iter(plan)
        self.turn: Planned | None = next(self.order, None)  # the next source of the tables
        self._advance()

    def mark(
        self,
        entry: Entry,
        line: str,
        tables: dict[str, Columns] | None = None,
        follow: bool = False,
    ) -> None:
        """The source of `entry` is done (recorded as `line`): its JSON is final; `tables`:
        its rows, as its worker built them (else they are read from its JSON); `follow`:
        they come later, in a RowBatch."""
        self.ready[entry.path] = Finished(entry, line, tables, follow=follow)
        self._advance()

    def rows(self, batch: RowBatch) -> None:
        """The rows of sources marked before (None for each when the batch is lost: they
        are read from the JSON files)."""
        sources = ((p, None) for p in batch.paths) if batch.lost else batch.sources()
        for path, batches in sources:
            finished = self.ready.get(path)
            if finished is not None and finished.follow:
                finished.batches, finished.follow = batches, False
        self._advance()

    def _advance(self) -> None:
        while self.turn is not None:
            planned = self.turn
            if planned.kept:
                self._add_read(planned, planned.entry, None)
            else:
                finished = self.ready.get(planned.rel_path)
                if finished is None or finished.follow:
                    return
                del self.ready[planned.rel_path]
                self._add(planned, finished)
            self.turn = next(self.order, None)

    def _add(self, planned: Planned, finished: Finished) -> None:
        if finished.batches is not None:
            self.writer.add_batches(finished.batches)
        elif finished.columns is not None:
            self.writer.add_columns(finished.columns)
        else:
            self._add_read(planned, finished.entry, finished.line)
            return
        self.ledger.add(finished.entry, finished.line)

    def _add_read(self, planned: Planned, entry: Entry, line: str | None) -> None:
        """Add a source read back from its JSON (or lost meanwhile)."""
        out = self.options.out
        result, lost = read_result(
            planned.rel_path, planned.checked(), self.manifest, out, self.lost
        )
        self.writer.add(result)
        self.ledger.add(lost or entry, None if lost else line)

    def finish(self) -> Ledger:
        """Finish the tables and the panel and swap them in; the run's ledger."""
        if self.turn is not None:  # every source is reported before this is called
            self.abandon()
            raise RuntimeError(f"the tables stopped at {self.turn.rel_path!r}")
        self.writer.finish(_panel_of(self.options))
        return self.ledger

    def abandon(self) -> None:
        self.writer.abandon()
        self.ledger.close()


def _results(
    plan: Plan, manifest: Manifest, out: Path, lost: Lost, ledger: Ledger
) -> Iterator[SourceResult]:
    for planned in plan:
        result, lost_entry = read_result(planned.rel_path, planned.checked(), manifest, out, lost)
        ledger.add(lost_entry or planned.entry)
        yield result


def _entries_ledger(plan: Plan, manifest: Manifest, options: RunOptions) -> Ledger:
    """The ledger of the entries as planned (every source kept)."""
    ledger = Ledger(options, write=manifest.rewrites(plan.sources))
    for planned in plan:
        ledger.add(planned.entry)
    return ledger


def build_tables(
    plan: Plan, manifest: Manifest, options: RunOptions, previous: str, lost: Lost
) -> Ledger:
    """Rebuild the tables (and the analyst's panel over them) from the JSON files of a run
    that ran no source, unless the sources, their entries, the layout and the aliases are
    all as before (`previous` is the digest recorded with the tables in place); the run's
    ledger."""
    ledger = _entries_ledger(plan, manifest, options)
    wanted = [*table_paths(options.out, options.partition_by), options.out / PANEL_FILE]
    in_place = all(p.exists() for p in wanted)
    if ledger.digest != previous or not in_place or options.force:
        from jixiao.output.dataset import write_dataset

        ledger.close()
        ledger = Ledger(options, write=True)  # a lost source changes it, and the manifest
        results = _results(plan, manifest, options.out, lost, ledger)
        write_dataset(options.out, results, options.partition_by, _panel_of(options))
    return ledger
