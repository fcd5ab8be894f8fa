"""Published 自评表 transcribed as test workbooks (issue 8, part 1).

Each builder rebuilds one table found in the `pages` corpus (county and city 政府信息公开 pages
and document mirrors) as it was printed: title rows, the key-value block, the funds block,
merged cells, header rows, 总分/合计 rows and footers. Cell texts, numbers and signs are copied
as printed (full-width or look-alike signs, stars, `(≥**人)` placeholders, spaces inside headers);
where the page was cut off or OCR-garbled, the docstring says which rows were left out or read.
`tests/indicators/test_real_layouts.py` imports each one and checks the rows and the scores.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet


class _Sheet:
    """Appends rows and merges cells the way the printed table spans them."""

    def __init__(self, ws: Worksheet, title: str) -> None:
        ws.title = title
        self.ws = ws

    def row(self, *cells: object, across: tuple[tuple[int, int], ...] = ()) -> int:
        """Append a row; `across` merges 1-based column ranges on it (only anchors hold values)."""
        self.ws.append(list(cells))
        number = self.ws.max_row
        for first, last in across:
            self.ws.merge_cells(start_row=number, start_column=first, end_row=number, end_column=last)
        return number

    def title(self, text: str, width: int) -> int:
        return self.row(text, across=((1, width),))

    def down(self, column: int, top: int, bottom: int) -> None:
        """Merge one column from `top` to `bottom` (a 一级 or 二级 cell spanning its rows)."""
        if bottom > top:
            self.ws.merge_cells(start_row=top, start_column=column, end_row=bottom, end_column=column)


def _book(title: str) -> tuple[Workbook, _Sheet]:
    wb = Workbook()
    return wb, _Sheet(wb.active, title)


def _save(wb: Workbook, path: Path) -> Path:
    wb.save(path)
    return path


# --- Anhui: 绩效目标自评表 with 分值 before 年度指标值 ---------------------------------------


def suixi_2019_temporary_relief(path: Path) -> Path:
    """濉溪县民政局「临时救助」绩效目标自评表（2019年度）, Anhui (淮北市濉溪县).

    Source: https://www.sxx.gov.cn/zwgk/public/811/56426371.html ("(临时救助)绩效目标自评表").
    Traits: Anhui's national form with 分值 before 年度指标值 and 全年实际值; 项目名称/主管部门
    key-value rows; funds block 全年预算数(A)/全年执行数(B) with `年度资金总额:` and
    `其中:本年财政拨款`; `>=` before the number (`>=21933人`), `<=5300元/户`; compound units
    `元/人*月` in the cells while the 三级 says `元/人·月`; decorated 三级 (`★★★`, `(≥**人)`);
    the header's 未完成原因及拟采取的改进措施. Two rows under target were printed with full
    marks (特困人员 4604 < 4754; 临时救助标准 5830 > 5300). The 满意度 row is cut off on the page
    (`>=9…`) and left out, so the weights sum to 80.
    """
    wb, s = _book("临时救助")
    s.title("绩效目标自评表 (2019年度)", 9)
    s.row("项目名称", "临时救助", across=((2, 9),))
    s.row("主管部门", "[155]濉溪县民政局", across=((2, 9),))
    top = s.row("资金情况(万元)", None, "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分")
    s.row(None, "年度资金总额:", 30, 30, 10, "100%", 10)
    s.row(None, "其中:本年财政拨款", 30, 30, 10, "100%", 10)
    bottom = s.row(None, "其他资金")
    s.down(1, top, bottom)
    top = s.row("年度总体目标", "年初设定目标", None, None, "年度总体目标完成情况综述", across=((2, 4), (5, 9)))
    bottom = s.row(None, "为建档立卡扶贫户解决临时性的困难", None, None,
                   "全年救助建档立卡扶贫户临时救助87人次,救助资金30万元,完成目标任务。",
                   across=((2, 4), (5, 9)))  # fmt: skip
    s.down(1, top, bottom)
    head = s.row("绩效指标", "一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分",
                 "未完成原因及拟采取的改进措施")  # fmt: skip
    out = s.row(None, "产出指标(50分)", "数量指标", "★★★农村低保发放人数(按月平均)(≥**人)", 5, ">=21933人",
                "21980人", 5)  # fmt: skip
    s.row(None, None, None, "★★★其中:农村低保对象中建档立卡贫困人口数量(按月平均)(≥**人)", 5, ">=9431人",
          "9453人", 5)  # fmt: skip
    s.row(None, None, None, "★★★建档立卡贫困人口中接受临时救助的人次数(≥**人次)", 5, ">=59人次", "87人次", 5)
    s.row(None, None, None, "★★★特困人员救助供养人数(按月平均)(≥**人)", 5, ">=4754人", "4604人", 5,
          "特困人员实行动态管理")  # fmt: skip
    quantity_end = s.row(None, None, None, "扶贫临时救助人数(按月平均)(≥**人)", 10, ">=7人", "7人", 10)
    quality = s.row(None, None, "质量指标", "★农村低保标准(≥**元/人·月)", 5, ">=530元/人*月", "583元/人*月", 5)
    s.row(None, None, None, "农村特困人员救助供养基本生活标准(≥**元/人·月)", 5, ">=570元/人*月", "758元/人*月", 5)
    out_end = s.row(None, None, None, "扶贫临时救助标准(<**元/户·年)——一户年最高5300元", 10, "<=5300元/户",
                    "5830元/户", 10)  # fmt: skip
    benefit = s.row(None, "效益指标(30分)", "社会效益指标", "★★★受益建档立卡贫困人口数≥**人", 30, ">=80人", "87人", 30)
    s.down(2, out, out_end)
    s.down(3, out, quantity_end)
    s.down(3, quality, out_end)
    s.down(1, head, benefit)
    return _save(wb, path)


def xiaoxian_2023_special_farming(path: Path) -> Path:
    """河西村特色种养补贴到户项目 绩效目标自评表（2023年度）, Anhui (宿州市萧县张庄寨镇).

    Source: https://www.ahxx.gov.cn/grassroots/279/158998981.html.
    Traits: `★` 三级; `其中…` breakdown rows under a weighted row, with a target and an actual
    but no 分值 of their own; bare targets with a unit and no sign (`29.5亩`, `95%`, `90人`:
    the sign is assumed ≥); `≥11.376万元`; headers with spaces (`一级 指标`); 一级 and 二级
    printed one character a line (`产 出 指 标 (50分)`, `经济效益 指标`); empty template rows
    for 二级 without indicators and `……` rows; `-` in the 其他资金 row (read, as on the form's
    other source rows, as the 分值 and 得分 dashes). The 满意度 block is cut off on the page and
    left out (weights sum to 80).
    """
    wb, s = _book("绩效目标自评表")
    s.title("绩效目标自评表", 9)
    s.title("(2023年度)", 9)
    s.row("项目名称", "河西村特色种养补贴到户项目", None, None, "项目负责人及电话", "李宁0557-5788003",
          across=((2, 4), (6, 9)))  # fmt: skip
    s.row("主管部门", "县农业农村局", None, None, "实施单位", "张庄寨镇人民政府", across=((2, 4), (6, 9)))
    top = s.row("资金情况 (万元)", None, "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分")
    s.row(None, "年度资金总额:", 9.48, 9.48, 10, "100%", 10)
    s.row(None, "其中:本年财政拨款", 9.48, 9.48, 10, "100%", 10)
    bottom = s.row(None, "其他资金", None, None, "-", None, "-")  # the form's dashes under 分值 and 得分
    s.down(1, top, bottom)
    top = s.row("年度总体目标", "年初设定目标", None, None, "年度总体目标完成情况综述", across=((2, 4), (5, 9)))
    bottom = s.row(None, "落实39户特色种养业奖补政策,增加脱贫户家庭收入", None, None,
                   "落实39户特色种养业奖补政策,增加脱贫户家庭收入", across=((2, 4), (5, 9)))  # fmt: skip
    s.down(1, top, bottom)
    head = s.row("绩效指标", "一级 指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分",
                 "未完成原因及拟采取的改进措施")  # fmt: skip
    out = s.row(None, "产 出 指 标 (50分)", "数量指标", "★补助各类瓜果蔬菜种植面积", 20, "29.5亩", "29.5亩", 20)
    s.row(None, None, None, "其中桃树种植面积", None, "1.5亩", "1.5亩")
    s.row(None, None, None, "其中苹果树种植面积", None, "5亩", "5亩")
    s.row(None, None, None, "其中露天蔬菜", None, "20亩", "20亩")
    s.row(None, None, None, "其中大棚蔬菜", None, "3亩", "3亩")
    s.row(None, None, None, "★补助鱼塘面积", 10, "3亩", "3亩", 10)
    s.row(None, None, None, "其中鱼塘养殖面积", None, "3亩", "3亩")
    s.row(None, None, None, "★补助家畜家禽养殖数量", 10, "192只", "192只", 10)
    s.row(None, None, None, "其中羊养殖数量", None, "180只", "180只")
    quantity_end = s.row(None, None, None, "其中猪养殖数量", None, "12头", "12头")
    quality = s.row(None, None, "质量指标")
    s.row(None, None, None, "种植作物成活率", 5, "95%", "95%", 5)
    s.row(None, None, None, "养殖家畜家禽成活率", 5, "95%", "100%", 5)
    out_end = s.row(None, None, None, "……")
    economic = s.row(None, "效 益 指 标 (30分)", "经济效益 指标")
    economic_end = s.row(None, None, None, "特色产业带动增加受益农户收入(总收入)", 20, "≥11.376万元", "12万元", 20)
    s.row(None, None, "社会效益 指标", "受益人口数量", 10, "90人", "90人", 10)
    s.row(None, None, "生态效益 指标")
    s.row(None, None, "可持续影响指标")
    benefit_end = s.row(None, None, None, "……")
    s.down(3, out, quantity_end)
    s.down(3, quality, out_end)
    s.down(2, out, out_end)
    s.down(3, economic, economic_end)
    s.down(2, economic, benefit_end)
    s.down(1, head, benefit_end)
    return _save(wb, path)


def guichi_2022_commissioned_work(path: Path) -> Path:
    """委托业务项目 项目支出绩效自评表（2022年度）, Anhui (池州市贵池区棠溪镇人民政府).

    Source: http://www.anthempetcare.com/upload_cz/download?id=502364&siteId=2 (a mirror of the
    town's published 附件, a WPS table).
    Traits: the national form (财预〔2020〕10号 附件1) with 年初预算数/全年预算数/全年执行数, a
    `年度资金总额:` row printed as 0 0 0 while `其中:本年财政拨款` holds 90 / 89.974 / 89.974;
    `CODE-NAME` 主管部门/实施单位 (`219001-池州市贵池区棠溪镇人民政府`); `≥100百分比`; bare actuals
    (`50`, `100`, `90`); 定性 targets with the actual written `达成预期指标`; an empty
    `经济效益指标` row. The 满意度 row is cut off on the page (`公众满…`) and left out (weights 80).
    """
    wb, s = _book("Sheet1")
    s.row("附件:")
    s.title("项目支出绩效自评表", 9)
    s.title("(2022年度)", 9)
    s.row("项目名称", None, "委托业务项目", across=((1, 2), (3, 9)))
    s.row("主管部门", None, "219-池州市贵池区棠溪镇人民政府", None, None, "实施单位",
          "219001-池州市贵池区棠溪镇人民政府", across=((1, 2), (3, 5), (7, 9)))  # fmt: skip
    top = s.row("项目资金 (万元)", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
    s.row(None, "年度资金总额:", 0, 0, 0, 10, 0, 0)
    s.row(None, "其中:本年财政拨款", 90, 89.974, 89.974)
    s.row(None, "上年结转资金")
    bottom = s.row(None, "其他资金")
    s.down(1, top, bottom)
    top = s.row("年度总体目标", "预期目标", None, None, None, "实际完成情况", across=((2, 5), (6, 9)))
    bottom = s.row(None, "本项目共申请预算资金90万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;"
                   "30万元用于基建工程项目设计、规划、测绘。", None, None, None,
                   "本项目共完成预算资金89.97万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;"
                   "29.99万元用于基建工程项目设计、规划、测绘。", across=((2, 5), (6, 9)))  # fmt: skip
    s.down(1, top, bottom)
    head = s.row("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                 "偏差原因分析及改进措施")  # fmt: skip
    out = s.row(None, "产出指标(50分)", "数量指标", "基建工程委托业务项目数量", "≥50个", 50, 8, 8)
    quality = s.row(None, None, "质量指标", "委托业务报告合格率", "≥100百分比", 100, 8, 8)
    s.row(None, None, None, "经费支出合规性", "严格执行相关制度规定", "达成预期指标", 8, 8)
    s.row(None, None, "时效指标", "提交报告及时性", "在项目计划完成时间内完成", "达成预期指标", 8, 8)
    cost = s.row(None, None, "成本指标", "项目总成本", "≤90万元", 90, 8, 8)
    out_end = s.row(None, None, None, "单项业务成本", "符合相关规定", "达成预期指标", 10, 10)
    benefit = s.row(None, "效益指标(30分)", "社会效益指标", "对维护基建市场公平的影响程度", "效果明显", "达成预期指标",
                    10, 10)  # fmt: skip
    s.row(None, None, "生态效益指标", "对控制基建项目成本影响程度", "效果明显", "达成预期指标", 10, 10)
    s.row(None, None, "可持续影响指标", "对推动基建项目“四项制度”健全和落实的持续性影响", "效果明显", "达成预期指标",
          10, 10)  # fmt: skip
    benefit_end = s.row(None, None, "经济效益指标")
    s.down(2, out, out_end)
    s.down(3, quality, quality + 1)
    s.down(3, cost, out_end)
    s.down(2, benefit, benefit_end)
    s.down(1, head, benefit_end)
    return _save(wb, path)


def tianchang_2022_flood_control(path: Path) -> Path:
    """水旱灾害防御经费 项目支出绩效自评表（2022年度）, Anhui (滁州市天长市水利局).

    Source: page "天长市水利局水旱灾害防御股项目支出绩效自评" (天长市政府信息公开, published
    2023-12-05; the corpus keeps no address for it).
    Traits: `指标1:`/`指标2:` decorated 三级 with empty `指标2:` and `……` template rows; bare
    numbers with no unit (`1`); a 一级 printed one character a line with only `(50分)` left in the
    page text (rebuilt as `产出指标(50分)`, `效益指标(30分)` from the form's own note). Most rows
    carry a 分值 and a 得分 but no 年度指标值 and no 实际完成值 (the target is written into the
    三级, `指标1:年度资金支付完成率100%`): the table cannot be scored and the import must fail.
    """
    wb, s = _book("项目支出绩效自评表")
    s.title("项目支出绩效自评表", 9)
    s.title("(2022年度)", 9)
    s.row("项目名称", None, "水旱灾害防御经费", across=((1, 2), (3, 9)))
    s.row("主管部门", None, None, None, None, "实施单位", "天长市水利局", across=((1, 2), (3, 5), (7, 9)))
    top = s.row("项目资金\n(万元)", None, "年初预算数", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分")
    s.row(None, "年度资金总额:", 880, 880, 880, 10, None, 10)
    s.row(None, "其中:本年财政拨款", 880, 880, 880, "-", None, "-")
    s.row(None, "上年结转资金", None, None, None, "-", None, "-")
    bottom = s.row(None, "其他资金", None, None, None, "-", None, "-")
    s.down(1, top, bottom)
    top = s.row("年度总体目标完成情况", "预期目标", None, None, None, "实际完成情况", across=((2, 5), (6, 9)))
    bottom = s.row(None, "完成年度防汛工作,完成中型灌区节水改造项目和农业综合水价改革项目。", None, None, None,
                   "完成年度目标。", across=((2, 5), (6, 9)))  # fmt: skip
    s.down(1, top, bottom)
    head = s.row("年度绩效指标完成情况", "一级\n指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值",
                 "得分", "偏差原因分析及改进措施")  # fmt: skip
    rows: list[tuple[str | None, str | None, str, object, object, object, object]] = [
        ("产出指标\n(50分)", "数量指标", "指标1:完成中型灌区节水改造项目数量", 1, 1, 10, 10),
        (None, None, "指标2:完成农业综合水价改革项目", 1, 1, 10, 10),
        (None, None, "……", None, None, None, None),
        (None, "质量指标", "指标1:工程质量合格", None, None, 10, 10),
        (None, None, "指标2:", None, None, None, None),
        (None, None, "……", None, None, None, None),
        (None, "时效指标", "指标1:年度资金支付完成率100%", None, None, 10, 10),
        (None, None, "指标2:", None, None, None, None),
        (None, None, "……", None, None, None, None),
        (None, "成本指标", "指标1:资金执行在预算范围内", None, None, 10, 10),
        (None, None, "指标2:", None, None, None, None),
        (None, None, "……", None, None, None, None),
        ("效益指标\n(30分)", "经济效益\n指标", "指标1:全市安全度汛", None, None, 10, 10),
        (None, None, "指标2:", None, None, None, None),
        (None, None, "……", None, None, None, None),
        (None, "社会效益\n指标", "指标1:保护全市人口财产不受损失", None, None, 10, 10),
        (None, None, "指标2:", None, None, None, None),
        (None, None, "……", None, None, None, None),
        (None, "生态效益\n指标", "指标1:/", "/", "/", None, None),
        (None, None, "指标2:", None, None, None, None),
        (None, None, "……", None, None, None, None),
        (None, "可持续影\n响指标", "指标1:已建工程良性运行", None, None, 10, 10),
        (None, None, "指标2:", None, None, None, None),
        (None, None, "……", None, None, None, None),
        ("满意度指标\n(10分)", "服务对象\n满意度指标", "指标1:服务对象满意度", "90%", "100%", 10, 10),
        (None, None, "指标2:", None, None, None, None),
        (None, None, "……", None, None, None, None),
    ]
    numbers = [s.row(None, *cells) for cells in rows]
    _merge_tree(s, numbers, rows)
    s.down(1, head, numbers[-1])
    s.row("总分", None, None, None, None, None, 100, 100, across=((1, 6),))
    s.title("注:1.一级指标分值统一设置为:产出指标50分、效益指标30分、服务对象满意度指标10分、预算资金执行率10分。", 9)
    return _save(wb, path)


def _merge_tree(s: _Sheet, numbers: list[int], rows: list[tuple], *, level1_column: int = 2) -> None:
    """Merge the 一级 and 二级 cells down to the row before the next name (a 二级 stops at its 一级)."""
    level1_starts = [i for i, cells in enumerate(rows) if cells[0]]
    for column, index in ((level1_column, 0), (level1_column + 1, 1)):
        starts = [i for i, cells in enumerate(rows) if cells[index]]
        for k, start in enumerate(starts):
            end = starts[k + 1] - 1 if k + 1 < len(starts) else len(rows) - 1
            if index == 1:
                end = min([end, *[i - 1 for i in level1_starts if i > start]])
            s.down(column, numbers[start], numbers[end])


# --- Sichuan --------------------------------------------------------------------------------


def zhongjiang_2022_water_gauges(path: Path) -> Path:
    """小型水库水标尺制作安装 绩效目标自评表（2022年度）, Sichuan (德阳市中江县水利局).

    Source: https://chacewang.com/newsdetail/news242266.html ("中江县2022年衔接资金实施项目绩效
    目标自评", 附件 2022年财政衔接资金实施项目绩效自评表).
    Traits: 分值 before 年度指标值; actuals that repeat the sign (`≥266米`, `≥90%`, `≥95%`);
    `其中:本年财政拨款`; a 成本 target with no sign (`20万元`: ≤ is assumed); a 定性 target
    repeated as the actual (`显著提升`); 一级 with points that do not follow the national split
    (`产出指标(70分)`, `效益指标(20分)`): the leaf weights sum to 100, not 90; an empty
    `经济效益指标` row, a `……` row, the 总分 row and the form's 注 footer.
    """
    wb, s = _book("绩效目标自评表")
    s.title("绩效目标自评表", 9)
    s.title("(2022年度)", 9)
    s.row("项目名称", "中江县农业水价综合改革精准补贴和节水奖励项目小型水库水标尺制作安装", None, None,
          "项目负责人及电话", "谢凯13990260322(办公)", across=((2, 4), (6, 9)))  # fmt: skip
    s.row("主管部门", "中江县水利局", None, None, "实施单位", "中江县水利局", across=((2, 4), (6, 9)))
    top = s.row("资金情况(万元)", None, "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分")
    s.row(None, "年度资金总额:", 20, 20, 10, "100.00%", 10)
    s.row(None, "其中:本年财政拨款", 20, 20)
    bottom = s.row(None, "其他资金")
    s.down(1, top, bottom)
    top = s.row("年度总体目标", "年初设定目标", None, None, "年度总体目标完成情况综述", across=((2, 4), (5, 9)))
    goal = "对农村地区供水计量设施设备进行改进,对项目区农业用水计量,为项目区农业生产夯实基础,"
    bottom = s.row(None, goal, None, None, "对项目区农业用水计量,为项目区农业生产夯实基础,", across=((2, 4), (5, 9)))
    s.down(1, top, bottom)
    head = s.row("绩效指标", "一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分",
                 "未完成原因及拟采取的改进措施")  # fmt: skip
    rows: list[tuple] = [
        ("产出指标(70分)", "数量指标", "安装坡面水标尺", 10, "≥266米", "≥266米", 10),
        (None, None, "水标尺宽度", 10, "≥50厘米", "≥50厘米", 10),
        (None, "质量指标", "项目(工程)验收合格率", 20, "100%", "100%", 20),
        (None, "时效指标", "及时(按期)开工率", 10, "≥90%", "≥90%", 10),
        (None, None, "及时(按期)完工率", 10, "≥90%", "≥90%", 10),
        (None, "成本指标", "项目计划总投资", 10, "20万元", "20万元", 10),
        ("效益指标(20分)", "经济效益指标", None, None, None, None, None),
        (None, "社会效益指标", "受益脱贫(含监测对象)户人口数", 10, "≥1000人", "≥1000人", 10),
        (None, None, "群众生产生活条件改善状况", 10, "显著提升", "显著提升", 10),
        ("满意度指标(10分)", "服务对象满意度指标", "受益脱贫(含监测对象)户满意度", 10, "≥95%", "≥95%", 10),
        (None, None, "……", None, None, None, None),
    ]
    numbers = [s.row(None, *cells) for cells in rows]
    _merge_tree(s, numbers, rows)
    s.down(1, head, numbers[-1])
    s.row("总分", None, None, None, 100, None, None, 100, across=((1, 4),))
    s.title("注:1.一级指标分值统一设置为:产出指标50分、效益指标30分、满意度指标10分、预算资金执行率10分,"
            "各部门根据各项指标重要程度确定三级指标的分值,得分最高不能超过该指标分值上限", 9)  # fmt: skip
    return _save(wb, path)


def qingshen_2023_wages(path: Path) -> Path:
    """工资性支出 部门预算项目支出绩效自评表（2023年度）, Sichuan (眉山市青神县发展和改革局).

    Source: https://www.scqs.gov.cn/info/13206/211004.htm (报表编号 510000_0013zp).
    Traits: Sichuan's 2023 form: `报表编号` and title rows, `CODE-NAME` 项目名称 whose code
    carries 2021 (digits 7–8) in a 2023 table; `实施单位 (盖章)`; a 项目基本情况 block; the funds
    block 年初预算/调整后预算数/预算执行数 with rows `总额`, `其中:财政资金`, 财政专户管理资金,
    单位资金, 其他资金; the indicator block under a merged `绩效指标(90分)` cell with 指标性质
    (`=`), 指标值, 度量单位, 完成值 (left blank on the published table), 权重, 未完成原因分析;
    the 合计 row and the 评价结论/存在问题/改进措施/项目负责人 footer rows.
    """
    wb, s = _book("510000_0013zp")
    s.row("报表编号:510000_0013zp")
    s.title("部门预算项目支出绩效自评表(2023年度)", 11)
    s.row("项目名称", "51000021R000000019951-工资性支出", across=((2, 11),))
    s.row("主管部门", "青神县发展和改革局本级", None, None, None, "实施单位 (盖章)", "青神县发展和改革局",
          across=((2, 5), (7, 11)))  # fmt: skip
    top = s.row("项目基本情况", "1.项目年度目标完成情况", "项目年度目标", None, None, None, "年度目标完成情况",
                across=((3, 6), (7, 11)))  # fmt: skip
    s.row(None, None, "严格执行相关政策,保障工资及时、足额发放或社保及时、足额缴纳,预算编制科学合理,减少结余资金。",
          None, None, None, "对照年度目标,说明相关任务目标的完成情况(100字以内)", across=((3, 6), (7, 11)))  # fmt: skip
    bottom = s.row(None, "2.项目实施内容及过程概述", None, across=((3, 11),))
    s.down(1, top, bottom)
    s.down(2, top, top + 1)
    top = s.row("预算执行情况(10分)", "年度预算数(万元)", "年初预算", "调整后预算数", "预算执行数", "预算执行率",
                "权重", "得分", "原因", across=((9, 11),))  # fmt: skip
    note = ("1.预算执行率=预算执行数/调整后预算数,预算执行率未达到90%的需说明原因(100字以内);2.年中发生预算调整的"
            "(追加或调减),应单独说明理由;3.其他资金包括:社会投入资金、银行贷款.")  # fmt: skip
    first = s.row(None, "总额", 238.93, 251.89, 251.89, "100.00%", 10, None, note, across=((9, 11),))
    s.row(None, "其中:财政资金", 238.93, 251.89, 251.89, "100.00%", "/", "/")
    s.row(None, "财政专户管理资金", 0.00, 0.00, 0.00, "0.00%", "/", "/")
    s.row(None, "单位资金", 0.00, 0.00, 0.00, "0.00%", "/", "/")
    bottom = s.row(None, "其他资金", None, None, None, None, "/", "/")
    s.ws.merge_cells(start_row=first, start_column=9, end_row=bottom, end_column=11)
    s.down(1, top, bottom)
    head = s.row("绩效指标(90分)", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值",
                 "权重", "得分", "未完成原因分析")  # fmt: skip
    s.row(None, "产出指标", "数量指标", "发放(缴纳)覆盖率", "=", 100, "%", None, 60)
    last = s.row(None, "效益指标", "社会效益指标", "足额保障率(参保率)", "=", 100, "%", None, 30)
    s.down(1, head, last)
    s.row("合计", None, None, None, None, None, None, None, 100, across=((1, 8),))
    s.row("评价结论", "结合自评情况,说明项目自评总分,说明项目实施取得的成效或成果。(200字以内)", across=((2, 11),))
    s.row("存在问题", "结合自评情况,分析存在的问题及原因。(200字以内)", across=((2, 11),))
    s.row(
        "改进措施", "针对项目自评中发现的问题,提出下一步改进完善的意见及有关政策性建议。(200字以内)", across=((2, 11),)
    )
    s.row("项目负责人:", None, None, None, None, "财务负责人:", across=((1, 5), (6, 11)))
    return _save(wb, path)


# --- Yunnan: the national form with a two-row indicator header ------------------------------


def gucheng_2020_satellite_enforcement(path: Path) -> Path:
    """2020年省级自然资源卫片执法补助经费 项目支出绩效自评表（2020年度）, Yunnan (丽江市古城区自然资源局).

    Source: http://m.jjiadianqingjie.com.cn/changyong/13241.html ("2020年云南省级自然资源卫片执法
    补助经费", a repost of the published table; the repost converts to traditional characters, the
    table is transcribed back in the simplified characters of the original).
    Traits: a two-row indicator header (`绩效指标` over 一级/二级/三级, `年度指标值` over
    指标性质/指标值/度量单位, the other headers merged down both rows); the look-alike sign `﹦`
    in 指标性质; `其中:当年财政拨款`; scores printed one point below full marks although every
    target is met (9.00 of 10, 19 of 20, 27.00 of 30). The page is cut inside the 满意度 row's 得分.
    """
    wb, s = _book("项目支出绩效自评表")
    s.title("2020年度项目支出绩效自评表", 10)
    s.row("项目名称", "2020年省级自然资源卫片执法补助经费支出绩效自评表", across=((2, 10),))
    s.row("主管部门", "丽江市自然资源和规划局", None, None, None, "实施单位", "丽江市古城区自然资源局",
          across=((2, 5), (7, 10)))  # fmt: skip
    top = s.row("项目资金 (万元)", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
    s.row(None, "年度资金总额", 7.29, 7.29, 7.29, 10.00, "100%", 10.00)
    s.row(None, "其中:当年财政拨款", 7.29, 7.29, 7.29, None, "100%")
    s.row(None, "上年结转资金")
    bottom = s.row(None, "其他资金")
    s.down(1, top, bottom)
    top = s.row("年度 总体 目标", "预期目标", None, None, None, "实际完成情况", across=((2, 5), (6, 10)))
    bottom = s.row(None, "自然资源卫片执法补助经费", None, None, None, "自然资源卫片执法补助经费",
                   across=((2, 5), (6, 10)))  # fmt: skip
    s.down(1, top, bottom)
    first = s.row("绩效指标", None, None, "年度指标值", None, None, "实际完成值", "分值", "得分",
                  "偏差原因分析及改进措施", across=((1, 3), (4, 6)))  # fmt: skip
    s.row("一级 指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位")
    for column in range(7, 11):
        s.down(column, first, first + 1)
    out = s.row("产出指标", "数量指标", "卫片执法补助经费", "﹦", 72890, "元", 72890, 10.00, 9.00)
    s.row(None, "质量指标", "项目验收合格率", "﹦", 100, "%", 100, 20, 19)
    out_end = s.row(None, "时效指标", "项目完成及时率", "﹦", 100, "%", 100, 20.00, 19.00)
    s.row("效益指标", "社会效益指标", "违法行为责停率", "≥", 95, "%", 95, 30.00, 27.00)
    s.row("满意度指标", "服务对象满意度指标", "满意度", "≥", 95, "%", 95, 10.00)
    s.down(1, out, out_end)
    return _save(wb, path)


# --- Ningxia: the city form with 项目产出/项目效益 ----------------------------------------


def yinchuan_2021_school_funds(path: Path) -> Path:
    """初中公用经费 银川市本级部门项目支出绩效自评表（2021年）, Ningxia (银川市第六中学).

    Source: https://m.yzwku.com/doc/476505.html ("银川市本级部门项目支出绩效自评表.docx", an OCR
    preview: `IO` is read 10, `3M.8万元` 14.8万元 as in its actual cell, `行个` 有个).
    Traits: a 项目 prefix on the 一级 (`项目产出(30分)`, `项目效益(35分)`) and points on the 二级
    (`数量指标(10分)`); 分值 before 指标值(A) and 全年实际值(B); empty `指标2:` template rows; a
    month target (`2021年12月完成`) met on time but printed 4 of 5; 定性 rows printed below full
    marks although the actual repeats the target (13 of 15, 8 of 10). Subset: the 项目决策 and
    项目管理 blocks (一级 outside the national scheme) and the cut-off 满意度 row are left out.
    """
    wb, s = _book("自评表")
    s.title("银川市本级部门项目支出绩效自评表(2021年)", 8)
    s.row("项目名称", "初中公用经费", None, None, "主管部门", "银川市教育局", across=((2, 4), (6, 8)))
    s.row("实施单位", "银川市第六中学", None, None, "自评得分", 98, "财政审核评分", None, across=((2, 4),))
    top = s.row("项目资金(万元)", None, "年初预算数", "调整预算数(A)", "全年执行数(B)", "执行率(B/A)")
    bottom = s.row(None, "年度资金总额", 64.8, 64.8, 64.8, "100%")
    s.down(1, top, bottom)
    s.row("年度总体目标", "年初设定目标", None, None, "年度总体目标完成情况", across=((2, 4), (5, 8)))
    s.row(None, "保障学校正常工作运行", None, None, None, across=((2, 4), (5, 8)))
    s.row("一级指标", "二级指标", "三级指标", "分值", "指标值(A)", "全年实际值(B)", "得分", "未完成原因分析及改进措施")
    rows: list[tuple] = [
        ("项目产出(30分)", "数量指标(10分)", "保障人数", 10, "2370人", "2370人", 10),
        (None, None, "指标2:", None, None, None, None),
        (None, "质量指标(5分)", "公用经费标准", 5, "符合相关文件要求", "符合相关文件要求", 5),
        (None, None, "指标2:", None, None, None, None),
        (None, "时效指标(5分)", "公用经费完成时间", 5, "2021年12月完成", "2021年12月完成", 4),
        (None, None, "指标2:", None, None, None, None),
        (None, "成本指标(10分)", "办公所需成本", 4, "15万元", "15万元", 4),
        (None, None, "维修(维护)所需成本", 3, "35万元", "35万元", 3),
        (None, None, "绿化、水电费等成本", 3, "14.8万元", "14.8万元", 3),
        ("项目效益(35分)", "经济效益指标", "指标1:", None, None, None, None),
        (None, None, "指标2:", None, None, None, None),
        (None, "社会效益指标", "效果显著", 15, "改善学校的办学条件", "改善学校的办学条件", 13),
        (None, "生态效益指标", "指标1:", None, None, None, None),
        (None, None, "指标2:", None, None, None, None),
        (None, "可持续影响指标", "使学生和老师有个更好的学习和工作环境,做到", 10, "社会认可的办学环境.",
         "社会认可的办学环境.", 8),
        (None, None, "指标2:", None, None, None, None),
    ]  # fmt: skip
    numbers = [s.row(*cells) for cells in rows]
    _merge_tree(s, numbers, rows, level1_column=1)
    return _save(wb, path)


# --- Hunan and Sichuan: tables without a 分值 column (cannot be scored) -----------------------


def hengshan_2020_grain_reserve(path: Path) -> Path:
    """县级储备粮 2020年度县级专项资金绩效目标自评表, Hunan (衡阳市衡山县商务和粮食局).

    Source: https://taowenge.com/p-72820237.html ("2020年度县级专项资金绩效目标自评表.docx").
    Traits: the form names the project `专项资金名称` and the department `县级主管部门`; headers
    broken over lines (`年度指标 值`, `全年 完成值`, `一级 指标`); `其中:中央、省、市补助县级资金`;
    no 分值 column at all, so no row can be scored. Subset: the 产出 rows and the 满意度 rows
    (`市民满意度调查` is printed `290%`, OCR for `≥90%`).
    """
    wb, s = _book("自评表")
    s.title("2020年度县级专项资金绩效目标自评表", 6)
    s.row("专项资金名称", "县级储备粮", None, "负责人及电话", "旷建成、向建军", across=((2, 3), (5, 6)))
    s.row("县级主管部门", "衡山县商务和粮食局", None, "实施单位", "粮食调控储备与产业发展股", across=((2, 3), (5, 6)))
    top = s.row("项目资金(万元)", None, "全年预算数(A)", "全年执行数(B)", "执行率(B/A)")
    s.row(None, "年度资金总额", 194.9, 194.9, "100%")
    s.row(None, "其中:中央、省、市补助县级资金", 194.9, 194.9, "100%")
    bottom = s.row(None, "其他资金")
    s.down(1, top, bottom)
    s.row("年度 总体 目标", "年初设定目标", None, "全年实际完成情况", across=((2, 3), (4, 6)))
    s.row(None, "保持和稳定地方粮食储备机制", None, "地方储备粮食规模达标", across=((2, 3), (4, 6)))
    s.row("一级 指标", "二级 指标", "三级指标", "年度指标 值", "全年 完成值", "未完成原因和 改进措施")
    rows: list[tuple] = [
        ("产 出 指 标", "数量 指标", "5000吨稻谷、500吨成 品粮储备到位率", "100%", "100%"),
        (None, None, "库存数量真实率", "100%", "100%"),
        (None, "质量 指标", "县级储备粮管理制 度严格执行率", "100%", "100%"),
        (None, None, "储备粮管理专户管 理率", "100%", "100%"),
        (None, None, "县级储备粮库存粮 食明显变质比例", 0, 0),
        ("满意 度指 标", "服务 对象 满意 度指 标", "因粮食市场波动引 起的粮食安全事件 发生数", "0起", "0起"),
        (None, None, "市民满意度调查", "≥90%", "100%"),
    ]
    numbers = [s.row(*cells) for cells in rows]
    _merge_tree(s, numbers, rows, level1_column=1)
    s.row("说明", "无", across=((2, 6),))
    return _save(wb, path)


def jinzhai_2023_whole_budget(path: Path) -> Path:
    """金寨县茶谷和美丽乡村建设服务中心 部门整体支出绩效自评表（2023年度）, Anhui (六安市金寨县).

    Source: https://www.ahjinzhai.gov.cn/public/6624963/37545031.html.
    Traits: a 部门整体 table: the form names the `部门` and has no 项目名称; execution above 100%
    (338.31 of 329.77); `—` under 分值/得分 in the source rows; headers broken by spaces
    (`绩 效 指 标`, `年度 指标值`, `实际 完成值`); `指标1:` decorated 三级; bare numbers with no
    unit (`≥200`, `202`) and a 数量 target with ≤ (`≤4`); month deadlines without a year
    (`9月前`, done `7月`). Subset: the page is cut at the 成本指标 row (`指标1:`), the rows from
    there on are left out (weights 60).
    """
    wb, s = _book("部门整体支出绩效自评表")
    s.title("部门整体支出绩效自评表", 9)
    s.title("(2023年度)", 9)
    s.row("部门", None, "金寨县茶谷和美丽乡村建设服务中心", across=((1, 2), (3, 9)))
    top = s.row("预算资金 (万元)", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
    s.row(None, "年度资金总额", 329.77, 329.77, 338.31, 10, "102.59%")
    s.row(None, "其中:当年财政拨款", 329.77, 329.77, 338.31, "—", "102.59%", "—")
    s.row(None, "上年结转资金", None, None, None, "—", None, "—")
    bottom = s.row(None, "其他资金", None, None, None, "—", None, "—")
    s.down(1, top, bottom)
    top = s.row("年度总体目标", "预期目标", None, None, None, "实际完成情况", across=((2, 5), (6, 9)))
    bottom = s.row(None, "1.建设徽风皖韵美丽乡村;2.整治美丽宜居自然村庄;3.推进农村改厕提质增效;4.深入开展村庄清洁行动;"
                   "5.促进茶谷果岭融合发展。", None, None, None,
                   "1.启动燕子河镇龙马村、花石乡大湾村等4个精品示范村建设;2.整治美丽宜居自然村庄202个;"
                   "3.完成农村户用卫生厕所改造3061户;4.全面完成2022年度10个省级中心村各项建设任务,并顺利通过省级验收;"
                   "加快2023年度10个省级中心村任务,确保2024年通过各级验收。", across=((2, 5), (6, 9)))  # fmt: skip
    s.down(1, top, bottom)
    head = s.row("绩 效 指 标", "一级指标", "二级指标", "三级指标", "年度 指标值", "实际 完成值", "分值", "得分",
                 "偏差原因分析及改进措施")  # fmt: skip
    rows: list[tuple] = [
        ("产出指标", "数量指标", "指标1:开展精品示范村建设数量", "≤4", 4, 10, 10),
        (None, None, "指标2:建设美丽宜居自然村庄数量", "≥200", 202, 10, 10),
        (None, None, "指标3:完成农村户用卫生厕所改造数量", "≥2000", 3061, 10, 10),
        (None, None, "指标4:新建省级中心村数量", "≥10", 10, 10, 10),
        (None, "质量指标", "指标1:美丽宜居自然村庄验收通过率", "≥95%", "100%", 5, 5),
        (None, None, "指标2:户用卫生厕所改造验收通过率", "≥95%", "100%", 5, 5),
        (None, "时效指标", "指标1:完成美丽宜居自然村庄验收时间", "9月前", "7月", 5, 5),
        (None, None, "指标2:完成户用卫生厕所改造验收时间", "11月前", "10月", 5, 5),
    ]
    numbers = [s.row(None, *cells) for cells in rows]
    _merge_tree(s, numbers, rows)
    s.down(1, head, numbers[-1])
    return _save(wb, path)


# --- Hubei: amounts written with 万 ---------------------------------------------------------


def ezhou_2021_citizen_centre(path: Path) -> Path:
    """市民中心运行维护费 项目支出绩效自评表（2021年度）, Hubei (鄂州市行政审批局).

    Source: https://zwfwzx.ezhou.gov.cn/zwgk/fdzdgknr/sgjfxx/202211/t20221108_506320.html.
    Traits: amounts written with their unit in the funds block (`150万`, `125.25万`) and `—` in
    the source rows; the budget row's 分值 printed 100 and its 得分 98 at 83.5% execution;
    headers broken by spaces (`年度 指标值`, `实际 完成值`, `绩 效 指 标`); blank 主管部门 and
    实施单位; many empty template rows (a 时效指标 with no indicator at all); a 成本 target with a
    bare `万` and no sign (`150万`). Subset: the page is cut inside the 社会效益 block (`岗…`), so
    the rows from there on are left out (weights 70).
    """
    wb, s = _book("项目支出绩效自评表")
    s.title("项目支出绩效自评表", 9)
    s.title("( 2021 年度)", 9)
    s.row("项目名称", None, "市民中心运行维护费", across=((1, 2), (3, 9)))
    s.row("主管部门", None, None, None, None, "实施单位", None, across=((1, 2), (3, 5), (7, 9)))
    top = s.row("项目资金 (万元)", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
    s.row(None, "年度资金总额", "150万", "150万", "125.25万", 100, "83.5%", 98)
    s.row(None, "其中:当年财政拨款", "150万", "150万", "125.25万", "—", None, "—")
    s.row(None, "上年结转资金", 0, 0, 0, "—", None, "—")
    bottom = s.row(None, "其他资金", 0, 0, 0, "—", None, "—")
    s.down(1, top, bottom)
    top = s.row("年度总体目标", "预期目标", None, None, None, "实际完成情况", across=((2, 5), (6, 9)))
    bottom = s.row(None, "为更好的建设行政服务大厅窗口建设和全市行政服务工作的组织协调、业务指导及督办检查;"
                   "市政务服务大厅及周边设施日常维修升级改造费用。", None, None, None,
                   "本年度财政拨款为150万元:执行数为125.25万元,完成预算的83.50%。",
                   across=((2, 5), (6, 9)))  # fmt: skip
    s.down(1, top, bottom)
    head = s.row("绩 效 指 标", "一级指标", "二级指标", "三级指标", "年度 指标值", "实际 完成值", "分值", "得分",
                 "偏差原因分析及改进措施")  # fmt: skip
    empty: tuple = (None, None, None, None, None, None, None)
    rows: list[tuple] = [
        ("产出指标", "数量指标", "预算执行率", "100%", "83.5%", 20, 18),
        (None, None, "预算资金拨款率", "100%", "100%", 10, 10),
        empty,
        (None, "质量指标", "政务服务工作办结率", "100%", "100%", 10, 10),
        (None, None, "大厅业务日常考核结果", "100%", "100%", 10, 10),
        empty,
        (None, "时效指标", None, None, None, None, None),
        empty,
        empty,
        (None, "成本指标", "市民中心运行维护费", "150万", "150万", 10, 10),
        empty,
        empty,
        ("效益指标", "经济效益 指标", "大厅运行正常率", "100%", "100%", 10, 10),
        empty,
        empty,
    ]
    numbers = [s.row(None, *cells) for cells in rows]
    _merge_tree(s, numbers, rows)
    s.down(1, head, numbers[-1])
    return _save(wb, path)


BUILDERS = (
    suixi_2019_temporary_relief,
    xiaoxian_2023_special_farming,
    guichi_2022_commissioned_work,
    tianchang_2022_flood_control,
    zhongjiang_2022_water_gauges,
    qingshen_2023_wages,
    gucheng_2020_satellite_enforcement,
    yinchuan_2021_school_funds,
    hengshan_2020_grain_reserve,
    ezhou_2021_citizen_centre,
    jinzhai_2023_whole_budget,
)
