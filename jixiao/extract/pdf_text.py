"""Characters to text for PDF pages: lines from positioned characters, cell text joined
without spaces between Chinese characters, and column segments for unruled tables.

Works on plain tuples so that it needs no PDF library: a character is
(x0, top, x1, bottom, text, size).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from jixiao.text import plain_chars

Char = tuple[float, float, float, float, str, float]
Box = tuple[float, float, float, float]


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3000 <= code <= 0x9FFF  # CJK punctuation, kana, ideographs
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or ch in "≥≤"
    )


def group_lines(chars: Sequence[Char]) -> list[list[Char]]:
    """Characters grouped into lines (top to bottom), each line sorted left to right."""
    lines: list[list[Char]] = []
    for ch in sorted(chars, key=lambda c: (c[1], c[0])):
        if lines:
            last = lines[-1]
            ref = last[0]
            if abs(ch[1] - ref[1]) <= 0.4 * max(ref[5], 1.0):
                last.append(ch)
                continue
        lines.append([ch])
    for line in lines:
        line.sort(key=lambda c: c[0])
    return lines


def line_text(line: Sequence[Char]) -> str:
    """A line's text, its characters as plain_chars reads them; a visible gap between two
    characters becomes one space."""
    out: list[str] = []
    prev: Char | None = None
    for ch in line:
        if prev is not None and ch[4] != " " and out and out[-1] != " ":
            if ch[0] - prev[2] > 0.3 * max(ch[5], 1.0):
                out.append(" ")
        out.append(ch[4])
        prev = ch
    return plain_chars("".join(out)).strip()


def join_wrapped(parts: Iterable[str]) -> str:
    """Lines of one wrapped cell joined. A space only between two Latin letters (a wrap
    between words); none between Chinese characters, and none inside numbers, which
    narrow cells break anywhere ("1350." + "75")."""
    text = ""
    for part in parts:
        if not part:
            continue
        if text and _latin(text[-1]) and _latin(part[0]):
            text += " "
        text += part
    return text


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def cell_text(chars: Sequence[Char]) -> str:
    return join_wrapped(line_text(line) for line in group_lines(chars))


def bbox_of(chars: Iterable[Char]) -> Box:
    xs0, ys0, xs1, ys1 = zip(*((c[0], c[1], c[2], c[3]) for c in chars))
    return (min(xs0), min(ys0), max(xs1), max(ys1))


def segments(line: Sequence[Char], gap: float = 1.2) -> list[list[Char]]:
    """A line split where characters are further apart than `gap` character heights."""
    parts: list[list[Char]] = []
    for ch in line:
        if ch[4] == " ":
            continue
        if parts and ch[0] - parts[-1][-1][2] <= gap * max(ch[5], 1.0):
            parts[-1].append(ch)
        else:
            parts.append([ch])
    return parts
