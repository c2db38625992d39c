"""The main job for one source: extract -> parsers -> normalizers.

`process_bytes`/`process_file` are THE per-source function (bytes in, SourceResult out).
The batch engines (jixiao/batch/, `jixiao.batch.run`) call it for every source, and so does
`jixiao.read` (jixiao/api.py); nothing here knows an engine: imports go one way, from the
engines to this module.
"""

from __future__ import annotations

import hashlib
import logging

from jixiao.extract import guess_format, read_bytes, read_source
from jixiao.extract.pdf_page import PDF_ENGINES
from jixiao.inputs import InputFile, iter_inputs, prefixed, unprefixed
from jixiao.models import Problem, Source, SourceResult
from jixiao.normalizers import normalize_source
from jixiao.parsers import parse
from jixiao.problems import SourceError
from jixiao.records import CellGrid, SourceDoc

log = logging.getLogger(__name__)
__all__ = [
    "InputFile",
    "iter_inputs",
    "prefixed",
    "process_bytes",
    "process_contained",
    "process_file",
    "unprefixed",
]


def process_bytes(data: bytes, rel_path: str, pdf_engine: str = PDF_ENGINES[0]) -> SourceResult:
    """Read, parse and normalize one source's bytes; bad input becomes a Problem."""
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        doc = read_source(data, rel_path, sha256, pdf_engine)
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


def process_file(
    item: InputFile, fail_fast: bool = False, pdf_engine: str = PDF_ENGINES[0]
) -> SourceResult:
    """process_bytes for a file on disk; defects become `internal_error` unless fail_fast."""
    try:
        if item.refused:
            raise SourceError("skipped_link", item.refused)
        data = read_bytes(item.path)
    except SourceError as exc:
        source = Source(path=item.rel_path, sha256="", format="text")
        return SourceResult(source=source, errors=[_problem(exc)])
    return process_contained(data, item.rel_path, fail_fast, pdf_engine)


def process_contained(
    data: bytes, rel_path: str, fail_fast: bool = False, pdf_engine: str = PDF_ENGINES[0]
) -> SourceResult:
    """process_bytes; a defect in jixiao becomes `internal_error` unless fail_fast."""
    try:
        return process_bytes(data, rel_path, pdf_engine)
    except MemoryError:
        raise  # the batch engine turns it into `too_large` and replaces the worker
    except Exception as exc:
        if fail_fast:
            raise
        log.exception("internal error on %s", rel_path)
        source = Source(
            path=rel_path,
            sha256=hashlib.sha256(data).hexdigest(),
            format=guess_format(data),  # type: ignore[arg-type]
        )
        message = f"jixiao failed on {rel_path} ({type(exc).__name__}: {exc}); please report it."
        return SourceResult(source=source, errors=[Problem(code="internal_error", message=message)])
