"""Writes for indicators: the workbook import (contract.md, "Import")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from simple_history.utils import bulk_update_with_history

from evalsys.lib.bulk import Blanks, Pending, assign_keys, bulk_create_logged, wait_all
from evalsys.lib.collector import collector_paused
from evalsys.lib.xlsx import WorkbookRefused
from indicators import preview
from indicators.importer import ImportFailed, ParsedIndicator, ParsedProject, parse_rows
from indicators.models import Indicator, direction_of
from indicators.workbook import read_workbook
from projects.access import import_scope
from projects.guards import REVIEWERS, REVIEWERS_ONLY, projects_guard
from projects.locks import is_locked, lock_message, states_load
from projects.models import Department, Fund, FundSource, Project, Status, Unit
from projects.scores import (
    evaluation_apply,
    evaluation_input_of,
    indicator_input,
    projects_rescore,
    projects_store_evaluations,
)
from projects.selectors import scheme_for_unit
from projects.services import CODE_TAKEN, code_lock
from projects.stages import Part
from projects.workflow import stages_start
from scoring.rules import adjustment_error, evaluate
from scoring.schemes import get_scheme
from scoring.targets import TargetsInput, check_targets
from scoring.types import (
    QUALITATIVE,
    ZERO,
    BudgetInput,
    Evaluation,
    EvaluationInput,
    IndicatorInput,
    Scheme,
    Warning,
)

__all__ = ["ImportFailed", "ImportRefused", "ImportReport", "workbook_import"]

IMPORT_REASON = "导入工作簿"
UNREADABLE = "无法读取工作簿“{path}”（{error}）：请确认它是未加密、未损坏的 .xlsx 工作簿"
NO_TABLE = "工作簿中没有找到绩效指标表：表头行须同时包含 一级指标、二级指标、三级指标 和 指标值（或 年度指标值）"
OTHER_UNIT = "项目“{project}”属于单位“{unit}”，您只能导入本单位（{own}）的项目"
FOREIGN_PROJECT = "{year} 年度已有编码为“{code}”的其他单位的项目，不能导入；请核对项目编码"
LOCKED_STATE = {
    Status.SUBMITTED: "项目“{project}”已提交审核，不能通过导入修改；须先由审核人退回",
    Status.APPROVED: "项目“{project}”已审核，不能通过导入修改；须先由管理员重新打开",
}
IMPORT_PARTS = (Part.TARGETS, Part.ACTUALS)  # what an import writes: the tree and its actuals, the budget
DECLARATION_PARTS = (Part.TARGETS,)  # a 绩效目标申报表 writes the tree and the budget, never an actual
CONCURRENT = "另一项导入刚刚写入了相同的项目，本次未写入任何数据；请重新上传并预览后再确认导入"
PROGRESS_ROWS = 500  # rows read between two progress calls (workbook_import)
NOTHING_LEFT = "跳过不能导入的项目后，没有可导入的项目"
FUND_SOURCES = {"fiscal": FundSource.FISCAL, "carryover": FundSource.CARRYOVER, "other": FundSource.OTHER}


@dataclass
class ImportReport:
    """What an import did (or, with dry_run, would do)."""

    dry_run: bool
    projects_created: int = 0
    projects_updated: int = 0
    projects_unchanged: int = 0
    indicators_created: int = 0
    indicators_updated: int = 0
    indicators_unchanged: int = 0
    warnings: list[tuple[str, Warning]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # projects left out, each with where and why
    previews: list[Any] = field(default_factory=list)  # dry run: indicators.preview.ProjectPreview per project
    notes: list[str] = field(default_factory=list)  # what the stage apps' import steps did (e.g. 运行监控)

    def summary(self) -> str:
        head = "试运行（未写入任何数据）" if self.dry_run else "导入完成"
        skipped = f"；跳过 {len(self.skipped)} 个项目" if self.skipped else ""
        return (
            f"{head}：项目 新建 {self.projects_created} 个、更新 {self.projects_updated} 个、"
            f"未变 {self.projects_unchanged} 个；"
            f"指标 新建 {self.indicators_created} 条、更新 {self.indicators_updated} 条、"
            f"未变 {self.indicators_unchanged} 条；"
            f"警告 {len(self.warnings)} 条{skipped}"
        )


# The stage apps' import steps (dotted paths, registered in their AppConfig.ready: the import knows no
# app above it): each is called inside the import's transaction, after the projects and indicators are
# written (a dry run too, rolled back with the rest), as step(writer=, parsed=, user=, month=, report=),
# and raises ImportFailed with row errors to refuse the whole workbook.
IMPORT_STEPS: list[str] = []


def register_import_step(path: str) -> None:
    if path not in IMPORT_STEPS:
        IMPORT_STEPS.append(path)


class ImportRefused(ImportFailed):
    """Every error is a project the importing user may not change: skipping them is an option."""


@collector_paused()  # bounded by the reader's limits: evalsys.lib.collector says why
def workbook_import(
    *,
    path: str | Path,
    year: int,
    scheme_key: str | None = None,
    dry_run: bool = False,
    default_unit: str = "",
    user: Any,
    skip_refused: bool = False,
    max_rows: int | None = None,
    progress: Callable[[int], None] | None = None,
    month: int | None = None,
) -> ImportReport:
    """Import a workbook atomically: any invalid row raises ImportFailed and writes nothing.

    The importing user's rights are the browser's (projects.access.import_scope): an officer
    creates and changes only their own unit's projects, and nobody changes a project that is
    not 草稿 or 已退回. Such projects are errors, or with `skip_refused` left out and listed.
    `user` None is the command line, with every unit in scope (always passed: no default a page could
    forget). `max_rows` lowers the reader's
    row limit (evalsys.lib.xlsx.MAX_ROWS), as the upload page does to answer within seconds.
    `progress` is told the rows read so far every PROGRESS_ROWS rows (the task worker's import job).
    `month` overrides the cut-off month a 监控表's header names (`import_workbook --month`).
    """
    scope = import_scope(user)
    scheme = get_scheme(scheme_key or _default_scheme(scope))
    try:
        rows = []
        for row in read_workbook(path, max_rows=max_rows):
            rows.append(row)
            if progress is not None and len(rows) % PROGRESS_ROWS == 0:
                progress(len(rows))
    except WorkbookRefused as exc:
        raise ImportFailed([f"{Path(path).name}：{exc}"]) from exc
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise ImportFailed([UNREADABLE.format(path=path, error=type(exc).__name__)]) from exc
    projects = parse_rows(rows, scheme, default_unit=str(scope) if scope else default_unit, year=year)
    if not projects:
        raise ImportFailed([NO_TABLE])
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            writer = _Writer(year, scheme, scheme_key, report, user, scope=scope, skip_refused=skip_refused,
                             history=not dry_run)  # fmt: skip
            stored = preview.stored_read(writer=writer, parsed=projects) if dry_run else None
            ids = writer.write(projects)
            for step in IMPORT_STEPS:
                import_string(step)(writer=writer, parsed=writer.admitted, user=user, month=month, report=report)
            report.warnings = [(p.label, w) for p in writer.admitted for w in writer.warnings_of(p)]
            if dry_run:
                report.previews = preview.project_previews(writer=writer, parsed=writer.admitted, stored=stored,
                                                           year=year)  # fmt: skip
                transaction.set_rollback(True)
            else:  # the rows just written, scored in memory: nothing is read back (new projects: inserted so)
                created = writer.created_keys
                projects_store_evaluations(evaluated=[(writer.project(pk), writer.evaluation(pk)) for pk in ids
                                                      if pk not in created], copy=True)  # fmt: skip
    except IntegrityError as exc:  # another import created the same project meanwhile
        raise ImportFailed([CONCURRENT]) from exc
    return report


def _default_scheme(scope: Unit | None) -> str:
    """Without --scheme: an officer's import is read and scored by the unit's 主管部门 scheme (as the
    create form does), the command line's and an admin's by EVALSYS_DEFAULT_SCHEME."""
    return scheme_for_unit(scope) if scope is not None else settings.EVALSYS_DEFAULT_SCHEME


# --- warnings from the workbook's own data ------------------------------------------------


def _indicator_input(i: ParsedIndicator) -> IndicatorInput:
    t, a = i.target, i.actual
    return IndicatorInput(
        level1=i.level1, level2=i.level2, level3=i.level3, comparator=t.comparator, weight=i.weight or ZERO,
        target=t.value, target_text=t.text, unit=t.unit, deadline=t.deadline,
        actual=a.value if a else None, actual_text=a.text if a else "", actual_label=a.label if a else "",
        actual_date=a.on_date if a else None, actual_assumed=a.assumed if a else False,
        sign_assumed=t.sign_assumed, reason=i.reason or "", actual_unit=a.unit if a else "",
        not_applicable=i.not_applicable,
    )  # fmt: skip


def project_warnings(p: ParsedProject, scheme: Scheme, *, year: int | None = None) -> tuple[Warning, ...]:
    """domain.md §3 warnings for what the workbook says about `p`."""
    return evaluate(evaluation_input(p, scheme, year=year)).warnings


def evaluation_input(p: ParsedProject, scheme: Scheme, *, year: int | None = None,
                     created: tuple[IndicatorInput, ...] | None = None) -> EvaluationInput:  # fmt: skip
    """The scoring engine's input for a parsed project, as it will be stored.

    `created`: the inputs of the rows an import has just created from `p`'s indicators, in their
    order. Such a row holds what the workbook says (_apply_indicator) and reads alike its own input,
    so that input is taken instead of a second one made alike (but a 不适用 row's: its actual is
    blanked in the row, not in the workbook's reading)."""
    annual, executed = p.money_value("annual"), p.money_value("executed")
    assumed = p.annual_assumed
    if p.funds:
        rows = _fund_rows(p).values()
        annual = sum((f.get("annual") or ZERO for f in rows), ZERO)
        executed = sum((f.get("executed") or ZERO for f in rows), ZERO)
        assumed = any(f.get("assumed") for f in rows)
    budget = BudgetInput(annual, executed, assumed) if annual is not None and executed is not None else None
    if created is None:
        indicators = tuple(_indicator_input(i) for i in p.indicators.values())
    else:
        pairs = zip(p.indicators.values(), created, strict=True)
        indicators = tuple(_indicator_input(i) if i.not_applicable else row for i, row in pairs)
    return EvaluationInput(scheme, indicators, budget, tuple(p.name_variants), p.code, year)


# What the engine reads of an input: all of it but the indicators' target_text, which no rule reads
# (a plain number's text is the workbook's in the parsed input and blanked in the row: _apply_indicator).
_PROJECT_READ = attrgetter(*(f.name for f in fields(EvaluationInput) if f.name != "indicators"))
_INDICATOR_READ = attrgetter(*(f.name for f in fields(IndicatorInput) if f.name != "target_text"))


def reads_alike(a: EvaluationInput, b: EvaluationInput) -> bool:
    """Whether the engine gives `a` and `b` the same scores and warnings: equal but for target_text."""
    if len(a.indicators) != len(b.indicators) or _PROJECT_READ(a) != _PROJECT_READ(b):
        return False
    pairs = zip(a.indicators, b.indicators, strict=True)
    return all(x is y or _INDICATOR_READ(x) == _INDICATOR_READ(y) for x, y in pairs)


def _fund_rows(p: ParsedProject) -> dict[str, dict[str, Decimal | None]]:
    """Form-layout funds by source; the 年度资金总额 row alone when no source row is given."""
    split = {FUND_SOURCES[k]: v for k, v in p.funds.items() if k in FUND_SOURCES}
    total = p.funds.get("total")
    split_annual = sum((v.get("annual") or ZERO for v in split.values()), ZERO)
    if split and (total is None or total.get("annual") == split_annual):
        return split
    return {FundSource.UNSPLIT: total} if total else {}


# --- writing ------------------------------------------------------------------------------


class _Holder(NamedTuple):
    """A stored project holding one of the workbook's codes (_Writer._code_holders): what the refusal names."""

    code: str
    year: int
    name: str
    unit_id: int
    unit_code: str
    unit_name: str

    @property
    def unit(self) -> str:
        """The unit as the refusal prints it (Unit.__str__)."""
        return str(Unit(code=self.unit_code, name=self.unit_name))


class _Writer:
    """Bulk writes: a fixed number of queries per import, whatever the number of rows.

    Existing projects are read with a row lock, so their state cannot change between the
    check and the write (a submit or an approval waits for the import, or the import for it).
    A project, its funds and its indicators are written only where something changed; what
    changed gets a history row and a new version, so a form opened before the import is
    refused on save.
    """

    def __init__(self, year: int, scheme: Scheme, scheme_key: str | None, report: ImportReport, user: Any, *,
                 scope: Unit | None, skip_refused: bool, history: bool = True) -> None:  # fmt: skip
        self.year, self.scheme, self.scheme_key, self.report = year, scheme, scheme_key, report
        self.user, self.reason, self.scope, self.skip_refused = user, IMPORT_REASON, scope, skip_refused
        # False for a dry run: its writes are rolled back, so the projects', funds' and indicators' own
        # history rows are not written (nothing in the import or its steps reads them back)
        self.history = history
        self.admitted: list[ParsedProject] = []
        self._holders: dict[str, list[Project]] = {}  # stored projects of the workbook's codes, any year
        self._created: list[Project] = []
        # every project's rows after the write (stored ones kept, new ones added), by project pk
        self._projects_by_pk: dict[int, Project] = {}
        self._funds_of: dict[int, list[Fund]] = {}
        self._indicators_of: dict[int, list[Indicator]] = {}
        self._pk_of: dict[int, int] = {}  # id(parsed) -> its project's pk
        self._rows_of: dict[int, list[Indicator]] = {}  # id(parsed) -> its rows as written, in workbook order
        # each written project's scoring input and evaluation, made once and shared by the warnings,
        # the stored scores and the preview
        self._inputs: dict[int, EvaluationInput] = {}
        self._evaluations: dict[int, Evaluation] = {}
        # a stage app's import step's warnings of a written project (a 监控表's: the monitoring's), by pk
        self.step_warnings: dict[int, tuple[Warning, ...]] = {}
        self._parsed_inputs: dict[int, EvaluationInput] = {}  # id(parsed) -> what the workbook says, scored
        # the funds' and the indicators' inserts, sent by worker threads while the rows are built and scored
        self._pending: list[Pending] = []

    def write(self, parsed: list[ParsedProject]) -> list[int]:
        """Write everything; returns the ids of the projects written."""
        units = self._existing_units(parsed)
        found = self._existing_projects(parsed, units)
        self._holders = self._code_holders(parsed)
        self.admitted = parsed = self._admit(parsed, units, found)
        units |= self._new_units(parsed, units)
        projects, touched = self._projects(parsed, units, found)
        try:
            touched |= self._funds(parsed, projects)
            touched |= self._indicators(parsed, projects)
            self._score(parsed)  # while the indicators' COPY runs (no query)
        finally:
            wait_all(self._pending)
        self._insert_created()
        created = self.created_keys
        if touched - created:
            Project.objects.filter(pk__in=touched - created).update(version=F("version") + 1, updated_at=timezone.now())
        self.report.projects_updated = len(touched - created)
        self.report.projects_unchanged = len(parsed) - self.report.projects_created - self.report.projects_updated
        return sorted(touched)

    # -- who may change what ---------------------------------------------------------------------
    def _admit(self, parsed: list[ParsedProject], units: dict[str, Unit], found: dict[int, Project | None]) -> list:
        """The projects this import may write; the others are errors, or skipped and listed."""
        refusals = [(p, why) for p in parsed if (why := self._refusal(p, units, found.get(id(p))))]
        if not refusals:
            return parsed
        lines = [f"{p.sheet}!第{p.row}行 {column}：{message}" for p, (column, message) in refusals]
        if not self.skip_refused:
            raise ImportRefused(lines)
        self.report.skipped = lines
        refused = {id(p) for p, _ in refusals}
        admitted = [p for p in parsed if id(p) not in refused]
        if not admitted:
            raise ImportFailed([NOTHING_LEFT, *lines])
        return admitted

    def _refusal(self, p: ParsedProject, units: dict[str, Unit], project: Project | None) -> tuple[str, str] | None:
        """(column, message) when the importing user may not write `p`, else None."""
        scope = self.scope
        if scope is not None and (p.unit_code != scope.code if p.unit_code else p.unit_name != scope.name):
            unit = f"{p.unit_code}-{p.unit_name}".strip("-")
            return "单位名称", OTHER_UNIT.format(project=p.label, unit=unit, own=scope)
        if project is None:
            return self._foreign_code(p, units.get(p.unit_code or p.unit_name))
        if scope is not None and project.unit_id != scope.pk:  # the code is another unit's
            return "项目编码", FOREIGN_PROJECT.format(year=self.year, code=p.code)
        parts = DECLARATION_PARTS if p.declaration else IMPORT_PARTS
        if is_locked(project, parts):  # the one lock rule (projects.locks)
            told = None if p.declaration else LOCKED_STATE.get(project.status)
            why = told.format(project=p.label) if told else f"项目“{p.label}”：{lock_message(project, parts)}"
            return "项目名称", why
        return None

    def _foreign_code(self, p: ParsedProject, unit: Unit | None) -> tuple[str, str] | None:
        """A new project may not take a code another unit holds in any year (a code is one unit's)."""
        holder = next((x for x in self._holders.get(p.code, ()) if not self._same_unit(p, unit, x)), None)
        if holder is None:
            return None
        return "项目编码", CODE_TAKEN.format(code=p.code, unit=holder.unit, year=holder.year, name=holder.name)

    @staticmethod
    def _same_unit(p: ParsedProject, unit: Unit | None, holder: _Holder) -> bool:
        """Whether `holder` is the row's unit: by pk when the unit was found, else (a unit this import
        creates, which a concurrent import may have just created) by the row's unit code or name."""
        if unit is not None:
            return holder.unit_id == unit.pk
        return holder.unit_code == p.unit_code if p.unit_code else holder.unit_name == p.unit_name

    # -- reading what exists -------------------------------------------------------------------
    @staticmethod
    def _code_holders(parsed: list[ParsedProject]) -> dict[str, list[_Holder]]:
        """Every stored project (any year, latest first) of each code in the workbook, by code; the
        codes are locked first, so a concurrent creator of the same code waits (projects.services.code_lock).
        Plain rows, not models: a code kept for ten years is ten rows for each of the workbook's projects."""
        codes = {p.code for p in parsed if p.code}
        code_lock(codes)
        holders: dict[str, list[_Holder]] = {}
        found = Project.objects.filter(code__in=codes).order_by("-year", "pk")
        for row in found.values_list("code", "year", "name", "unit_id", "unit__code", "unit__name") if codes else ():
            holder = _Holder(*row)
            holders.setdefault(holder.code, []).append(holder)
        return holders

    @staticmethod
    def _existing_units(parsed: list[ParsedProject]) -> dict[str, Unit]:
        codes = {p.unit_code for p in parsed if p.unit_code}
        names = {p.unit_name for p in parsed if not p.unit_code}
        found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        return found | {u.name: u for u in Unit.objects.filter(code="", name__in=names)}

    def _existing_projects(self, parsed: list[ParsedProject], units: dict[str, Unit]) -> dict[int, Project | None]:
        """The stored project of each parsed one (None when new), locked for this transaction."""
        coded = {p.code for p in parsed if p.code}
        uncoded = {p.name for p in parsed if not p.code}
        base = Project.objects.select_for_update().filter(year=self.year)
        by_key = {("code", x.code): x for x in base.filter(code__in=coded)}
        by_key |= {("name", x.unit_id, x.name): x for x in base.filter(code="", name__in=uncoded)}
        states_load(by_key.values())  # the lock rule (_refusal) asks them
        result: dict[int, Project | None] = {}
        for p in parsed:
            unit = units.get(p.unit_code or p.unit_name)
            key = ("code", p.code) if p.code else ("name", unit.pk if unit else None, p.name)
            result[id(p)] = by_key.get(key)
        return result

    # -- writing -------------------------------------------------------------------------------
    def _new_units(self, parsed: list[ParsedProject], units: dict[str, Unit]) -> dict[str, Unit]:
        wanted = {p.unit_code or p.unit_name: p for p in parsed if (p.unit_code or p.unit_name) not in units}
        names = {p.department for p in wanted.values() if p.department}
        # 主管部门及代码: a department is found by its code first (its name may be written otherwise), then its name
        codes = {p.department: p.department_code for p in wanted.values() if p.department and p.department_code}
        by_code = {d.code: d for d in Department.objects.filter(code__in=set(codes.values()))} if codes else {}
        departments = {d.name: d for d in Department.objects.filter(name__in=names)}
        departments |= {n: by_code[c] for n, c in codes.items() if c in by_code}
        uncoded = {codes[d.name]: d for d in departments.values() if not d.code and d.name in codes}
        for code, d in uncoded.items():  # a stored department without a code takes the workbook's
            d.code = code
        Department.objects.bulk_update(list(uncoded.values()), ["code"])
        new_departments = [Department(name=n, code=codes.get(n, "")) for n in sorted(names - departments.keys())]
        Department.objects.bulk_create(new_departments)
        departments |= {d.name: d for d in new_departments}
        new = [Unit(code=p.unit_code, name=p.unit_name, department=departments.get(p.department))
               for p in wanted.values()]  # fmt: skip
        Unit.objects.bulk_create(new)
        return {u.code or u.name: u for u in new}

    def _projects(
        self, parsed: list[ParsedProject], units: dict[str, Unit], found: dict[int, Project | None]
    ) -> tuple[dict[int, Project], set[int]]:
        result: dict[int, Project] = {}
        new, changed = [], []
        for p in parsed:
            unit = units[p.unit_code or p.unit_name]
            project = found.get(id(p))
            if project is None:  # a new project: the import's scheme (--scheme, the unit's or the default)
                project = Project(unit=unit, year=self.year, code=p.code, name=p.name, scheme=self.scheme.key)
                if p.declaration:  # a 绩效目标申报表: its targets in 草稿, the self-evaluation 未开始 (stages_start)
                    project.status = Status.NOT_OPEN
                self._apply_project(project, p, unit)
                new.append(project)
            else:
                before = _project_values(project)
                self._apply_project(project, p, unit)
                if _project_values(project) != before:
                    changed.append(project)
            result[id(p)] = project
        # new projects get their keys now and are inserted after their rows (_insert_created), with
        # their scores: the foreign keys are checked at commit (Django makes them deferred)
        assign_keys(Project, new)
        self._update(changed, Project, PROJECT_FIELDS)
        self._created = new
        self.report.projects_created += len(new)
        return result, {x.pk for x in [*new, *changed]}

    def _score(self, parsed: list[ParsedProject]) -> None:
        """The new projects' evaluations (_insert_created stores them), and the scoring input of what
        the workbook says of each project (warnings_of compares it with the written rows): all in
        memory, made while the server writes the indicators. Other evaluations are made when asked."""
        created = self.created_keys
        for p in parsed:
            rows = None
            if (pk := self.pk_of(p)) in created:
                self.evaluation(pk)
                rows = self.written_input(pk).indicators  # its rows are the workbook's, in its order
            if not (p.declaration or p.monitored):
                self._parsed_inputs[id(p)] = evaluation_input(p, self.scheme, year=self.year, created=rows)

    def _insert_created(self) -> None:
        """Insert the new projects with their version and stored scores (the evaluation of the rows
        just written, made once and shared with the warnings), then their stage rows: one INSERT and
        no UPDATE of a fresh row (each UPDATE of the projects table rewrites every index of the row)."""
        new = self._created
        for project in new:
            project.version += 1
            evaluation_apply(project, self.evaluation(project.pk))
        bulk_create_logged(new, Project, reason=self.reason, user=self.user, history=self.history)
        stages_start(new)  # bulk_create sends no post_save: the new projects' stage rows

    def _apply_project(self, project: Project, p: ParsedProject, unit: Unit) -> None:
        project.unit = unit
        project.annual_goal = p.goal or project.annual_goal
        if self.scheme_key:
            project.scheme = self.scheme.key
        variants = [v for v in [*(project.name_variants or []), *p.name_variants, p.name] if v != project.name]
        project.name_variants = list(dict.fromkeys(variants))

    def _funds(self, parsed: list[ParsedProject], projects: dict[int, Project]) -> set[int]:
        created = self.created_keys  # none stored yet: only the others' rows are read
        ids = [pk for p in parsed if (pk := projects[id(p)].pk) not in created]
        existing: dict[int, list[Fund]] = {}
        for fund in Fund.objects.filter(project_id__in=ids) if ids else ():
            existing.setdefault(fund.project_id, []).append(fund)
        replace, new = [], []
        for p in parsed:
            project = projects[id(p)]
            rows = self._wanted_funds(p, existing.get(project.pk, []))
            if rows is None:
                continue
            replace.append(project.pk)
            new += [Fund(project=project, source=s, **values) for s, values in rows.items()]
        if stale := [pk for pk in replace if pk in existing]:
            Fund.objects.filter(project_id__in=stale).delete()
        # sent while the indicators are built (their first query waits for it: Pending)
        self._pending.append(bulk_create_logged(new, Fund, reason=self.reason, user=self.user, history=self.history,
                                                overlap=True))  # fmt: skip
        replaced = set(replace)
        self._funds_of = {pk: rows for pk, rows in existing.items() if pk not in replaced}
        for fund in new:
            self._funds_of.setdefault(fund.project_id, []).append(fund)
        return replaced

    def _update(self, rows: list[Any], model: type[Project] | type[Indicator], names: list[str]) -> None:
        """bulk_update_with_history of changed rows (their history rows, but in a dry run)."""
        if not self.history:
            model._default_manager.bulk_update(rows, names, batch_size=UPDATE_BATCH)
            return
        bulk_update_with_history(rows, model, names, batch_size=UPDATE_BATCH, default_change_reason=self.reason,
                                 default_user=self.user)  # fmt: skip

    @staticmethod
    def indicator_values(row: Indicator) -> tuple:
        """What the import writes of `row` (INDICATOR_FIELDS): the preview compares stored and new."""
        return _values(row)

    @staticmethod
    def _wanted_funds(p: ParsedProject, current: list[Fund]) -> dict[str, dict[str, Decimal]] | None:
        """Fund rows to write for `p`, or None to keep what is stored."""
        if p.funds:
            rows = {s: {"initial": v.get("initial"), "annual": v["annual"], "executed": v.get("executed") or ZERO,
                        "annual_assumed": bool(v.get("assumed"))}
                    for s, v in _fund_rows(p).items()}  # fmt: skip
            stored = {f.source: {"initial": f.initial, "annual": f.annual, "executed": f.executed,
                                 "annual_assumed": f.annual_assumed} for f in current}  # fmt: skip
            return None if rows == stored else rows
        annual = p.money_value("annual")
        if annual is None:
            return None
        initial, executed = p.money_value("initial"), p.money_value("executed")
        have_annual = sum((f.annual for f in current), ZERO)
        have_executed = sum((f.executed for f in current), ZERO)
        have_initial = (
            sum((f.initial or ZERO for f in current), ZERO) if any(f.initial is not None for f in current) else None
        )
        same = (
            current
            and have_annual == annual
            and initial in (None, have_initial)
            and executed in (None, have_executed)
            and any(f.annual_assumed for f in current) == p.annual_assumed
        )
        if same:
            return None
        values = {"annual": annual, "initial": initial if initial is not None else have_initial,
                  "executed": executed if executed is not None else have_executed,
                  "annual_assumed": p.annual_assumed}  # fmt: skip
        return {FundSource.UNSPLIT: values}

    def _indicators(self, parsed: list[ParsedProject], projects: dict[int, Project]) -> set[int]:
        created = self.created_keys  # none stored yet: only the others' rows are read
        ids = [pk for p in parsed if (pk := projects[id(p)].pk) not in created]
        stored = Indicator.objects.filter(project_id__in=ids) if ids else ()
        found = {(i.project_id, i.level1, i.level2, i.level3): i for i in stored}
        new, changed, blank = [], [], Blanks(Indicator)
        for p in parsed:
            project = projects[id(p)]
            rows = self._rows_of[id(p)] = []
            for position, item in enumerate(p.indicators.values(), start=1):
                row = found.get((project.pk, item.level1, item.level2, item.level3))
                if row is None:
                    row = blank.new({"project": project}, level1=item.level1, level2=item.level2, level3=item.level3)
                    _apply_indicator(row, item, position)
                    new.append(row)
                else:
                    before = _values(row)
                    _apply_indicator(row, item, position)
                    if _values(row) != before:
                        changed.append(row)
                    else:
                        self.report.indicators_unchanged += 1
                rows.append(row)
        self._update(changed, Indicator, INDICATOR_FIELDS)
        # the server inserts and indexes the rows while this thread scores them (_insert_created waits)
        self._pending.append(bulk_create_logged(new, Indicator, reason=self.reason, user=self.user,
                                                history=self.history, overlap=True))  # fmt: skip
        self.report.indicators_created += len(new)
        self.report.indicators_updated += len(changed)
        self._projects_by_pk = {projects[id(p)].pk: projects[id(p)] for p in parsed}
        self._pk_of = {id(p): projects[id(p)].pk for p in parsed}
        self._indicators_of = {}
        for row in sorted([*found.values(), *new], key=lambda r: (r.position, r.pk or 0)):
            self._indicators_of.setdefault(row.project_id, []).append(row)
        return {row.project_id for row in [*new, *changed]}

    # -- the written rows, scored once ----------------------------------------------------------
    @property
    def created_keys(self) -> set[int]:
        """The keys of the projects this import created."""
        return {p.pk for p in self._created}

    def pk_of(self, p: ParsedProject) -> int:
        return self._pk_of[id(p)]

    def project(self, pk: int) -> Project:
        return self._projects_by_pk[pk]

    def funds_of(self, pk: int) -> list[Fund]:
        """The fund rows of a written project after the write."""
        return self._funds_of.get(pk, [])

    def rows_of(self, p: ParsedProject) -> list[Indicator]:
        """The rows of `p`'s indicators as written, in workbook order."""
        return self._rows_of[id(p)]

    def stored_rows(self, pk: int) -> list[Indicator]:
        """Every row of the project after the write, in the order the engine reads them."""
        return self._indicators_of.get(pk, [])

    def written_input(self, pk: int) -> EvaluationInput:
        """The scoring input of a written project, from the rows in memory (nothing is read back)."""
        found = self._inputs.get(pk)
        if found is None:
            project = self._projects_by_pk[pk]
            rows = self._indicators_of.get(pk, [])
            found = self._inputs[pk] = evaluation_input_of(project, self._funds_of.get(pk, []), rows)
        return found

    def evaluation(self, pk: int) -> Evaluation:
        """The engine's evaluation of a written project: made once, then shared."""
        found = self._evaluations.get(pk)
        if found is None:
            found = self._evaluations[pk] = evaluate(self.written_input(pk))
        return found

    def warnings_of(self, p: ParsedProject) -> tuple[Warning, ...]:
        """project_warnings(p): the written project's own evaluation serves when it reads alike. A
        declaration (a 绩效目标申报表) has nothing to score yet: its warnings are §8's target checks."""
        if p.declaration:
            return self.declaration_checks(self.pk_of(p))
        if p.monitored:  # a 监控表 is not scored yet: the monitoring's warnings (missing_reason …)
            pk = self.pk_of(p)
            return self._variants(pk) + self.step_warnings.get(pk, ())
        parsed = self._parsed_inputs.get(id(p)) or evaluation_input(p, self.scheme, year=self.year)
        pk = self.pk_of(p)
        if reads_alike(parsed, self.written_input(pk)):
            return self.evaluation(pk).warnings
        return evaluate(parsed).warnings

    def declaration_checks(self, pk: int) -> tuple[Warning, ...]:
        """The §8 checks of a written project's declared targets (every row it holds after the write),
        after the import's own name_variant warning (manage.py targets shows the same checks)."""
        written = self.written_input(pk)
        budget = written.budget.annual if written.budget is not None else None
        checks = check_targets(TargetsInput(written.scheme, written.indicators, budget, self.year))
        return self._variants(pk) + checks

    def _variants(self, pk: int) -> tuple[Warning, ...]:
        """The import's own name_variant warning of a written project."""
        return tuple(w for w in self.evaluation(pk).warnings if w.code == "name_variant")


PROJECT_FIELDS = ["unit", "annual_goal", "scheme", "name_variants", "updated_at"]


def _project_values(project: Project) -> tuple:
    return (project.unit_id, project.annual_goal, project.scheme, list(project.name_variants or []))


# bulk_update writes CASE WHEN per field and row: SQLite counts two parameters for each.
UPDATE_BATCH = 500
INDICATOR_FIELDS = [
    "position", "comparator", "target", "target_text", "unit", "deadline", "sign_assumed", "weight", "direction",
    "actual", "actual_text", "actual_label", "actual_date", "actual_assumed", "actual_unit", "not_applicable", "reason",
    "adjusted_score", "adjust_reason", "adjusted_by", "adjusted_at",
]  # fmt: skip


def _values(row: Indicator) -> tuple:
    return tuple(getattr(row, name) for name in INDICATOR_FIELDS)


def _apply_indicator(row: Indicator, item: ParsedIndicator, position: int) -> None:
    t = item.target
    row.position = position
    row.comparator, row.target, row.target_text, row.unit = t.comparator, t.value, t.text, t.unit
    row.deadline, row.sign_assumed = t.deadline, t.sign_assumed
    if item.weight is not None:  # a declaration's blank weight keeps the stored one (a new row: 0)
        row.weight = item.weight
    elif row.weight is None:
        row.weight = ZERO
    row.direction = direction_of(t.comparator)
    row.drop_unfitting_adjustment()
    if t.comparator != QUALITATIVE and t.deadline is None:
        row.target_text = ""  # a plain number: `target` holds it
    if item.not_applicable:  # 不适用: no actual (the editor's rule, indicators.editing)
        row.actual, row.actual_text, row.actual_label, row.actual_date = None, "", "", None
        row.actual_assumed, row.actual_unit, row.not_applicable = False, "", True
    elif item.actual is not None:
        a = item.actual
        row.actual, row.actual_text, row.actual_label = a.value, a.text, a.label
        row.actual_date, row.actual_assumed, row.actual_unit = a.on_date, a.assumed, a.unit
        row.not_applicable = False
    if item.reason:
        row.reason = item.reason


# --- evaluator adjustments ----------------------------------------------------------------

ADJUST_STATE = "只有已提交、待审核的项目可以调整得分"
ADJUST_REASON = "请填写调整理由"


@transaction.atomic
def indicator_adjust(*, indicator: Indicator, value: Decimal | None, reason: str, user: object) -> Indicator:
    """An evaluator replaces the computed score (value None clears it); the computed one is kept.

    The value must lie in [0, w] and, for a 定性 indicator of a band-locked scheme, inside its
    band (domain.md §2); who and when are recorded, and the history keeps every change.
    """
    projects_guard(user, [indicator.project_id], roles=REVIEWERS, denied=REVIEWERS_ONLY)
    project = Project.objects.select_for_update().get(pk=indicator.project_id)  # approve waits, or we wait
    if project.status != Status.SUBMITTED:
        raise ValidationError(ADJUST_STATE, code="state")
    if value is not None:
        if not reason.strip():
            raise ValidationError({"reason": ADJUST_REASON})
        error = adjustment_error(indicator_input(indicator), value, get_scheme(project.scheme))
        if error:
            raise ValidationError({"value": error})
    indicator.adjusted_score = value
    indicator.adjust_reason = reason.strip() if value is not None else ""
    indicator.adjusted_by = user if value is not None else None
    indicator.adjusted_at = timezone.now() if value is not None else None
    indicator._change_reason = f"审核调整：{reason.strip()}" if value is not None else "撤销审核调整"
    indicator.save(update_fields=["adjusted_score", "adjust_reason", "adjusted_by", "adjusted_at"])
    projects_rescore(project_ids=[project.pk])
    return indicator
