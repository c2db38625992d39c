"""Plan a batch from the manifest, run the sources that need it, rebuild the tables.

A run: list INPUT; skip every source whose bytes, jixiao version and config match its
manifest entry (and whose JSON is there); delete the JSON of sources no longer in INPUT;
run the rest on the chosen engine, recording each in the manifest as it finishes; build the
Parquet tables from the JSON of the current sources. Output goes only through atomic renames,
so a run killed at any moment and started again ends with the same files as one that was not.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.batch.faults import read_faults
from jixiao.batch.lock import OutLock
from jixiao.batch.manifest import Entry, Manifest, config_hash
from jixiao.batch.options import RunOptions, RunSummary
from jixiao.batch.progress import Reporter, reporter
from jixiao.batch.tables import Lost, TablesInOrder, build_tables
from jixiao.batch.task import (
    Outcome,
    Settings,
    SourceTask,
    configure_vocabulary,
    run_task,
    scratch_dir,
    write_contained,
)
from jixiao.inputs import InputFile, iter_inputs
from jixiao.output.errors import OutputError, output_error_of

if TYPE_CHECKING:
    pass

OnDone = Callable[[Outcome], None]
log = logging.getLogger(__name__)


def _sha256(path: Path) -> str | None:
    from jixiao.extract import read_bytes
    from jixiao.problems import SourceError

    try:
        return hashlib.sha256(read_bytes(path)).hexdigest()
    except SourceError:
        return None


def _quick(path: Path) -> tuple[int, int] | None:
    """(size, mtime_ns) of a regular file, None for anything else."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None


def _plan(
    items: Iterable[InputFile], manifest: Manifest, config: str, options: RunOptions
) -> tuple[list[str], list[SourceTask], list[Entry], dict[str, tuple[int, int]]]:
    """Every source path, the tasks to run, the entries of sources that stay as they are,
    and each source's quick check as planned (recorded with its entry when it is done)."""
    paths: list[str] = []
    tasks, kept = [], []
    quicks: dict[str, tuple[int, int]] = {}
    json_root = str(options.out / "json")
    for item in items:
        paths.append(item.rel_path)
        quick = None if item.refused else _quick(item.path)
        if quick is not None:
            quicks[item.rel_path] = quick
        entry = manifest.entries.get(item.rel_path)
        if (
            entry is not None
            and quick is not None
            and not options.force
            and entry.current(config)
            and os.path.exists(f"{json_root}/{item.rel_path}.json")
            and _unchanged(entry, item.path, quick, options.checksum)
        ):
            same = entry.same_file(quick)
            kept.append(entry if same else replace(entry, size=quick[0], mtime_ns=quick[1]))
        else:
            tasks.append(SourceTask(str(item.path.absolute()), item.rel_path, item.refused))
    return paths, tasks, kept, quicks


def _unchanged(entry: Entry, path: Path, quick: tuple[int, int], checksum: bool) -> bool:
    if not checksum and entry.same_file(quick):
        return True
    return _sha256(path) == entry.sha256


def _clean(out: Path, wanted: set[str]) -> None:
    """Delete leftovers of killed runs (`.*.tmp` anywhere in OUT) and the JSON of sources
    no longer in INPUT, in one walk over OUT."""
    root = str(out / "json")
    for folder, _, names in os.walk(out, topdown=False):
        in_json = folder == root or folder.startswith(root + os.sep)
        base = os.path.relpath(folder, root).replace(os.sep, "/") if in_json else ""
        for name in names:
            rel = name if base in ("", ".") else f"{base}/{name}"
            stale = in_json and name.endswith(".json") and rel[: -len(".json")] not in wanted
            if stale or (name.startswith(".") and name.endswith(".tmp")):
                os.unlink(os.path.join(folder, name))
        if in_json and folder != root and not os.listdir(folder):
            os.rmdir(folder)


def settings_of(options: RunOptions) -> Settings:
    from jixiao.corrections import load as load_corrections

    return Settings(
        vocab=tuple(str(p.resolve()) for p in options.vocab),
        redact=options.redact,
        corrections=tuple(load_corrections(options.out)),
        pdf_engine=options.pdf_engine,
    )


def _execute(tasks: list[SourceTask], options: RunOptions, on_done: OnDone) -> None:
    if not tasks:  # nothing to run: no worker, no per-source module loaded
        return
    from jixiao.batch.local import LocalPool, WorkerConfig

    out, faults = str(options.out.resolve()), read_faults()
    settings = settings_of(options)
    config = WorkerConfig(out, False, options.file_memory_mb, faults, settings)
    if options.fail_fast:  # in this process, so the traceback reaches the user
        for task in tasks:
            on_done(run_task(task, out, True, faults, settings))
    elif options.engine == "dask":
        from jixiao.batch.dask_engine import run_dask

        run_dask(
            tasks,
            on_done,
            config=config,
            file_timeout=options.file_timeout,
            scheduler=options.scheduler,
            jobs=_jobs(options),
        )
    else:
        LocalPool(_jobs(options), config, options.file_timeout).run(tasks, on_done)


def _output_options(options: RunOptions) -> dict[str, object]:
    """What changes a source's JSON besides its bytes: user vocabulary, corrections,
    redaction, the PDF engine."""
    from jixiao.corrections import corrections_path
    from jixiao.vocab import fingerprint

    corrections = corrections_path(options.out)
    return {
        "vocab": fingerprint(),
        "redact": options.redact,
        "pdf_engine": options.pdf_engine,
        "corrections": hashlib.sha256(corrections.read_bytes()).hexdigest()
        if corrections.exists()
        else "",
    }


def _jobs(options: RunOptions) -> int:
    return options.jobs or os.cpu_count() or 1


def run(inputs: list[Path], options: RunOptions) -> RunSummary:
    """Process every input into OUT, holding OUT for the whole run (OutBusy when another
    run holds it): JSON per source as it finishes, then the Parquet tables and the panel;
    corrections and redaction applied per source."""
    from jixiao.output import write_run_info

    configure_vocabulary(options.vocab)  # for the manifest's vocabulary hash
    try:
        with OutLock(options.out):
            write_run_info(options.out, inputs, redact=options.redact)
            return run_batch(inputs, options)
    except OSError as exc:
        error = output_error_of(exc)
        if error is None:
            raise
        raise error from exc


def run_batch(inputs: list[Path], options: RunOptions) -> RunSummary:
    """The whole batch, OUT already held; see the module docstring."""
    started = time.perf_counter()
    out = options.out
    out.mkdir(parents=True, exist_ok=True)
    config = config_hash(_output_options(options))
    manifest = Manifest.load(out)
    previous_tables = manifest.tables
    paths, tasks, kept, quicks = _plan(iter_inputs(inputs), manifest, config, options)
    manifest.begin(paths)
    for entry in kept:
        if entry is not manifest.entries[entry.path]:
            manifest.record(entry)  # with a refreshed quick check
    _clean(out, set(paths))
    progress = reporter(len(tasks), len(kept), options.quiet)
    lost = Lost(config, quicks)
    tables = None
    if tasks:  # the tables are built as the sources finish
        tables = TablesInOrder(paths, {e.path for e in kept}, manifest, options, lost)
    recorder = _Recorder(manifest, config, quicks, progress, tables)
    try:
        _run_sources(tasks, options, recorder)
    except BaseException:
        if tables is not None:
            tables.abandon()
        raise
    finally:
        progress.close()
        manifest.close()
        shutil.rmtree(scratch_dir(out), ignore_errors=True)
    for held in (tasks, kept):  # a record per source: not kept through the tables
        held.clear()
    if tables is not None:
        digest = tables.finish()
    else:
        digest = build_tables(paths, manifest, options, previous_tables, lost)
    manifest.finish(paths, digest)
    summary = summary_of(manifest, paths, skipped=progress.skipped)
    summary.seconds = time.perf_counter() - started
    return summary


LOST_DETAIL = "(the engine ended without reporting it)"


@dataclass
class _Recorder:
    """What happens as each source finishes: its manifest line, the progress display, and
    its turn in the tables."""

    manifest: Manifest
    config: str
    quicks: dict[str, tuple[int, int]]
    progress: Reporter
    tables: TablesInOrder | None
    waiting: dict[str, SourceTask] = field(default_factory=dict)

    def __call__(self, outcome: Outcome) -> None:
        if outcome.output_error:
            raise OutputError(outcome.output_error)
        if self.waiting.pop(outcome.rel_path, None) is None:
            return  # reported twice (a resubmitted source): the first report stands
        quick = self.quicks.get(outcome.rel_path, (-1, -1))
        self.manifest.record(Entry.of(outcome, self.config, quick))
        self.progress.advance(outcome)
        if self.tables is not None:
            self.tables.mark(outcome.rel_path, outcome.tables)


def _run_sources(tasks: list[SourceTask], options: RunOptions, on_done: _Recorder) -> None:
    """Run the tasks on the engine; every one ends with an outcome, `worker_lost` for any
    the engine did not report."""
    on_done.waiting.update((task.rel_path, task) for task in tasks)
    _execute(tasks, options, on_done)
    for task in list(on_done.waiting.values()):
        on_done(write_contained(task, str(options.out), "worker_lost", 0.0, LOST_DETAIL))


def summary_of(manifest: Manifest, paths: list[str], skipped: int) -> RunSummary:
    """The run's counts, from the manifest entries of the sources in INPUT."""
    summary = RunSummary(skipped=skipped)
    for path in paths:
        entry = manifest.entries.get(path)
        if entry is not None:
            summary.add(entry.forms, entry.indicators, entry.unread, entry.problems)
    return summary
