"""Open compressed containers safely: corrupt, encrypted and bomb-like office zips are
refused before anything is decompressed; PDF streams are measured before a reader inflates
them."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from jixiao.problems import SourceError

MAX_TOTAL_BYTES = 200 * 1024 * 1024  # uncompressed size of all members together
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_RATIO = 500  # uncompressed / compressed above RATIO_FLOOR; deflate tops out near 1030
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 10_000


def open_zip(data: bytes, rel_path: str) -> zipfile.ZipFile:
    """The archive, after checking its directory; raises SourceError for bad archives."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise SourceError(
            "corrupt_archive",
            f"{rel_path} is a damaged zip container (office file); it could not be opened: {exc}.",
        ) from exc
    check_members(infos, rel_path)
    return archive


def check_members(infos: list[zipfile.ZipInfo], rel_path: str) -> None:
    if len(infos) > MAX_MEMBERS:
        raise SourceError("archive_bomb", f"{rel_path} holds {len(infos)} zip members; refused.")
    if any(info.flag_bits & 0x1 for info in infos):
        raise SourceError(
            "encrypted_document",
            f"{rel_path} is password-protected; save an unprotected copy and run again.",
        )
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        too_big = info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES
        if too_big or (info.file_size > RATIO_FLOOR and ratio > MAX_RATIO):
            raise SourceError(
                "archive_bomb",
                f"{rel_path} would expand to {info.file_size} bytes in {info.filename} "
                f"(ratio {ratio:.0f}:1); refused as a possible zip bomb.",
            )


def read_member(archive: zipfile.ZipFile, name: str, rel_path: str) -> bytes:
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, KeyError, EOFError, OSError) as exc:
        raise SourceError(
            "corrupt_archive", f"{rel_path}: member {name} could not be read ({exc})."
        ) from exc


# PDF streams: a page's content is rarely over a few MB once inflated; images in scans up to
# ~100 MB raw (A3 at 600 dpi, RGB)
MAX_STREAM_BYTES = 256 * 1024 * 1024
MAX_PDF_INFLATED_BYTES = 1024 * 1024 * 1024
_STREAM_START = re.compile(rb"stream\r?\n")
_CHUNK = 1 << 16


def check_pdf_streams(data: bytes, rel_path: str) -> None:
    """Inflate every deflated stream of a PDF in bounded steps, counting bytes, and refuse
    the file when one stream or all together would be too large (a deflate bomb). Nothing
    is kept: memory stays at one step's output whatever the stream holds."""
    total = 0
    for match in _STREAM_START.finditer(data):
        size = _inflated_size(data, match.end(), MAX_STREAM_BYTES)
        total += size
        if size > MAX_STREAM_BYTES or total > MAX_PDF_INFLATED_BYTES:
            raise SourceError(
                "archive_bomb",
                f"{rel_path} has a stream at byte {match.end()} that inflates to over "
                f"{min(size, total) // (1024 * 1024)} MB; refused as a possible deflate bomb.",
            )


def _inflated_size(data: bytes, start: int, limit: int) -> int:
    """Bytes a zlib stream starting at `start` inflates to, counted up to just past `limit`
    (0 when it is not a zlib stream)."""
    inflater = zlib.decompressobj()
    size, position = 0, start
    try:
        while size <= limit and not inflater.eof:
            chunk = inflater.unconsumed_tail
            if not chunk:
                if position >= len(data):
                    break
                chunk = data[position : position + _CHUNK]
                position += _CHUNK
            size += len(inflater.decompress(chunk, 1 << 20))
    except zlib.error:
        pass  # not deflate data (or damaged): the PDF reader will judge it
    return size
