"""Form-level fields: form type, year, goals, budget amounts, contacts."""

from __future__ import annotations

import re
from typing import Final

from jixiao.models import Budget, Contacts, Task
from jixiao.normalizers.dates import iso_date
from jixiao.normalizers.numbers import parse_number
from jixiao.parsers.header import is_self_eval
from jixiao.parsers.metadata import STAMP_NOISE, find_year
from jixiao.parsers.prose_head import title_parts
from jixiao.records import RawForm
from jixiao.text import clean, fold
from jixiao.vocab import vocabulary

# Enumerations that number goals, tried in this order; the first that opens the text wins.
_GOAL_MARKERS: Final[tuple[re.Pattern[str], ...]] = (
    re.compile(r"目标\s*\d+\s*[:：]"),
    re.compile(r"[一二三四五六七八九十]+\s*[、.．]"),
    re.compile(r"[(（][一二三四五六七八九十]+[)）]"),
    re.compile(r"(?<![\d.])\d{1,2}\s*[、.．](?!\d)"),
    re.compile(r"[(（]\d{1,2}[)）]"),
)
_TRAILING: Final = " ;；,，"
_AMOUNT_SCALE: Final = {"万元": 1.0, "元": 1e-4, "亿元": 1e4}


def form_type(raw: RawForm) -> str:
    title = fold(raw.title or "")
    markers = vocabulary().form_type_markers
    self_eval = any(m in title for m in markers["self_eval"]) or is_self_eval(raw.header)
    if any(m in title for m in markers["department"]):
        kind = "department"
    elif any(m in title for m in markers["project"]) or "project" in raw.fields:
        kind = "project"
    elif "department" in raw.fields:
        kind = "department"
    else:
        return "unknown"
    return f"{kind}_self_eval" if self_eval else f"{kind}_target"


def form_year(raw: RawForm) -> int | None:
    for text in (raw.year_text, raw.title, raw.fields.get("period")):
        year = find_year(text) if text else None
        if year:
            return int(year)
    return None


def split_goals(text: str | None) -> list[str]:
    """One item per numbered goal; the enumerator itself is dropped."""
    if not text:
        return []
    text = clean(text)
    for marker in _GOAL_MARKERS:
        matches = list(marker.finditer(text))
        if len(matches) >= 2 and matches[0].start() == 0:
            ends = [m.start() for m in matches[1:]] + [len(text)]
            items = [text[m.end() : end].strip().rstrip(_TRAILING) for m, end in zip(matches, ends)]
            return [item for item in items if item]
    return [text] if text else []


def budget(raw: RawForm) -> Budget:
    scale = _AMOUNT_SCALE.get(raw.budget_unit or "万元", 1.0)
    amounts: dict[str, float | None] = {}
    for key, printed in raw.budget.items():
        number = parse_number(fold(printed).removesuffix("万元").removesuffix("万"))
        amounts[key] = round(number * scale, 6) if number is not None else None
    return Budget(**amounts)


def contacts(raw: RawForm) -> Contacts:
    footer = raw.footer
    return Contacts(
        filled_by=footer.get("filled_by") or None,
        phone=footer.get("phone") or None,
        fill_date=iso_date(footer.get("fill_date")),
        head=footer.get("head") or None,
    )


def tasks(raw: RawForm) -> list[Task]:
    return [Task(name=name, content=content) for name, content in raw.tasks]


_CODE_PREFIX: Final = re.compile(
    r"^(?:[\[(（]\s*\d{2,}\s*[\])）]|\d{3,}(?=[\u4e00-\u9fff])|\d{2,}\s*-\s*)"
)
_CODE_SUFFIX: Final = re.compile(r"\s+\d{3,}$")


_TITLE_SUFFIX: Final = re.compile(
    r"(?:支出)?(?:绩效目标(?:设定|申报表|批复表|自评表|表)?|绩效自评表|绩效评价表|绩效(?:评价)?指标表)$"
)


def project(raw: RawForm) -> str | None:
    """项目名称; for a project form without one, the title less its form words."""
    named = text_field(raw, "project")
    if named or not raw.title:
        return named
    stem = _TITLE_SUFFIX.sub("", clean(raw.title))
    return stem if stem != raw.title and stem.endswith("项目") else None


def text_field(raw: RawForm, key: str) -> str | None:
    value = raw.fields.get(key)
    return clean(value) if value else None


def organisation(text: str | None) -> str | None:
    """An organisation name without codes ("(433)…", "219-…", "… 308001") or stamps."""
    if not text:
        return None
    text = STAMP_NOISE.sub("", clean(text))
    text = _CODE_SUFFIX.sub("", _CODE_PREFIX.sub("", text)).strip()
    # a "*" marking the next label as required is no part of the name; "****" is redacted
    return text.rstrip(" *＊") or text or None


def department(raw: RawForm) -> str | None:
    """The department a head label names, an organisation line of the head, the implementer;
    else the organisation a title opens with ("重庆市梁平区林业局2022年度部门整体绩效自评表")."""
    for candidate in (raw.fields.get("department"), raw.department, raw.fields.get("implementer")):
        name = organisation(candidate)
        if name:
            return name
    return organisation(title_parts(raw.title).department) if raw.title else None
