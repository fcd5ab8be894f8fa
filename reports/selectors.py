"""Reads for report pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet

from projects.access import require_role, visible_projects, visible_units
from projects.listing import (
    BAD_CHOICE,
    PER_PAGE,
    apply_filters,
    default_year,
    describe,
    grade_choices,
    matching_projects,
    warning_choices,
)
from projects.models import Project, Role, StageState, Status
from projects.stages import StageKey, StageStatus
from reports.models import ReportTemplate, UnitReportText
from reports.summary import Summary, TargetsSummary, summary_for, targets_summary_for
from review.access import reviewable_projects
from targets.selectors import declared_targets, declared_years

STAGE_WORDS = {StageKey.TARGETS: "绩效目标申报表", StageKey.MONITORING: "运行监控"}


def batch_projects(
    user: Any,
    *,
    year: int | None,
    department: Any,
    unit: Any,
    statuses: Sequence[str] = (Status.APPROVED,),
    grade: str = "",
    warning: str = "",
    q: str = "",
    stage: str = StageKey.SELF_EVALUATION,
) -> tuple[str, QuerySet[Project]]:
    """(description, projects in the export's order) of a batch export, within what `user` may see, in `statuses`
    (已审核 by default) of the self-evaluation, or with `stage` targets of the targets stage (the
    申报表 of declared targets: never those 随自评填报), narrowed by the lists' filters
    (projects.listing.apply_filters)."""
    if stage in STAGE_WORDS:  # the stage's own state (a 运行监控 only once something is entered)
        chosen = StageState.objects.filter(stage=stage, status__in=statuses).values("project")
        projects = visible_projects(user).filter(pk__in=chosen)
        if stage == StageKey.MONITORING:
            projects = projects.filter(monitoring_report__isnull=False)
        labels = [StageStatus.LABELS[s] for s in (*Status.values, *StageStatus.LABELS) if s in statuses]
        state_words = f"{STAGE_WORDS[stage]} · " + "、".join(dict.fromkeys(labels))
    else:
        projects = visible_projects(user).filter(status__in=statuses)
        state_words = "、".join(Status(s).label for s in Status.values if s in statuses)
    words = []
    if year:
        projects, words = projects.filter(year=year), [*words, f"{year}年度"]
    if department:
        words.append(department.name)
    if unit:
        words.append(str(unit))
    projects = apply_filters(projects, department=department, unit=unit, grade=grade, warning=warning, q=q)
    words.append(state_words)
    if grade:
        words.append(f"等级：{dict(grade_choices()).get(grade, grade)}")
    if warning:
        words.append(f"提示：{dict(warning_choices()).get(warning, warning)}")
    if q:
        words.append(f"搜索：“{q}”")
    return " · ".join(words), projects.order_by("unit__code", "code", "pk")


def batch_scope(user: Any, **chosen: Any) -> tuple[str, list[int]]:
    """(description, project ids) of a batch export (batch_projects' projects, in the export's order)."""
    scope, projects = batch_projects(user, **chosen)
    return scope, list(projects.values_list("pk", flat=True))


@dataclass(frozen=True)
class BatchPreview:
    """The projects a batch export covers, as a page of 50."""

    scope: str
    page: Any
    stage: str = StageKey.SELF_EVALUATION

    @property
    def projects(self) -> list[Project]:
        return list(self.page.object_list)


def batch_preview(scope: str, projects: QuerySet[Project], page: Any, *,
                  stage: str = StageKey.SELF_EVALUATION) -> BatchPreview:  # fmt: skip
    """One page of the chosen projects (batch_projects'): a COUNT and 50 rows, not every id of a
    year (12,000 at 50,000 projects). Each project's `stage_status` is the state the export chose it
    by (its targets' for the 申报表)."""
    paged = Paginator(projects.select_related("unit"), PER_PAGE).get_page(page)
    rows = list(paged.object_list)
    states = dict(StageState.objects.filter(project__in=[p.pk for p in rows], stage=stage)
                  .values_list("project", "status"))  # fmt: skip
    for project in rows:
        project.stage_status = StageStatus.LABELS.get(states.get(project.pk, ""), project.get_status_display())
    paged.object_list = rows
    return BatchPreview(scope, paged, stage)


def _list_summary(form: Any, rows: QuerySet[Project], *, title: str, suffix: str = "") -> Summary:
    if form.errors:
        raise BadRequest("；".join(f"{form.fields[k].label}：{'；'.join(v)}" for k, v in form.errors.items()))
    year = form.chosen_year()
    return summary_for(rows, title=f"{year or ''}年度{title}", scope=describe(form) + suffix)


def project_list_summary(user: Any, data: Any) -> Summary:
    """The project list page (projects:list) as a 汇总表: what the user may see that its filters match."""
    require_role(user)
    visible = visible_projects(user)
    form, rows = matching_projects(visible, visible_units(user), data, default_year=default_year(user, visible))
    return _list_summary(form, rows, title="项目汇总表")


def review_queue_summary(user: Any, data: Any) -> Summary:
    """The review queue (review:queue) as a 汇总表: the submitted projects the user reviews that its filters match."""
    scope = reviewable_projects(user)
    form, rows = matching_projects(
        scope,
        visible_units(user),
        data,
        fixed_status=Status.SUBMITTED,
        default_year=default_year(user, scope, waiting=[Status.SUBMITTED]),
    )
    return _list_summary(form, rows, title="待审核项目汇总表", suffix=" · 已提交（待审核）")


UNIT_REPORT_ROLES = "只有管理员或填报人可以生成单位评价报告"


def unit_report_scope(user: Any) -> QuerySet[Project]:
    """The projects `user` may put in a unit's 评价报告: an officer's unit's, or (admin) every one."""
    if require_role(user) not in (Role.ADMIN, Role.OFFICER):
        raise PermissionDenied(UNIT_REPORT_ROLES)
    return visible_projects(user)


UNIT_TEXT_HISTORY = 10  # the text page lists the newest saves


def unit_report_texts(unit: Any, year: int | None) -> dict[str, str]:
    """The unit's own sections of its `year` 评价报告 (UnitReportText), by field name ({} when none)."""
    row = UnitReportText.objects.filter(unit=unit, year=year).values(*UnitReportText.TEXTS).first()
    return row or {}


def unit_report_text_history(text: Any, limit: int = UNIT_TEXT_HISTORY) -> list[tuple[Any, str, list[str]]]:
    """(when, who, the sections changed) of the newest `limit` saves of a UnitReportText, newest first."""
    if text is None:
        return []
    records = list(text.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    labels = {name: UnitReportText._meta.get_field(name).verbose_name for name in UnitReportText.TEXTS}
    out = []
    for record, previous in zip(records[:limit], [*records[1:], None], strict=False):
        changed = [labels[n] for n in UnitReportText.TEXTS
                   if getattr(record, n) != (getattr(previous, n) if previous else "")]  # fmt: skip
        who = record.history_user.get_full_name() or record.history_user.get_username() if record.history_user else "—"
        out.append((record.history_date, who, changed))
    return out


def word_template_in_use(outline: str) -> ReportTemplate | None:
    """The admin's active Word template of `outline`, or None (the built-in layout)."""
    return ReportTemplate.objects.filter(outline=outline, active=True).only("name", "outline").first()


def targets_list_summary(user: Any, data: Any) -> TargetsSummary:
    """The 绩效目标 list (targets:list, `stage=targets`) as a 汇总表: the declarations the user may see
    (never those 随自评填报) of its year (the newest with declarations when none is given, as the page)
    and its 状态, every page, waiting ones first as the page orders them."""
    require_role(user)
    scope = visible_projects(user)
    years = declared_years(visible_units(user))
    try:
        year = int(data.get("year") or (years[0] if years else 0)) or None
    except ValueError:
        raise BadRequest(f"年度：{BAD_CHOICE}") from None
    status = data.get("status", "")
    if status and status not in StageStatus.LABELS:
        raise BadRequest(f"状态：{BAD_CHOICE}")
    words = [StageStatus.LABELS[status]] if status else []
    rows = declared_targets(scope, year=year, status=status)
    return targets_summary_for(rows, title=f"{year or ''}年度绩效目标汇总表", scope=" · ".join(words))
