"""A project's timeline: the recorded changes to the project, its funds and indicators, and its review
steps, newest first (the project page, its 修改记录 pages, the review page and the printed report).

It reads the indicators' history, so it sits in indicators, a layer above projects (.importlinter).
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection

from indicators.models import Indicator
from projects.models import Fund, Project, ReviewRound, Status
from projects.stages import STAGES, StageKey, status_label
from scoring.display import chinese_date
from scoring.rules import fmt


@dataclass(frozen=True)
class TimelineEntry:
    """One change on the project page's timeline: who, when, what, old → new, why."""

    when: datetime.datetime
    who: str
    what: str
    changes: tuple[tuple[str, str, str], ...] = ()
    reason: str = ""


TRACKED = {
    "project": ("code", "name", "status", "annual_goal", "overall_goal", "actual_summary", "low_execution_reason",
                "scheme", "attribute"),
    "fund": ("initial", "annual", "executed"),
    "indicator": ("comparator", "target", "target_text", "unit", "weight", "actual", "actual_text", "actual_label",
                  "actual_date", "not_applicable", "reason", "adjusted_score", "adjust_reason"),
}  # fmt: skip
KIND = {"+": "新建", "~": "修改", "-": "删除"}
STEP_FIELDS = {("project", "status")}  # moved only by a workflow step, which its ReviewRound shows


def _who(user: Any) -> str:
    return user.get_username() if user else "系统（导入或命令）"


def _label(model: Any, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


TIMELINE_SHOWN = 50  # the project page's newest entries; projects:history pages through all of them
SUBJECTS = {
    "project": lambda r: "项目",
    "fund": lambda r: f"资金（{r.get_source_display()}）",
    "indicator": lambda r: f"指标“{r.level3}”",
}


class Timeline(list):
    """Timeline entries, newest first; `more` when older ones exist than those it holds."""

    more = False


def _history_entries(rows: list[tuple], records: dict[str, dict[int, Any]]) -> list[TimelineEntry]:
    """The entries of `rows` (when, key, predecessor's key, kind), in their order: each history record
    diffed against its predecessor in `records` (kind → key → record: the rows' own and their
    predecessors), each review step as it was taken."""
    out = []
    for _, key, previous, kind in rows:
        record = records[kind][key]
        if kind == "round":
            spec = STAGES.get(record.stage)
            # a stage with its own panel (绩效目标) names itself; the self-evaluation is the page's own
            what = (
                f"{spec.label + ' ' if spec and spec.template else ''}第{record.number}轮 {record.get_action_display()}"
            )
            moved = (_label(Project, "status"), *_step_states(record, records[kind].get(previous)))
            out.append(TimelineEntry(record.created_at, _who(record.actor), what, (moved,), record.reason))
            continue
        before = records[kind].get(previous)
        changes = []
        if before is not None and record.history_type == "~":
            delta = record.diff_against(before, included_fields=list(TRACKED[kind]))
            model = record.instance_type
            changes = [(_label(model, c.field), _text(c.old, model, c.field), _text(c.new, model, c.field))
                       for c in delta.changes]  # fmt: skip
        what = f"{KIND[record.history_type]}{SUBJECTS[kind](record)}"
        out.append(TimelineEntry(record.history_date, _who(record.history_user), what, tuple(changes),
                                 record.history_change_reason or ""))  # fmt: skip
    return out


# the self-evaluation's steps by action (projects.stages, the table projects.services.WORKFLOW reads)
def _step_states(step: Any, before: Any) -> tuple[str, str]:
    """The 状态 a review step moved its stage from and to (the stage's table, projects.stages): from
    the one state it leaves (退回, 审核通过, 撤回: 已提交), else (提交: 草稿, 已退回 or 调整中) from
    where the stage's step before it left it (草稿 when it is the first); to its own target."""
    spec = STAGES.get(getattr(step, "stage", StageKey.SELF_EVALUATION))
    steps = {t.action: t for t in spec.transitions} if spec else {}
    move = steps.get(step.action)
    if move is None:
        return "—", "—"
    if len(move.sources) == 1:
        source = move.sources[0]
    else:
        same = before is not None and getattr(before, "stage", step.stage) == step.stage and before.action in steps
        source = steps[before.action].target if same else Status.DRAFT
    return status_label(source), status_label(move.target)


def _text(value: Any, model: Any = None, field: str = "") -> str:
    """A recorded value as people read it: a choice's Chinese label (状态：已提交, not submitted),
    numbers without trailing zeros, dates as 2025年12月20日."""
    if value in (None, ""):
        return "—"
    if model is not None and field:
        choices = dict(model._meta.get_field(field).flatchoices)
        if value in choices:
            return str(choices[value])
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return chinese_date(value)
    return fmt(value) if isinstance(value, Decimal) else str(value)


def _changes_sql(model: Any, kind: str, owner: str) -> str:
    """The history records of `model` that the timeline shows, as (when, key, predecessor's key,
    kind): every 新建 and 删除, and each 修改 that changes a tracked field (a reordering, or a save
    that changes nothing shown, is no entry). The database compares each record with the object's
    previous one (LAG over its records), so no record is loaded only to be skipped; `owner` is the
    column that names the project (a parameter)."""
    meta = model.history.model._meta
    quote = connection.ops.quote_name

    def col(name: str) -> str:
        return quote(meta.get_field(name).column)

    fields = TRACKED[kind]
    values = ", ".join(f"{col(name)} AS v{i}, LAG({col(name)}) OVER w AS w{i}" for i, name in enumerate(fields))
    # NULL and a value differ (SQL's <> says neither): compare whether each is NULL too. A change of
    # 状态 alone is no entry: only a workflow step moves it, and its review step is the entry (one
    # 提交 is one line, not a 修改项目 beside 第1轮 提交); with another change it is listed in the diff.
    differs = " OR ".join(f"v{i} <> w{i}" + (f" OR (v{i} IS NULL) <> (w{i} IS NULL)" if meta.get_field(name).null
                                             else "") for i, name in enumerate(fields)
                          if (kind, name) not in STEP_FIELDS)  # fmt: skip
    return (
        f"SELECT entry_at, entry_key, entry_previous, entry_kind FROM ("
        f"SELECT {col('history_date')} AS entry_at, {col('history_id')} AS entry_key, "
        f"{col('history_type')} AS entry_type, LAG({col('history_id')}) OVER w AS entry_previous, "
        f"'{kind}' AS entry_kind, {values} FROM {quote(meta.db_table)} WHERE {col(owner)} = %s "
        f"WINDOW w AS (PARTITION BY {col('id')} ORDER BY {col('history_date')}, {col('history_id')})"
        f") {kind}_records WHERE entry_type <> '~' OR entry_previous IS NULL OR {differs}"
    )


@functools.cache
def _timeline_sql() -> str:
    """Every entry of a project's timeline, newest first: the three history tables' shown records
    and the review steps, in one statement (the project's id is its four parameters)."""
    meta, quote = ReviewRound._meta, connection.ops.quote_name
    at, pk = quote(meta.get_field("created_at").column), quote(meta.pk.column)
    rounds = (  # each step's predecessor (the step before it) says the state it moved from
        f"SELECT {at} AS entry_at, {pk} AS entry_key, LAG({pk}) OVER (ORDER BY {at}, {pk}) AS entry_previous, "
        f"'round' AS entry_kind FROM {quote(meta.db_table)} WHERE {quote(meta.get_field('project').column)} = %s"
    )
    parts = [_changes_sql(Project, "project", "id"), _changes_sql(Fund, "fund", "project"),
             _changes_sql(Indicator, "indicator", "project"), rounds]  # fmt: skip
    return " UNION ALL ".join(parts) + " ORDER BY entry_at DESC, entry_kind DESC, entry_key DESC"


class TimelineRows:
    """A project's timeline as (when, key, predecessor's key, kind) rows, newest first, read a slice
    at a time in one query (what a Paginator pages; count() is one more); timeline_entries makes a
    slice's entries."""

    def __init__(self, project: Project) -> None:
        self.params = [project.pk] * 4

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({_timeline_sql()}) timeline", self.params)
            return cursor.fetchone()[0]

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Any:
        return iter(self[:])

    def __getitem__(self, rows: slice) -> list[tuple]:
        start = rows.start or 0
        limit = 2**62 if rows.stop is None else max(rows.stop - start, 0)  # [n:] is every row from n
        with connection.cursor() as cursor:
            cursor.execute(f"{_timeline_sql()} LIMIT %s OFFSET %s", [*self.params, limit, start])
            return [tuple(row) for row in cursor.fetchall()]


def project_history_rows(project: Project) -> TimelineRows:
    """Every entry of the project's timeline, newest first: slice it (a page) and pass the slice to
    timeline_entries."""
    return TimelineRows(project)


def timeline_entries(rows: Any) -> list[TimelineEntry]:
    """The entries of a slice of project_history_rows, loaded with their predecessors in one query
    per kind of record (at most four, whatever the slice's length or the history's)."""
    rows = list(rows)
    wanted: dict[str, set[int]] = {}
    for _, key, previous, kind in rows:
        wanted.setdefault(kind, set()).update(k for k in (key, previous) if k is not None)
    sources = {"project": Project.history, "fund": Fund.history, "indicator": Indicator.history}
    records: dict[str, dict[int, Any]] = {}
    for kind, keys in wanted.items():
        if kind == "round":
            found = ReviewRound.objects.filter(pk__in=keys).select_related("actor")
        else:
            found = sources[kind].filter(history_id__in=keys).select_related("history_user")
        records[kind] = {r.pk: r for r in found}
    return _history_entries(rows, records)


def project_timeline(project: Project, *, limit: int = TIMELINE_SHOWN) -> Timeline:
    """The newest `limit` recorded changes to the project, its funds and indicators, and review
    steps, newest first; `more` says there are older ones (projects:history lists them all)."""
    rows = list(project_history_rows(project)[: limit + 1])
    timeline = Timeline(timeline_entries(rows[:limit]))
    timeline.more = len(rows) > limit
    return timeline
