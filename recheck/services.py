"""复核 (domain.md §7): read a published 自评表, score it under its scheme, report what departs.

Nothing here writes to the database: the table is read as `import_workbook` reads it (plus the
published scores, see recheck.reading), scored by `scoring.rules.evaluate` and compared by
`scoring.recheck.recheck`. The scheme is the one asked for, else the stored project's (same code
and year, visible to the user), else `national`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from evalsys.lib.xlsx import WorkbookRefused
from indicators import services as imports
from indicators.importer import ImportFailed, ParsedProject
from indicators.services import NO_TABLE, UNREADABLE
from indicators.workbook import SheetRow, read_workbook
from projects.models import Project
from recheck.access import recheck_scope, refusal, stored_projects
from recheck.reading import PublishedParser, published_table
from scoring.recheck import Deviation, RecheckResult, SumFinding, recheck
from scoring.rules import evaluate, pts
from scoring.schemes import DEFAULT_KEY, SCHEMES, get_scheme
from scoring.types import ZERO, Evaluation, Scheme

# The causes' Chinese labels are scoring.labels.CAUSE_LABELS (one dict for every page and file).
WHAT_LABELS = {
    "subtotal": _("小计"), "indicator_total": _("指标合计"), "total": _("总分"), "budget": _("预算执行"),
    "weights": _("指标分值"), "grade": _("等级"),
}  # fmt: skip
STATUS_LABELS = {"ok": _("无差异"), "departs": _("有差异"), "unreadable": _("无法读取"),
                 "nothing": _("无可复核项目")}  # fmt: skip
# "nothing": every project of the table belongs to another unit, so nothing was checked (not "ok"
# on the page); the command's status stays the contract's: nothing departs, 0
EXIT_CODES = {"ok": 0, "departs": 1, "unreadable": 2, "nothing": 0}


@dataclass(frozen=True)
class Line:
    """One indicator row as the page shows it: published and rule score, and its deviation if any."""

    sheet: str
    row: int
    level1: str
    level2: str
    level3: str
    weight: Decimal
    published: Decimal | None
    computed: Decimal
    explanation: str
    deviation: Deviation | None


@dataclass(frozen=True)
class ProjectFindings:
    """One project of the table: what it publishes, what the rules say, and the findings."""

    parsed: ParsedProject
    year: int
    scheme: Scheme
    evaluation: Evaluation
    result: RecheckResult

    @property
    def code(self) -> str:
        return self.parsed.code

    @property
    def name(self) -> str:
        return self.parsed.name

    @property
    def unit(self) -> str:
        return f"{self.parsed.unit_code}-{self.parsed.unit_name}".strip("-")

    def deviation_at(self, sheet: str, row: int) -> Deviation | None:
        return next((d for d in self.result.deviations if (d.sheet, d.row) == (sheet, row)), None)

    @property
    def lines(self) -> list[Line]:
        return [
            Line(i.sheet, i.row, i.level1, i.level2, i.level3, i.weight, i.published, s.score, s.explanation,
                 self.deviation_at(i.sheet, i.row))
            for i, s in zip(self.parsed.indicators.values(), self.evaluation.indicators, strict=True)
        ]  # fmt: skip


@dataclass
class RecheckReport:
    """A whole workbook's 复核: its projects, or the errors that kept it from being read."""

    filename: str
    year: int
    projects: list[ProjectFindings] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # projects not shown to this user, with why

    @property
    def status(self) -> str:
        if self.errors:
            return "unreadable"
        if not self.projects:
            return "nothing"
        return "departs" if any(p.result.departs for p in self.projects) else "ok"

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    @property
    def rows(self) -> int:
        return sum(p.result.rows for p in self.projects)

    @property
    def deviations(self) -> int:
        return sum(len(p.result.deviations) for p in self.projects)

    @property
    def at_stake(self) -> Decimal:
        return sum((p.result.at_stake for p in self.projects), ZERO)


def workbook_recheck(
    *,
    path: str | Path,
    year: int,
    scheme_key: str | None = None,
    user: Any = None,
    max_rows: int | None = None,
    filename: str = "",
) -> RecheckReport:
    """Re-check the workbook at `path` (domain.md §7). `user` None is the command line (every unit)."""
    name = filename or Path(path).name
    report = RecheckReport(filename=name, year=year)
    scope = recheck_scope(user)
    try:
        rows = list(read_workbook(path, max_rows=max_rows, totals=True))
    except WorkbookRefused as exc:
        report.errors = [f"{name}：{exc}"]
        return report
    except Exception as exc:  # openpyxl raises many types for a bad file
        report.errors = [UNREADABLE.format(path=name, error=type(exc).__name__)]
        return report
    default_unit = str(scope) if scope else ""
    parsed: list[tuple[ParsedProject, Scheme]] = []
    for scheme, group in _by_scheme(rows, year=year, scheme_key=scheme_key, user=user, default_unit=default_unit):
        parser = PublishedParser(scheme, default_unit=default_unit)
        for r in group:
            parser.feed(r)
        try:
            parsed += [(p, scheme) for p in parser.finish()]
        except ImportFailed as exc:
            report.errors += exc.errors
    if not parsed and not report.errors:
        report.errors = [NO_TABLE]
    if not report.errors:
        _findings(report, parsed, scope=scope, user=user)
    return report


def _by_scheme(
    rows: list[SheetRow], *, year: int, scheme_key: str | None, user: Any, default_unit: str
) -> list[tuple[Scheme, list[SheetRow]]]:
    """The rows grouped by the scheme that scores them: asked for, stored with the project, or national."""
    if scheme_key:
        return [(get_scheme(scheme_key), rows)]
    codes = PublishedParser(get_scheme(DEFAULT_KEY), default_unit=default_unit).codes(rows)
    found = stored_projects(user, year=year, codes=set(codes) - {""}).values_list("code", "scheme")
    stored = dict(found)
    groups: dict[str, list[SheetRow]] = {}
    for code, r in zip(codes, rows, strict=True):
        key = stored.get(code, DEFAULT_KEY)
        groups.setdefault(key if key in SCHEMES else DEFAULT_KEY, []).append(r)
    return [(get_scheme(key), group) for key, group in groups.items()]


def _findings(report: RecheckReport, parsed: list[tuple[ParsedProject, Scheme]], *, scope: Any, user: Any) -> None:
    codes = {p.code for p, _ in parsed if p.code}
    foreign = set()
    if scope is not None and codes:
        others = Project.objects.filter(year=report.year, code__in=codes).exclude(unit=scope)
        foreign = set(others.values_list("code", flat=True))
    for p, scheme in parsed:
        why = refusal(scope, unit_code=p.unit_code, unit_name=p.unit_name, foreign=p.code in foreign, year=report.year)
        if why:
            report.refused.append(f"{p.sheet}!第{p.row}行 {why}")
            continue
        ev = evaluate(imports.evaluation_input(p, scheme, year=report.year))  # as the import would store it
        result = recheck(table=published_table(p), evaluation=ev)
        report.projects.append(ProjectFindings(p, report.year, scheme, ev, result))


def folder_recheck(
    *, files: Iterable[tuple[str, Path]], year: int, scheme_key: str | None = None, user: Any = None,
    max_rows: int | None = None,
) -> list[RecheckReport]:  # fmt: skip
    """Every (name, path) of a batch, each re-checked on its own."""
    return [
        workbook_recheck(path=path, year=year, scheme_key=scheme_key, user=user, max_rows=max_rows, filename=name)
        for name, path in files
    ]


# --- the contract's JSON ------------------------------------------------------------------


def _number(value: Decimal | str | None) -> str | None:
    if value is None:
        return None
    return pts(value) if isinstance(value, Decimal) else str(value)


def deviation_json(d: Deviation) -> dict[str, Any]:
    return {
        "sheet": d.sheet, "row": d.row, "level1": d.level1, "level2": d.level2, "level3": d.level3,
        "weight": pts(d.weight), "published": pts(d.published), "computed": pts(d.computed),
        "difference": pts(d.difference), "cause": d.cause, "explanation": d.explanation, "note": d.note,
    }  # fmt: skip


def sum_json(s: SumFinding) -> dict[str, Any]:
    return {
        "what": s.what, "level1": s.level1, "published": _number(s.published), "computed": _number(s.computed),
        "parts": _number(s.parts), "cause": s.cause, "message": s.message, "sheet": s.sheet, "row": s.row or None,
    }  # fmt: skip


def project_json(p: ProjectFindings) -> dict[str, Any]:
    r = p.result
    return {
        "code": p.code, "name": p.name, "unit": p.unit, "year": p.year, "scheme": p.scheme.key,
        "rows": r.rows, "judged": r.judged, "at_stake": pts(r.at_stake),
        "total": pts(p.evaluation.total), "grade": p.evaluation.grade,
        "deviations": [deviation_json(d) for d in r.deviations], "sums": [sum_json(s) for s in r.sums],
    }  # fmt: skip


def report_json(report: RecheckReport) -> dict[str, Any]:
    """`recheck --json` (contract.md, 复核): every number a two-decimal string."""
    out: dict[str, Any] = {"projects": [project_json(p) for p in report.projects]}
    if report.refused:
        out["refused"] = report.refused
    if report.errors:
        out["errors"] = report.errors
    return out
