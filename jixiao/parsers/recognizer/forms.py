"""From text lines to RawForms: atoms, headers and regions, the cheapest reading in the
header's column order (or the usual orders), and the forms built around its rows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from jixiao.parsers.recognizer.aligned import aligned_reading
from jixiao.parsers.recognizer.arithmetic import arithmetic_penalty
from jixiao.parsers.recognizer.blocks import values_before_names
from jixiao.parsers.recognizer.build import build_forms
from jixiao.parsers.recognizer.continued import joined_continuations
from jixiao.parsers.recognizer.decode import (
    LEVELS,
    Cell,
    Decoded,
    decode,
    skipped_cells,
)
from jixiao.parsers.recognizer.halves import side_by_side
from jixiao.parsers.recognizer.headers import Header, find_headers, header_orders
from jixiao.parsers.recognizer.lattice import atoms_of, wrap_width
from jixiao.parsers.recognizer.region import (
    footer_lines,
    lines_are_rows,
    outside_costs,
    row_start_costs,
    row_wrap_costs,
    table_region,
    windows_of,
)
from jixiao.parsers.recognizer.settings import settings
from jixiao.parsers.recognizer.spans import Lattice, layout_of
from jixiao.parsers.recognizer.transposed import untransposed, with_printed_lines
from jixiao.records import RawForm, Role, TextLine


@dataclass(frozen=True)
class Reading:
    """Everything the recognizer found in a text: for building forms, and for debugging."""

    lattice: Lattice
    headers: list[Header]
    decoded: Decoded
    columns: tuple[Role, ...]
    region: list[bool]  # which atoms are inside an indicator table
    by_line: bool  # the table's lines are its rows


def recognize(lines: tuple[TextLine, ...]) -> list[RawForm]:
    """The forms of a text, rows found by what their cells hold."""
    halves = side_by_side(lines)
    if halves is not None:
        return [form for half in halves for form in recognize(half)]
    turned = untransposed(lines) or joined_continuations(lines)
    if turned is not None:
        text, printed = turned
        return [with_printed_lines(form, printed) for form in recognize(text)]
    reading = read(lines)
    if reading is None:
        return []
    paired = values_before_names(reading.lattice, reading.headers)
    if paired is not None:
        text, printed = paired
        return [with_printed_lines(form, printed) for form in recognize(text)]
    return build_forms(
        reading.lattice, reading.decoded, reading.columns, reading.headers, reading.by_line
    )


# words every indicator table prints (a level name or a header label), as printed in
# simplified or traditional characters: a text without any holds no table
_TABLE_WORDS = re.compile(r"指[标標]|[产產]出|效益|[满滿]意度|[一三][级級]|分值")


def read(lines: tuple[TextLine, ...]) -> Reading | None:
    if not any(_TABLE_WORDS.search(line.text) for line in lines):
        return None
    wrap = wrap_width(lines)
    atoms = atoms_of(lines, wrap)
    if not atoms:
        return None
    lattice = Lattice(atoms, layout_of(atoms))
    headers = find_headers(lattice)
    for header in headers:
        lattice.lock(header.start, header.end)
    lattice.footers = footer_lines(atoms)
    for start, end in lattice.footers:
        lattice.lock(start, end)
    region = table_region(lattice, headers)
    by_line = lines_are_rows(atoms, region)
    decoded, columns = best_reading(lattice, headers, region, by_line)
    return Reading(lattice, headers, decoded, columns, region, by_line)


# read lines that sit under their header labels without the decoder (aligned.py); the
# decoder alone is the reference the tests compare this with
ALIGNED_LINES_FIRST = True


def best_reading(
    lattice: Lattice, headers: list[Header], region: list[bool], by_line: bool
) -> tuple[Decoded, tuple[Role, ...]]:
    """The cheapest reading of the text in the header's column order or a usual one;
    `by_line`: the table's lines are its rows."""
    config = settings()
    row_start = row_start_costs(lattice.atoms, by_line)
    wraps = row_wrap_costs(lattice.atoms, by_line)
    name_extra = outside_costs(region)
    candidates: list[tuple[tuple[Role, ...], float]] = []
    positions: dict[Role, int] = {}
    # where a header names a level-2 column beside the name's, a row's level never names it
    named_by_level = not headers or Role.LEVEL2 not in headers[0].roles
    if headers:
        for columns in header_orders(headers[0].columns):
            candidates.append((columns, config.cost("header_prior")))
        positions = headers[0].column_prior()
    candidates += [(order, config.cost("template_prior")) for order in config.templates]
    windows = windows_of(region)
    per_atom = (row_start, name_extra, region, wraps)
    if (
        ALIGNED_LINES_FIRST
        and headers
        and by_line
        and lattice.hard_cells
        and len(header_orders(headers[0].columns)) == 1
    ):
        columns = headers[0].columns
        order = {*LEVELS, *columns}
        role_at = {col: role for role, col in positions.items() if role in order}
        fast = aligned_reading(
            lattice,
            [_from_header(window, region, lattice.locked) for window in windows],
            region,
            role_at,
            lambda start, end: _decode_window(
                lattice, (start, end), columns, per_atom, positions, named_by_level
            ),
        )
        if fast.fits(lattice, region):
            return fast, columns
    best: tuple[Decoded, tuple[Role, ...]] | None = None
    best_cost = float("inf")
    own = len(header_orders(headers[0].columns)) if headers else 0
    for index, (columns, prior) in enumerate(candidates):
        if index >= own and headers and best and best[0].fits(lattice, region):
            break  # the header's own order reads the table well: no other order is tried
        parts = [
            _decode_window(
                lattice,
                (start, end),
                columns,
                per_atom,
                positions,
                named_by_level,
            )
            for start, end in windows
        ]
        reading = _joined(lattice, windows, parts)
        rows = sum(cell.new_row for cell in reading.cells) or 1
        cost = reading.cost + prior * rows + arithmetic_penalty(reading.rows())
        if cost < best_cost:
            best, best_cost = (reading, columns), cost
    assert best is not None
    return best


def _from_header(
    window: tuple[int, int], region: Sequence[bool], locked: Sequence[bool]
) -> tuple[int, int]:
    """The window from its table's first atom where that is a header label: the margin
    before a window is there for a row that leads into the table, and no row reaches over
    a header (its labels are locked), so the text before it is skipped, not decoded."""
    start, end = window
    first = next((i for i in range(start, end) if region[i]), start)
    return (first, end) if locked[first] else window


def _decode_window(
    lattice: Lattice,
    window: tuple[int, int],
    columns: tuple[Role, ...],
    per_atom: tuple[list[float], list[float], list[bool], list[float]],
    positions: dict[Role, int],
    named_by_level: bool,
) -> Decoded:
    """The reading of one window, its cells at their atoms in the text; `per_atom` holds
    the row-start, outside, region and wrap values of every atom of the text."""
    start, end = window
    row_start, name_extra, region, wraps = per_atom
    return decode(
        lattice.window(start, end),
        columns,
        row_start[start:end],
        name_extra[start:end],
        region[start:end],
        positions,
        wraps[start:end],
        named_by_level,
        start,
    )


def _joined(lattice: Lattice, windows: list[tuple[int, int]], parts: list[Decoded]) -> Decoded:
    """The readings of the windows as one, every atom outside them a skipped cell."""
    cells: list[Cell] = []
    cost = 0.0
    position = 0
    for (start, end), part in zip(windows, parts):
        cells += skipped_cells(lattice, position, start)
        cells += part.cells
        cost += part.cost
        position = end
    cells += skipped_cells(lattice, position, len(lattice.atoms))
    return Decoded(tuple(cells), cost)
