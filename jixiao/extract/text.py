"""Read text dumps: detect the encoding, decode, split into numbered lines."""

from __future__ import annotations

import codecs
import re

from jixiao.problems import SourceError
from jixiao.records import TextLine
from jixiao.text import nfc, plain_chars

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _bom_encoding(data: bytes) -> tuple[str, int] | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def _plausible_share(text: str) -> float:
    """Share of characters that are CJK, printable ASCII, common punctuation or whitespace."""
    if not text:
        return 0.0
    good = sum(
        1
        for ch in text
        if ch.isprintable()
        and (
            "\u4e00" <= ch <= "\u9fff"
            or ch < "\u0080"
            or "\u3000" <= ch <= "\u303f"
            or "\uff00" <= ch <= "\uffef"
        )
        or ch in "\t\r\n"
    )
    return good / len(text)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: NUL bytes in the data, and one byte order decodes cleanly."""
    if len(data) % 2 or b"\x00" not in data[:4096]:
        return None
    best: tuple[float, str, str] | None = None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        share = _plausible_share(text[:4096])
        if share > 0.9 and (best is None or share > best[0]):
            best = (share, name, text)
    return (best[1], best[2]) if best else None


def _detect(data: bytes) -> tuple[str, str]:
    """Return (encoding name, decoded text) or raise SourceError."""
    bom = _bom_encoding(data)
    if bom is not None:
        name, size = bom
        try:
            return name, data[size:].decode(name.replace("-sig", ""))
        except UnicodeDecodeError as exc:
            raise SourceError(
                "decode_error", f"The file starts with a {name} BOM but is not valid {name}."
            ) from exc
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        return _gb_or_big5(data, text)
    if _binary_bytes(data):
        raise SourceError(
            "unsupported_format",
            "The file holds binary data, not text, and is not a format jixiao reads.",
        )
    return _detect_with_charset_normalizer(data)


# scripts a Chinese form does not use, but Big5 bytes read as GB18030 give in plenty (Big5's
# commonest characters sit where GB2312 keeps kana, Greek, Cyrillic and box drawing)
_MISREAD = re.compile(r"[\u0370-\u04ff\u2500-\u257f\u3040-\u30ff\u3100-\u312f]")


def _gb_or_big5(data: bytes, text: str) -> tuple[str, str]:
    """GB18030 decodes nearly any byte string, Big5 text too; when its reading is full of
    kana and Greek where Chinese should be, and the bytes are valid Big5 (cp950) with a
    cleaner reading, they are Big5."""
    sample = text[:20000]
    misread = len(_MISREAD.findall(sample))
    if misread <= max(2, len(sample) // 200):
        return "gb18030", text
    try:
        big5 = data.decode("cp950")
    except UnicodeDecodeError:
        return "gb18030", text
    if len(_MISREAD.findall(big5[:20000])) < misread // 4:
        return "big5", big5
    return "gb18030", text


def _binary_bytes(data: bytes) -> bool:
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32 and b != 27)
    return controls > len(sample) // 20


def _detect_with_charset_normalizer(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes  # only for files that are not UTF-8/GB18030

    best = from_bytes(data).best()
    if best is None:
        raise SourceError(
            "decode_error",
            "The text could not be decoded as UTF-8, UTF-16, GB18030 or any other known encoding.",
        )
    return codecs.lookup(best.encoding).name, str(best)


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if "\x00" in sample:
        return True
    return len(_CONTROL.findall(sample)) > max(8, len(sample) // 100)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes; return (encoding, text)."""
    if not data or data.isspace():  # as `not data.strip()`, without copying the bytes
        raise SourceError("empty_file", "The file is empty or holds only whitespace.")
    encoding, text = _detect(data)
    if _looks_binary(text):
        raise SourceError(
            "unsupported_format",
            "The file holds binary data, not text, and is not a format jixiao reads.",
        )
    text = plain_chars(nfc(text))
    if not text or text.isspace():
        raise SourceError("empty_file", "The file holds only whitespace.")
    return encoding, text


def split_lines(text: str) -> tuple[TextLine, ...]:
    return tuple(TextLine(number, line) for number, line in enumerate(_LINE_BREAK.split(text), 1))
