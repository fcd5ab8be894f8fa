"""The ORM adapter of the scoring engine: database rows in, plain dataclasses to the rules, and the
totals stored on Project. It reads projects with their funds and indicators (by relation: it names
no indicators model) and writes Project's columns, so it is projects' (it was scoring/services.py;
scoring holds the pure rules only)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.module_loading import import_string

from evalsys.lib.bulk import bulk_update_columns
from projects.models import Project
from projects.selectors import projects_with_scoring_data
from scoring.display import has_actuals
from scoring.rules import evaluate, fmt, pts
from scoring.schemes import get_scheme
from scoring.types import QUALITATIVE, ZERO, BudgetInput, Evaluation, EvaluationInput, IndicatorInput


def indicator_input(row: Any) -> IndicatorInput:
    """The row (an indicators.models.Indicator, or an unsaved one alike) as the rules read it. A
    不适用 row keeps the actual its officer entered (unticking brings it back) but is scored, warned
    and printed without it: the engine never sees it."""
    na = row.not_applicable
    return IndicatorInput(
        level1=row.level1, level2=row.level2, level3=row.level3, comparator=row.comparator,
        weight=row.weight, target=row.target, target_text=row.target_text, unit=row.unit,
        not_applicable=na,
        deadline=row.deadline, actual=None if na else row.actual, actual_text="" if na else row.actual_text,
        actual_label="" if na else row.actual_label, actual_date=None if na else row.actual_date,
        actual_assumed=False if na else row.actual_assumed,
        sign_assumed=row.sign_assumed, reason=row.reason, adjusted=row.adjusted_score,
        actual_unit="" if na else row.actual_unit,
    )  # fmt: skip


def evaluation_input(project: Project) -> EvaluationInput:
    """Plain input for `project`; expects funds and indicators prefetched (see selectors)."""
    return evaluation_input_of(project, list(project.funds.all()), list(project.indicators.all()))


def evaluation_input_of(project: Project, funds: list[Any], rows: list[Any]) -> EvaluationInput:
    """Plain input for `project` with these fund and indicator rows (already in memory)."""
    budget = None
    if funds:
        annual = sum((f.annual for f in funds), ZERO)
        executed = sum((f.executed for f in funds), ZERO)
        budget = BudgetInput(annual=annual, executed=executed, assumed=any(f.annual_assumed for f in funds))
    indicators = tuple(indicator_input(i) for i in rows)
    variants = tuple(project.name_variants or ())
    explained = bool((getattr(project, "low_execution_reason", "") or "").strip())
    return EvaluationInput(get_scheme(project.scheme), indicators, budget, variants, project.code, project.year,
                           explained)  # fmt: skip


def project_evaluate(project: Project) -> Evaluation:
    return evaluate(evaluation_input(project))


def _as_entered(value: Decimal | None, text: str, *, qualitative: bool) -> str:
    return text if qualitative or value is None else fmt(value)


def evaluation_json(project: Project, ev: Evaluation) -> dict[str, Any]:
    """The `score --json` object of contract.md: every number a two-decimal string."""
    budget = None
    if ev.budget:
        b = ev.budget
        budget = {"annual": pts(b.annual), "executed": pts(b.executed), "rate": pts(b.rate),
                  "weight": pts(b.weight), "score": pts(b.score), "explanation": b.explanation}  # fmt: skip
    rows = []
    for s in ev.indicators:
        i = s.indicator
        text_like = i.comparator == QUALITATIVE or i.deadline is not None
        rows.append({
            "level1": i.level1, "level2": i.level2, "level3": i.level3, "comparator": i.comparator,
            "target": _as_entered(i.target, i.target_text, qualitative=text_like), "unit": i.unit,
            "actual": _as_entered(i.actual, i.actual_text, qualitative=text_like),
            "weight": pts(i.weight), "computed": pts(s.computed), "score": pts(s.score),
            "adjusted": s.adjusted, "explanation": s.explanation,
        })  # fmt: skip
    out = {
        "code": project.code, "name": project.name, "year": project.year, "scheme": ev.scheme.key,
        "unit": str(project.unit), "budget": budget, "indicators": rows,
        "subtotals": {name: pts(value) for name, value in ev.subtotals},
        "indicator_total": pts(ev.indicator_total), "total": pts(ev.total), "grade": ev.grade,
        "warnings": [{"code": w.code, "indicator": w.indicator, "message": w.message} for w in ev.warnings],
    }  # fmt: skip
    if ev.level1_grades:  # schemes that grade each 一级 (framework2013, domain.md §9)
        out["level1_grades"] = {
            g.level1: {"points": pts(g.points), "weight": pts(g.weight),
                       "share": pts(g.share) if g.share is not None else "", "grade": g.grade}
            for g in ev.level1_grades
        }  # fmt: skip
    return out


STORED = ["score_total", "score_grade", "execution_rate", "warning_count", "warning_codes", "answered", "scored"]


def all_answered(ev: Evaluation) -> bool:
    """Every indicator has an actual or is 不适用, and there is at least one (the to-do's 待提交)."""
    return bool(ev.indicators) and all(s.indicator.answered for s in ev.indicators)


def warning_codes(ev: Evaluation) -> str:
    """The distinct warning codes of `ev` as stored for the lists' filter: ",a,b," ("" for none)."""
    codes = sorted({w.code for w in ev.warnings})
    return f",{','.join(codes)}," if codes else ""


# What else is stored from a project's targets and budget, kept by the app that stores it (dotted paths
# of f(project_ids=...), registered in its AppConfig.ready: this layer imports no app above it): each
# is called by projects_rescore, inside the caller's transaction, after the edit is written. The
# import calls its own steps instead (indicators.services.IMPORT_STEPS).
RESCORED: list[str] = []


def register_rescored(path: str) -> None:
    if path not in RESCORED:
        RESCORED.append(path)


def projects_rescore(*, project_ids: list[int]) -> int:
    """Recompute and store the totals of these projects (a fixed number of queries per 500), and what
    the stage apps store from the same rows (RESCORED: the 运行监控's lights)."""
    changed = []
    for start in range(0, len(project_ids), 500):
        for project in projects_with_scoring_data(Project.objects.filter(pk__in=project_ids[start : start + 500])):
            changed.append((project, evaluation_input(project)))
    stored = projects_store_scores(evaluated=changed)
    for path in RESCORED:
        import_string(path)(project_ids=project_ids)
    return stored


def projects_store_scores(*, evaluated: list[tuple[Any, EvaluationInput]], copy: bool | None = None) -> int:
    """Score each (project, input) and store its totals in one bulk update."""
    return projects_store_evaluations(evaluated=[(project, evaluate(data)) for project, data in evaluated], copy=copy)


def projects_store_evaluations(*, evaluated: list[tuple[Any, Evaluation]], copy: bool | None = None) -> int:
    """Store each (project, evaluation)'s totals in one bulk update (the import passes the evaluations
    of the rows it has just written, made once: nothing is read back or scored twice)."""
    changed = []
    for project, ev in evaluated:
        evaluation_apply(project, ev)
        changed.append(project)
    bulk_update_columns(changed, Project, STORED, copy=copy)  # COPY and one UPDATE on PostgreSQL for many
    return len(changed)


def evaluation_apply(project: Any, ev: Evaluation) -> None:
    """Set `project`'s STORED fields from its evaluation, unsaved (the import's new projects are
    inserted with them: no UPDATE follows their INSERT)."""
    project.score_total, project.score_grade = ev.total, ev.grade
    project.execution_rate = ev.budget.rate if ev.budget else None
    project.warning_count = len(ev.warnings)
    project.warning_codes = warning_codes(ev)
    project.answered = all_answered(ev)
    project.scored = has_actuals(ev)
