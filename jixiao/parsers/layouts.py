"""Row producers for the text layouts real dumps come in, and the sniffing that picks them.

Every producer turns a document's lines into RawRows for the shared FormAssembler:
- tab: one row per line, cells split by tabs (office copy-paste);
- pipe_rows: one row per line, cells split by "|" (web tables rendered as text); a header
  broken over several lines is joined by the assembler;
- pipe_lines: one cell per line ending in " |", rows delimited by lines of pipes only;
- space_rows: one row per line, cells split by runs of spaces;
- csv: comma-separated, quoted fields with embedded newlines.
Layouts with no separators at all (cell per line, flattened, prose) live in their own modules.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator

from jixiao.records import RawCell, RawRow, TextLine
from jixiao.text import clean

_PIPE_ONLY = re.compile(r"^[\s|]*\|[\s|]*$")
_SPACES = re.compile(r"[ \t\u3000]{1,}")
RowProducer = Callable[[tuple[TextLine, ...]], Iterator[RawRow]]


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


def _row(texts: list[str], line: TextLine) -> RawRow:
    number, page = line.number, line.page
    cells = tuple(
        [
            RawCell(text, col, number, page)
            for col, raw in enumerate(texts)
            if raw and (text := clean(raw))
        ]
    )
    return RawRow(cells, number, page)


def split_rows(separator: str) -> RowProducer:
    def produce(lines: tuple[TextLine, ...]) -> Iterator[RawRow]:
        for line in lines:
            yield _row(line.text.split(separator), line)

    return produce


def space_rows(lines: tuple[TextLine, ...]) -> Iterator[RawRow]:
    for line in lines:
        yield _row(_SPACES.split(line.text.strip()), line)


def pipe_lines(lines: tuple[TextLine, ...]) -> Iterator[RawRow]:
    """Cells one per line ("产出指标 |"); a line of pipes only closes the row."""
    cells: list[RawCell] = []
    first: TextLine | None = None
    for line in lines:
        if _PIPE_ONLY.match(line.text):
            if cells and first is not None:
                yield RawRow(tuple(cells), first.number, first.page)
            cells, first = [], None
            continue
        text = clean(line.text.rstrip().removesuffix("|"))
        if not line.text.rstrip().endswith("|"):
            if cells and first is not None:
                yield RawRow(tuple(cells), first.number, first.page)
            cells, first = [], None
            yield _row([line.text], line)
            continue
        if first is None:
            first = line
        if text:
            cells.append(RawCell(text, len(cells), line.number, line.page))
    if cells and first is not None:
        yield RawRow(tuple(cells), first.number, first.page)


def csv_rows(lines: tuple[TextLine, ...]) -> Iterator[RawRow]:
    """Comma-separated rows; a quoted field may hold newlines (the row keeps its first line)."""
    if not lines:
        return
    # a stray carriage return would end csv's record mid-line (split_lines leaves none)
    text = "\n".join(line.text.replace("\r", "") for line in lines)
    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    starts = {index: line for index, line in enumerate(lines)}
    for record in reader:
        line = starts.get(reader.line_num - 1 - _newlines(record), lines[0])
        yield _row([field.replace("\n", "") for field in record], line)


def _newlines(record: list[str]) -> int:
    return sum(field.count("\n") for field in record)


STRONG = 0.3  # share of lines with the layout's separators that makes it the likely one


def sniff_layouts(lines: tuple[TextLine, ...]) -> list[str]:
    """Layouts worth trying for these lines, most likely first."""
    return [name for name, _ in sniff_scores(lines)]


def sniff_scores(lines: tuple[TextLine, ...]) -> list[tuple[str, float]]:
    """(layout, share of lines that look like it), most likely first."""
    sample = [line.text for line in lines[:400] if line.text.strip()]
    if not sample:
        return []
    n = len(sample)
    tabs = pipe_only = pipe_end = pipe_rows = commas = 0
    for line in sample:  # one pass: this runs for every text source
        tabs += line.count("\t") >= 2
        commas += line.count(",") >= 3
        if "|" in line:
            only = not line.strip(" \t|")
            pipe_only += only
            pipe_end += line.rstrip().endswith("|")
            pipe_rows += not only and line.count("|") >= 2
    scores = {
        "tab": tabs / n,
        "pipe_lines": (pipe_only / n) * 2 if pipe_only >= 3 and pipe_end / n > 0.5 else 0.0,
        "pipe_rows": pipe_rows / n,
        "csv": commas / n,
        "space_rows": 0.05,
    }
    return [
        (name, score) for name, score in sorted(scores.items(), key=lambda kv: -kv[1]) if score > 0
    ]


PRODUCERS: dict[str, RowProducer] = {
    "tab": split_rows("\t"),
    "pipe_rows": split_rows("|"),
    "pipe_lines": pipe_lines,
    "space_rows": space_rows,
    "csv": csv_rows,
}
