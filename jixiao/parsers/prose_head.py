"""The head of a notice or report written in prose.

Such a page has no labelled head: its title line names the project, and often the department
and the year: "永兴县水利局2019年度九山河…专项资金绩效评价报告" is department 永兴县水利局, year
2019, project 九山河…专项资金; "同心县2025年设施农业技术培训项目绩效目标设定" opens with a place,
so the project keeps it. Without a project in the title, a notice names it in its preamble
("…,2019年高等职业院校国家助学金资助补助资金项目由…实施"); without a department, the page's
publisher label ("发布机构", "来源:") names it. Labelled fields always win.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jixiao.parsers.metadata import find_year
from jixiao.parsers.prose_clauses import Keyed, Span, words
from jixiao.records import RawForm, TextLine
from jixiao.repairs import strip_pinyin
from jixiao.text import clean, fold
from jixiao.vocab import derived, vocabulary

_TITLE_MAX = 60
_SENTENCE = re.compile(r"[,;。:]")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年度?")
_FIELD_END = " 。.;,，；"


@dataclass(frozen=True, slots=True)
class TitleParts:
    department: str | None
    project: str | None


def complete_head(form: RawForm, head: tuple[TextLine, ...]) -> None:
    """Fill the title, project, department and year a prose form's head leaves out."""
    lines = [Keyed.of(text) for line in head if (text := clean(line.text))]
    for key in ("project", "department", "implementer"):
        if key in form.fields:
            form.fields[key] = form.fields[key].rstrip(_FIELD_END)
    if form.title is None:
        form.title = title(lines)
    parts = title_parts(form.title) if form.title else TitleParts(None, None)
    if "project" not in form.fields:
        project = parts.project or preamble_project(lines)
        if project:
            form.fields["project"] = project
    if "department" not in form.fields:
        form.department = parts.department or publisher(lines) or form.department
        form.department = form.department or org_line(lines)
    if not _has_year(form):
        form.year_text = _first_year([form.fields.get("project", "")]) or _first_year(
            [line.text for line in lines]
        )


def title(lines: list[Keyed]) -> str | None:
    """The first short line ending with a title marker ("…项目公示", "…绩效自评报告"; a
    bracketed note after it is allowed) and holding no sentence punctuation."""
    markers = (*words("titles", "markers"), *vocabulary().title_markers)
    for line in lines:
        key = _BRACKETED_END.sub("", line.key.strip())
        if len(key) > _TITLE_MAX or _SENTENCE.search(key):
            continue
        if any(key.endswith(m) and len(key) > len(m) + 2 for m in markers):
            return line.text.strip()
    return None


_BRACKETED_END = re.compile(r"\([^()]{1,12}\)$")


def title_parts(text: str) -> TitleParts:
    """Department and project of a title: [department][year][project][form words]."""
    keyed = Keyed.of(clean(text))
    start, end = _stem(keyed.key)
    year = _YEAR.search(keyed.key, start, end)
    before, after = (
        ((start, year.start()), (year.end(), end)) if year else ((start, end), (end, end))
    )
    if is_org(keyed.key[slice(*before)]):
        project = after if after[1] > after[0] else None
        return TitleParts(_printed(keyed, before), _printed(keyed, project))
    if before[1] == before[0]:
        return TitleParts(None, _printed(keyed, after))
    return TitleParts(None, _printed(keyed, (start, end) if after[1] > after[0] else before))


def _stem(key: str) -> Span:
    start, end = 0, len(key)
    opener = next((w for w in words("titles", "openers") if key.startswith(w)), None)
    if opener:
        start = len(opener)
    for pattern in _suffixes():
        match = pattern.search(key, start, end)
        if match is not None and match.start() > start:
            end = match.start()
    return start, end


@derived
@lru_cache(maxsize=1)
def _suffixes() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in words("titles", "suffixes"))


def _printed(keyed: Keyed, span: Span | None) -> str | None:
    """The printed text of a span, without the pinyin glosses a crawler put in it."""
    if span is None or span[1] <= span[0]:
        return None
    return strip_pinyin(keyed.printed(*span))[0].strip() or None


def is_org(key: str) -> bool:
    """An organisation name: it ends with 局, 委员会, 学院, 残联 ... (not a place: 县, 区)."""
    return len(key) >= 3 and key.endswith(vocabulary().org_suffixes)


@derived
@lru_cache(maxsize=1)
def _preamble_project() -> re.Pattern[str]:
    followers = "|".join(re.escape(w) for w in words("titles", "project_followers"))
    return re.compile(rf"(?:19|20)\d{{2}}年度?[^,;。:\"“”]{{2,40}}?项目(?={followers})")


def preamble_project(lines: list[Keyed]) -> str | None:
    """ "…,2019年高等职业院校国家助学金资助补助资金项目由…实施完成": the project a notice names."""
    for line in lines:
        match = _preamble_project().search(line.key)
        if match is not None:
            return _printed(line, (match.start(), match.end()))
    return None


@derived
@lru_cache(maxsize=1)
def _publisher() -> re.Pattern[str]:
    labels = "|".join(re.escape(w) for w in words("titles", "publishers"))
    return re.compile(rf"(?:{labels})\s*[:|]?\s*(?P<org>[^\s|:]{{3,30}})")


def publisher(lines: list[Keyed]) -> str | None:
    """The organisation a publisher label names ("发布机构 施甸县农业农村局", "来源:…局")."""
    for line in lines:
        for match in _publisher().finditer(line.key):
            if is_org(match.group("org")):
                return _printed(line, (match.start("org"), match.end("org")))
    return None


def org_line(lines: list[Keyed]) -> str | None:
    """A line that is only an organisation name ("昌吉州第四中學")."""
    for line in lines:
        key = line.key.strip()
        if len(key) <= 30 and " " not in key and not _SENTENCE.search(key) and is_org(key):
            return strip_pinyin(line.text)[0].strip()
    return None


def _has_year(form: RawForm) -> bool:
    texts = (form.year_text, form.title, form.fields.get("period"))
    return any(find_year(text) for text in texts if text)


def _first_year(texts: list[str]) -> str | None:
    for text in texts:
        match = _YEAR.search(fold(text)) if text else None
        if match is not None:
            return match.group()
    return None
