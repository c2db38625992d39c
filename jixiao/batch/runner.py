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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.batch.faults import read_faults
from jixiao.batch.lock import OutLock
from jixiao.batch.manifest import Entry, Manifest, config_hash
from jixiao.batch.options import RunOptions, RunSummary
from jixiao.batch.progress import reporter
from jixiao.batch.task import (
    Outcome,
    Settings,
    SourceTask,
    contained_result,
    run_task,
    scratch_dir,
    write_contained,
)
from jixiao.inputs import InputFile, iter_inputs
from jixiao.output.errors import OutputError, output_error_of
from jixiao.output.json_out import json_path
from jixiao.output.layout import PANEL_FILE, table_paths

if TYPE_CHECKING:
    from jixiao.models import SourceResult

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


def _tables_digest(paths: list[str], manifest: Manifest, options: RunOptions) -> str:
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


def settings_of(options: RunOptions) -> Settings:
    from jixiao.corrections import load as load_corrections

    return Settings(
        vocab=tuple(str(p.resolve()) for p in options.vocab),
        redact=options.redact,
        corrections=tuple(load_corrections(options.out)),
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
    """What changes a source's JSON besides its bytes: user vocabulary, corrections, redaction."""
    from jixiao.corrections import corrections_path
    from jixiao.vocab import fingerprint

    corrections = corrections_path(options.out)
    return {
        "vocab": fingerprint(),
        "redact": options.redact,
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
    from jixiao.vocab import configure

    configure(options.vocab)
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
    waiting = {task.rel_path: task for task in tasks}

    def on_done(outcome: Outcome) -> None:
        if outcome.output_error:
            raise OutputError(outcome.output_error)
        if waiting.pop(outcome.rel_path, None) is None:
            return  # reported twice (a resubmitted source): the first report stands
        manifest.record(Entry.of(outcome, config, quicks.get(outcome.rel_path, (-1, -1))))
        progress.advance(outcome)

    try:
        _execute(tasks, options, on_done)
        for task in list(waiting.values()):  # every source listed gets a result
            on_done(write_contained(task, str(out), "worker_lost", 0.0, LOST_DETAIL))
    finally:
        progress.close()
        manifest.close()
        shutil.rmtree(scratch_dir(out), ignore_errors=True)
    ran = bool(tasks)
    for held in (tasks, kept):  # a record per source: not kept through the tables
        held.clear()
    digest = _build_tables(
        paths, manifest, options, "" if ran else previous_tables, Lost(config, quicks)
    )
    manifest.finish(paths, digest)
    summary = summary_of(manifest, paths, skipped=progress.skipped)
    summary.seconds = time.perf_counter() - started
    return summary


LOST_DETAIL = "(the engine ended without reporting it)"


def summary_of(manifest: Manifest, paths: list[str], skipped: int) -> RunSummary:
    """The run's counts, from the manifest entries of the sources in INPUT."""
    summary = RunSummary(skipped=skipped)
    for path in paths:
        entry = manifest.entries.get(path)
        if entry is not None:
            summary.add(entry.forms, entry.indicators, entry.unread, entry.problems)
    return summary


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


def _results(paths: list[str], manifest: Manifest, out: Path, lost: Lost) -> Iterator[SourceResult]:
    """Each source's result read back from its JSON; a missing or unreadable one is recorded
    as `worker_lost` (and redone on the next run) instead of stopping the run."""
    from jixiao.models import SourceResult

    for path in paths:
        try:
            data = json_path(out, path).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            yield lost.result(manifest, out, path, "missing")
            continue
        try:
            yield SourceResult.model_validate_json(data)
        except ValueError:
            yield lost.result(manifest, out, path, "unreadable")


def _build_tables(
    paths: list[str], manifest: Manifest, options: RunOptions, previous: str, lost: Lost
) -> str:
    """Rebuild the tables (and the analyst's panel over them) unless the sources, their
    entries, the layout and the aliases are all as before; the digest of the tables."""
    digest = _tables_digest(paths, manifest, options)
    wanted = [*table_paths(options.out, options.partition_by), options.out / PANEL_FILE]
    in_place = all(p.exists() for p in wanted)
    if digest != previous or not in_place or options.force:
        from jixiao.output.dataset import write_dataset
        from jixiao.output.panel import add_panel

        results = _results(paths, manifest, options.out, lost)

        def panel(building: Path) -> object:  # before partitioning: keys reach every layout
            return add_panel(building, options.aliases)

        write_dataset(options.out, results, options.partition_by, panel)
        digest = _tables_digest(paths, manifest, options)  # a lost source changes it
    return digest
