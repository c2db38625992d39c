"""The main job: each source through extract -> parsers -> normalizers -> output.

`process_source` is the per-source function (pure: bytes in, SourceResult out); `run`
walks the inputs, writes each source's JSON as it finishes, then the Parquet tables.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

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
    seconds: float = 0.0
    results: list[SourceResult] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.sources} sources, {self.forms} forms, {self.indicators} indicators, "
            f"{self.problems} problems in {self.seconds:.2f} s"
        )


def iter_inputs(inputs: list[Path]) -> Iterator[InputFile]:
    """Files named directly, and every file under folders (recursive, sorted)."""
    for item in inputs:
        if item.is_dir():
            for path in sorted(p for p in item.rglob("*") if not p.is_dir()):
                yield InputFile(path, path.relative_to(item).as_posix())
        else:
            yield InputFile(item, item.name)


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


Progress = Callable[[SourceResult, int], None]


def run(inputs: list[Path], options: RunOptions, progress: Progress | None = None) -> RunSummary:
    """Process every input, writing JSON per source and the Parquet tables at the end."""
    from jixiao.output import write_json, write_tables

    configure_vocabulary(options.vocab)
    started = time.perf_counter()
    summary = RunSummary()
    for item in iter_inputs(inputs):
        result = process_file(item, options.fail_fast)
        write_json(options.out, result)
        summary.results.append(result)
        summary.sources += 1
        summary.forms += len(result.forms)
        summary.indicators += sum(len(f.indicators) for f in result.forms)
        summary.problems += len(result.errors)
        summary.failed_sources += bool(result.errors)
        if progress is not None:
            progress(result, summary.sources)
    write_tables(options.out, summary.results)
    summary.seconds = time.perf_counter() - started
    return summary
