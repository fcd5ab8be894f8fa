"""The built-in scoring schemes (domain.md §2, §4). A province's variant is new data here."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from scoring.types import QualitativeBands, Scheme

D = Decimal

COST_LEVEL2 = ("成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标")

UNIT_LEVEL2 = (
    ("产出指标", ("数量指标", "质量指标", "时效指标", *COST_LEVEL2)),
    # the 2015 layout prints 社会公众或服务对象满意度指标 under 效益指标 (domain.md §8): read where it sits
    ("效益指标", ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "社会公众或服务对象满意度指标")),
    ("满意度指标", ("服务对象满意度指标",)),
)

# 财预〔2020〕10号 单位自评: 预算执行率 10, 产出 50 / 效益 30 / 满意度 10.
NATIONAL = Scheme(
    key="national",
    label="国家标准（财预〔2020〕10号 单位自评）",
    budget_points=D(10),
    level1_points=(("产出指标", D(50)), ("效益指标", D(30)), ("满意度指标", D(10))),
    level2_names=UNIT_LEVEL2,
    satisfaction_level1="满意度指标",
    satisfaction_moves_to="效益指标",
    cost_level2=COST_LEVEL2,
    time_level2=("时效指标",),
)

# 鄂财绩发〔2020〕3号 style: budget 20 = 20 × 执行率, indicators 80, 定性 bands 100/80/50.
HUBEI = replace(
    NATIONAL,
    key="hubei",
    label="湖北（预算执行 20 分，指标 80 分）",
    budget_points=D(20),
    level1_points=(("产出指标", D(40)), ("效益指标", D(30)), ("满意度指标", D(10))),
    bands=QualitativeBands(achieved_floor=D("0.8"), partial_floor=D("0.5")),
)

# 财预〔2020〕10号 附件2 部门评价 / 财政评价: 决策 20 / 过程 20 / 产出 40 / 效益 20;
# 预算执行率 and 资金到位率 are indicators under 过程, so there is no budget row.
DEPARTMENT = replace(
    NATIONAL,
    key="department",
    label="部门评价（决策 20 / 过程 20 / 产出 40 / 效益 20）",
    budget_points=D(0),
    level1_points=(("决策", D(20)), ("过程", D(20)), ("产出", D(40)), ("效益", D(20))),
    level2_names=(
        ("决策", ("项目立项", "绩效目标", "资金投入")),
        ("过程", ("资金管理", "组织实施")),
        ("产出", ("产出数量", "产出质量", "产出时效", "产出成本")),
        ("效益", ("项目效益", "实施效益", "满意度")),
    ),
    band_locked=False,
    satisfaction_level1="",
    satisfaction_moves_to="",
    cost_level2=("产出成本",),
    time_level2=("产出时效",),
)

# 财预〔2013〕53号 共性指标体系框架 (seed 004, Hubei 2018): 投入 20 / 过程 20 / 产出 30 / 效果 30 by
# default (provinces vary). No budget row: 资金到位率 and 到位及时率 are 投入 indicators. Each 一级 is
# also graded on its share of its weight (“项目投入评价结果为优”), and the report follows seed 004.
FRAMEWORK2013 = replace(
    NATIONAL,
    key="framework2013",
    label="2013 共性指标框架（投入 20 / 过程 20 / 产出 30 / 效果 30）",
    budget_points=D(0),
    level1_points=(("投入", D(20)), ("过程", D(20)), ("产出", D(30)), ("效果", D(30))),
    level2_names=(
        ("投入", ("项目立项", "资金落实")),
        ("过程", ("业务管理", "财务管理")),
        ("产出", ("实际完成率", "完成及时率", "质量达标率", "成本节约率")),
        ("效果", ("经济效益", "社会效益", "生态效益", "可持续影响", "服务对象满意度")),
    ),
    satisfaction_level1="",
    satisfaction_moves_to="",
    cost_level2=(),  # 成本节约率 = (计划成本 − 实际成本) / 计划成本 is a rate where more is better
    time_level2=(),  # 完成及时率 likewise
    grade_level1=True,
    outline="framework2013",
)

# Vendor (fasp2) profile: ≤ indicators lose points linearly, 0 from a ≥ 2t.
NATIONAL_LINEAR = replace(NATIONAL, key="national_linear", label="国家标准（反向指标线性扣分）", reverse_rule="linear")

LETTERS = ("A", "B", "C", "D")


def with_letters(scheme: Scheme) -> Scheme:
    """The same scheme printing A/B/C/D instead of 优/良/中/差 (Inner Mongolia prints 92.90 → A)."""
    bands = tuple((floor, letter) for (floor, _), letter in zip(scheme.grade_bands, LETTERS, strict=True))
    return replace(scheme, key=f"{scheme.key}_letters", label=f"{scheme.label}，A/B/C/D 等级", grade_bands=bands)


_BASE = (NATIONAL, NATIONAL_LINEAR, HUBEI, DEPARTMENT, FRAMEWORK2013)
SCHEMES: dict[str, Scheme] = {s.key: s for s in (*_BASE, *(with_letters(s) for s in _BASE))}
DEFAULT_KEY = NATIONAL.key


class UnknownScheme(KeyError):
    """Raised for a scheme key that is not registered."""

    def __str__(self) -> str:
        return f"未知的评分方案“{self.args[0]}”，可选：{'、'.join(SCHEMES)}"


def get_scheme(key: str) -> Scheme:
    """The registered scheme for `key`; raises UnknownScheme with a Chinese message."""
    try:
        return SCHEMES[key]
    except KeyError:
        raise UnknownScheme(key) from None


def scheme_choices() -> list[tuple[str, str]]:
    return [(s.key, s.label) for s in SCHEMES.values()]
