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
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.batch.faults import read_faults
from jixiao.batch.ledger import Ledger
from jixiao.batch.lock import OutLock
from jixiao.batch.manifest import Entry, Manifest, config_hash
from jixiao.batch.options import RunOptions, RunSummary
from jixiao.batch.plan import Plan, Planned, make_plan
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
from jixiao.inputs import iter_listed
from jixiao.output.errors import OutputError, output_error_of

if TYPE_CHECKING:
    from jixiao.output.batches import RowBatch

OnDone = Callable[[Outcome], None]
CHUNK = 32  # consecutive sources handed to a local worker at a time (their rows come together)
log = logging.getLogger(__name__)


def _clean(out: Path, plan: Plan) -> None:
    """Delete leftovers of killed runs (`.*.tmp` anywhere in OUT) and the JSON of sources
    no longer in INPUT, in one walk over OUT (the set of the sources' paths is taken only
    when a JSON file is met: a first run holds none)."""
    root = str(out / "json")
    wanted: set[str] | None = None
    for folder, _, names in os.walk(out, topdown=False):
        in_json = folder == root or folder.startswith(root + os.sep)
        base = os.path.relpath(folder, root).replace(os.sep, "/") if in_json else ""
        for name in names:
            rel = name if base in ("", ".") else f"{base}/{name}"
            stale = False
            if in_json and name.endswith(".json"):
                if wanted is None:
                    wanted = plan.path_set()
                stale = rel[: -len(".json")] not in wanted
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


def _execute(tasks: Iterable[SourceTask], options: RunOptions, on_done: _Recorder) -> None:
    """Run the tasks (at least one: the engines load the per-source modules) on the engine,
    taken one at a time as the engine is ready for them."""
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
        config = replace(config, batch_rows=True)
        pool = LocalPool(_jobs(options), config, options.file_timeout, chunk=CHUNK)
        pool.run(tasks, on_done, on_done.rows)


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
    with Plan(out, gather_paths=bool(manifest.previous)) as plan:
        make_plan(iter_listed(inputs), manifest, config, options, plan)
        _begin(plan, manifest)
        _clean(out, plan)
        ledger = _run_and_tabulate(plan, manifest, config, options, previous_tables)
        try:
            manifest.finish(ledger)
        finally:
            ledger.close()
    summary = ledger.summary
    summary.skipped = plan.kept
    summary.seconds = time.perf_counter() - started
    return summary


def _begin(plan: Plan, manifest: Manifest) -> None:
    """Start the manifest's run (see Manifest.begin) and record the refreshed quick checks
    of kept sources."""
    manifest.begin((p.previous for p in plan if p.previous is not None), plan.matched)
    if plan.refreshed:
        for planned in plan:
            if planned.refreshed:
                manifest.record(planned.entry)


def _run_and_tabulate(
    plan: Plan, manifest: Manifest, config: str, options: RunOptions, previous_tables: str
) -> Ledger:
    """Run the planned tasks, the tables built as they finish; else build the tables of the
    kept sources when they changed. The run's ledger."""
    progress = reporter(plan.tasks, plan.kept, options.quiet)
    lost = Lost(config)
    tables = TablesInOrder(plan, manifest, options, lost) if plan.tasks else None
    recorder = _Recorder(manifest, config, progress, tables)
    try:
        _run_sources(plan, options, recorder)
    except BaseException:
        if tables is not None:
            tables.abandon()
        raise
    finally:
        progress.close()
        manifest.close()
        shutil.rmtree(scratch_dir(options.out), ignore_errors=True)
    if tables is not None:
        return tables.finish()
    return build_tables(plan, manifest, options, previous_tables, lost)


LOST_DETAIL = "(the engine ended without reporting it)"


@dataclass
class _Recorder:
    """What happens as each source finishes: its manifest line, the progress display, and
    its turn in the tables. `waiting`: the sources handed to the engine and not reported."""

    manifest: Manifest
    config: str
    progress: Reporter
    tables: TablesInOrder | None
    waiting: dict[str, Planned] = field(default_factory=dict)

    def __call__(self, outcome: Outcome) -> None:
        if outcome.output_error:
            raise OutputError(outcome.output_error)
        planned = self.waiting.pop(outcome.rel_path, None)
        if planned is None:
            return  # reported twice (a resubmitted source): the first report stands
        entry = Entry.of(outcome, self.config, planned.checked())
        line = self.manifest.record(entry)
        self.progress.advance(outcome)
        if self.tables is not None:
            self.tables.mark(entry, line, outcome.tables, outcome.rows_follow)

    def rows(self, batch: RowBatch) -> None:
        """Rows of sources reported before (local engine)."""
        if self.tables is not None:
            self.tables.rows(batch)


def _run_sources(plan: Plan, options: RunOptions, on_done: _Recorder) -> None:
    """Run the planned tasks on the engine; every one ends with an outcome, `worker_lost`
    for any the engine did not report."""
    if not plan.tasks:  # nothing to run: no worker, no per-source module loaded
        return
    tasks = _handed(plan, on_done.waiting)
    _execute(tasks, options, on_done)
    for _ in tasks:  # any the engine did not take: not reported either
        pass
    for planned in list(on_done.waiting.values()):
        outcome = write_contained(planned.task(), str(options.out), "worker_lost", 0.0, LOST_DETAIL)
        on_done(outcome)


def _handed(plan: Plan, waiting: dict[str, Planned]) -> Iterator[SourceTask]:
    """The tasks of the plan, in input order, each waiting for its outcome once handed out."""
    for planned in plan:
        if not planned.kept:
            waiting[planned.rel_path] = planned
            yield planned.task()
