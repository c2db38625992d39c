"""Every scoring-rule pattern of DOMAIN.md section (e): parsed, then scored for an actual."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.scoring import agrees, normalize, parse_rule, rule_score

ZJ = "满意度大于等于95%的得10分, 满意度小于95%且大于等于80%的得8分, 满意度小于80%且大于等于60%的得6分, 满意度小于60%的不得分。"

# (rule text, weight, actual, actual text, target, actual date, pattern, expected score)
CASES = [
    # E1 full-or-ratio [SEED 001]
    ("达到计划值得满分2分, 否则按实际值/计划值*指标分值计分", None, 45, None, 50, None, "E1", 1.8),
    ("达到计划值得满分2分, 否则按实际值/计划值*指标分值计分", None, 60, None, 50, None, "E1", 2.0),
    # E2 reverse ratio for <= indicators [S-28]
    ("年度指标值/实际值×分值", 10, 12.5, None, 10, None, "E2", 8.0),
    ("年度指标值/实际值×分值", 10, 9, None, 10, None, "E2", 10.0),
    # E3 threshold + step on percentage points [SEED 004, S-17, S-22]
    ("该指标达到95%得5分,每降低百分之二扣1分。", None, 90, None, 95, None, "E3", 3.0),
    ("该指标达到95%得5分,每降低百分之二扣1分。", None, 96, None, 95, None, "E3", 5.0),
    ("达到90%得满分,每少10个百分点以内扣1分,扣完为止", 5, 85, None, 90, None, "E3", 4.0),
    ("结余率控制在5%以内得满分,每超过一个百分点扣0.1分,扣完为止", 3, 8, None, 5, None, "E3", 2.7),
    # E4 threshold + step on a count [SEED 004]
    ("调研报告大于等于5个得5分,少1个扣一分,扣完为止。", None, 3, None, 5, None, "E4", 3.0),
    ("督查大于等于30次得5分,少1个扣一分,扣完为止。", None, 10, None, 30, None, "E4", 0.0),
    # E5 deadline + per day [SEED 001]
    ("按计划在2026年12月31日前完成得10分, 每推迟10天扣1分, 扣完为止。", None, None, None, None,
     date(2027, 1, 25), "E5", 8.0),
    ("按计划在2026年12月31日前完成得10分, 每推迟10天扣1分, 扣完为止。", None, None, None, None,
     date(2026, 11, 30), "E5", 10.0),
    # E6 cost overrun [SEED 001]
    ("部门整体支出控制在总成本范围内, 得10分; 每超出10%, 扣2分, 扣完为止。", None, 1500, None,
     1350.75, None, "E6", 8.0),
    ("部门整体支出控制在总成本范围内, 得10分; 每超出10%, 扣2分, 扣完为止。", None, 1300, None,
     1350.75, None, "E6", 10.0),
    # E7 tiered bands [SEED 001]
    (ZJ, None, 96, None, 95, None, "E7", 10.0),
    (ZJ, None, 90, None, 95, None, "E7", 8.0),
    (ZJ, None, 70, None, 95, None, "E7", 6.0),
    (ZJ, None, 50, None, 95, None, "E7", 0.0),
    # E8 qualitative bands [SEED 001]
    ("效果明显得10分, 效果一般得5分, 否则不得分。", None, None, "效果一般", None, None, "E8", 5.0),
    ("效果明显得10分, 效果一般得5分, 否则不得分。", None, None, "无明显效果", None, None, "E8", 0.0),
    # E11 weight stated as 共计N分 [SEED 004]
    ("该指标达到95%得满分,共计5分,每降低百分之二扣1分", None, 92, None, 95, None, "E11", 4.0),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "weight", "actual", "actual_text", "target", "when", "pattern", "score"), CASES
)
def test_rule_pattern_scores(
    text: str,
    weight: float | None,
    actual: float | None,
    actual_text: str | None,
    target: float | None,
    when: date | None,
    pattern: str,
    score: float,
) -> None:
    rule = parse_rule(text, weight)
    assert rule is not None and rule.pattern == pattern
    assert rule_score(rule, actual, actual_text, target, when) == pytest.approx(score)


@pytest.mark.parametrize("text", ["未达指标值酌情扣分", "", None, "按相关规定执行"])
def test_vague_rules_are_not_parsed(text: str | None) -> None:
    assert parse_rule(text) is None  # E10 and prose: no score_check


def test_weight_comes_from_the_rule_before_the_column() -> None:
    rule = parse_rule("该指标达到95%得满分,共计5分,每降低百分之二扣1分", weight=10)
    assert rule is not None and rule.full == 5


def test_chinese_numerals_but_not_words() -> None:
    assert normalize("每降低百分之二扣一分") == "每降低2%扣1分"
    assert normalize("效果一般得五分") == "效果一般得5分"
    assert normalize("每推迟十五天扣二十分") == "每推迟15天扣20分"


def test_missing_inputs_give_no_score() -> None:
    rule = parse_rule("该指标达到95%得5分,每降低百分之二扣1分。")
    assert rule is not None and rule_score(rule, None, "暂无", 95) is None


@pytest.mark.parametrize(
    ("computed", "reported", "result"),
    [(1.8, 1.8, True), (1.76, 1.8, True), (8.0, 10.0, False), (None, 5.0, None), (5.0, None, None)],
)
def test_agreement_tolerance(
    computed: float | None, reported: float | None, result: bool | None
) -> None:
    assert agrees(computed, reported) is result


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        alphabet="达到得满分扣每降低少个天%,;0123456789.年月日前完成共计效果明显一般", max_size=60
    ),
    actual=st.none() | st.floats(-1e6, 1e6),
    target=st.none() | st.floats(-1e6, 1e6),
)
def test_never_raises_on_data(text: str, actual: float | None, target: float | None) -> None:
    rule = parse_rule(text, 5)
    if rule is not None:
        rule_score(rule, actual, text, target, date(2026, 1, 1))
