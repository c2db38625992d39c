"""Printed scoring rules (评(扣)分标准, DOMAIN.md section (e)) as typed rules, and their scores.

`parse_rule` recognises the common patterns; `rule_score` gives the points the rule awards for
an actual value. Steps count whole steps (floor): "每降低百分之二扣1分" takes 1 point for a
shortfall of 2 to 3.99 points; "每少10个百分点以内扣1分" ("within") counts started steps (ceil).
A reported score agrees when it is within SCORE_TOLERANCE of the computed one (forms round).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from jixiao.text import fold

SCORE_TOLERANCE = 0.05

_NUM = r"(\d+(?:\.\d+)?)"
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True)
class Rule:
    """One parsed scoring rule; `pattern` is the DOMAIN.md (e) number (E1 ... E11)."""

    pattern: str
    full: float | None = None
    threshold: float | None = None
    step: float | None = None
    deduct: float | None = None
    started_steps: bool = False  # "以内": a started step counts
    upper: bool = False  # the threshold is a ceiling: deduct for going above it
    bands: tuple[tuple[float, float], ...] = ()  # (lower bound, points), highest first
    words: tuple[tuple[str, float], ...] = ()  # qualitative word -> points
    deadline: date | None = None


def _cn_number(text: str) -> str:
    """Chinese counts below 100 to digits ("百分之二" -> "2%", "一分" -> "1分"), not "一般"."""
    digits = "".join(_CN_DIGITS)

    def repl(m: re.Match[str]) -> str:
        tens, ten, ones = m.group(1), m.group(2), m.group(3)
        if not ten:
            return str(_CN_DIGITS[tens or ones])
        return str((_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0))

    numeral = f"([{digits}])?(十)?([{digits}])?"
    text = re.sub(
        "百分之" + numeral, lambda m: repl(m) + "%" if m.group(0) != "百分之" else "", text
    )
    return re.sub(
        numeral + "(?=个|分|天|项|次|件|篇|人|%)", lambda m: repl(m) if m.group(0) else "", text
    )


def normalize(text: str) -> str:
    """Fold width and punctuation, Chinese numerals to digits, 百分之N to N%."""
    out = fold(text).replace(" ", "").replace("，", ",").replace("；", ";").replace("。", "")
    out = re.sub(r"每个(百分点|天|项)", r"每1个\1", out)
    out = _cn_number(out)
    out = re.sub(r"百分之" + _NUM, r"\1%", out)
    return out.replace("个百分点", "%").replace("百分点", "%")


def _f(text: str | None) -> float | None:
    return float(text) if text is not None else None


def _full(text: str, weight: float | None) -> float | None:
    m = re.search(r"共计" + _NUM + "分", text) or re.search(r"得满分" + _NUM + "分", text)
    return float(m.group(1)) if m else weight


def _ratio(text: str, weight: float | None) -> Rule | None:
    if re.search(r"(实际值|实际完成值|完成值)/(计划值|目标值|指标值)", text):
        return Rule("E1", full=_full(text, weight))
    if re.search(r"(计划值|目标值|指标值)/(实际值|实际完成值|完成值)", text):
        return Rule("E2", full=_full(text, weight))
    return None


def _step(text: str, weight: float | None) -> Rule | None:
    pct = re.search(
        r"(?:达到|控制在|不高于|不超过)" + _NUM + r"%(?:以上|以内|以下)?(?:的)?得(?:满分|" + _NUM
        + r"分).*?每(降低|减少|少|下降|低于|超过|超出|高于)" + _NUM + r"%(以内)?(?:的)?扣"
        + _NUM + "分",
        text,
    )  # fmt: skip
    if pct:
        full = _f(pct.group(2)) or _full(text, weight)
        pattern = "E11" if "共计" in text else "E3"
        return Rule(
            pattern, full, float(pct.group(1)), float(pct.group(4)), float(pct.group(6)),
            bool(pct.group(5)), upper=pct.group(3) in ("超过", "超出", "高于"),
        )  # fmt: skip
    count = re.search(
        r"(?:大于等于|≥|达到|不少于)" + _NUM + r"[^\d,;%]{0,3}得" + _NUM
        + r"分.*?(?:少|减少|每少)" + _NUM + r"[^\d,;%]{0,3}扣" + _NUM + "分",
        text,
    )  # fmt: skip
    if count:
        return Rule(
            "E4", float(count.group(2)), float(count.group(1)), float(count.group(3)),
            float(count.group(4)),
        )  # fmt: skip
    return None


def _deadline_rule(text: str) -> Rule | None:
    m = re.search(
        r"(\d{4})年(\d{1,2})月(\d{1,2})日(?:前|之前|以前)完成(?:的)?得" + _NUM
        + r"分.*?每(?:推迟|延迟|延期|超期)" + _NUM + "天扣" + _NUM + "分",
        text,
    )  # fmt: skip
    if not m:
        return None
    try:
        when = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return Rule("E5", float(m.group(4)), None, float(m.group(5)), float(m.group(6)), deadline=when)


def _overrun(text: str) -> Rule | None:
    m = re.search(
        r"控制在.*?范围内.*?得" + _NUM + r"分.*?每超出" + _NUM + r"%.*?扣" + _NUM + "分", text
    )
    if not m:
        return None
    return Rule("E6", float(m.group(1)), None, float(m.group(2)), float(m.group(3)))


def _bands(text: str) -> Rule | None:
    bands: list[tuple[float, float]] = []
    for part in re.split(r"[,;]", text):
        low = re.search(r"(?:大于等于|≥|不低于|达到)" + _NUM + r"%?(?:以上)?", part)
        points = re.search(r"得" + _NUM + "分", part)
        if low and points:
            bands.append((float(low.group(1)), float(points.group(1))))
    if len(bands) < 2:
        return None
    return Rule("E7", full=max(p for _, p in bands), bands=tuple(sorted(bands, reverse=True)))


def _qualitative(text: str) -> Rule | None:
    words: list[tuple[str, float]] = []
    for part in re.split(r"[,;]", text):
        m = re.fullmatch(r"([^\d%≥≤<>]{2,8}?)的?得" + _NUM + "分", part)
        if m and not re.search(r"否则|其他|未|达到|完成", m.group(1)):
            words.append((m.group(1), float(m.group(2))))
    if not words:
        return None
    return Rule("E8", full=max(p for _, p in words), words=tuple(words))


def parse_rule(text: str | None, weight: float | None = None) -> Rule | None:
    """The typed rule of a printed scoring text, or None when no common pattern fits."""
    if not text:
        return None
    norm = normalize(text)
    for parse in (_ratio, _step):
        rule = parse(norm, weight)
        if rule is not None:
            return rule
    return _deadline_rule(norm) or _overrun(norm) or _bands(norm) or _qualitative(norm)


def _steps(amount: float, rule: Rule) -> float:
    n = amount / rule.step if rule.step else 0.0
    return math.ceil(n - 1e-9) if rule.started_steps else math.floor(n + 1e-9)


def _deduct(rule: Rule, shortfall: float) -> float | None:
    if rule.full is None or rule.deduct is None or not rule.step:
        return None
    if shortfall <= 0:
        return rule.full
    return max(0.0, rule.full - _steps(shortfall, rule) * rule.deduct)


def _ratio_score(rule: Rule, actual: float | None, target: float | None) -> float | None:
    if rule.full is None or actual is None or target is None:
        return None
    if rule.pattern == "E1":
        return rule.full if actual >= target else rule.full * actual / target if target else None
    if actual <= target:
        return rule.full
    return rule.full * target / actual if actual else None


def rule_score(
    rule: Rule,
    actual: float | None,
    actual_text: str | None,
    target: float | None,
    actual_date: date | None = None,
) -> float | None:
    """Points the rule awards for an actual; None when the inputs do not allow it."""
    if rule.pattern in ("E1", "E2"):
        return _ratio_score(rule, actual, target)
    if rule.pattern in ("E3", "E11", "E4"):
        if actual is None or rule.threshold is None:
            return None
        gap = actual - rule.threshold if rule.upper else rule.threshold - actual
        return _deduct(rule, gap)
    if rule.pattern == "E5":
        if actual_date is None or rule.deadline is None:
            return None
        return _deduct(rule, (actual_date - rule.deadline).days)
    if rule.pattern == "E6":
        if actual is None or not target:
            return None
        return _deduct(rule, (actual - target) / target * 100)
    if rule.pattern == "E7":
        if actual is None:
            return None
        return next((p for low, p in rule.bands if actual >= low), 0.0)
    if rule.pattern == "E8" and actual_text:
        text = fold(actual_text)
        return next((p for word, p in rule.words if word in text), 0.0)
    return None


def agrees(computed: float | None, reported: float | None) -> bool | None:
    """Whether a reported score equals the computed one (None when either is missing)."""
    if computed is None or reported is None:
        return None
    return abs(computed - reported) <= SCORE_TOLERANCE
