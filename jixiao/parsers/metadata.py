"""Read a form's head (title, year, labelled fields, tasks, budget) and footer rows."""

from __future__ import annotations

import re
from functools import lru_cache

from jixiao.parsers.cells import CellType, cell_type
from jixiao.records import RawCell, RawForm, RawRow
from jixiao.text import fold
from jixiao.vocab import vocabulary

_YEAR = re.compile(r"[(（]?\s*((?:19|20)\d{2})\s*[)）]?\s*年")
_TITLE_MAX = 60
_AMOUNT_UNIT = re.compile(r"[(（]\s*(万元|元|亿元)\s*[)）]")


def find_year(text: str) -> str | None:
    match = _YEAR.search(text)
    return match.group(1) if match else None


def is_title(row: RawRow) -> bool:
    filled = row.filled
    if len(filled) != 1 or len(filled[0].text) > _TITLE_MAX:
        return False
    folded = fold(filled[0].text)
    return any(marker in folded for marker in vocabulary().title_markers)


@lru_cache(maxsize=65536)
def field_of(text: str) -> str | None:
    """The canonical metadata field a label names ("部门(单位)名称" -> department)."""
    return vocabulary().fields.get(fold(text).rstrip(":"))


@lru_cache(maxsize=1)
def _footer_pattern() -> re.Pattern[str]:
    labels = sorted(vocabulary().footer, key=len, reverse=True)
    return re.compile("(" + "|".join(re.escape(label) for label in labels) + r")\s*[:：]")


def footer_pairs(text: str) -> dict[str, str] | None:
    """Footer "label: value" pairs of a line, or None when the line is not a footer line."""
    if ":" not in text and "：" not in text:
        return None
    folded_spaces = re.sub(r"[ \t\u3000]+", " ", text).strip()
    folded = folded_spaces.replace("：", ":")
    matches = list(_footer_pattern().finditer(folded))
    if not matches or matches[0].start() != 0:
        return None
    pairs: dict[str, str] = {}
    for match, nxt in zip(matches, [*matches[1:], None]):
        key = vocabulary().footer[match.group(1)]
        value = folded[match.end() : nxt.start() if nxt else len(folded)].strip()
        if key != "other" and key not in pairs:
            pairs[key] = value
    return pairs


def is_task_header(row: RawRow) -> bool:
    columns = vocabulary().task_columns
    filled = row.filled
    return bool(filled) and all(fold(c.text) in columns for c in filled)


class HeadReader:
    """Feeds the rows above the indicator table into a RawForm."""

    def __init__(self, form: RawForm) -> None:
        self.form = form
        self.section: str | None = None

    def feed(self, row: RawRow) -> bool:
        """Read one row; return True when it was a metadata row."""
        if is_task_header(row):
            self.section = "tasks"
            return True
        groups = _label_groups(row.filled)
        if groups:
            for field, content in groups:
                self._store(field, content)
            return True
        if self.section in ("tasks", "budget") and row.filled and row.filled[0].col > 0:
            self._store(self.section, list(row.filled))
            return True
        return False

    def _store(self, field: str, content: list[RawCell]) -> None:
        self.section = field
        texts = [c.text for c in content]
        if field == "tasks":
            if len(texts) >= 2:
                self.form.tasks.append((texts[0], " ".join(texts[1:])))
        elif field == "budget":
            self._budget_line(texts)
        elif field == "annual_goals":
            if texts:
                joined = " ".join(texts)
                self.form.goals_text = (
                    f"{self.form.goals_text} {joined}" if self.form.goals_text else joined
                )
        elif texts and field not in self.form.fields:
            self.form.fields[field] = " ".join(texts)

    def _budget_line(self, texts: list[str]) -> None:
        labels = [t for t in texts if cell_type(t) is not CellType.NUMBER]
        amounts = [t for t in texts if cell_type(t) is CellType.NUMBER]
        if not labels or not amounts:
            return
        unit = _AMOUNT_UNIT.search(labels[0])
        if unit:
            self.form.budget_unit = unit.group(1)
        key = budget_key(labels[0])
        if key is not None and key not in self.form.budget:
            self.form.budget[key] = amounts[0]


def budget_key(label: str) -> str | None:
    """The Budget field a budget line's label names, by its longest matching ending."""
    folded = _AMOUNT_UNIT.sub("", fold(label)).rstrip(":")
    best: tuple[int, str] | None = None
    for variant, key in vocabulary().budget.items():
        if folded.endswith(variant) and (best is None or len(variant) > best[0]):
            best = (len(variant), key)
    return best[1] if best else None


def _label_groups(cells: tuple[RawCell, ...]) -> list[tuple[str, list[RawCell]]]:
    """Split a row into (field, content cells) groups at each metadata label cell."""
    groups: list[tuple[str, list[RawCell]]] = []
    for cell in cells:
        field = field_of(cell.text)
        if field is not None:
            groups.append((field, []))
        elif groups:
            groups[-1][1].append(cell)
    if groups and field_of(cells[0].text) is None:
        return []  # a label must open the row
    return groups
