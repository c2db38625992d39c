"""Format detection by content: magic bytes, then the container's inside, then a text probe.

A zip is told apart by its member names (xlsx, docx, ofd), an OLE compound file by its
stream names (xls, doc/wps, a password-protected OOXML package), and text by a probe for
HTML tags or MIME headers (mhtml). The extension is never consulted.
"""

from __future__ import annotations

import re

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"GIF8", "gif"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
)

# zip member name prefix -> format; the first match wins
_ZIP_MEMBERS: tuple[tuple[bytes, str], ...] = (
    (b"xl/", "xlsx"),
    (b"word/", "docx"),
    (b"OFD.xml", "ofd"),
    (b"Doc_0/", "ofd"),
)
# OLE stream names (UTF-16LE in the directory) -> format
_OLE_STREAMS: tuple[tuple[str, str], ...] = (
    ("EncryptedPackage", "encrypted"),
    ("Workbook", "xls"),
    ("Book", "xls"),
    ("WpsCustomData", "wps"),
    ("WordDocument", "doc"),
)
_HTML_PROBE = re.compile(rb"<(?:!doctype\s+html|html|table|head|body|meta)\b", re.IGNORECASE)
_MHTML_PROBE = re.compile(
    rb"^(?:[\w-]+:[^\n]*\n)*?content-type:\s*multipart/related", re.IGNORECASE
)
_BOMS = (b"\xef\xbb\xbf",)


def sniff_format(data: bytes) -> str:
    """Name the format of `data`; "text" when nothing more specific matches."""
    head = data[:16]
    for magic, name in _MAGIC:
        if head.startswith(magic):
            if name == "zip":
                return _zip_kind(data)
            if name == "ole":
                return _ole_kind(data)
            return name
    return _text_kind(data)


def _zip_kind(data: bytes) -> str:
    """xlsx / docx / ofd from the local file headers' member names (no decompression)."""
    offsets = [m.start() for m in re.finditer(rb"PK\x03\x04", data[: 1 << 20])]
    members = []
    for offset in offsets:
        header = data[offset : offset + 30]
        if len(header) < 30:
            break
        name_len = int.from_bytes(header[26:28], "little")
        members.append(data[offset + 30 : offset + 30 + name_len])
    for prefix, kind in _ZIP_MEMBERS:
        if any(m.startswith(prefix) for m in members):
            return kind
    # the central directory lists every member even when local headers are odd
    for prefix, kind in _ZIP_MEMBERS:
        if b"PK\x01\x02" in data and prefix in data[-(1 << 16) :]:
            return kind
    return "zip"


def _ole_kind(data: bytes) -> str:
    for stream, kind in _OLE_STREAMS:
        if stream.encode("utf-16-le") + b"\x00\x00" in data:
            return kind
    return "ole"


def _text_kind(data: bytes) -> str:
    probe = data[:4096]
    for bom in _BOMS:
        if probe.startswith(bom):
            probe = probe[len(bom) :]
    probe = probe.lstrip()
    if _MHTML_PROBE.match(probe.replace(b"\r\n", b"\n")):
        return "mhtml"
    if _HTML_PROBE.search(probe[:1024]):
        return "html"
    return "text"
