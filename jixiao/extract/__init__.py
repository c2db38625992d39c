"""Stage 1: read a source file into a `SourceDoc` (positioned text or cell grids).

The format comes from the file's content (magic bytes, then a text probe), never from its
extension alone. One registry maps each format to its reader.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from pathlib import Path

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


def read_pdf(data: bytes, rel_path: str, sha256: str) -> SourceDoc:
    """Text-layer pages by the PDF reader; image-only pages by OCR when the extra is there."""
    from jixiao.extract.pdf import read_pdf as read

    doc = read(data, rel_path, sha256)
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


def read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise SourceError("unreadable_file", f"{path.name} is not a regular file.")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(
            "unreadable_file", f"{path.name} could not be read: {exc.strerror}."
        ) from exc


def read_source(data: bytes, rel_path: str, sha256: str | None = None) -> SourceDoc:
    """Read a source's bytes into a SourceDoc, or raise SourceError."""
    digest = sha256 or hashlib.sha256(data).hexdigest()
    fmt = sniff_format(data)
    if fmt == "encrypted":
        raise SourceError(
            "encrypted_document",
            f"{rel_path} is a password-protected office file; save an unprotected copy and run again.",
        )
    if fmt in _CONVERT:
        raise SourceError("unsupported_format", f"{rel_path} is {_CONVERT[fmt]}.")
    reader = READERS.get(fmt)
    if reader is None:
        raise SourceError(
            "unsupported_format",
            f"{rel_path} looks like a {fmt.upper()} file, which this version of jixiao does not read yet.",
        )
    return reader(data, rel_path, digest)
