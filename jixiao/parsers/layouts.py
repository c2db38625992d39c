"""Lines of a text dump as the parsers take them.

Text dumps are read by the row recognizer (`jixiao.parsers.recognizer`), whatever their
separators; the prose and CSV-stream readers stay beside it for what has no table at all.
"""

from __future__ import annotations

from jixiao.records import RawCell, RawRow, TextLine
from jixiao.text import clean


def content_lines(lines: tuple[TextLine, ...]) -> tuple[TextLine, ...]:
    """Drop a leading capture header ("# source: …" lines ending with "# ---")."""
    if not lines or not lines[0].text.startswith("#"):
        return lines
    for index, line in enumerate(lines):
        if not line.text.startswith("#"):
            return lines[index:]
        if line.text.strip() == "# ---":
            return lines[index + 1 :]
    return ()


def head_row(line: TextLine) -> RawRow:
    """A line as a row of the form's head, its cells split at "|"."""
    cells = tuple(
        RawCell(text, col, line.number, line.page)
        for col, text in enumerate(clean(t) for t in line.text.split("|"))
        if text
    )
    return RawRow(cells, line.number, line.page)
