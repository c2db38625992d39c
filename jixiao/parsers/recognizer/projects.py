"""Tables holding several projects: head fields printed as columns before the indicator
header (单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 | …), each project's values on its
first row only (merged cells over its rows). The rows of each project make a form of its own.

A crawled table loses the merged cells' empty places, so a project's cells are matched to
the columns by what they hold, not by position: an amount in the budget column, text in the
others, as far right as they go (a cell missing on the left is a department merged over
several projects).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Final

from jixiao.parsers.metadata import budget_key, field_of
from jixiao.parsers.recognizer.headers import Header
from jixiao.parsers.recognizer.kinds import KIND_NUMBER, cell_info
from jixiao.parsers.recognizer.spans import Lattice
from jixiao.text import fold

_PROJECT_FIELDS: Final = frozenset({"department", "project", "annual_goals"})


@dataclass(slots=True, init=False, unsafe_hash=True)
class ProjectColumns:
    line: int  # the indicator header's line
    fields: tuple[str, ...]  # the head field of each project column, in order

    def __init__(self, line: int, fields: tuple[str, ...]) -> None:
        self.line = line
        self.fields = fields


def project_columns(lattice: Lattice, headers: list[Header]) -> ProjectColumns | None:
    """The head-field labels printed as columns of the indicator header, right before its
    first label (labels only in between: "项目名称 甲项目 一级指标…" is a head field and its
    value), when a project name is among them; None for a table of one form."""
    if not headers:
        return None
    atoms = lattice.atoms
    start = headers[0].start
    line = atoms[start].line
    fields: list[str] = []
    index = start - 1
    while index >= 0 and atoms[index].line == line:
        if atoms[index].text:
            name = _column_field(atoms[index].text)
            if name is None:
                break
            fields.append(name)
        index -= 1
    if "project" not in fields:
        return None
    return ProjectColumns(line, tuple(reversed(fields)))


def _column_field(label: str) -> str | None:
    folded = fold(label)
    name = field_of(folded)
    if name in _PROJECT_FIELDS:
        return name
    return "budget" if budget_key(folded) is not None else None


def project_values(texts: list[str], fields: tuple[str, ...]) -> dict[str, str] | None:
    """The project cells of a line matched to the project columns: in order, an amount in
    the budget column and text elsewhere, as far right as they fit; None when they do not
    fit or name no project."""
    if not texts or len(texts) > len(fields):
        return None
    for places in reversed(list(combinations(range(len(fields)), len(texts)))):
        values = {fields[place]: text for place, text in zip(places, texts)}
        if all(_fits(name, text) for name, text in values.items()) and "project" in values:
            return values
    return None


def _fits(field: str, text: str) -> bool:
    amount = cell_info(text).kind is KIND_NUMBER
    return amount if field == "budget" else not amount
