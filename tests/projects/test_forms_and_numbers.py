"""Forms and numbers as a new user met them (issue 15, B20): the funds form reads amounts as the
import does, pages show amounts with thousands separators, a new project is 未评分 until it has
indicators, the weight badges add up, and the 指标值 box holds a long deadline."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Fund, FundSource, Project, Status
from projects.scores import projects_rescore
from tests import factories

pytestmark = pytest.mark.django_db
CREATE = {"year": "2025", "code": "N-001", "name": "新项目", "annual_goal": "目标"}


def text_of(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def weight_badges(page: str) -> list[tuple[str, str]]:
    """(class, text) of each badge in the editor's 权重合计."""
    block = re.search(r'<div id="weight-sums".*?</div>', page, flags=re.S).group(0)
    found = re.findall(r'<span class="badge ([^"]*)"[^>]*>(.*?)</span>', block)
    return [(cls.split()[0], text.strip()) for cls, text in found]


# --- the funds form reads 万元 as the import does ------------------------------------------------


def test_the_funds_form_takes_wan_yuan_as_the_import_reads_it(client, officer) -> None:
    client.force_login(officer)
    data = CREATE | {"fiscal_initial": "1200万元", "fiscal_annual": "１，２００ 万元", "fiscal_executed": "1,000万"}
    response = client.post(reverse("projects:create"), data)
    assert response.status_code == 302, text_of(response.content.decode())[:500]
    fund = Fund.objects.get(project__code="N-001", source=FundSource.FISCAL)
    assert (fund.initial, fund.annual, fund.executed) == (Decimal(1200), Decimal(1200), Decimal(1000))


def test_yuan_asks_for_wan_yuan_with_the_imports_words(client, officer) -> None:
    client.force_login(officer)
    response = client.post(reverse("projects:create"), CREATE | {"fiscal_annual": "12000000元"})
    page = response.content.decode()
    assert response.status_code == 400 and "金额以万元为单位，请换算为万元后填写数字" in page
    assert 'value="12000000元"' in page and not Project.objects.exists()


# --- thousands separators on the edit and review pages -----------------------------------------


@pytest.fixture
def big(unit_a):
    project = factories.project(unit=unit_a, code="A-009", name="大额项目", year=2025)
    factories.fund(project, annual="1234567.8", executed="1000000")
    factories.indicator(project, level3="培训人次", weight="90", target=Decimal(10), actual=Decimal(10),
                        actual_text="10")  # fmt: skip
    projects_rescore(project_ids=[project.pk])
    return project


def test_the_edit_page_shows_amounts_with_separators_and_reads_them_back(client, officer, big) -> None:
    client.force_login(officer)
    page = client.get(reverse("projects:edit", args=[big.pk])).content.decode()
    assert 'value="1,234,567.80"' in page and 'value="1,000,000.00"' in page
    data = {name: value for name, value in re.findall(r'<input type="text"[^>]*name="(\w+)"[^>]*value="([^"]*)"', page)}
    data |= {"version": str(big.version), "name": big.name, "overall_goal": "", "annual_goal": "", "attribute": ""}
    response = client.post(reverse("projects:edit", args=[big.pk]), data)
    assert response.status_code == 302, text_of(response.content.decode())[:800]
    fund = Fund.objects.get(project=big)
    assert (fund.annual, fund.executed) == (Decimal("1234567.80"), Decimal(1000000))


def test_the_review_page_shows_the_budget_execution_with_separators(client, evaluator, big) -> None:
    factories.set_status(Project.objects.filter(pk=big.pk), Status.SUBMITTED)
    client.force_login(evaluator)
    page = text_of(client.get(reverse("review:project", args=[big.pk])).content.decode())
    assert "执行率 1,000,000.00/1,234,567.80 = 81.00%" in page
    assert "1000000.00" not in page and "1234567.80" not in page


# --- 未评分 before any indicator -------------------------------------------------------------------


def test_a_new_project_with_an_execution_is_unscored_until_it_has_indicators(client, officer) -> None:
    client.force_login(officer)
    data = CREATE | {"fiscal_annual": "1200", "fiscal_executed": "1000"}
    assert client.post(reverse("projects:create"), data).status_code == 302
    project = Project.objects.get(code="N-001")
    assert not project.scored
    for url in (reverse("projects:detail", args=[project.pk]), reverse("indicators:editor", args=[project.pk])):
        page = text_of(client.get(url).content.decode())
        assert "未评分" in page and "分 · 差" not in page, url
    listing = text_of(client.get(reverse("projects:list"), {"year": 2025}).content.decode())
    assert "未评分" in listing and "8.33" not in listing
    factories.indicator(project, level3="培训人次", weight="90", target=Decimal(10), actual=Decimal(10),
                        actual_text="10")  # fmt: skip
    projects_rescore(project_ids=[project.pk])
    assert Project.objects.get(pk=project.pk).scored
    assert "未评分" not in text_of(client.get(reverse("projects:detail", args=[project.pk])).content.decode())


# --- the weight badges ----------------------------------------------------------------------------


def test_the_weight_badges_agree_when_there_is_no_satisfaction_row(client, officer, unit_a) -> None:
    project = factories.project(unit=unit_a, code="A-010", name="无满意度项目")
    factories.indicator(project, level3="培训人次", level1="产出指标", level2="数量指标", weight="60")
    factories.indicator(project, level3="带动就业", level1="效益指标", level2="社会效益指标", weight="30")
    client.force_login(officer)
    page = client.get(reverse("indicators:editor", args=[project.pk])).content.decode()
    badges = weight_badges(page)
    assert badges[-1] == ("text-bg-success", "合计 90/90")  # the rule: weights add up to 90
    # no part says the weights are wrong while the total says they are right
    assert not any("danger" in cls for cls, _ in badges)
    parts = dict((text.split(" ")[0], text) for _, text in badges[:-1])
    assert parts["效益指标"] == "效益指标 30/40（含满意度指标 10）"
    assert parts["满意度指标"] == "满意度指标 无（10 分计入效益指标）"
    shown = [int(m) for _, text in badges[:-1] for m in re.findall(r"/(\d+)", text)]
    assert sum(shown) == 90  # the parts shown add up to the total shown


def test_a_wrong_total_still_shows_its_parts_in_red(client, officer, unit_a) -> None:
    project = factories.project(unit=unit_a, code="A-011", name="权重不足项目")
    factories.indicator(project, level3="培训人次", level1="产出指标", level2="数量指标", weight="50")
    factories.indicator(project, level3="带动就业", level1="效益指标", level2="社会效益指标", weight="30")
    client.force_login(officer)
    badges = weight_badges(client.get(reverse("indicators:editor", args=[project.pk])).content.decode())
    assert ("text-bg-success", "产出指标 50/50") in badges
    assert ("text-bg-danger", "效益指标 30/40（含满意度指标 10）") in badges
    assert badges[-1] == ("text-bg-danger", "合计 80/90")


# --- the 指标值 box holds a long deadline -----------------------------------------------------------


def test_the_target_box_wraps_a_long_deadline(client, officer, unit_a) -> None:
    project = factories.project(unit=unit_a, code="A-012", name="时限项目")
    row = factories.indicator(project, level3="完成时限", level2="时效指标", comparator="≤", target=None, unit="",
                              target_text="2022年12月31日前", deadline=datetime.date(2022, 12, 31),
                              weight="90")  # fmt: skip
    client.force_login(officer)
    page = client.get(reverse("indicators:editor", args=[project.pk])).content.decode()
    cell = re.search(rf'<div class="([^"]*)">\s*<div class="">\s*<label[^>]*for="id_i{row.pk}-target"[^>]*>.*?</div>',
                     page, flags=re.S)  # fmt: skip
    assert cell is not None and "col-md-2" in cell.group(1)  # as wide as the 一级 and 二级 columns
    assert re.search(rf'<textarea[^>]*name="i{row.pk}-target"[^>]*>\s*2022年12月31日前</textarea>', page)


def test_the_migration_clears_the_stored_score_of_projects_without_indicators(unit_a) -> None:
    """Saved before B20, a budget-only project kept scored=True and listed as 8.16 · 差."""
    import importlib

    from django.apps import apps

    bare = factories.project(unit=unit_a, code="M1", year=2025)
    factories.fund(bare, annual="100", executed="20")
    answered = factories.project(unit=unit_a, code="M2", year=2025)
    factories.indicator(answered, level3="培训人次", weight="50", actual=Decimal(5), actual_text="5")
    Project.objects.filter(pk__in=[bare.pk, answered.pk]).update(scored=True)
    importlib.import_module("projects.migrations.0012_unscored_without_indicators").clear(apps, None)
    assert dict(Project.objects.filter(pk__in=[bare.pk, answered.pk]).values_list("code", "scored")) == {
        "M1": False,
        "M2": True,
    }
