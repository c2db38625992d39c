"""The separators that cut a printed line into cells: "|" (half or full width) and tabs.

A hard separator is never inside a cell. Lines are cut with str methods, not a regex: a
regex split or search tests every character against its class (about 25 instructions a
character, a few thousand for a long line), while `in`, `replace` and `split` scan for one
character at a time in C, and most lines hold at most one of the three separators.
"""

from __future__ import annotations

import re
from typing import Final

HARD_SEPARATOR: Final = re.compile(r"[|｜\t]")  # the same cut, for patterns built on it
WIDE_SPACES: Final = re.compile(r"[ \u3000\u00a0]{2,}")  # cells of a line without any


def hard_cells(text: str) -> list[str]:
    """`text` cut at every hard separator (HARD_SEPARATOR.split(text))."""
    if "\t" in text:
        text = text.replace("\t", "|")
    if "｜" in text:
        text = text.replace("｜", "|")
    return text.split("|")


def has_hard_separator(text: str) -> bool:
    return "|" in text or "\t" in text or "｜" in text


def first_hard_separator(text: str) -> int:
    """Where HARD_SEPARATOR.search(text) finds the first hard separator (by str.find, a
    pass in C for each of the three), or -1 in a text without one."""
    cut = -1
    for separator in _HARD_SEPARATORS:
        found = text.find(separator, 0, len(text) if cut < 0 else cut)
        if found >= 0:
            cut = found
    return cut


_HARD_SEPARATORS: Final[tuple[str, ...]] = ("|", "｜", "\t")  # what HARD_SEPARATOR matches


def most_lines_cut(printed: list[list[str] | None]) -> bool:
    """Most lines hold two or more cells cut by "|", tabs or commas (`printed`: each
    content line's cells, None for a blank line)."""
    content = [parts for parts in printed if parts is not None]
    cut = sum(_two_filled(parts) for parts in content)
    return bool(content) and cut * 2 >= len(content)


def _two_filled(parts: list[str]) -> bool:
    """Two or more of these cells are filled (the count stops at the second)."""
    filled = 0
    for part in parts:
        if part.strip():
            filled += 1
            if filled == 2:
                return True
    return False


def cells_of_line(text: str, parts: list[str], cut: bool) -> list[str]:
    """The cells of one line, `parts` its cells as cut by its separators. Where most lines
    are cut by "|" or tabs, a line without them that runs of spaces cut into three or more
    cells is cut there (a row whose separators were lost or replaced)."""
    if cut and len(parts) == 1:
        wide = [part for part in WIDE_SPACES.split(text.strip()) if part]
        if len(wide) >= 3:
            return wide
    return parts


def empty_cells_kept(text: str, filled: list[bool]) -> tuple[int, int]:
    """The columns strictly between which an empty cell stands for a column: between two "|"
    ("| a | | b |": after the line's first cell, before its last filled one), or between two
    filled tab-separated cells ("168起<tab><tab>10"); not before or after a row's cells.
    Found once a line, not once an empty cell (a line may end in dozens of them)."""
    last = len(filled) - 1
    while last >= 0 and not filled[last]:
        last -= 1
    if "|" in text:
        return 0, last
    if "\t" not in text or last < 0:
        return 0, 0  # no column between
    return filled.index(True), last
