"""One source as a unit of batch work: run `process_file`, write its JSON, report an Outcome.

`run_task` is what every engine calls, in a worker process or a dask worker; it returns a
picklable `Outcome` (counts, problem codes and the source's table rows, column by column,
which a local worker takes out and sends by chunk), never the whole SourceResult. The
reader, parser and model modules are imported on the first source run, so that a run with
nothing to do never loads them.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.batch.faults import inject
from jixiao.output.errors import output_error_of
from jixiao.output.rows import Columns, table_columns  # light: no pyarrow, no models
from jixiao.problems import CONTAINED

if TYPE_CHECKING:  # the per-source modules are imported where a source is run, not before
    from jixiao.models import SourceResult


@dataclass(frozen=True, slots=True)
class SourceTask:
    path: str  # absolute path of the file
    rel_path: str
    refused: str = ""  # why the listing refused to follow it (a link), or ""


@dataclass(frozen=True)
class Settings:
    """What every worker applies around process_file: user vocabulary, corrections and
    redaction (picklable: sent to local and dask workers alike)."""

    vocab: tuple[str, ...] = ()
    redact: bool = False
    corrections: tuple[Any, ...] = ()  # jixiao.corrections.Correction records
    pdf_engine: str = "pdfium"  # jixiao.extract.PDF_ENGINES


_APPLIED: dict[str, Any] = {}  # the Settings this process is configured for, and its PostOptions


def configured(settings: Settings) -> Any:
    """Configure this process for `settings` (once while they stay the same); return its
    PostOptions. The workers and `jixiao.read` go through here, so one process can read
    sources with different settings in turn."""
    if _APPLIED.get("settings") != settings:
        from jixiao.postprocess import PostOptions
        from jixiao.vocab import configure

        configure(Path(p) for p in settings.vocab)
        _APPLIED["settings"] = settings
        _APPLIED["post"] = PostOptions(
            redact=settings.redact, corrections=list(settings.corrections)
        )
    return _APPLIED["post"]


def configure_vocabulary(vocab: Iterable[Path]) -> None:
    """Configure this process's vocabulary alone (the run's own process, which needs no
    PostOptions); the next `configured` call configures the process again."""
    from jixiao.vocab import configure

    configure(vocab)
    _APPLIED.clear()


SCRATCH = ".tmp"  # OUT/.tmp: temporary files of reader libraries, removed after each run


def scratch_dir(out: Path) -> Path:
    return out / SCRATCH


@lru_cache(maxsize=4)
def _scratch_folder(out: str, pid: int) -> str:
    """OUT/.tmp/<pid> (remembered: it is asked for before every source, the same each time)."""
    return str(scratch_dir(Path(out)) / str(pid))


def _use_scratch(out: str) -> str:
    """Send this process's temporary files (and its child processes') to OUT/.tmp/<pid>, so a
    worker killed mid-file leaves nothing outside OUT and the run can remove them; the
    folder (where the worker's JSON files are made, too)."""
    folder = _scratch_folder(out, os.getpid())
    if tempfile.tempdir == folder and os.path.isdir(folder):
        return folder  # as set for the source before (a run removes the folder when it ends)
    os.makedirs(folder, exist_ok=True)
    tempfile.tempdir = folder
    os.environ["TMPDIR"] = folder
    return folder


@dataclass(frozen=True, slots=True)
class Outcome:
    rel_path: str
    sha256: str
    forms: int
    indicators: int
    unread: int  # table rows that went into no indicator, over the source's forms
    problems: tuple[tuple[str, str], ...]  # (code, message)
    seconds: float
    worker_done: bool = field(default=False)  # the worker must be replaced after this source
    output_error: str = ""  # OUT could not be written (the run stops; the source is not blamed)
    # its rows of the Parquet tables, column by column (jixiao.output.rows), built where it
    # was read so that the main process need not read its JSON back
    tables: dict[str, Columns] | None = field(default=None, repr=False, compare=False)
    # its rows come later, with other sources', in a RowBatch from its worker (local engine)
    rows_follow: bool = field(default=False, compare=False)

    @property
    def status(self) -> str:
        codes = [code for code, _ in self.problems]
        contained = [c for c in codes if c in CONTAINED]
        return contained[0] if contained else ("problem" if codes else "ok")


def outcome_of(result: SourceResult, seconds: float) -> Outcome:
    return Outcome(
        rel_path=result.source.path,
        sha256=result.source.sha256,
        forms=len(result.forms),
        indicators=sum(len(form.indicators) for form in result.forms),
        unread=sum(len(form.unread) for form in result.forms),
        problems=tuple((p.code, p.message) for p in result.errors),
        seconds=round(seconds, 4),
        tables=table_columns(result),
    )


def run_task(
    task: SourceTask,
    out: str,
    fail_fast: bool = False,
    faults: dict[str, str] | None = None,
    settings: Settings | None = None,
) -> Outcome:
    """process_file on one source (then corrections and redaction) and write its JSON;
    memory exhaustion becomes too_large. When OUT cannot be written (full, read-only), the
    Outcome carries `output_error` and no JSON is written: that is no fault of the source."""
    started = time.perf_counter()
    scratch = None
    try:
        if not fail_fast:  # in a worker process (fail-fast runs in the caller's own process)
            scratch = _use_scratch(out)
        result, worker_done = _result_of(task, fail_fast, faults, settings)
        _write_json(out, result, scratch)
    except OSError as exc:
        error = output_error_of(exc)
        if error is None:
            raise
        return Outcome(task.rel_path, "", 0, 0, 0, (), 0.0, output_error=str(error))
    outcome = outcome_of(result, time.perf_counter() - started)
    return replace(outcome, worker_done=True) if worker_done else outcome


def _result_of(
    task: SourceTask, fail_fast: bool, faults: dict[str, str] | None, settings: Settings | None
) -> tuple[SourceResult, bool]:
    """The source's finished result, and whether its worker must be replaced after it."""
    from jixiao.pipeline import InputFile, process_file
    from jixiao.postprocess import finalize

    settings = settings or Settings()
    post = configured(settings)
    try:
        if faults:
            inject(faults, task.rel_path)
        item = InputFile(Path(task.path), task.rel_path, task.refused)
        return finalize(process_file(item, fail_fast, settings.pdf_engine), post), False
    except MemoryError:
        return contained_result(task, "too_large"), True


MESSAGES = {
    "timeout": "{path} took longer than the per-file time limit and was stopped.",
    "worker_crashed": "The worker process died while reading {path} (a crash in a library).",
    "worker_lost": "No result came back for {path} from its worker; it is redone on the next run.",
    "too_large": "{path} needed more memory than the per-file memory limit.",
}


def contained_result(task: SourceTask, code: str, detail: str = "") -> SourceResult:
    """The SourceResult of a source whose worker was stopped or lost."""
    from jixiao.extract import guess_format, read_bytes
    from jixiao.models import Problem, Source, SourceResult
    from jixiao.problems import SourceError

    try:
        data = b"" if task.refused or not task.path else read_bytes(Path(task.path))
    except SourceError:
        data = b""
    sha256 = hashlib.sha256(data).hexdigest() if data else ""
    message = MESSAGES[code].format(path=task.rel_path) + (f" {detail}" if detail else "")
    source = Source(path=task.rel_path, sha256=sha256, format=guess_format(data))  # type: ignore[arg-type]
    return SourceResult(source=source, errors=[Problem(code=code, message=message)])


def write_contained(
    task: SourceTask, out: str, code: str, seconds: float, detail: str = ""
) -> Outcome:
    """Write the JSON of a contained source and return its Outcome."""
    result = contained_result(task, code, detail)
    _write_json(out, result)
    return outcome_of(result, seconds)


def read_outcome(task: SourceTask, out: str) -> Outcome:
    """The outcome of a source its worker finished (its JSON written) and did not report
    before it stopped, read back from its JSON (time unknown: 0); `worker_lost` when the
    JSON cannot be read."""
    from jixiao.output.json_out import read_json

    try:
        result = read_json(Path(out), task.rel_path)
    except (OSError, ValueError):
        detail = "(its JSON output was missing or unreadable)"
        return write_contained(task, out, "worker_lost", 0.0, detail)
    return outcome_of(result, 0.0)


def _write_json(out: str, result: SourceResult, scratch: str | None = None) -> None:
    from jixiao.output.json_out import write_json

    write_json(Path(out), result, scratch)
