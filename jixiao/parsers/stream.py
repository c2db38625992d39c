"""Assessment sheets dumped as a broken CSV stream: quoted fields whose record boundaries
were lost ("…","20", ,"结转结余情况","结转结余率","结转结余率=本年…").

Rows are anchored on the indicator whose explanation restates it as a formula
("结转结余率" followed by "结转结余率=…"); the fields up to the next anchor give the target,
the scoring rule and the weight, recognised by content.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from jixiao.parsers.cells import CellType, cell_type
from jixiao.parsers.tabular import FormAssembler
from jixiao.records import RawCell, RawForm, RawIndicator, Role, TextLine
from jixiao.text import clean

_QUOTED = re.compile(r'"((?:[^"]|"")*)"')


def _fields(lines: tuple[TextLine, ...]) -> list[tuple[str, TextLine]]:
    """The quoted fields of the text, each with the line it starts on."""
    text = "\n".join([line.text for line in lines])
    if '"' not in text:  # the common case: a text that is no CSV stream
        return []
    starts = [0]  # where each line starts in `text`
    for line in lines:
        starts.append(starts[-1] + len(line.text) + 1)
    fields = []
    for match in _QUOTED.finditer(text):
        index = bisect_right(starts, match.start()) - 1
        fields.append((clean(match.group(1).replace('""', '"')), lines[index]))
    return fields


_BRACKETED = re.compile(r"[(（][^)）]*[)）]")


def _is_anchor(name: str, following: str) -> bool:
    """`following` restates `name` as a formula: "结转结余率=…"; a bracketed part of the
    name may be left out ("应付账款(暂存款)变动率" / "应付账款变动率=…")."""
    if not 2 <= len(name) <= 30 or "=" not in following[: len(name) + 2]:
        return False
    head = following.split("=", 1)[0].strip()
    return head == name or _BRACKETED.sub("", head) == _BRACKETED.sub("", name)


def parse_formula_stream(lines: tuple[TextLine, ...]) -> list[RawForm]:
    fields = _fields(lines)
    anchors = [i for i in range(len(fields) - 1) if _is_anchor(fields[i][0], fields[i + 1][0])]
    if not anchors:
        return []
    assembler = FormAssembler()
    assembler.open_table()
    for k, i in enumerate(anchors):
        end = anchors[k + 1] if k + 1 < len(anchors) else len(fields)
        name, line = fields[i]
        cells = {Role.NAME: name, Role.EXPLANATION: fields[i + 1][0]}
        for text, _ in fields[i + 2 : end]:
            kind = cell_type(text)
            if kind is CellType.NUMBER and Role.VALUE not in cells and Role.SCORING not in cells:
                cells[Role.VALUE] = text
            elif kind is CellType.SCORING and Role.SCORING not in cells:
                cells[Role.SCORING] = text
            elif kind is CellType.NUMBER and Role.SCORING in cells and Role.WEIGHT not in cells:
                cells[Role.WEIGHT] = text
        if Role.VALUE not in cells:
            continue
        raw = {role: RawCell(text, 0, line.number, line.page) for role, text in cells.items()}
        assembler.add(RawIndicator(raw, False, line.number, line.page), line.number)
    return assembler.finish()
