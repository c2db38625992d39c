"""The main job: each source through extract -> parsers -> normalizers -> output.

`process_bytes`/`process_file` are THE per-source function (bytes in, SourceResult out);
`run` hands the inputs to the batch engines (jixiao/batch/), which call it for every source,
write each source's JSON as it finishes, then the Parquet tables.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from jixiao.extract import guess_format, read_bytes, read_source
from jixiao.models import Problem, Source, SourceResult
from jixiao.normalizers import normalize_source
from jixiao.parsers import parse
from jixiao.problems import SourceError
from jixiao.records import CellGrid, SourceDoc
from jixiao.vocab import configure as configure_vocabulary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOptions:
    """Everything a run needs, parsed once from the command line."""

    out: Path
    fail_fast: bool = False
    vocab: tuple[Path, ...] = ()  # user vocabulary files merged over the package's
    redact: bool = False  # null contacts, mask phones/IDs/e-mails/names (jixiao.postprocess)
    jobs: int | None = None  # worker processes; None = one per core
    engine: Literal["local", "dask"] = "local"
    scheduler: str | None = None  # dask scheduler address; None = a LocalCluster
    file_timeout: float | None = 300.0  # seconds per source
    file_memory_mb: int | None = (
        4096  # address space per source above a worker's start size (OCR arenas need room)
    )
    force: bool = False  # redo every source, even unchanged ones
    partition_by: Literal["year", "department"] | None = None
    quiet: bool = False


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    rel_path: str  # relative to its input root, "/" separators


@dataclass
class RunSummary:
    sources: int = 0
    forms: int = 0
    indicators: int = 0
    problems: int = 0
    failed_sources: int = 0
    skipped: int = 0  # unchanged since the last run into the same OUT
    seconds: float = 0.0

    def add(self, forms: int, indicators: int, problems: int) -> None:
        self.sources += 1
        self.forms += forms
        self.indicators += indicators
        self.problems += problems
        self.failed_sources += bool(problems)

    def line(self) -> str:
        skipped = f" ({self.skipped} unchanged, skipped)" if self.skipped else ""
        return (
            f"{self.sources} sources, {self.forms} forms, {self.indicators} indicators, "
            f"{self.problems} problems in {self.seconds:.2f} s{skipped}"
        )


def iter_inputs(inputs: list[Path]) -> Iterator[InputFile]:
    """Files named directly, and every file under folders (recursive, sorted by path parts).

    A folder's listing is kept as relative path strings, not Path objects, so that listing
    an archive of many thousand files stays small in memory.
    """
    for item in inputs:
        if item.is_dir():
            for rel in _files_under(item):
                yield InputFile(item / rel, rel)
        else:
            yield InputFile(item, item.name)


def _files_under(root: Path) -> list[str]:
    found = []
    for folder, _, names in os.walk(root, followlinks=True):
        base = Path(folder).relative_to(root).as_posix()
        found.extend(names if base == "." else [f"{base}/{name}" for name in names])
    found.sort(key=lambda rel: rel.split("/"))
    return found


def process_bytes(data: bytes, rel_path: str) -> SourceResult:
    """Read, parse and normalize one source's bytes; bad input becomes a Problem."""
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        doc = read_source(data, rel_path, sha256)
    except SourceError as exc:
        source = Source(path=rel_path, sha256=sha256, format=guess_format(data))  # type: ignore[arg-type]
        return SourceResult(source=source, errors=[_problem(exc)])
    source = Source(
        path=rel_path,
        sha256=sha256,
        format=doc.format,  # type: ignore[arg-type]
        pages=doc.pages,
        encoding=doc.encoding,
    )
    forms = normalize_source(parse(doc), doc)
    errors = [_ocr_unavailable(rel_path, page) for page in doc.ocr_pages]
    errors += [
        Problem(code=p.code, message=f"{rel_path}: {p.message}", page=p.page) for p in doc.problems
    ]
    if not any(form.indicators for form in forms) and not errors:
        errors.append(_nothing_found(doc))
    return SourceResult(source=source, forms=forms, errors=errors)


def _ocr_unavailable(rel_path: str, page: int) -> Problem:
    message = (
        f"{rel_path}: page {page} has no usable text layer (a scan) and needs OCR: "
        "install the OCR extra: pip install 'jixiao[ocr]'."
    )
    return Problem(code="ocr_unavailable", message=message, page=page)


def _nothing_found(doc: SourceDoc) -> Problem:
    if doc.format == "pdf" and not any(isinstance(b, CellGrid) for b in doc.blocks):
        message = f"{doc.path} has a text layer, but no table was found on any page."
        return Problem(code="no_table_found", message=message)
    message = (
        f"{doc.path} was read as {doc.format}, but no indicator table "
        "(一级/二级/三级指标) was found in it."
    )
    return Problem(code="no_form_found", message=message)


def _problem(exc: SourceError) -> Problem:
    return Problem(code=exc.code, message=exc.message, page=exc.page)


def process_file(item: InputFile, fail_fast: bool = False) -> SourceResult:
    """process_bytes for a file on disk; defects become `internal_error` unless fail_fast."""
    try:
        data = read_bytes(item.path)
    except SourceError as exc:
        source = Source(path=item.rel_path, sha256="", format="text")
        return SourceResult(source=source, errors=[_problem(exc)])
    try:
        return process_bytes(data, item.rel_path)
    except MemoryError:
        raise  # the batch engine turns it into `too_large` and replaces the worker
    except Exception as exc:
        if fail_fast:
            raise
        log.exception("internal error on %s", item.rel_path)
        source = Source(
            path=item.rel_path,
            sha256=hashlib.sha256(data).hexdigest(),
            format=guess_format(data),  # type: ignore[arg-type]
        )
        message = (
            f"jixiao failed on {item.rel_path} ({type(exc).__name__}: {exc}); please report it."
        )
        return SourceResult(source=source, errors=[Problem(code="internal_error", message=message)])


def run(inputs: list[Path], options: RunOptions) -> RunSummary:
    """Process every input with the batch engine (jixiao/batch/): JSON per source as it
    finishes, then the Parquet tables; corrections and redaction applied per source."""
    from jixiao.batch import run_batch
    from jixiao.output import write_run_info

    configure_vocabulary(options.vocab)
    options.out.mkdir(parents=True, exist_ok=True)
    write_run_info(options.out, inputs, redact=options.redact)
    return run_batch(inputs, options)
