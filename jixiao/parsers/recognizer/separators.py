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
