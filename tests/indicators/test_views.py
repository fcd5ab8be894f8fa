"""The officer's indicator editor over HTMX: tree rows, weight sums, actuals (style.md checklist).

HTMX requests get a fragment (no <html>) and, on an error, status 200 with the error in the
fragment so htmx swaps it in; plain requests get the full page with 400 (409 when stale).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.editing import ACTUAL_ENTERED, CREATED
from indicators.models import Indicator
from projects.models import Project, Status
from projects.scores import project_evaluate
from projects.services import STALE, project_touch
from tests import factories

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def project_a(unit_a):
    project = factories.project(unit=unit_a, code="A-001", name="单位A项目")
    factories.fund(project, annual="100", executed="100")
    factories.indicator(project, level3="培训人次", weight="40", position=1)
    factories.indicator(project, level3="满意度", level1="满意度指标", level2="服务对象满意度指标", weight="10",
                        unit="%", target=Decimal(90), position=2)  # fmt: skip
    return project


@pytest.fixture
def project_b(unit_b):
    project = factories.project(unit=unit_b, code="B-001", name="单位B项目")
    factories.indicator(project, level3="B指标")
    return project


def version(project) -> str:
    return str(Project.objects.get(pk=project.pk).version)


def row(project, level3: str) -> Indicator:
    return Indicator.objects.get(project=project, level3=level3)


def new_row(project, **changes) -> dict[str, str]:
    data = {"version": version(project), "level1": "效益指标", "level2": "社会效益指标", "level3": "受益人数",
            "comparator": "≥", "target": "1000", "unit": "人", "weight": "40"}  # fmt: skip
    return data | changes


def row_data(indicator: Indicator, **changes) -> dict[str, str]:
    values = {
        "level1": indicator.level1,
        "level2": indicator.level2,
        "level3": indicator.level3,
        "comparator": indicator.comparator,
        "target": "10",
        "unit": indicator.unit,
        "weight": "40",
    } | changes
    return {"version": version(indicator.project), **{f"i{indicator.pk}-{k}": v for k, v in values.items()}}


def actual_data(indicator: Indicator, actual: str, reason: str = "") -> dict[str, str]:
    p = f"a{indicator.pk}"
    return {"version": version(indicator.project), f"{p}-actual": actual, f"{p}-reason": reason}


def urls(project) -> list[tuple[str, str]]:
    """(method, url) of every editor view."""
    first = project.indicators.first().pk
    return [
        ("get", reverse("indicators:editor", args=[project.pk])),
        ("get", reverse("indicators:level2", args=[project.pk])),
        ("post", reverse("indicators:add", args=[project.pk])),
        *[("post", reverse(f"indicators:{name}", args=[project.pk, first]))
          for name in ("update", "delete", "move_up", "move_down", "actual")],
    ]  # fmt: skip


# --- access, for every view ---------------------------------------------------------------------


def test_other_unit_gets_404_everywhere(client, officer, project_b) -> None:
    client.force_login(officer)
    for method, url in urls(project_b):
        assert getattr(client, method)(url, {"version": version(project_b)}).status_code == 404, url


def test_evaluator_gets_403_everywhere(client, evaluator, project_a) -> None:
    client.force_login(evaluator)
    for method, url in urls(project_a):
        assert getattr(client, method)(url, {"version": version(project_a)}).status_code == 403, url


def test_locked_project_gets_403_everywhere(client, officer, project_a) -> None:
    factories.set_status(Project.objects.filter(pk=project_a.pk), Status.SUBMITTED)
    client.force_login(officer)
    for method, url in urls(project_a):
        assert getattr(client, method)(url, {"version": version(project_a)}).status_code == 403, url
    assert project_a.indicators.count() == 2


def test_wrong_method_gets_405_everywhere(client, officer, project_a) -> None:
    client.force_login(officer)
    for method, url in urls(project_a):
        wrong = client.post if method == "get" else client.get
        assert wrong(url).status_code == 405, url


def test_another_projects_indicator_gets_404(client, officer, project_a, project_b) -> None:
    client.force_login(officer)
    url = reverse("indicators:actual", args=[project_a.pk, project_b.indicators.get().pk])
    assert client.post(url, {"version": version(project_a)}).status_code == 404


# --- the editor page --------------------------------------------------------------------------


def test_editor_page_shows_tree_weight_sums_and_actuals(client, officer, project_a) -> None:
    client.force_login(officer)
    response = client.get(reverse("indicators:editor", args=[project_a.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "<html" in page
    assert 'id="project-version"' in page and "培训人次" in page and "满意度" in page
    assert "产出指标 40/50" in page and "效益指标 0/30" in page and "满意度指标 10/10" in page
    assert "合计 50/90" in page and "text-bg-danger" in page
    assert 'id="actual-row-' in page and "尚未填报实际完成值" in page


def test_editor_query_count_does_not_grow(client, officer, project_a, django_assert_max_num_queries) -> None:
    client.force_login(officer)
    url = reverse("indicators:editor", args=[project_a.pk])
    for j in range(40):
        factories.indicator(project_a, level3=f"指标{j}", weight="1")
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


def test_level2_options_follow_level1(client, officer, project_a) -> None:
    client.force_login(officer)
    response = client.get(reverse("indicators:level2", args=[project_a.pk]), {"level1": "效益指标"}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert "社会效益指标" in page and "数量指标" not in page


# --- add ----------------------------------------------------------------------------------------


def test_htmx_add_returns_tree_with_sums_actuals_total_and_version(client, officer, project_a) -> None:
    client.force_login(officer)
    response = client.post(reverse("indicators:add", args=[project_a.pk]),
                           new_row(project_a, target="１，０００", weight="４０分"), **HTMX)  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    added = row(project_a, "受益人数")
    assert (added.target, added.weight, added.position, added.direction) == (Decimal(1000), Decimal(40), 3, "正向")
    assert 'id="indicator-tree"' in page and "合计 90/90" in page and "效益指标 40/30" in page
    assert 'id="indicator-actuals" class="indicator-actuals card card-body mb-4" hx-swap-oob="true"' in page
    assert f'id="actual-row-{added.pk}"' in page
    assert f'name="version" id="project-version" value="{version(project_a)}" hx-swap-oob="true"' in page
    record = added.history.get()
    assert (record.history_user, record.history_change_reason) == (officer, CREATED)


def test_plain_add_redirects_to_the_editor(client, officer, project_a) -> None:
    client.force_login(officer)
    response = client.post(reverse("indicators:add", args=[project_a.pk]), new_row(project_a))
    assert response.status_code == 302 and response["Location"] == reverse("indicators:editor", args=[project_a.pk])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"target": "五十"}, "“五十”不是数字"),
        ({"weight": "十分"}, "“十”不是数字"),
        ({"level2": "数量指标"}, "请选择所选一级指标下的二级指标"),
        (
            {"level3": "培训人次", "level1": "产出指标", "level2": "数量指标", "unit": "个"},
            "本项目已有相同一级、二级、三级名称的指标",
        ),
    ],
)
def test_invalid_new_row_is_re_rendered_with_input_and_error(client, officer, project_a, changes, message) -> None:
    client.force_login(officer)
    url = reverse("indicators:add", args=[project_a.pk])
    data = new_row(project_a, **changes)
    fragment = client.post(url, data, **HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    page = client.post(url, data)
    assert page.status_code == 400 and "<html" in page.content.decode()
    for response in (fragment, page):
        text = response.content.decode()
        assert message in text and f">\n{data['target']}</textarea>" in text  # 指标值 wraps: a textarea
    assert project_a.indicators.count() == 2


def test_qualitative_and_deadline_targets(client, officer, project_a) -> None:
    client.force_login(officer)
    url = reverse("indicators:add", args=[project_a.pk])
    client.post(url, new_row(project_a, level3="品牌影响", comparator="定性", target="明显提升", unit=""), **HTMX)
    client.post(url, new_row(project_a, level1="产出指标", level2="时效指标", level3="按期完成", comparator="≤",
                             target="2022年12月31日前", unit=""), **HTMX)  # fmt: skip
    quality, deadline = row(project_a, "品牌影响"), row(project_a, "按期完成")
    assert (quality.comparator, quality.target, quality.target_text) == ("定性", None, "明显提升")
    assert (deadline.deadline, deadline.target) == (datetime.date(2022, 12, 31), None)


# --- update, delete, move -----------------------------------------------------------------------


def test_htmx_update_returns_the_row_and_refreshes_sums_and_score(client, officer, project_a) -> None:
    target = row(project_a, "培训人次")
    client.force_login(officer)
    response = client.post(reverse("indicators:update", args=[project_a.pk, target.pk]),
                           row_data(target, weight="５０"), **HTMX)  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert page.lstrip().startswith(f'<form id="tree-row-{target.pk}"')
    assert 'id="weight-sums" class="weight-sums mb-2" aria-live="polite" hx-swap-oob="true"' in page
    assert "产出指标 50/50" in page
    assert f'id="actual-row-{target.pk}"' in page and 'id="project-total"' in page
    target.refresh_from_db()
    assert target.weight == Decimal(50)
    assert target.history.latest().history_user == officer


def test_invalid_update_keeps_input(client, officer, project_a) -> None:
    target = row(project_a, "培训人次")
    client.force_login(officer)
    url = reverse("indicators:update", args=[project_a.pk, target.pk])
    response = client.post(url, row_data(target, weight="-3"), **HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and "权重不能为负数" in page and 'value="-3"' in page
    assert "hx-swap-oob" not in page  # nothing else changed
    assert client.post(url, row_data(target, weight="-3")).status_code == 400
    target.refresh_from_db()
    assert target.weight == Decimal(40)


def test_changing_the_kind_of_target_clears_the_actual(client, officer, project_a) -> None:
    target = row(project_a, "培训人次")
    Indicator.objects.filter(pk=target.pk).update(actual=Decimal(8), actual_text="8")
    client.force_login(officer)
    client.post(reverse("indicators:update", args=[project_a.pk, target.pk]),
                row_data(target, comparator="定性", target="培训效果良好", unit=""), **HTMX)  # fmt: skip
    target.refresh_from_db()
    assert (target.comparator, target.actual, target.actual_text) == ("定性", None, "")


def test_htmx_delete_removes_the_row_with_history(client, officer, project_a) -> None:
    target = row(project_a, "满意度")
    client.force_login(officer)
    response = client.post(reverse("indicators:delete", args=[project_a.pk, target.pk]),
                           {"version": version(project_a)}, **HTMX)  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert f"tree-row-{target.pk}" not in page and "效益指标 0/40" in page  # 满意度's 10 moves to 效益
    assert not Indicator.objects.filter(pk=target.pk).exists()
    assert Indicator.history.get(id=target.pk, history_type="-").history_user == officer


def test_move_up_and_down_reorders_rows(client, officer, project_a) -> None:
    second = row(project_a, "满意度")
    client.force_login(officer)
    response = client.post(reverse("indicators:move_up", args=[project_a.pk, second.pk]),
                           {"version": version(project_a)}, **HTMX)  # fmt: skip
    page = response.content.decode()
    assert page.index(f"tree-row-{second.pk}") < page.index(f"tree-row-{row(project_a, '培训人次').pk}")
    assert list(project_a.indicators.order_by("position").values_list("level3", flat=True)) == ["满意度", "培训人次"]
    client.post(reverse("indicators:move_down", args=[project_a.pk, second.pk]), {"version": version(project_a)})
    assert list(project_a.indicators.order_by("position").values_list("level3", flat=True)) == ["培训人次", "满意度"]


# --- actuals ------------------------------------------------------------------------------------


def test_htmx_actual_returns_row_with_score_explanation_and_total(client, officer, project_a) -> None:
    target = row(project_a, "满意度")
    client.force_login(officer)
    response = client.post(reverse("indicators:actual", args=[project_a.pk, target.pk]),
                           actual_data(target, "９５%"), **HTMX)  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert page.lstrip().startswith(f'<form id="actual-row-{target.pk}"')
    assert "实际 95% ≥ 目标 90%，得满分 10.00" in page
    assert 'id="project-total" class="project-total text-end" hx-swap-oob="true"' in page
    assert "20.00 分" in page  # 10 for the indicator + 10 for the budget
    target.refresh_from_db()
    assert (target.actual, target.actual_text) == (Decimal(95), "95%")
    record = target.history.latest()
    assert (record.history_user, record.history_change_reason) == (officer, ACTUAL_ENTERED)


def test_actual_below_target_asks_for_reason_and_saves_it(client, officer, project_a) -> None:
    target = row(project_a, "培训人次")
    client.force_login(officer)
    url = reverse("indicators:actual", args=[project_a.pk, target.pk])
    page = client.post(url, actual_data(target, "5", "受疫情影响"), **HTMX).content.decode()
    assert "按 实际/目标 × 分值 = 5/10 × 40，得 20.00" in page and "受疫情影响" in page
    target.refresh_from_db()
    assert (target.actual, target.reason) == (Decimal(5), "受疫情影响")


def test_qualitative_and_deadline_actuals(client, officer, project_a) -> None:
    quality = factories.indicator(project_a, level3="品牌", comparator="定性", target=None, target_text="提升",
                                  unit="", weight="10")  # fmt: skip
    due = datetime.date(2022, 12, 31)
    deadline = factories.indicator(project_a, level3="期限", level2="时效指标", comparator="≤", target=None,
                                   unit="", deadline=due, target_text="2022年12月31日前")  # fmt: skip
    client.force_login(officer)
    page = client.get(reverse("indicators:editor", args=[project_a.pk])).content.decode()
    assert f'<select name="a{quality.pk}-actual"' in page and f'type="date" name="a{deadline.pk}-actual"' in page
    client.post(reverse("indicators:actual", args=[project_a.pk, quality.pk]), actual_data(quality, "部分达成"), **HTMX)
    client.post(reverse("indicators:actual", args=[project_a.pk, deadline.pk]), actual_data(deadline, "2022-11-30"),
                **HTMX)  # fmt: skip
    quality.refresh_from_db()
    deadline.refresh_from_db()
    assert quality.actual_label == "部分达成" and deadline.actual_date == datetime.date(2022, 11, 30)


def test_invalid_actual_is_re_rendered_with_input_and_chinese_error(client, officer, project_a) -> None:
    target = row(project_a, "培训人次")
    client.force_login(officer)
    url = reverse("indicators:actual", args=[project_a.pk, target.pk])
    fragment = client.post(url, actual_data(target, "五十", "原因"), **HTMX)
    text = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in text
    assert "“五十”不是数字" in text and 'value="五十"' in text and "hx-swap-oob" not in text
    page = client.post(url, actual_data(target, "五十"))
    assert page.status_code == 400 and "“五十”不是数字" in page.content.decode()
    target.refresh_from_db()
    assert target.actual is None


def test_an_actual_in_another_unit_is_kept_with_a_unit_mismatch_warning(client, officer, project_a) -> None:
    target = row(project_a, "培训人次")  # measured in 个
    client.force_login(officer)
    url = reverse("indicators:actual", args=[project_a.pk, target.pk])
    assert client.post(url, actual_data(target, "50人", "口径不同")).status_code == 302
    target.refresh_from_db()
    assert (target.actual, target.actual_text, target.actual_unit) == (Decimal(50), "50人", "人")
    warnings = project_evaluate(Project.objects.get(pk=project_a.pk)).warnings
    assert [w.indicator for w in warnings if w.code == "unit_mismatch"] == ["培训人次"]


# --- lost updates -------------------------------------------------------------------------------


def test_stale_version_is_refused_with_input_kept(client, officer, project_a) -> None:
    target = row(project_a, "培训人次")
    client.force_login(officer)
    stale_actual, stale_row = actual_data(target, "7", "我的原因"), row_data(target, level3="我改的名称")
    stale_new = new_row(project_a, level3="我加的指标")
    project_touch(project=project_a, version=project_a.version)  # someone else saves first
    cases = [
        ("indicators:actual", [project_a.pk, target.pk], stale_actual, "我的原因"),
        ("indicators:update", [project_a.pk, target.pk], stale_row, "我改的名称"),
        ("indicators:add", [project_a.pk], stale_new, "我加的指标"),
    ]
    for name, args, data, kept in cases:
        fragment = client.post(reverse(name, args=args), data, **HTMX)
        assert fragment.status_code == 200 and STALE in fragment.content.decode()
        assert kept in fragment.content.decode() and "hx-swap-oob" not in fragment.content.decode()
        page = client.post(reverse(name, args=args), data)
        assert page.status_code == 409 and STALE in page.content.decode() and kept in page.content.decode()
    delete = client.post(reverse("indicators:delete", args=[project_a.pk, target.pk]), {"version": "0"}, **HTMX)
    assert STALE in delete.content.decode()
    target.refresh_from_db()
    assert (target.level3, target.actual) == ("培训人次", None)
    assert project_a.indicators.count() == 2


def test_not_applicable_keeps_the_actual_and_unticking_brings_it_back(client, officer, project_a) -> None:
    """Issue 15 B14: ticking 不适用 scored 0 but also erased the 95% entered; unticking did not bring it back."""
    target = row(project_a, "满意度")
    client.force_login(officer)
    url = reverse("indicators:actual", args=[project_a.pk, target.pk])
    client.post(url, actual_data(target, "95%"), **HTMX)
    ticked = actual_data(target, "95%", "本年度未开展调查") | {f"a{target.pk}-not_applicable": "on"}
    page = client.post(url, ticked, **HTMX).content.decode()
    target.refresh_from_db()
    assert target.not_applicable and (target.actual, target.actual_text) == (Decimal(95), "95%")
    assert 'value="95%"' in page and "填报人标注为不适用，按 0 分计" in page  # shown, scored 0
    evaluation = project_evaluate(Project.objects.get(pk=project_a.pk))
    assert evaluation.indicators[1].score == 0 and evaluation.indicators[1].indicator.actual is None
    page = client.post(url, actual_data(target, "95%", "本年度未开展调查"), **HTMX).content.decode()
    target.refresh_from_db()
    assert not target.not_applicable and target.actual == Decimal(95)
    assert "实际 95% ≥ 目标 90%，得满分 10.00" in page
