"""The officer's indicator editor: the tree (add, change, remove, reorder) and the actuals, over HTMX.

An HTMX request gets a fragment (the changed row or the tree) plus out-of-band updates of the
weight sums, the total score and the page's project version; its errors come back in the fragment
with status 200 so that htmx swaps them in. Without HTMX a save redirects to the editor page and
an error re-renders the page with status 400 (409 when someone else saved first).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from indicators import editing, selectors
from indicators.forms import ActualForm, IndicatorForm, level2_choices, target_shown
from indicators.models import Indicator
from monitoring.carry import MidYear, mid_year_of
from projects.access import project_for_user
from projects.forms import VersionedForm, add_service_error, is_stale
from projects.locks import is_locked, lock_message
from projects.models import Project
from projects.scores import project_evaluate
from projects.stages import Part, StageKey, StageStatus
from projects.workflow import states_of
from scoring.readiness import indicator_gaps
from scoring.schemes import get_scheme
from scoring.targets import check_targets
from scoring.types import IndicatorScore, Scheme, Warning
from targets.selectors import targets_input

PAGE = "indicators/editor.html"
TREE, ROW, ACTUALS, ACTUAL = "_tree", "_tree_row", "_actuals", "_actual_row"
WEIGHTS, TOTAL, VERSION = "_weights", "_total", "_version"


@dataclass(frozen=True)
class Row:
    """One indicator on the editor page: its score, and its tree and actual forms.

    The forms are built when a template first reads them: an HTMX response renders one row (or the
    tree, or the actuals), so the forms of rows it does not send are never built. `failed` (a bound
    form with errors) stands in for the fresh form of the row it belongs to.
    """

    indicator: Indicator | None
    scheme: Scheme
    score: IndicatorScore | None = None
    failed: forms.Form | None = None
    checks: tuple[Warning, ...] = ()  # the §8 target checks of this row while the targets are declared
    mid_year: MidYear | None = None  # the row's 运行监控 at the cut-off month (monitoring.carry)

    @cached_property
    def form(self) -> IndicatorForm:
        return _pick(self.failed, IndicatorForm, self.indicator) or IndicatorForm(
            scheme=self.scheme, indicator=self.indicator
        )

    @cached_property
    def actual_form(self) -> ActualForm | None:
        if self.indicator is None:
            return None
        start = self.mid_year.starting_reason if self.mid_year else ""
        found = _pick(self.failed, ActualForm, self.indicator)
        return found or ActualForm(indicator=self.indicator, start_reason=start)

    @property
    def target(self) -> str:
        return target_shown(self.indicator) if self.indicator else ""

    @property
    def gaps(self) -> tuple[str, ...]:
        """Why this row would block submission, marked on the row as the officer types."""
        return indicator_gaps(self.score) if self.score else ()


def _editable(request: HttpRequest, pk: int, ipk: int) -> tuple[Project, Indicator]:
    project = project_for_user(request.user, pk, write=True)
    return project, get_object_or_404(project.indicators, pk=ipk)


def _context(project: Project, *, failed: forms.Form | None = None, focus: int | None = None) -> dict[str, Any]:
    """Everything the editor templates use; `failed` (a form with errors) replaces the fresh one.

    Funds and indicators are read afresh (after the write) onto the request's `project`, whose
    version the write has moved on. The whole project is scored, since the total depends on every
    row, but a row's forms are only built if the response renders them (see Row).
    """
    selectors.with_scoring_data(project)
    scheme, indicators = get_scheme(project.scheme), list(project.indicators.all())
    evaluation = project_evaluate(project)
    checks = _target_checks(project)
    mid = mid_year_of(project)
    rows = [Row(i, scheme, score, failed, tuple(w for w in checks if w.indicator == i.level3), mid.get(i.pk))
            for i, score in zip(indicators, evaluation.indicators, strict=True)]  # fmt: skip
    weights, weight_total = selectors.weight_sums(scheme, indicators)
    return {
        "project": project, "rows": rows, "row": next((r for r in rows if r.indicator.pk == focus), None),
        "new_row": Row(None, scheme, failed=failed), "weights": weights, "weight_total": weight_total,
        "evaluation": evaluation,
        "version": failed.data.get("version", project.version) if failed else project.version,
        "structure_form": failed if type(failed) is VersionedForm else None,
        "target_checks": [w for w in checks if not w.indicator],
        # the self-evaluation not yet open (targets being declared): the actuals wait, and say why
        "actuals_waiting": lock_message(project, (Part.ACTUALS,)) if is_locked(project, Part.ACTUALS) else "",
    }  # fmt: skip


def _target_checks(project: Project) -> tuple[Warning, ...]:
    """domain.md §8's checks, live beside the rows while the project's targets are being declared
    (the targets stage open for editing); none for targets 随自评填报, whose checks are the year end's."""
    if states_of(project).get(StageKey.TARGETS) not in DECLARING:
        return ()
    return check_targets(targets_input(project))


DECLARING = (StageStatus.DRAFT, StageStatus.RETURNED, StageStatus.REVISING, StageStatus.ADJUSTING)


def _pick(failed: forms.Form | None, kind: type, indicator: Indicator | None) -> Any:
    if isinstance(failed, kind) and getattr(failed, "indicator", None) == indicator:
        return failed
    return None


def _attempt(request: HttpRequest, form: VersionedForm, service: Callable[..., Any], **extra: Any) -> bool:
    """Validate `form` and call `service` with what it read; a refusal lands on the form."""
    if not form.is_valid():
        return False
    try:
        service(user=request.user, **form.service_kwargs(), **extra)
    except ValidationError as error:
        add_service_error(form, error)
        return False
    return True


def _respond(request: HttpRequest, project: Project, form: forms.Form, ok: bool, *, main: str,
             oob: Sequence[str] = (), focus: int | None = None) -> HttpResponse:  # fmt: skip
    if ok and not request.htmx:
        return redirect("indicators:editor", pk=project.pk)
    context = _context(project, failed=None if ok else form, focus=focus)
    if not request.htmx:
        return render(request, PAGE, context, status=409 if is_stale(form) else 400)
    names = [f"indicators/{name}.html" for name in (oob if ok else ())]
    return render(request, "indicators/_response.html", context | {"main": f"indicators/{main}.html", "oob": names})


@login_required
@require_GET
def editor(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_for_user(request.user, pk, write=True)
    return render(request, PAGE, _context(project))


@login_required
@require_GET
def level2_options(request: HttpRequest, pk: int) -> HttpResponse:
    """The 二级 choices under the 一级 picked in the new-row form."""
    project = project_for_user(request.user, pk, write=True)
    choices = level2_choices(get_scheme(project.scheme), request.GET.get("level1", ""))
    return render(request, "indicators/_level2_options.html", {"choices": choices})


@login_required
@require_POST
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_for_user(request.user, pk, write=True)
    form = IndicatorForm(request.POST, scheme=get_scheme(project.scheme))
    ok = _attempt(request, form, editing.indicator_create, project=project)
    return _respond(request, project, form, ok, main=TREE, oob=(ACTUALS, TOTAL, VERSION))


@login_required
@require_POST
def indicator_update(request: HttpRequest, pk: int, ipk: int) -> HttpResponse:
    project, row = _editable(request, pk, ipk)
    form = IndicatorForm(request.POST, scheme=get_scheme(project.scheme), indicator=row)
    ok = _attempt(request, form, editing.indicator_update, indicator=row)
    return _respond(request, project, form, ok, main=ROW, oob=(WEIGHTS, ACTUAL, TOTAL, VERSION), focus=row.pk)


@login_required
@require_POST
def indicator_delete(request: HttpRequest, pk: int, ipk: int) -> HttpResponse:
    project, row = _editable(request, pk, ipk)
    form = VersionedForm(request.POST)
    ok = _attempt(request, form, editing.indicator_delete, indicator=row)
    return _respond(request, project, form, ok, main=TREE, oob=(ACTUALS, TOTAL, VERSION))


@login_required
@require_POST
def indicator_move(request: HttpRequest, pk: int, ipk: int, direction: str) -> HttpResponse:
    project, row = _editable(request, pk, ipk)
    form = VersionedForm(request.POST)
    ok = _attempt(request, form, editing.indicator_move, indicator=row, direction=direction)
    return _respond(request, project, form, ok, main=TREE, oob=(ACTUALS, TOTAL, VERSION))


@login_required
@require_POST
def indicator_actual(request: HttpRequest, pk: int, ipk: int) -> HttpResponse:
    project, row = _editable(request, pk, ipk)
    form = ActualForm(request.POST, indicator=row)
    ok = _attempt(request, form, editing.indicator_set_actual, indicator=row)
    return _respond(request, project, form, ok, main=ACTUAL, oob=(TOTAL, VERSION), focus=row.pk)
