"""整改 (domain.md §8; issue 17 "Submission and review"): after a project's 运行监控 was submitted, a
reviewer may mark 需要整改 with 整改要求和建议 and, for a red project, recommend 暂缓拨款 (with the
reason); the project's unit's officer answers with 整改结果; the reviewer closes the item, or returns the
answer with a note (open again). Each service takes the user and checks the role and the unit itself
(projects.guards: another unit's project is a 404, a wrong role a 403), locks the item's row, keeps
who and when on the item and who, when and why in its history. Errors are Chinese and keyed by the
field they are about, so a page shows them at the input.

The reads (a project's items, the list a user may see, the to-do's counts, the overview's open items)
are here too: they are only this model's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from indicators.models import Indicator
from monitoring.models import MonitoringReport, Rectification
from projects.access import role_of, visible_units
from projects.guards import REVIEWERS, REVIEWERS_ONLY, WRITERS, project_guard
from projects.models import Project, Role, StageState
from projects.stages import StageKey, StageStatus
from scoring.monitoring import RED

S = Rectification.Status
NOT_SUBMITTED = "运行监控提交后才能提出整改"
REQUIREMENT_EMPTY = "请填写整改要求和建议"
HOLD_REASON_EMPTY = "建议暂缓拨款时须填写暂缓拨款理由"
HOLD_NOT_RED = "只有监控结果为红灯的项目可以建议暂缓拨款"
ANSWER_EMPTY = "请填写整改结果"
NOTE_EMPTY = "退回整改结果时须填写退回说明"
WRONG_STATE = "该整改事项当前为“{status}”，不能{action}"
OFFICERS_ONLY = "只有本单位的填报人可以答复整改结果"
SUBMITTED = (StageStatus.SUBMITTED, StageStatus.APPROVED)
ORDER = Case(When(status=S.OPEN, then=Value(0)), When(status=S.ANSWERED, then=Value(1)), default=Value(2),
             output_field=IntegerField())  # fmt: skip


def _now() -> Any:
    return timezone.now()


def _required(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message}, code="required")
    return text


def monitoring_submitted(project: Project) -> bool:
    """Whether the project's 运行监控 was submitted (submitted or approved): 整改 may be asked for."""
    return StageState.objects.filter(project=project, stage=StageKey.MONITORING, status__in=SUBMITTED).exists()


def _submitted(project: Project) -> MonitoringReport:
    """The project's report, when its monitoring was submitted (submitted or approved)."""
    report = MonitoringReport.objects.filter(project=project).first()
    if report is None or not monitoring_submitted(project):
        raise ValidationError(NOT_SUBMITTED, code="not_submitted")
    return report


def _locked(item: Rectification, *states: str, action: str) -> Rectification:
    """The item's row, locked, in one of `states`."""
    fresh = Rectification.objects.select_for_update().get(pk=item.pk)
    if fresh.status not in states:
        raise ValidationError(WRONG_STATE.format(status=fresh.get_status_display(), action=action), code="state")
    return fresh


def _save(item: Rectification, user: Any, why: str, fields: Iterable[str] | None = None) -> Rectification:
    item.full_clean()
    item._history_user, item._change_reason = user, why
    item.save(update_fields=list(fields) if fields is not None else None)
    return item


@transaction.atomic
def rectification_open(*, project: Project, user: Any, requirement: str, hold_funds: bool = False,
                       hold_reason: str = "") -> Rectification:  # fmt: skip
    """需要整改: a reviewer's 整改要求和建议 on a submitted monitoring, with 暂缓拨款 recommended (and why)
    only for a red project."""
    project_guard(user, project, roles=REVIEWERS, denied=REVIEWERS_ONLY)
    requirement = _required(requirement, "requirement", REQUIREMENT_EMPTY)
    hold_reason = (hold_reason or "").strip()
    report = _submitted(project)
    if hold_funds and not hold_reason:
        raise ValidationError({"hold_reason": HOLD_REASON_EMPTY}, code="required")
    if hold_funds and report.light != RED:
        raise ValidationError({"hold_funds": HOLD_NOT_RED}, code="not_red")
    item = Rectification(project=project, report=report, year=project.year, unit_id=project.unit_id,
                         requirement=requirement, hold_funds=hold_funds, hold_reason=hold_reason if hold_funds else "",
                         opened_by=user, opened_at=_now())  # fmt: skip
    why = f"需要整改：{requirement}" + (f"；建议暂缓拨款：{hold_reason}" if hold_funds else "")
    return _save(item, user, why)


@transaction.atomic
def rectification_answer(*, item: Rectification, user: Any, answer: str) -> Rectification:
    """整改结果: the project's unit's officer (or an admin) answers an open item."""
    project_guard(user, item.project, roles=WRITERS, denied=OFFICERS_ONLY)
    answer = _required(answer, "answer", ANSWER_EMPTY)
    item = _locked(item, S.OPEN, action="答复整改结果")
    item.status, item.answer, item.answered_by, item.answered_at = S.ANSWERED, answer, user, _now()
    return _save(item, user, f"答复整改结果：{answer}", ["status", "answer", "answered_by", "answered_at"])


@transaction.atomic
def rectification_return(*, item: Rectification, user: Any, note: str) -> Rectification:
    """The reviewer returns an answer that does not do: open again, with the note saying why."""
    project_guard(user, item.project, roles=REVIEWERS, denied=REVIEWERS_ONLY)
    note = _required(note, "note", NOTE_EMPTY)
    item = _locked(item, S.ANSWERED, action="退回")
    item.status, item.note, item.returned_by, item.returned_at = S.OPEN, note, user, _now()
    return _save(item, user, f"退回整改结果：{note}", ["status", "note", "returned_by", "returned_at"])


@transaction.atomic
def rectification_close(*, item: Rectification, user: Any, note: str = "") -> Rectification:
    """The reviewer closes an answered item (the note is optional)."""
    project_guard(user, item.project, roles=REVIEWERS, denied=REVIEWERS_ONLY)
    item = _locked(item, S.ANSWERED, action="关闭")
    note = (note or "").strip()
    item.status, item.note, item.closed_by, item.closed_at = S.CLOSED, note or item.note, user, _now()
    why = "关闭整改" + (f"：{note}" if note else "")
    return _save(item, user, why, ["status", "note", "closed_by", "closed_at"])


# --- reads --------------------------------------------------------------------------------------


def _people() -> QuerySet[Rectification]:
    return Rectification.objects.select_related("project", "unit", "opened_by", "answered_by", "returned_by",
                                                "closed_by")  # fmt: skip


def rectifications_of(project: Project) -> list[Rectification]:
    """The project's items, open first, then answered, then closed; newest first within each."""
    return list(_people().filter(project=project).order_by(ORDER, "-opened_at", "-id"))


def rectification_of(project: Project, pk: Any) -> Rectification | None:
    return Rectification.objects.select_related("project").filter(project=project, pk=pk).first()


def _seen(user: Any) -> QuerySet[Rectification]:
    rows = Rectification.objects.all()
    return rows if role_of(user) == Role.ADMIN else rows.filter(unit__in=visible_units(user).values("pk"))


def rectifications_for(user: Any, *, year: int | None = None, status: str = "") -> QuerySet[Rectification]:
    """The items `user` may see (their units'; an admin's all), open first, narrowed by year and status."""
    rows = _seen(user)
    if year:
        rows = rows.filter(year=year)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("project", "unit", "opened_by", "answered_by").order_by(ORDER, "-opened_at", "-id")


def rectification_years(user: Any) -> list[int]:
    return list(_seen(user).order_by("-year").values_list("year", flat=True).distinct())


TODO_KEYS = {"rectify_open": S.OPEN, "rectify_answered": S.ANSWERED}
TODO_LABELS = {"rectify_open": "待整改", "rectify_answered": "待确认整改"}
TODO_ROLES = {Role.OFFICER: ("rectify_open",), Role.EVALUATOR: ("rectify_answered",),
              Role.ADMIN: ("rectify_open", "rectify_answered")}  # fmt: skip


@dataclass(frozen=True)
class TodoItem:
    key: str
    label: str
    status: str  # the list's status filter its links carry
    count: int
    years: tuple[tuple[int, int], ...]  # (year, count), newest first


def rectification_todo_items(user: Any) -> list[TodoItem]:
    """The to-do's 整改 entries of `user`'s role (officers 待整改, reviewers 待确认整改, an admin both),
    only where some wait: one query (rectification_todo)."""
    by_year = rectification_todo(user)
    out = []
    for key in TODO_ROLES.get(role_of(user) or "", ()):
        years = tuple((year, counts[key]) for year, counts in by_year if counts[key])
        if years:
            out.append(TodoItem(key, TODO_LABELS[key], TODO_KEYS[key], sum(n for _, n in years), years))
    return out


def rectification_todo(user: Any) -> tuple[tuple[int, dict[str, int]], ...]:
    """(year, {key: count}) of the open (待整改) and answered (待确认整改) items `user` may see, newest
    year first: one query on the index (status, year, unit)."""
    if role_of(user) not in TODO_ROLES:
        return ()
    counts = {key: Count("id", filter=Q(status=status)) for key, status in TODO_KEYS.items()}
    rows = _seen(user).filter(status__in=[S.OPEN, S.ANSWERED]).order_by("-year").values("year").annotate(**counts)
    return tuple((row["year"], {key: row[key] for key in TODO_KEYS}) for row in rows)


OVERVIEW_SHOWN = 20


def open_rectifications(reports: QuerySet[MonitoringReport], *, shown: int = OVERVIEW_SHOWN) -> list[Rectification]:
    """The not yet closed items of `reports` (the overview's), oldest first: at most `shown`."""
    rows = Rectification.objects.filter(report__in=reports.order_by().values("pk")).exclude(status=S.CLOSED)
    return list(rows.select_related("project").order_by("opened_at", "id")[:shown])


def review_rows(project: Project, report: MonitoringReport | None) -> list[dict[str, Any]]:
    """What the reviewer weighs beside the 整改 form: each yellow or red indicator's light, causes and
    reason, and last year's 自评 of the same indicator (the project of the same code, or name and unit,
    a year before; the same 一级/二级/三级): its actual and its 偏差原因分析. Three queries."""
    if report is None:
        return []
    flagged = list(report.observations.filter(light__in=["yellow", RED]).select_related("indicator")
                   .order_by("indicator__position", "indicator__id"))  # fmt: skip
    if not flagged:
        return []
    before = Project.objects.filter(year=project.year - 1)
    before = (
        before.filter(code=project.code) if project.code else before.filter(name=project.name, unit_id=project.unit_id)
    )
    last = {}
    for row in Indicator.objects.filter(project__in=before.values("pk")[:1]):
        last[(row.level1, row.level2, row.level3)] = row
    out = []
    for o in flagged:
        row = o.indicator
        out.append({"indicator": row, "observation": o, "last": last.get((row.level1, row.level2, row.level3))})
    return out
