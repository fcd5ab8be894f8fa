"""A year's stored lights computed again in the task worker (issue 17): saving a 年度安排 whose light
bands or 监控截至月份 changed queues a Relight (relight_queue, from the plan's post_save: no report is
read in the admin's request), and `manage.py db_worker` runs it (monitoring.tasks.year_relight →
relight_run): the year's reports in rounds of ROUND, each round in its own transaction under the
plan's row lock, reading the plan's bands and month inside it, so a round never stores lights of
bands that were changed meanwhile. The reports at a month the calendar had before (Relight.months_from)
move to its month first, with a history row each.

A change made while a year's relight is waiting or running queues another, which carries the
earlier one's months; the earlier one stops at its next round (superseded). The overview reads the
year's latest Relight (year_relight_status): until it is done it says that the lights may still be
the old ones. The worker's recovery (relights_recover, with the batch exports') queues again a
relight whose worker died or whose task was lost; after MAX_ATTEMPTS it fails, in Chinese.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal
from typing import Any

from django.db import OperationalError, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from simple_history.models import HistoricalRecords

from monitoring.models import MonitoringReport, Relight
from monitoring.selectors import DEFAULT_MONTH
from monitoring.services import reports_recompute
from projects.models import Project, YearPlan

logger = logging.getLogger(__name__)

ROUND = 500  # reports per round (reports_recompute reads them 200 at a time)
MAX_ATTEMPTS = 3
ROUND_TRIES = 3
RUN_TASK = "monitoring.tasks.year_relight"  # the task rows' task_path
State = Relight.State
OPEN = (State.QUEUED, State.RUNNING)
REASON_BANDS = "灯线变更"
REASON_MONTH = "监控截至月份由 {before} 月改为 {after} 月"
REASON_YEAR = "年度安排的年度由 {before} 改为 {after}"
REMONTH_REASON = "年度安排修改监控截至月份（{before} 月 → {after} 月）"
CRASHED = "重新计算时出错（{error}），灯色可能仍按原设置；请重新保存年度安排，如仍出错请联系系统管理员"
STALE_FAILED = "重新计算多次中断（超过 {minutes} 分钟没有进展），灯色可能仍按原设置；请重新保存年度安排"

# The worker's task (monitoring.tasks), handed over by MonitoringConfig.ready: queueing needs no
# import of the entry point.
TASKS: dict[str, Any] = {}


def tasks_register(*, relight: Any) -> None:
    TASKS["relight"] = relight


def _enqueue(job_id: int) -> None:
    transaction.on_commit(lambda: TASKS["relight"].enqueue(job_id))


def _request_user() -> Any:
    """The signed-in user of the request saving the plan (simple_history's middleware), or None."""
    user = getattr(getattr(HistoricalRecords.context, "request", None), "user", None)
    return user if user is not None and user.is_authenticated else None


def relight_queue(*, year: int, reason: str, months_from: tuple[int, ...] = ()) -> Relight | None:
    """Queue the relighting of `year`'s reports (none: nothing to queue). The months of a relight
    still waiting or running are carried over: it stops at its next round and this one does it all."""
    if not MonitoringReport.objects.filter(year=year).exists():
        return None
    months = set(months_from)
    for earlier in Relight.objects.filter(year=year, state__in=OPEN).values_list("months_from", flat=True):
        months |= set(earlier or ())
    job = Relight.objects.create(year=year, reason=reason, months_from=sorted(months), user=_request_user())
    _enqueue(job.pk)
    return job


# --- the plan's signals -------------------------------------------------------------------------

WATCHED = ("monitoring_month", "budget_green", "budget_yellow", "indicator_red", "over_run")


def plan_loaded(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
    """pre_save of a YearPlan: its month and light bands as stored before this save (None: new)."""
    if raw:
        return
    found = None
    if instance.pk:
        found = type(instance).objects.filter(pk=instance.pk).values_list("year", *WATCHED).first()
    instance._relight_before = found


def plan_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    """post_save of a YearPlan: when its month or light bands changed (or a plan came for a year whose
    reports were lit by §8's defaults), the year's reports are queued for the worker to light again."""
    if raw:
        return
    now = (int(instance.monitoring_month), *(Decimal(getattr(instance, n)) for n in WATCHED[1:]))
    found = getattr(instance, "_relight_before", None)
    before = (int(found[1]), *(Decimal(v) for v in found[2:])) if found is not None else (DEFAULT_MONTH, None)
    if found is not None and found[0] != instance.year:  # the plan moved to another year: both years change
        relight_queue(year=found[0], reason=REASON_YEAR.format(before=found[0], after=instance.year),
                      months_from=(before[0],))  # fmt: skip
        before = (DEFAULT_MONTH, None)  # the new year's reports were at §8's defaults
    if before == now:
        return
    month_before = before[0]
    if month_before != now[0]:
        relight_queue(year=instance.year, reason=REASON_MONTH.format(before=month_before, after=now[0]),
                      months_from=(month_before,))  # fmt: skip
    else:
        relight_queue(year=instance.year, reason=REASON_BANDS)


def year_relight_status(year: int | None) -> Relight | None:
    """The year's latest relight while it is not done (waiting, running or failed), else None: the
    overview's notice. A read."""
    if not year:
        return None
    latest = Relight.objects.filter(year=year).order_by("-pk").first()
    return latest if latest is not None and latest.state not in (State.DONE, State.SUPERSEDED) else None


# --- in the worker ------------------------------------------------------------------------------


def relight_run(job_id: int) -> None:
    """Claim the relight and work through its year's reports, or record why it stopped."""
    claimed = Relight.objects.filter(pk=job_id, state=State.QUEUED)
    if not claimed.update(state=State.RUNNING, done=0, updated_at=timezone.now()):
        return
    job = Relight.objects.get(pk=job_id)
    try:
        ids = list(MonitoringReport.objects.filter(year=job.year).order_by("pk").values_list("pk", flat=True))
        Relight.objects.filter(pk=job_id).update(total=len(ids), updated_at=timezone.now())
        for start in range(0, len(ids), ROUND):
            if not _round_retried(job, ids[start : start + ROUND], done=min(start + ROUND, len(ids))):
                return
    except Exception as exc:
        logger.exception("relight %s failed", job_id)
        _finish(job_id, state=State.FAILED, error=CRASHED.format(error=type(exc).__name__))
        return
    _finish(job_id, state=State.DONE)


def _round_retried(job: Relight, ids: list[int], *, done: int) -> bool:
    """_round, tried again (ROUND_TRIES in all) when the database gave up on it: a deadlock with an
    import writing the same reports in another order aborts one of the two, and this one may wait."""
    for attempt in range(ROUND_TRIES):
        try:
            return _round(job, ids, done=done)
        except OperationalError:
            if attempt == ROUND_TRIES - 1:
                raise
            logger.warning("relight %s: round tried again", job.pk, exc_info=True)
    return False  # not reached


@transaction.atomic
def _round(job: Relight, ids: list[int], *, done: int) -> bool:
    """One round, under the plan's row lock (a save of the plan waits for it, and it for the save)
    and the row locks of the round's projects, taken in pk order: every writer of a report claims its
    project's version first (projects.services.project_touch: the entry page, the 监控表 import, an
    indicator or budget edit), so it waits for the round before it writes anything, then stores its
    own lights from its own entries, and the round never overwrites them with lights of entries it
    read before. False when a later relight of the year took over (this one is then superseded)."""
    plan = YearPlan.objects.select_for_update().filter(year=job.year).first()
    if Relight.objects.filter(year=job.year, pk__gt=job.pk, state__in=OPEN).exists():
        Relight.objects.filter(pk=job.pk, state=State.RUNNING).update(state=State.SUPERSEDED,
                                                                      updated_at=timezone.now())  # fmt: skip
        return False
    projects = MonitoringReport.objects.filter(pk__in=ids).values("project_id")
    list(Project.objects.select_for_update().filter(pk__in=projects).order_by("pk").values_list("pk", flat=True))
    month = plan.monitoring_month if plan is not None else DEFAULT_MONTH
    _remonth(job, ids, month)
    reports_recompute(report_ids=ids)
    Relight.objects.filter(pk=job.pk).update(done=done, updated_at=timezone.now())
    return True


def _remonth(job: Relight, ids: list[int], month: int) -> None:
    """Reports of `ids` at one of the calendar's earlier months move to `month`, with a history row."""
    earlier = [m for m in job.months_from or () if m != month]
    if not earlier:
        return
    moving = list(MonitoringReport.objects.filter(pk__in=ids, month__in=earlier))
    if not moving:
        return
    MonitoringReport.objects.filter(pk__in=[r.pk for r in moving]).update(month=month, updated_at=timezone.now())
    before = "、".join(str(m) for m in earlier)
    for report in moving:
        report.month = month
    MonitoringReport.history.bulk_history_create(
        moving, update=True, default_user=job.user,
        default_change_reason=REMONTH_REASON.format(before=before, after=month),
    )  # fmt: skip


def _finish(job_id: int, **fields: Any) -> None:
    Relight.objects.filter(pk=job_id, state=State.RUNNING).update(updated_at=timezone.now(), **fields)


# --- lost workers --------------------------------------------------------------------------------


def relights_recover(*, minutes: int) -> int:
    """Queue again the relights whose worker died (running, no progress for `minutes`) or whose task
    was lost (queued that long, no waiting or running task names it): relighting again is harmless.
    After MAX_ATTEMPTS a relight fails. The worker runs it; returns how many failed."""
    cutoff = timezone.now() - datetime.timedelta(minutes=minutes)
    stale = Relight.objects.filter(updated_at__lt=cutoff)
    tasks = DBTaskResult.objects.filter(task_path=RUN_TASK,
                                        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])  # fmt: skip
    waiting = {row["args"][0] for row in tasks.values_list("args_kwargs", flat=True) if row.get("args")}
    lost = stale.filter(state=State.RUNNING) | stale.filter(state=State.QUEUED).exclude(pk__in=waiting)
    failed = 0
    for job in lost:
        if job.attempts + 1 >= MAX_ATTEMPTS:
            failed += Relight.objects.filter(pk=job.pk, state=job.state).update(
                state=State.FAILED, error=STALE_FAILED.format(minutes=minutes), updated_at=timezone.now()
            )
            continue
        again = Relight.objects.filter(pk=job.pk, state=job.state)
        if again.update(state=State.QUEUED, attempts=job.attempts + 1, updated_at=timezone.now()):
            _enqueue(job.pk)
    return failed
