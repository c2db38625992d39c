"""The main job for one source: extract -> parsers -> normalizers, and the listing of inputs.

`process_bytes`/`process_file` are THE per-source function (bytes in, SourceResult out).
The batch engines (jixiao/batch/, `jixiao.batch.run`) call it for every source; nothing here
knows an engine: imports go one way, from the engines to this module.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from jixiao.extract import guess_format, read_bytes, read_source
from jixiao.models import Problem, Source, SourceResult
from jixiao.normalizers import normalize_source
from jixiao.parsers import parse
from jixiao.problems import SourceError
from jixiao.records import CellGrid, SourceDoc

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    rel_path: str  # relative to its input root, "/" separators
    refused: str = ""  # why the listing did not follow this link (read nothing), or ""


def iter_inputs(inputs: list[Path]) -> Iterator[InputFile]:
    """Files named directly, and every entry under folders (recursive, sorted by path parts).

    Links under a folder are never followed: one whose target is inside the folder is left
    out (the target is read under its own path, so nothing is read twice and no link loops);
    one that leads outside, dangles or loops is listed with the reason (Problem
    `skipped_link`). A link named directly as an INPUT is followed. Entries that are not
    regular files (FIFOs, devices) are listed: reading them gives `unreadable_file` without
    opening them. A folder's listing is kept as strings, not Path objects, so that listing
    an archive of many thousand files stays small in memory.

    A source's path is relative to its INPUT. With several INPUTs, a path already listed
    from an earlier one (two folders both holding `a.txt`) is prefixed with the INPUT's
    position and name (`2~2023/a.txt`), so no source overwrites another's output.
    """
    seen: set[str] | None = set() if len(inputs) > 1 else None
    for position, item in enumerate(inputs, start=1):
        for found in _listed(item):
            if seen is not None:
                if found.rel_path in seen:
                    found = replace(found, rel_path=prefixed(position, item.name, found.rel_path))
                seen.add(found.rel_path)
            yield found


_PREFIXED = re.compile(r"^(\d+)~[^/]+/(.+)$")


def prefixed(position: int, name: str, rel_path: str) -> str:
    """The path of a source of the `position`-th INPUT (1-based) whose own path was taken."""
    return f"{position}~{name}/{rel_path}"


def unprefixed(rel_path: str) -> tuple[int, str] | None:
    """(position of the INPUT, path under it) of a prefixed path; None for any other."""
    match = _PREFIXED.match(rel_path)
    return (int(match[1]), match[2]) if match else None


def _listed(item: Path) -> Iterator[InputFile]:
    if item.is_dir():
        for rel, refused in _files_under(item):
            yield InputFile(item / rel, rel, refused)
    else:
        yield InputFile(item, item.name)


def _files_under(root: Path) -> list[tuple[str, str]]:
    real_root = os.path.realpath(root)
    found: list[tuple[str, str]] = []
    pending = [""]
    while pending:
        base = pending.pop()
        try:
            entries = list(os.scandir(os.path.join(root, base)))
        except OSError:
            continue  # an unreadable folder: nothing listed under it
        for entry in entries:
            rel = f"{base}/{entry.name}" if base else entry.name
            if entry.is_symlink():
                refused = _refused_link(entry.path, real_root)
                if refused:
                    found.append((rel, refused))
            elif entry.is_dir(follow_symlinks=False):
                pending.append(rel)
            else:
                found.append((rel, ""))
    found.sort(key=lambda item: item[0].split("/"))
    return found


def _refused_link(path: str, real_root: str) -> str:
    """Why a link is listed as skipped, or "" when its target is inside the input folder."""
    name = os.path.basename(path)
    target = os.path.realpath(path)
    if os.path.islink(target):  # realpath stops where a loop starts
        return f"{name} is a link that loops; it was not followed."
    if not os.path.lexists(target):
        return f"{name} is a link to nothing (its target does not exist)."
    if os.path.commonpath([target, real_root]) != real_root:
        return f"{name} is a link leading outside the input folder; it was not followed."
    return ""


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
        if item.refused:
            raise SourceError("skipped_link", item.refused)
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
