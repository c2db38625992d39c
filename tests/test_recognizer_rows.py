"""Rows the recognizer reads in arrangements the layout-perturbation suite and probes found
missing: tables printed with indicators as columns (transposed: 0.07 recall), an empty
tab-separated cell standing for its column (a score under an empty 分值 read as the weight),
and an operator sign in a cell of its own where the header names no operator column."""

from __future__ import annotations

from jixiao.parsers.recognizer.transposed import untransposed
from jixiao.pipeline import process_bytes
from jixiao.records import TextLine

TRANSPOSED = """\
部门整体支出绩效自评表
部门名称\t塘湖镇人民政府
一级指标\t产出指标\t产出指标\t效益指标
二级指标\t数量指标\t时效指标\t社会效益指标
三级指标\t办结信访案件\t解决群众问题时间\t改善人居环境
年度指标值\t=168起\t≤2天\t有效改善
实际完成值\t168起\t2天\t有效改善
分值\t\t\t
得分\t10\t10\t20

一级指标\t满意度指标
二级指标\t服务对象满意度指标
三级指标\t群众对政府工作满意度
年度指标值\t≥90%
实际完成值\t95%
分值\t
得分\t20
"""


def _indicators(text: str) -> list[dict[str, object]]:
    result = process_bytes(text.encode(), "form.txt")
    return [i.model_dump() for form in result.forms for i in form.indicators]


def test_a_transposed_table_is_read_column_by_column() -> None:
    rows = _indicators(TRANSPOSED)
    assert [r["name"] for r in rows] == [
        "办结信访案件",
        "解决群众问题时间",
        "改善人居环境",
        "群众对政府工作满意度",
    ]
    assert [r["level2"] for r in rows] == [
        "数量指标",
        "时效指标",
        "社会效益指标",
        "服务对象满意度指标",
    ]
    assert [r["score"] for r in rows] == [10, 10, 20, 20]
    assert [r["weight"] for r in rows] == [None] * 4
    assert rows[0]["value"] == 168 and rows[1]["operator"] == "<="


def test_a_transposed_indicator_points_at_its_names_line() -> None:
    rows = _indicators(TRANSPOSED)
    assert [r["line"] for r in rows] == [5, 5, 5, 13]


def test_label_value_lines_of_a_forms_head_are_not_a_transposed_table() -> None:
    head = "项目名称\t农村公路养护\n主管部门\t交通运输局\n备注\t无\n指标值\t见下表\n"
    lines = tuple(TextLine(n, t) for n, t in enumerate(head.splitlines(), 1))
    assert untransposed(lines) is None  # no indicator-name line among the labels


def test_an_empty_tab_cell_stands_for_its_column() -> None:
    """Under 分值 | 得分 with every 分值 empty, the number is the score, not the weight."""
    text = (
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
        "产出指标\t数量指标\t办结信访案件\t=168起\t168起\t\t10\n"
        "产出指标\t时效指标\t解决群众问题时间\t≤2天\t2天\t\t10\n"
    )
    rows = _indicators(text)
    assert [(r["weight"], r["score"]) for r in rows] == [(None, 10), (None, 10)]


def test_an_operator_cell_of_its_own_reads_before_the_value() -> None:
    """Space-separated rows whose header names no operator column, signs as their own cells,
    some as OCR reads them (═ for =, $ and ^ for ≥): the sign is the operator, not part of
    the name."""
    text = (
        "项目支出绩效目标表\n"
        "项目名称：农村饮水\n"
        "一级指标 二级指标 三级指标 指标值\n"
        "产出指标 数量指标 维修工程数量 ═ 12处\n"
        "产出指标 时效指标 完工时间 ≤ 2023年10月\n"
        "效益指标 社会效益指标 受益人口 $ 5000人\n"
        "满意度指标 服务对象满意度指标 群众满意度 ^ 90%\n"
    )
    result = process_bytes(text.encode(), "form.txt")
    assert [form.project for form in result.forms] == ["农村饮水"]  # no "：" kept
    rows = [i.model_dump() for form in result.forms for i in form.indicators]
    assert [(r["name"], r["operator"], r["value"]) for r in rows] == [
        ("维修工程数量", "=", 12),
        ("完工时间", "<=", None),
        ("受益人口", ">=", 5000),
        ("群众满意度", ">=", 90),
    ]


MULTI_PROJECT = """\
| 2024年度部门预算项目绩效目标表 | |||||||||
| 金额单位:万元 | |||||||||
| 单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 权重 |
| 某县交通运输局 | 农村公路养护 | 120.5 | 完成县乡道养护 | 产出指标 | 数量指标 | 养护里程 | ≥300公里 | 30 |
| 产出指标 | 质量指标 | 路况优良率 | ≥85% | 30 |
| 满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% | 40 |
| 渡口安全管理 | 8 | 保障渡口运行安全 | 产出指标 | 数量指标 | 渡船检查次数 | ≥12次 | 50 |
| 效益指标 | 社会效益指标 | 安全事故发生数 | 0起 | 50 |
"""


def test_a_table_of_several_projects_gives_a_form_each() -> None:
    """Project cells on each project's first row only; the department cell merged over both
    projects is missing from the second's row."""
    result = process_bytes(MULTI_PROJECT.encode(), "projects.txt")
    forms = [
        (f.project, f.department, f.budget.total, f.annual_goals, len(f.indicators))
        for f in result.forms
    ]
    assert forms == [
        ("农村公路养护", "某县交通运输局", 120.5, ["完成县乡道养护"], 3),
        ("渡口安全管理", "某县交通运输局", 8, ["保障渡口运行安全"], 2),
    ]
    assert [f.year for f in result.forms] == [2024, 2024]


def test_cells_after_a_row_never_open_a_project() -> None:
    """A trailing cell the row does not read (正向指标) is no project name."""
    text = MULTI_PROJECT.replace("| 30 |\n| 产出指标", "| 30 | 正向指标 |\n| 产出指标")
    result = process_bytes(text.encode(), "projects.txt")
    assert [f.project for f in result.forms] == ["农村公路养护", "渡口安全管理"]


def test_a_footer_label_after_a_head_value_ends_it() -> None:
    """ "单位名称:塘湖镇政府 填报日期:2021.5.18": the department stops at the date's label,
    and the date is kept as the form's fill date."""
    text = (
        "部门整体支出绩效自评表\n"
        "单位名称:塘湖镇政府 填报日期:2021.5.18\n"
        "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 |\n"
        "| 产出指标 | 数量指标 | 办结信访案件 | =168起 | 168起 |\n"
    )
    (form,) = process_bytes(text.encode(), "form.txt").forms
    assert form.department == "塘湖镇政府"
    assert form.contacts.fill_date == "2021-05-18"


def test_a_note_after_the_total_opens_no_table() -> None:
    """A glued form's note after its total names level names and header labels (产出指标50分,
    三级指标的分值, 得分): no row is read from it."""
    text = (
        "项目支出绩效自评表一级指标二级指标三级指标分值年度指标值实际完成值得分"
        "产出指标数量指标培训人数20≥100人120人20"
        "满意度指标服务对象满意度指标群众满意度20≥90%95%20总分4040"
        "注:1.一级指标分值统一设置为:产出指标50分、满意度指标10分,各部门根据各项指标重要程度"
        "确定三级指标的分值,得分最高不能超过该指标分值上限,分别按照该指标对应分值区间"
        "100-80%(含80%)合理确定得分\n"
    )
    rows = _indicators(text)
    assert [r["name"] for r in rows] == ["培训人数", "群众满意度"]


def test_an_evaluation_indicator_table_names_its_year_and_project() -> None:
    """A "…项目绩效评价指标表" title names the form's year and project; "95%以上" before the
    points is the target with its operator word."""
    text = (
        "2021年度某县学前教育资助项目绩效评价指标表\n\n"
        "一级指标\t二级指标\t三级指标\t指标值\t分值\n"
        "产出指标\t数量指标\t资助幼儿人数\t≥1200人\t20\n"
        "产出指标\t质量指标\t资助对象认定准确率\t100%\t20\n"
        "满意度指标\t服务对象满意度指标\t受助家庭满意度\t95%以上\t10\n"
    )
    result = process_bytes(text.encode(), "form.txt")
    (form,) = result.forms
    assert (form.year, form.project) == (2021, "2021年度某县学前教育资助项目")
    last = form.indicators[-1]
    assert (last.operator, last.value, last.unit, last.weight) == (">=", 95, "%", 10)


def test_a_letter_spaced_head_label_names_its_field() -> None:
    """ "项 目 名 称" printed with a space between its characters, in a head glued into one
    line, still names the project; "…项目 主管部门" is no spaced label (项目主管部门)."""
    text = (
        "项目支出绩效目标申报表项 目 名 称 农村公路养护工程主管部门某县交通运输局\n\n"
        "一级指标\t二级指标\t三级指标\t指标值\n"
        "产出指标\t数量指标\t养护公路里程\t≥120公里\n"
        "产出指标\t质量指标\t养护路段优良率\t≥85%\n"
        "满意度指标\t服务对象满意度指标\t沿线群众满意度\t≥90%\n"
    )
    (form,) = process_bytes(text.encode(), "form.txt").forms
    assert (form.project, form.department) == ("农村公路养护工程", "某县交通运输局")
    spaced = "项目名称 委托业务项目 主管部门 某镇人民政府\n\n" + text.split("\n\n", 1)[1]
    (form,) = process_bytes(spaced.encode(), "form.txt").forms
    assert form.project == "委托业务项目"


def test_a_glued_head_in_traditional_characters_with_pinyin_glosses_is_read() -> None:
    """A doc site's text: title and head labels run together before the header, printed in
    traditional characters with pinyin glosses ("項(xiàng)目名稱"); a section row read from the
    head's budget words does not cut the head off its form."""
    text = (
        "2021年度森林防火監(jiān)測項(xiàng)目績效自評表單位名稱:某縣林業局 填報(bào)日期:2022年3月1日"
        "項(xiàng)目名稱森林防火監(jiān)測主管部門某縣自然資源局預(yù)算執(zhí)行情況(萬元)"
        "年度績效目標(biāo)1(40分)一級指標(biāo)二級指標(biāo)三級指標(biāo)年初目標(biāo)值實(shí)際完成值得分"
        "產(chǎn)出指標(biāo)數(shù)量指標(biāo)巡護(hù)里程≥1200公里1250公里20"
        "質(zhì)量指標(biāo)火情處置及時率≥95%98%20"
        "效益指標(biāo)社會效益指標(biāo)森林火災(zāi)受害率≤0.9‰0.2‰20\n"
    )
    forms = process_bytes(text.encode(), "form.txt").forms
    form = forms[0]
    assert (form.year, form.department, form.project) == (2021, "某县林业局", "森林防火监测")
    assert form.form_type == "project_self_eval"
    assert len(form.indicators) == 3


def test_a_head_line_after_a_section_row_stays_with_its_form() -> None:
    """Level cells alone (a section row) make no table yet: a head label after one is still
    this form's head, not the start of the next form."""
    from jixiao.parsers.tabular import FormAssembler
    from jixiao.records import RawCell, RawIndicator, RawRow, Role

    def line(text: str, number: int) -> RawRow:
        return RawRow((RawCell(text, 0, number, None),), number, None)

    def row(cells: dict[Role, str], number: int, section: bool = False) -> RawIndicator:
        return RawIndicator(
            {role: RawCell(text, 0, number, None) for role, text in cells.items()},
            section,
            number,
            None,
        )

    assembler = FormAssembler()
    assembler.feed_outside(line("项目名称:森林防火监测", 1))
    assembler.open_table()
    assembler.add(row({Role.LEVEL2: "预算执行"}, 2, section=True), 2)
    assembler.feed_outside(line("主管部门:某县自然资源局", 3))
    assembler.add(row({Role.NAME: "巡护里程", Role.VALUE: "≥1200公里"}, 4), 4)
    (form,) = assembler.finish()
    assert (
        form.fields["project"] == "森林防火监测" and form.fields["department"] == "某县自然资源局"
    )


GLUED_STANDARD_COLUMN = (
    "某市2023年项目支出绩效目标表项目名称机关食堂运行保障绩效指标一级指标二级指标三级指标绩效标准"
    "当年预期实现值产出指标数量指标就餐保障天数反映全年就餐保障情况250天质量指标食品抽检合格率"
    "反映食品安全抽检情况≥98%餐具消毒合格率反映餐具消毒质量情况295%设备维修及时率反映设备维修"
    "响应情况90%效益指标满意度指标就餐人员满意度反映就餐人员满意情况≥90%"
)


def test_glued_rows_whose_explanations_sit_under_a_standard_label_are_cut_apart() -> None:
    """A 绩效标准 column holding "反映…" explanations, every cell glued: each name ends
    where its explanation opens, and OCR's "2" for "≥" (295%) stays with its row."""
    rows = _indicators(GLUED_STANDARD_COLUMN)
    assert [(r["name"], r["operator"], r["value"], r["unit"]) for r in rows] == [
        ("就餐保障天数", None, 250.0, "天"),
        ("食品抽检合格率", ">=", 98.0, "%"),
        ("餐具消毒合格率", ">=", 95.0, "%"),
        ("设备维修及时率", None, 90.0, "%"),
        ("就餐人员满意度", ">=", 90.0, "%"),
    ]


GLUED_SELF_EVALUATION = (
    "某县水务局2023年度部门整体绩效自评表绩效指标指标名称计量单位指标性质指标值指标权重(分)"
    "全年完成值指标得分(分)说明农村供水保障率%951010010河道清淤长度公里45105010"
    "新建泵站数量座310310次级河道治理长度公里1201012010"
)


def test_a_glued_self_evaluation_with_a_unit_column_gives_every_row() -> None:
    """Name, unit, target, weight, actual and score glued row after row: the first name
    is no column of the header before it, a one-character unit after a name (数量座) is
    cut off, and each run of digits fills every numeric column."""
    rows = _indicators(GLUED_SELF_EVALUATION)
    fields = ("name", "unit", "value", "weight", "actual_value", "score")
    assert [tuple(r[f] for f in fields) for r in rows] == [
        ("农村供水保障率", "%", 95.0, 10.0, 100.0, 10.0),
        ("河道清淤长度", "公里", 45.0, 10.0, 50.0, 10.0),
        ("新建泵站数量", "座", 3.0, 10.0, 3.0, 10.0),
        ("次级河道治理长度", "公里", 120.0, 10.0, 120.0, 10.0),
    ]


GLUED_RESTATED_EXPLANATION = (
    "某区2025年水利专项资金绩效目标表项目名称堤防加固工程绩效指标一级指标二级指标三级指标指标解释"
    "指标方向指标值产出指标数量指标加固堤防长度(公里)反映堤防加固完成情况≥3.5质量指标"
    "加固堤防是否达到设计标准竣工验收时堤防是否达到设计标准是/否是时效指标工程完工及时率"
    "反映工程按期完工情况≥95%"
)


def test_a_glued_name_ends_where_its_explanation_restates_it() -> None:
    """No 反映 opens the explanation of 加固堤防是否达到设计标准; it restates the name's
    words (…达到设计标准), so the name ends before it."""
    names = [r["name"] for r in _indicators(GLUED_RESTATED_EXPLANATION)]
    assert names == ["加固堤防长度(公里)", "加固堤防是否达到设计标准", "工程完工及时率"]


WRAPPED_OPEN_LINES = """\
项目支出绩效目标表 |
项目名称 | 城区道路清扫保洁服务 | 主管部门 | 某市城市管理局 |
一级指标 | 二级指标 | 三级指标 | 指标值 |
产出指标 | 数量指标 | 城区主次干道机械化
清扫保洁面积 | =120万平方米 |
产出指标 | 质量指标 | 道路保洁达标率 | ≥95% |
产出指标 | 成本指标 | 控制在年度预算
成本内 | 控制在预算内 |
满意度指标 | 服务对象满意度指标 | 市民对道路保洁
的满意度 | ≥90% |
"""


def test_a_line_ending_without_its_closing_bar_wraps_into_the_next() -> None:
    """Where lines end with "|", one that does not has its last cell go on in the next
    line: the name is whole, and no row is lost (the fast path leaves such lines alone)."""
    rows = _indicators(WRAPPED_OPEN_LINES)
    assert [(r["name"], r["value"]) for r in rows] == [
        ("城区主次干道机械化清扫保洁面积", 120.0),
        ("道路保洁达标率", 95.0),
        ("控制在年度预算成本内", None),
        ("市民对道路保洁的满意度", 90.0),
    ]


CARRIED_ON_CELLS = """\
项目支出绩效自评表(2022年度) |
项目名称 | 校舍维修改造 | 主管部门 | 某县教育局 |
一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
产出指标 | 数量指标 | 维修校舍面积 | 1200 | 1200 | 20 | 20 |
 |  |  | 平方米 |  |  |  |
产出指标 | 质量指标 | 指标1 | 100% | 100% | 20 | 20 |
 |  | 工程验收合格率 |  |  |  |  |
效益指标 | 社会效益 | 改善办学条件 | 有效改善 | 有效改善 | 30 | 30 |
 | 指标 |  |  |  |  |  |
效益指标 |  |  |  |  |  |  |
满意度 | 服务对象满 | 师生满意度 | ≥90% | 95% | 30 | 28 |
指标 | 意度指标 |  |  |  |  |  |
注:1.得分不超过分值。 |  |  |  |  |  |  |
"""


def test_a_line_carrying_on_the_cells_above_is_joined_to_them() -> None:
    """Cells wrapped inside their table cells, printed on a line of their own with every
    other cell empty: joined to the cells above (a unit, a name, level names); a section
    row and a note below a row are not carried on."""
    rows = _indicators(CARRIED_ON_CELLS)
    assert [(r["level1"], r["level2"], r["name"], r["value"], r["unit"]) for r in rows] == [
        ("产出指标", "数量指标", "维修校舍面积", 1200.0, "平方米"),
        ("产出指标", "质量指标", "工程验收合格率", 100.0, "%"),  # 指标1: a template's slot
        ("效益指标", "社会效益指标", "改善办学条件", None, None),
        ("满意度指标", "服务对象满意度指标", "师生满意度", 90.0, "%"),
    ]
    assert [r["line"] for r in rows] == [4, 6, 8, 11]  # the first line of each, as printed


HEADERLESS_SENTENCE_NAMES = """\
2025年项目支出绩效目标表
项目名称  2025城东国际网球公开赛(国际系列赛事)
主管部门  [042]某市市城东区体育局
产出指标  数量指标  开展运动种类  =1种
产出指标  数量指标  打造品牌赛事种类  =1种
产出指标  质量指标  经费支出合规率  =100%
产出指标  质量指标  赛事完成率  =100%
产出指标  时效指标  完成时间  2025年年底前
产出指标  成本指标  项目总成本  ≤1000万元
效益指标  经济效益指标  提升某市城市知名度和美誉度,推动体育消费、“网球+”产业深度融合  经济效益良好
效益指标  社会效益指标  打造城东国际网球公开赛等系列品牌赛事,提升某市城市的知名度和美誉度。  效果良好
效益指标  可持续影响指标  打造城东国际网球公开赛等系列品牌赛事  影响可持续
满意度指标  服务对象满意度指标  群众满意度  ≥95%
"""


def test_a_long_sentence_in_the_name_column_is_a_name_without_a_header() -> None:
    """No header line (columns cut by runs of spaces): a row whose name is a long sentence
    and whose target is a text (经济效益良好) is read as a row, not as its levels alone with
    the rest of the line skipped as text between rows."""
    names = [r["name"] for r in _indicators(HEADERLESS_SENTENCE_NAMES)]
    assert len(names) == 10
    assert names[6:9] == [
        "提升某市城市知名度和美誉度,推动体育消费、“网球+”产业深度融合",
        "打造城东国际网球公开赛等系列品牌赛事,提升某市城市的知名度和美誉度。",
        "打造城东国际网球公开赛等系列品牌赛事",
    ]


NOTE_BETWEEN_PAGES = """\
项目支出绩效自评表
产出指 标(40 分)
数量指 标(20 分)
培训人次
20
≥100人次
分
120人次
20分
总分
90 分
注:1.得分一档最高不能超过该指标分值上限。2.评分标准:若为定量指标,完成值达到指标值,记满分。
满意 度指 标 (10 分)
服务对 象
满意度 指标 (10 分)
群众满意度
10
≥90%
分
95%
10分
"""


def test_rows_after_a_note_start_again_at_a_level_name_printed_with_spaces() -> None:
    """PDF text flow, a cell a line: a page's rows printed after the total and the note,
    their narrow level cells letter-spaced ("满意 度指 标 (10 分)"). The level name starts
    the table again; a level printing its group's points names no row of its own."""
    rows = _indicators(NOTE_BETWEEN_PAGES)
    assert [r["name"] for r in rows] == ["培训人次", "群众满意度"]
    assert [r["level1"] for r in rows] == ["产出指标", "满意度指标"]
    assert [(r["weight"], r["score"], r["actual_value"]) for r in rows] == [
        (20, 20, 120),
        (10, 10, 95),
    ]


VALUES_BEFORE_NAMES = """\
项目支出绩效自评表
项目名称 社区体育设施维护
一级指标 二级指标 三级指标 指标值 实际完成值 分值 得分
≥20个 22个 20 20
≥95% 96% 20 18
按时 按时 10 10
50 48
数量指标
维护站点数
质量指标
设施完好率
时效指标
维护完成及时性
总分
"""

# one line, as a doc site prints a PDF: the first row's level and name among the header's
# labels, a wrapped name's last character (率) apart from it, a level-1 name that may be
# either level before its level-2, a vertical label (绩 效 指 标) between the levels
VALUES_BEFORE_NAMES_ONE_LINE = (
    "财政项目支出绩效自评表 项目名称 全民健身活动经费 一级指标 二级指标 数量指标 三级指标 "
    "全民健身活动举办 年度 指标值 实际 完成值 分值 得分 ≥12场 14场 20 20 =100% 98% 30 28 "
    ">=85% 92% 10 10 60 58 次数 产出指标 质量指标 绩 效 指 标 活动安全事故发生 率 "
    "满意度指标 服务对象满意度指标 参与群众满意度 总分 -1-\n"
)


def test_values_printed_before_their_names_are_paired_with_them_in_order() -> None:
    """PDF text flow: every row's value cells first, then the levels and names. The rows
    are rebuilt by order: the n-th row of values with the n-th name and level-2 name."""
    rows = _indicators(VALUES_BEFORE_NAMES)
    assert [r["name"] for r in rows] == ["维护站点数", "设施完好率", "维护完成及时性"]
    assert [r["level2"] for r in rows] == ["数量指标", "质量指标", "时效指标"]
    assert [(r["weight"], r["score"]) for r in rows] == [(20, 20), (20, 18), (10, 10)]
    assert [r["line"] for r in rows] == [9, 11, 13]  # each at its name's line


def test_a_first_name_inside_the_header_and_a_wrapped_last_character_are_paired() -> None:
    rows = _indicators(VALUES_BEFORE_NAMES_ONE_LINE)
    assert [r["name"] for r in rows] == [
        "全民健身活动举办次数",
        "活动安全事故发生率",
        "参与群众满意度",
    ]
    assert [r["level2"] for r in rows] == ["数量指标", "质量指标", "服务对象满意度指标"]
    assert [(r["value"], r["actual_value"], r["score"]) for r in rows] == [
        (12, 14, 20),
        (100, 98, 28),
        (85, 92, 10),
    ]


def test_values_before_names_are_not_paired_when_the_counts_differ() -> None:
    """A name fewer than rows of values: pairing by order would shift names onto the wrong
    values, so no row gets a name it may not own."""
    text = VALUES_BEFORE_NAMES.replace("时效指标\n维护完成及时性\n", "")
    names = [r["name"] for r in _indicators(text)]
    assert "维护完成及时性" not in names
    assert not {"维护站点数", "设施完好率"} & set(names)


# a target column alone, a target printed as words, a level-2 name printed once before
# the names of its group (a merged cell)
TARGETS_BEFORE_NAMES = (
    "2024年项目支出绩效目标表 项目名称 乡村道路养护 一级指标 二级指标 三级指标 指标值 "
    "≥120公里 ≥30座 按期完成 ≥95% 产出指标 数量指标 养护道路里程 维修桥梁数量 时效指标 "
    "养护工作完成情况 满意度指标 服务对象满意度指标 沿线群众满意度\n"
)


def test_targets_before_names_take_the_level_printed_before_their_group() -> None:
    rows = _indicators(TARGETS_BEFORE_NAMES)
    assert [r["name"] for r in rows] == [
        "养护道路里程",
        "维修桥梁数量",
        "养护工作完成情况",
        "沿线群众满意度",
    ]
    assert [r["level2"] for r in rows] == ["数量指标", "数量指标", "时效指标", "服务对象满意度指标"]
    assert [r["value"] for r in rows] == [120, 30, None, 95]
    assert rows[2]["value_text"] == "按期完成"


def test_values_before_names_whose_empty_cells_left_no_trace_are_split_by_what_they_hold() -> None:
    """Text flow drops empty cells: the second row has no actual (≥95% 20 18). The run of
    values is split into as many rows as there are names, leaving the fewest cells empty
    and each cell in a column that can hold it; an actual is the likelier cell to be empty."""
    text = (
        "项目支出绩效自评表\n一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分\n"
        "≥20个 22个 20 20 ≥95% 20 18 按期完成 按期完成 10 10\n"
        "数量指标 维护站点数 质量指标 设施完好率 时效指标 维护完成及时性\n"
    )
    rows = _indicators(text)
    assert [r["name"] for r in rows] == ["维护站点数", "设施完好率", "维护完成及时性"]
    assert [(r["actual_value"], r["weight"], r["score"]) for r in rows] == [
        (22, 20, 20),
        (None, 20, 18),
        (None, 10, 10),
    ]
    assert rows[2]["value_text"] == "按期完成"


def test_a_level2_under_an_either_level_name_is_a_row_when_the_values_outnumber_the_names() -> None:
    """成本指标 may be a level-1 (over 经济成本指标) or a level-2 (over its names). Read as the
    level-1, its level-2 has no name under it and five rows of values meet four names: the
    level-2 is then that row's name too, and every value is paired (none was before)."""
    text = (
        "部门整体支出绩效目标表 部门名称 某县档案馆 一级指标 二级指标 三级指标 指标值 "
        "=50万元 =100% 按期完成 ≤80万元 良好 产出指标 数量指标 档案数字化经费 质量指标 "
        "数字化验收合格率 时效指标 数字化完成时间 成本指标 经济成本指标 效益指标 "
        "社会效益指标 档案查阅服务\n"
    )
    rows = _indicators(text)
    assert [r["name"] for r in rows] == [
        "档案数字化经费",
        "数字化验收合格率",
        "数字化完成时间",
        "经济成本指标",
        "档案查阅服务",
    ]
    assert [r["value"] for r in rows] == [50, 100, None, 80, None]
    assert [r["value_text"] for r in rows][2::2] == ["按期完成", "良好"]
    assert (rows[3]["level1"], rows[3]["level2"]) == ("成本指标", "经济成本指标")


def test_an_unlisted_level_name_under_a_level2_and_before_a_level1_is_its_name() -> None:
    """A name ending in 指标 like a level (长效运行保障机制指标) right under a level-2 and before
    the next level-1 is that level-2's name, not the level-1 of a group of its own."""
    text = (
        "项目支出绩效目标表 项目名称 乡村供水站建设 一级指标 二级指标 三级指标 指标值 "
        "≥3个 =100% 是 ≥90% 产出指标 数量指标 新建供水站数量 质量指标 供水站验收合格率 "
        "效益指标 可持续影响指标 长效运行保障机制指标 满意度指标 服务对象满意度指标 群众满意度\n"
    )
    rows = _indicators(text)
    assert [r["name"] for r in rows] == [
        "新建供水站数量",
        "供水站验收合格率",
        "长效运行保障机制指标",
        "群众满意度",
    ]
    assert [r["value"] for r in rows] == [3, 100, None, 90]
    assert rows[2]["level2"] == "可持续影响指标"


# a scoring sheet printed from a spreadsheet: each rule wrapped at 16 characters, the name
# beside it printed between two of its lines (run into the next, or apart)
WRAPPED_RULES = """\
某县2021年农村饮水安全项目绩效评分表 评价单位:某县水利局
目标名称 评分细则 分值 得分
制度建设 制定专项资金管理办法并印发执行, 管理办法内容完整、职责明确的,得4 分,未制定的不得分。 4 4 \
上级资金按时足额拨付到项目单位的 资金到位,得5分,每延迟一个月扣1分,扣完为 止;挪用资金的不得分。 5 4 \
项目资料收集整理完整规范,归档及 档案管理 时,台账清晰的,得3分;资料缺失一项 扣1分,扣完为止。 3 3 \
项目完工后按规定组织验收并出具验 验收情况收报告,发现问题及时整改的,得6分, 未验收的不得分。 6 6 \
随机走访受益群众不少于20户,满意 群众评价 度达到90%以上的得4分,每低5个百分 点扣1分。 4 3
"""


def test_names_printed_between_the_lines_of_a_wrapped_rule_are_put_back() -> None:
    """The name column's text lands between two lines of the rule beside it; the rule's
    lines (a fixed width, here 16) join again into one scoring rule."""
    rows = _indicators(WRAPPED_RULES)
    assert [r["name"] for r in rows] == ["制度建设", "资金到位", "档案管理", "验收情况", "群众评价"]
    assert [(r["weight"], r["score"]) for r in rows] == [(4, 4), (5, 4), (3, 3), (6, 6), (4, 3)]


def test_a_first_name_after_a_header_on_the_same_line_is_no_column_label() -> None:
    """A form printed on one line: the text after the header's last label is the first
    row's name when a row's cells go on after it (a rule, a number), not an unlisted label
    (as a region's name after 指标值 is, ending its line)."""
    text = (
        "项目绩效评分表 目标名称 评分细则 分值 得分 制度建设 制定专项资金管理办法并印发执行的,"
        "得4分 4 4 资金到位 上级资金按时足额拨付到项目单位的,得5分 5 4\n"
    )
    rows = _indicators(text)
    assert [r["name"] for r in rows] == ["制度建设", "资金到位"]
    assert [(r["weight"], r["score"]) for r in rows] == [(4, 4), (5, 4)]


def test_a_tab_row_short_of_its_cells_goes_on_in_the_next_line() -> None:
    """A name cell wrapped inside a tab-separated row: the line stops short of the header's
    cells, the next carries the rest of the name and the row's other cells. A row short of
    cells because its level cells merged above (a target, then the next row's name) is no
    such line."""
    text = (
        "2022年度项目支出绩效目标表\n一级指标\t二级指标\t三级指标\t指标值\n"
        "产出指标\t数量指标\t新建农村公路\t=12公里\n"
        "产出指标\t数量指标\t改造危旧桥梁及配套\n附属设施\t=3座\n"
        "产出指标\t质量指标\t工程验收合格率\t=100%\n"
        "效益指标\t社会效益指标\t群众出行条件\n改善程度\t明显改善\n"
        "\t\t沿线群众受益人数\t≥5000人\n"
    )
    rows = _indicators(text)
    assert [r["name"] for r in rows] == [
        "新建农村公路",
        "改造危旧桥梁及配套附属设施",
        "工程验收合格率",
        "群众出行条件改善程度",
        "沿线群众受益人数",
    ]
    assert [r["value"] for r in rows] == [12, 3, 100, None, 5000]
