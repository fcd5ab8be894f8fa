"""Invariants the database holds (domain.md §1)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.models import Indicator
from projects.models import Fund, FundSource, Project
from tests import factories

pytestmark = pytest.mark.django_db


def violates(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_project_code_is_unique_per_year(unit_a, unit_b) -> None:
    factories.project(unit=unit_a, code="P1", year=2022)
    assert violates(lambda: factories.project(unit=unit_b, code="P1", year=2022))
    assert not violates(lambda: factories.project(unit=unit_a, code="P1", year=2023))


def test_uncoded_projects_are_unique_by_name_within_unit(unit_a, unit_b) -> None:
    factories.project(unit=unit_a, code="", name="办公经费")
    assert violates(lambda: factories.project(unit=unit_a, code="", name="办公经费"))
    assert not violates(lambda: factories.project(unit=unit_b, code="", name="办公经费"))


def test_fund_amounts_are_not_negative_and_one_row_per_source(unit_a) -> None:
    project = factories.project(unit=unit_a)
    assert violates(lambda: factories.fund(project, annual="-1"))
    factories.fund(project, annual="10")
    assert violates(lambda: factories.fund(project, annual="10"))
    assert not violates(lambda: factories.fund(project, annual="10", source=FundSource.OTHER))
    assert Fund._meta.get_field("annual").decimal_places == 2


@pytest.mark.parametrize(
    ("extra", "broken"),
    [
        ({"weight": "-1"}, True),
        ({"comparator": "≤", "direction": "正向"}, True),
        ({"comparator": "≈"}, True),
        ({"comparator": "≥", "target": None}, True),
        # a blank 定性 target is a declaration's `unmeasurable` check, not a database error (domain.md §8)
        ({"comparator": "定性", "target": None, "target_text": ""}, False),
        ({"adjusted_score": Decimal("5"), "adjust_reason": ""}, True),
        ({"adjusted_score": Decimal("11"), "adjust_reason": "理由"}, True),
        ({"adjusted_score": Decimal("5"), "adjust_reason": "按审核意见调整"}, False),
        ({"comparator": "定性", "target": None, "target_text": "有效提升"}, False),
    ],
)
def test_indicator_constraints(unit_a, extra, broken) -> None:
    project = factories.project(unit=unit_a)

    def create():
        values = {"level1": "产出指标", "level2": "数量指标", "level3": "x", "comparator": "≥", "target": Decimal(1),
                  "unit": "个", "weight": Decimal(10), "direction": "正向"} | extra  # fmt: skip
        if "weight" in extra:
            values["weight"] = Decimal(extra["weight"])
        if "direction" not in extra and values["comparator"] in ("≤", "<"):
            values["direction"] = "反向"
        Indicator.objects.create(project=project, **values)

    assert violates(create) is broken


def test_indicator_clean_checks_the_scheme_vocabulary(unit_a) -> None:
    project = factories.project(unit=unit_a)
    row = Indicator(project=project, level1="投入指标", level2="数量指标", level3="x", comparator="≥",
                    target=Decimal(1), unit="个", weight=Decimal(1))  # fmt: skip
    with pytest.raises(ValidationError) as info:
        row.full_clean()
    assert "一级指标须为" in str(info.value)
    row.level1, row.level2 = "产出指标", "社会效益指标"
    with pytest.raises(ValidationError, match="二级指标须为"):
        row.full_clean()
    row.level2, row.unit = "数量指标", ""
    row.full_clean()  # a bare number needs no unit (domain.md §1)


def test_department_scheme_vocabulary(unit_a) -> None:
    project = factories.project(unit=unit_a, scheme="department")
    row = Indicator(project=project, level1="决策", level2="项目立项", level3="立项依据充分性", comparator="定性",
                    target_text="依据充分", weight=Decimal(3))  # fmt: skip
    row.full_clean()
    assert row.direction == "正向"
    assert Project.objects.get().scheme == "department"
