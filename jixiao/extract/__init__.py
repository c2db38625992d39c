"""Stage 1: read a source file into a `SourceDoc` (positioned text or cell grids).

The format comes from the file's content (magic bytes, then a text probe), never from its
extension alone. One registry maps each format to its reader.
"""

from __future__ import annotations

import errno
import hashlib
import importlib
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from jixiao.extract.pdf_page import PDF_ENGINES
from jixiao.extract.sniff import sniff_format
from jixiao.extract.text import decode_text, split_lines
from jixiao.problems import SourceError
from jixiao.records import SourceDoc

Reader = Callable[[bytes, str, str], SourceDoc]


def read_text(data: bytes, rel_path: str, sha256: str) -> SourceDoc:
    encoding, text = decode_text(data)
    return SourceDoc(rel_path, sha256, "text", encoding, None, split_lines(text))


def lazy_reader(module: str, name: str) -> Reader:
    """A reader whose module (and its PDF/office libraries) is imported on first use, so a
    text-only run never loads them."""

    def read(data: bytes, rel_path: str, sha256: str) -> SourceDoc:
        reader: Reader = getattr(importlib.import_module(module), name)
        return reader(data, rel_path, sha256)

    return read


def read_pdf(data: bytes, rel_path: str, sha256: str, engine: str = PDF_ENGINES[0]) -> SourceDoc:
    """Text-layer pages by the PDF reader (`engine`: PDFium, or pdfplumber as the reference);
    image-only pages by OCR when the extra is there."""
    from jixiao.extract.pdf import read_pdf as read

    doc = read(data, rel_path, sha256, engine)
    if not doc.ocr_pages:
        return doc
    from jixiao.extract.scan import ocr_pdf_pages

    return ocr_pdf_pages(data, doc)


def read_image(data: bytes, rel_path: str, sha256: str) -> SourceDoc:
    from jixiao.extract.scan import read_image as read

    return read(data, rel_path, sha256)


READERS: dict[str, Reader] = {
    "text": read_text,
    "pdf": read_pdf,
    "xlsx": lazy_reader("jixiao.extract.xlsx", "read_xlsx"),
    "xls": lazy_reader("jixiao.extract.xls", "read_xls"),
    "docx": lazy_reader("jixiao.extract.docx", "read_docx"),
    "html": lazy_reader("jixiao.extract.html", "read_html"),
    "mhtml": lazy_reader("jixiao.extract.html", "read_mhtml"),
    "png": read_image,
    "jpeg": read_image,
    "tiff": read_image,
}
# container formats -> Source.format, for sources that failed before a reader ran
_SOURCE_FORMAT = {
    "pdf": "pdf",
    "png": "image",
    "jpeg": "image",
    "tiff": "image",
    "gif": "image",
    "xlsx": "xlsx",
    "xls": "xls",
    "docx": "docx",
    "html": "html",
    "mhtml": "html",
    "zip": "xlsx",
    "encrypted": "xlsx",
}
# formats recognised by their signature but not read: how to convert them
_CONVERT = {
    "doc": "a legacy Word (.doc) file; convert it to DOCX, e.g. "
    "`soffice --headless --convert-to docx FILE` (LibreOffice)",
    "wps": "a WPS Office document; save it as DOCX in WPS Office, or "
    "`soffice --headless --convert-to docx FILE` (LibreOffice)",
    "ofd": "an OFD document (GB/T 33190); convert it to PDF with an OFD reader "
    "(e.g. 数科OFD阅读器 or ofdrw)",
    "ole": "an OLE compound file that is neither XLS nor DOC; open it in its office program "
    "and save it as XLSX or DOCX",
    "zip": "a zip archive that is not an office file; unpack it and run jixiao on its contents",
}


def guess_format(data: bytes) -> str:
    """Source.format for a file from its signature alone ("text" when unknown)."""
    return _SOURCE_FORMAT.get(sniff_format(data), "text")


# a source larger than this is refused unread (a form is rarely over a few MB)
MAX_FILE_BYTES = 512 * 1024 * 1024


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes. Anything else (FIFO, socket, device, folder, a link that loops
    or dangles) is never opened for reading; a file over `limit` bytes is never read."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise SourceError("unreadable_file", _stat_failure(path, exc)) from exc
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(
            "unreadable_file",
            f"{path.name} is {_kind_of(info.st_mode)}, not a regular file; it was not read.",
        )
    if info.st_size > limit:
        raise SourceError(
            "too_large",
            f"{path.name} has {info.st_size:,} bytes, over the limit of {limit:,}; it was not read.",
        )
    try:
        # O_NONBLOCK: if the file was swapped for a FIFO since stat, open does not wait
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise SourceError(
                    "unreadable_file", f"{path.name} is not a regular file; it was not read."
                )
            data = _read_up_to(handle, info.st_size, limit)
    except OSError as exc:
        raise SourceError(
            "unreadable_file", f"{path.name} could not be read: {exc.strerror}."
        ) from exc
    if len(data) > limit:
        raise SourceError(
            "too_large", f"{path.name} grew over the limit of {limit:,} bytes while read."
        )
    return data


def _read_up_to(handle: BinaryIO, expected: int, limit: int) -> bytes:
    """The file's bytes, reading no more than limit + 1 (a buffer of the stat'ed size first:
    a read(limit) would reserve `limit` bytes of memory whatever the file's size)."""
    parts = [handle.read(expected + 1)]
    size = len(parts[0])
    while size > expected and size <= limit:  # the file grew since stat
        part = handle.read(1 << 20)
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def _stat_failure(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return f"{path.name} is a link that loops; it was not read."
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return f"{path.name} is a link to a file that does not exist."
    return f"{path.name} could not be opened: {exc.strerror}."


def _kind_of(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")


def read_source(
    data: bytes, rel_path: str, sha256: str | None = None, pdf_engine: str = PDF_ENGINES[0]
) -> SourceDoc:
    """Read a source's bytes into a SourceDoc, or raise SourceError. `pdf_engine` picks the
    library reading a PDF's text layer (PDF_ENGINES)."""
    digest = sha256 or hashlib.sha256(data).hexdigest()
    fmt = sniff_format(data)
    if fmt == "encrypted":
        raise SourceError(
            "encrypted_document",
            f"{rel_path} is a password-protected office file; save an unprotected copy and run again.",
        )
    if fmt in _CONVERT:
        raise SourceError("unsupported_format", f"{rel_path} is {_CONVERT[fmt]}.")
    if fmt == "pdf":
        return read_pdf(data, rel_path, digest, pdf_engine)
    reader = READERS.get(fmt)
    if reader is None:
        raise SourceError(
            "unsupported_format",
            f"{rel_path} looks like a {fmt.upper()} file, which this version of jixiao does not read yet.",
        )
    return reader(data, rel_path, digest)
