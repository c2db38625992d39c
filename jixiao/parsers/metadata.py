"""Read a form's head (title, year, labelled fields, tasks, budget) and footer rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from jixiao.parsers.cells import CELLTYPE_NUMBER, cell_type
from jixiao.records import RawCell, RawForm, RawRow
from jixiao.text import fold, fold_words_with_positions
from jixiao.vocab import derived, field_labels, memo_table, remember, vocabulary

_YEAR: Final = re.compile(r"[(（]?\s*((?:19|20)\d{2})\s*[)）]?\s*年")
_TITLE_MAX: Final = 60
# a sentence, not a title: a full stop, a semicolon, or two commas ("…如期实现,于…备案,并…")
_SENTENCE: Final = re.compile(r"[。;；]|[,，].*[,，]")
_AMOUNT_UNIT: Final = re.compile(r"[(（]\s*(万元|元|亿元)\s*[)）]")
_BLANKS: Final = re.compile(r"[ \t\u3000]+")


def find_year(text: str) -> str | None:
    match = _YEAR.search(text)
    return match.group(1) if match else None


# stamps and unit notes printed where a value belongs: "(盖章)", "单位:万元", "(部门)"
STAMP_NOISE: Final = re.compile(
    r"[(（]\s*盖章\s*[)）]|单位\s*[:：]\s*(?:万元|元)|[(（]\s*部门\s*[)）]$"
)
_YEAR_LINE: Final = re.compile(r"^[(（]?\s*(?:19|20)\d{2}\s*年?度?\s*[)）]?\s*年?度?\s*[)）]?$")


@derived
@lru_cache(maxsize=1)
def _org_line() -> re.Pattern[str]:
    suffixes = "|".join(re.escape(s) for s in vocabulary().org_suffixes)
    return re.compile(rf"^(?:[\[(（]?\d{{3,}}[\])）]?\s*)?(?P<name>\S{{4,40}}?(?:{suffixes}))$")


def is_year_line(text: str) -> bool:
    """A line holding only the budget year: "(2026) 年度", "(2022 年度)", "2023年度"."""
    return bool(_YEAR_LINE.match(fold(text)))


def org_name(row: RawRow) -> str | None:
    """An unlabelled organisation line in a form's head ("207101天津市河北区人民法院")."""
    if not 1 <= len(row.cells) <= 2:
        return None
    match = _org_line().match(row.cells[0].text.strip())
    return match.group("name") if match else None


def title_of(row: RawRow) -> str | None:
    """The title a row holds: one cell with a title marker, beside short labels at most
    ("标 题: | 同心县…绩效目标设定")."""
    filled = row.cells
    if len(filled) > 3:
        return None
    titled = [
        c
        for c in filled
        if len(c.text) <= _TITLE_MAX and _has_title_marker(c.text) and not _SENTENCE.search(c.text)
    ]
    others = [c for c in filled if c not in titled]
    if len(titled) != 1 or any(len(fold(c.text)) > 4 for c in others):
        return None
    return _QUOTED_TITLE.sub("", titled[0].text).strip()


# a page's words before a title it quotes ("更多相关《…绩效自评表》"), and the closing mark
_QUOTED_TITLE: Final = re.compile(r"^[^《“「\"]*[《“「\"](?=[^《“「\"》”」]*绩效)|[》”」\"]\s*$")


_HAS_TITLE_MARKER_MEMO: Final[dict[str, bool]] = memo_table({}, from_vocabulary=True)


def _has_title_marker(text: str) -> bool:
    """_holds_title_marker, remembered by text (jixiao.vocab.memo_table)."""
    if text in _HAS_TITLE_MARKER_MEMO:
        return _HAS_TITLE_MARKER_MEMO[text]
    return remember(_HAS_TITLE_MARKER_MEMO, text, _holds_title_marker(text), 65536)


def _holds_title_marker(text: str) -> bool:
    folded = fold(text)
    return any(marker in folded for marker in vocabulary().title_markers)


_OTHER_TABLE: Final = re.compile(
    r"^(?:附表|附件|表\s*\d)|(?:统计表|明细表|清单|一览表|汇总表)[)）]?$"
)
# every branch of _OTHER_TABLE holds one of these (a test many times cheaper than its search)
_OTHER_TABLE_WORDS: Final[tuple[str, ...]] = ("表", "附件", "清单")


def is_other_table_title(row: RawRow) -> bool:
    """A one-line heading of some other table after the form ("附表: 三公经费统计表")."""
    filled = row.cells
    return len(filled) == 1 and is_other_table_text(filled[0].text)


def is_other_table_text(text: str) -> bool:
    """The heading of some other table ("附表: 三公经费统计表", "…资金安排明细表")."""
    if len(text) > 40:
        return False
    for word in _OTHER_TABLE_WORDS:  # a plain loop: compiled, no generator per text
        if word in text:
            return bool(_OTHER_TABLE.search(text))
    return False


def is_title(row: RawRow) -> bool:
    return title_of(row) is not None


def is_title_text(text: str) -> bool:
    """A short text naming a form (项目支出绩效目标表, 部门整体支出绩效自评表)."""
    return len(text) <= _TITLE_MAX and _has_title_marker(text)


@derived
@lru_cache(maxsize=65536)
def field_of(text: str) -> str | None:
    """The canonical metadata field a label names ("部门(单位)名称" -> department)."""
    return vocabulary().fields.get(fold(text).rstrip(":"))


@derived
@lru_cache(maxsize=1)
def _footer_pattern() -> re.Pattern[str]:
    labels = sorted(vocabulary().footer, key=len, reverse=True)
    return re.compile("(" + "|".join(re.escape(label) for label in labels) + r")\s*[:：]")


# a total line: "合计", "合 计(100分)", "总分:"; not "总计划完成率"
_TOTAL: Final = re.compile(r"^(?:合计|总计|小计|总分|总得分|合计得分|得分合计|分总)(?:\(.*\))?:?$")
# a sign-off line: "项目负责人(签字)", "财政资金管理科室(盖章)", "负责人签字:", "审核意见"
# (not "推行电子签章": a bare 签章/签名 at the end may be an indicator's object)
_SIGN_OFF: Final = re.compile(
    r"\((?:签字|签章|盖章|签名)\)|签字:?$|盖章:?$|审(?<=^审)(?:核|批|查)意见:?$"
)


def is_total(folded: str) -> bool:
    """A total line's label, folded ("合计", "总分(100分)")."""
    return bool(_TOTAL.match(folded))


def is_sign_off(folded: str) -> bool:
    """A sign-off label, folded ("项目负责人(签字)", "审核意见")."""
    return bool(_SIGN_OFF.search(folded))


def footer_label(folded: str) -> bool:
    """A footer label alone (填表人, 联系电话), folded."""
    return folded.rstrip(":") in vocabulary().footer


def _holds_colon(text: str) -> bool:
    """A footer label is followed by a colon: a text without one holds no footer pair (a
    test many times cheaper than a search for the labels)."""
    return ":" in text or "：" in text


def footer_pairs(text: str) -> dict[str, str] | None:
    """Footer "label: value" pairs of a line, or None when the line is not a footer line."""
    if not _holds_colon(text):
        return None
    folded = _single_spaced(text).strip().replace("：", ":")
    pattern = _footer_pattern()
    if pattern.match(folded) is None:
        return None  # the line opens with no footer label (most lines): no search through it
    matches = list(pattern.finditer(folded))
    pairs: dict[str, str] = {}
    for match, nxt in zip(matches, [*matches[1:], None]):
        key = vocabulary().footer[match.group(1)]
        value = folded[match.end() : nxt.start() if nxt else len(folded)].strip()
        if key != "other" and key not in pairs:
            pairs[key] = value
    return pairs


def _single_spaced(text: str) -> str:
    """`_BLANKS.sub(" ", text)`, the regex spared where it would change nothing (no tab, no
    ideographic space, no two spaces in a row: most lines)."""
    if "  " not in text and "\t" not in text and "\u3000" not in text:
        return text
    return _BLANKS.sub(" ", text)


@dataclass(slots=True, init=False, unsafe_hash=True)
class SignedFooter:
    """A footer line that opens with a head label: "填报单位(盖章): 某局 填表人: 张三
    联系电话: …", printed blank as often ("填报单位: 填表人: 联系电话:")."""

    fields: dict[str, str]  # head fields before the first footer label (may be empty)
    pairs: dict[str, str]  # the footer's own pairs

    def __init__(self, fields: dict[str, str], pairs: dict[str, str]) -> None:
        self.fields = fields
        self.pairs = pairs


def signed_footer(text: str) -> SignedFooter | None:
    """The line as a footer opening with a head label, or None when it opens with none or
    holds no footer label after it."""
    if not _holds_colon(text):
        return None
    line = _BLANKS.sub(" ", text).strip().replace("：", ":")
    match = _footer_pattern().search(line)
    if match is None or match.start() == 0:
        return None
    groups = _glued_groups((RawCell(line[: match.start()].strip(), 0),))
    if not groups:
        return None
    fields = {
        field: cells[0].text.strip()
        for field, cells in groups
        if cells and STAMP_NOISE.sub("", cells[0].text).strip()
    }
    return SignedFooter(fields, footer_pairs(line[match.start() :]) or {})


def is_task_header(row: RawRow) -> bool:
    columns = vocabulary().task_columns
    filled = row.cells
    return 0 < len(filled) <= 3 and all(fold(c.text) in columns for c in filled)


class HeadReader:
    """Feeds the rows above the indicator table into a RawForm."""

    def __init__(self, form: RawForm) -> None:
        self.form = form
        self.section: str | None = None
        self.pending: str | None = None  # a label alone on its row; its value comes next

    def feed(self, row: RawRow) -> bool:
        """Read one row; return True when it was a metadata row."""
        if is_task_header(row):
            self.section = "tasks"
            return True
        groups = _label_groups(row.cells) or _glued_groups(row.cells)
        if groups:
            self.pending = None
            for field, content in groups:
                if content:
                    self._store(field, content)
                elif len(row.cells) == 1:
                    self.pending = field
            return True
        if self.pending is not None:
            field, self.pending = self.pending, None
            self._store(field, list(row.cells))
            return True
        if self._budget_pairs(row.cells):
            return True
        if self.section in ("tasks", "budget") and row.cells and row.cells[0].col > 0:
            self._store(self.section, list(row.cells))
            return True
        return False

    def _budget_pairs(self, cells: tuple[RawCell, ...]) -> bool:
        """Rows like "项目金额 | 164万元 | 其中:当年市级财政资金 | 132万元" outside a section."""
        pairs = budget_amounts([c.text for c in cells])
        for key, amount in pairs:
            self.form.budget.setdefault(key, amount)
        return bool(pairs)

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
            value = self._cut_at_footer(" ".join(texts))
            if STAMP_NOISE.sub("", value).strip():
                self.form.fields[field] = value

    def _cut_at_footer(self, value: str) -> str:
        """A head value with a footer label after it on its line ("塘湖镇政府 填报日期:
        2021.5.18"): the value before it; the footer's pairs kept with the form."""
        if not _holds_colon(value):
            return value
        match = _footer_pattern().search(value.replace("：", ":"))
        if match is None:
            return value
        for key, text in (footer_pairs(value[match.start() :]) or {}).items():
            self.form.footer.setdefault(key, text)
        return value[: match.start()].strip()

    def _budget_line(self, texts: list[str]) -> None:
        """A budget section's line: each amount goes to the budget label printed right before
        it ("年度资金总额 | 120 | 其中:财政拨款 | 100 | 其他资金 | 20"); a line whose first
        label names no budget field gives its first amount to the first label that does."""
        labels = [t for t in texts if cell_type(t) is not CELLTYPE_NUMBER]
        if not labels or len(labels) == len(texts):
            return
        unit = _AMOUNT_UNIT.search(labels[0])
        if unit:
            self.form.budget_unit = unit.group(1)
        pairs = budget_amounts(texts)
        for key, amount in pairs or _first_budget_amount(texts):
            self.form.budget.setdefault(key, amount)


def budget_amounts(texts: list[str]) -> list[tuple[str, str]]:
    """(Budget field, amount) for each budget label followed directly by an amount."""
    pairs = []
    for label, amount in zip(texts, texts[1:]):
        key = budget_key(label)
        if key is not None and cell_type(amount) is CELLTYPE_NUMBER:
            pairs.append((key, amount))
    return pairs


def _first_budget_amount(texts: list[str]) -> list[tuple[str, str]]:
    """The line's first budget label with its first amount (amounts under a column label:
    "年度资金总额 | 金额(万元) | 6.30")."""
    keys = [k for k in map(budget_key, texts) if k is not None]
    amounts = [t for t in texts if cell_type(t) is CELLTYPE_NUMBER]
    return [(keys[0], amounts[0])] if keys and amounts else []


@derived
@lru_cache(maxsize=65536)
def budget_key(label: str) -> str | None:
    """The Budget field a budget line's label names, by its longest matching ending."""
    folded = _AMOUNT_UNIT.sub("", fold(label)).rstrip(":")
    best: tuple[int, str] | None = None
    for variant, key in vocabulary().budget.items():
        if folded.endswith(variant) and (best is None or len(variant) > best[0]):
            best = (len(variant), key)
    return best[1] if best else None


def _glued_groups(cells: tuple[RawCell, ...]) -> list[tuple[str, list[RawCell]]]:
    """A one-cell row with labels glued to their values: "项目名称甲项目主管部门乙局"."""
    if len(cells) != 1:
        return []
    cell = cells[0]
    # folded word by word: a space still parts a value from the next label ("…项目 主管部门"
    # is no 项目主管部门); a label printed letter-spaced ("项 目 名 称") is still one
    folded = fold_words_with_positions(cell.text)[0]
    text = cell.text if len(folded) == len(cell.text) else folded  # slice the print if we can
    matches = list(field_labels(letter_spaced=True).finditer(folded))
    if not matches or matches[0].start() != 0:
        return []
    groups: list[tuple[str, list[RawCell]]] = []
    for match, nxt in zip(matches, [*matches[1:], None]):
        value = text[match.end() : nxt.start() if nxt else len(text)].lstrip(":： ")
        field = field_of(match.group())
        if field is None:
            continue
        groups.append((field, [RawCell(value, cell.col, cell.line, cell.page)] if value else []))
    return groups


def opens_head(row: RawRow) -> bool:
    """A row that starts a form's head: a field label first, labels glued to values, or the
    task table's column labels."""
    cells = row.cells
    if not cells:
        return False
    if field_of(cells[0].text) is not None:
        return True
    return bool(_glued_groups(cells)) or is_task_header(row)


def _label_groups(cells: tuple[RawCell, ...]) -> list[tuple[str, list[RawCell]]]:
    """Split a row into (field, content cells) groups at each metadata label cell."""
    groups: list[tuple[str, list[RawCell]]] = []
    open_ = False  # the last label still takes cells
    for cell in cells:
        field = field_of(cell.text)
        if field is not None:
            groups.append((field, []))
            open_ = True
        elif groups and groups[-1][0] != "budget" and _other_label(cell.text):
            open_ = False  # "项目名称 | 预算数 | 年度目标": a header row
        elif groups and open_:
            groups[-1][1].append(cell)
    if groups and field_of(cells[0].text) is None:
        return []  # a label must open the row
    return groups


def _other_label(text: str) -> bool:
    """A budget label or a column label: never a head field's value."""
    return budget_key(text) is not None or fold(text) in vocabulary().headers


_GLUED_TITLE: Final = re.compile(
    r"(?:[^,，:：。;；、《》“”\"\d\s]{2,30}?)?(?:(?:19|20)\d{2}\s*年度?)?[^,，:：。;；\d]{2,40}?(?:绩效目标自评表|绩效自评表|绩效目标表|绩效目标申报表)(?:[(（]\s*\d{4}\s*年度?\s*[)）])?"
)


def glued_head_segments(text: str) -> list[str]:
    """A form head glued into one string, cut before each field label; the title, when one
    is embedded in running text before the first label, becomes its own segment (a label
    inside it, 绩效目标 in …整体绩效目标表, cuts nothing). Labels and titles are found in
    the folded text (traditional characters, pinyin glosses), segments cut from the printed."""
    if not text:
        return []
    folded, positions = fold_words_with_positions(text)
    labels = [m.start() for m in field_labels(letter_spaced=True).finditer(folded)]
    title = None
    for match in _GLUED_TITLE.finditer(folded):
        if any(label < match.start() for label in labels):
            break
        title = match
    segments = []
    start = 0
    if title is not None:
        segments.append(text[positions[title.start()] : positions[title.end()]])
        start = title.end()
        labels = [label for label in labels if label >= start]
    cuts = sorted({start, *labels, len(folded)})  # a longer label holding a shorter is whole
    segments += [text[positions[a] : positions[b]] for a, b in zip(cuts, cuts[1:]) if b > a]
    return [segment for segment in segments if segment.strip()]
