"""Project pages: the list a user may see, one project's scores and reports, and the officer's edits."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators.timeline import project_history_rows, project_timeline, timeline_entries
from monitoring.carry import narrative_start
from projects.access import (
    can_write,
    project_for_user,
    require_role,
    role_of,
    unit_for_officer,
    visible_projects,
    visible_units,
)
from projects.context_processors import todo_of
from projects.editing import project_create_with_funds, project_update
from projects.forms import (
    DeleteDraftForm,
    ProjectCreateForm,
    ProjectEditForm,
    StageStepForm,
    WithdrawForm,
    add_service_error,
    is_stale,
)
from projects.listing import UNIT_OPTIONS, UnitSearchForm, default_year, project_list_page
from projects.locks import is_locked
from projects.models import Project, Role
from projects.readiness import project_gaps
from projects.scores import project_evaluate
from projects.selectors import (
    fund_rows,
    last_return,
    projects_with_scoring_data,
    todo_projects,
    years_of,
)
from projects.services import (
    SubmissionBlocked,
    evaluation_submit,
    evaluation_withdraw,
    project_deletable,
    project_delete_draft,
)
from projects.stages import STAGES, Action, Part, StageKey, StageSpec, StageStatus, Transition, status_label
from projects.stages import ordered as stages_ordered
from projects.templatetags.labels import gap_url
from projects.workflow import allowed_actions, states_of, transition
from reports.forms import NarrativeForm
from review.selectors import officer_feedback


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    """The year's projects the user may see, 50 a page, filtered, searched and sorted on the server."""
    require_role(request.user)
    visible = visible_projects(request.user)
    years = years_of(visible)
    listing = project_list_page(
        visible, visible_units(request.user), request.GET, default_year=default_year(request.user, visible)
    )
    todo = todo_of(request)  # the navigation's counts, also the page's first panel
    waiting = todo_projects(
        visible, todo, today=timezone.localdate(), default_deadline=settings.EVALSYS_SUBMISSION_DEADLINE
    )
    context = {"list": listing, "projects": listing.projects, "years": years, "year": listing.year,
               "form": listing.form, "todo_lists": waiting}  # fmt: skip
    return render(request, "projects/list.html", context, status=400 if listing.form.errors else 200)


@login_required
@require_GET
def unit_search(request: HttpRequest) -> HttpResponse:
    """A unit select's search box (htmx): the options of the units the user may see whose code or
    name contains `q` (within `department` when given; the chosen `unit` kept), at most UNIT_OPTIONS,
    with a count for the box's status line. Read only; every list's and page's unit filter asks here."""
    require_role(request.user)
    form = UnitSearchForm(request.GET, units=visible_units(request.user))
    if not form.is_valid():
        errors = [e for field in form for e in field.errors]
        return render(request, "lists/_unit_matches.html", {"errors": errors}, status=400)
    found, more = form.matches()
    chosen = form.cleaned_data.get("unit")
    kept = [chosen] if chosen is not None and chosen not in found else []  # a choice is not lost by typing
    context = {"units": [*kept, *found], "chosen": chosen, "found": len(found), "more": more, "limit": UNIT_OPTIONS}
    return render(request, "lists/_unit_matches.html", context)


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_for_user(request.user, pk)
    project = projects_with_scoring_data().select_related("narrative").get(pk=project.pk)
    evaluation = project_evaluate(project)
    offered = allowed_actions(request.user, project)  # every stage's steps, asked once
    actions = {step.action for step in offered if step.stage == StageKey.SELF_EVALUATION}
    can_submit = Action.SUBMIT in actions
    writable = can_write(request.user, project)
    context = {
        "project": project,
        "evaluation": evaluation,
        "funds": fund_rows(list(project.funds.all())),
        "can_write": writable,
        "can_submit": can_submit,
        "gaps": project_gaps(project, evaluation) if can_submit and not _refused(request) else [],
        "can_withdraw": Action.WITHDRAW in actions and role_of(request.user) == Role.OFFICER,
        "can_delete": can_submit and project_deletable(project),
        "withdraw_form": WithdrawForm(prefix="withdraw"),
        "feedback": officer_feedback(project, evaluation),
        "narrative_form": _narrative_form(project, writable=writable),
        "timeline": project_timeline(project),
        "returned": last_return(project),
        "stage_panels": stage_panels(project, offered),
    }
    return render(request, "projects/detail.html", context)


def _narrative_form(project: Project, *, writable: bool) -> NarrativeForm:
    """The 自评报告 text form; while the officer may write it, an empty 存在问题 or 改进措施 starts from the
    运行监控's causes and measures (monitoring.carry: offered in the box, stored only by a save)."""
    narrative = getattr(project, "narrative", None)
    start = {}
    if writable and not is_locked(project, Part.NARRATIVE):
        start = {k: v for k, v in narrative_start(project).items() if not getattr(narrative, k, "")}
    form = NarrativeForm(instance=narrative, initial=start)
    form.offered = sorted(start)  # type: ignore[attr-defined]
    return form


@dataclass(frozen=True)
class StagePanel:
    """One stage of the project's year on its page: its state and the steps the user may take."""

    spec: StageSpec
    status: str
    steps: tuple[tuple[Transition, StageStepForm], ...]  # taken by the panel's own buttons
    pages: tuple[str, ...] = ()  # URL names of pages that take the other steps (Transition.via)

    @property
    def status_label(self) -> str:
        return status_label(self.status)


def stage_panels(project: Project, steps: list[Transition]) -> list[StagePanel]:
    """The panels of the project's stages that have one (projects.stages: StageSpec.template), in order,
    with `steps` (projects.workflow.allowed_actions) under their stage."""
    states = states_of(project)
    offered: dict[str, list[Transition]] = {}
    for step in steps:
        offered.setdefault(step.stage, []).append(step)
    return [
        StagePanel(spec, states[spec.key],
                   tuple((step, StageStepForm(step=step, prefix=f"{spec.key}-{step.action}"))
                         for step in offered.get(spec.key, ()) if not step.via),
                   tuple(dict.fromkeys(step.via for step in offered.get(spec.key, ()) if step.via)))
        # a stage 随自评填报 (targets that came with the evaluation) has nothing to show or do
        for spec in stages_ordered() if spec.template and states.get(spec.key, HIDDEN) != HIDDEN
    ]  # fmt: skip


HIDDEN = StageStatus.RECORDED  # stage rows not shown (nor a stage the project does not have)
STEP_TAKEN = "{stage}：已{action}"


@login_required
@require_POST
def stage_step(request: HttpRequest, pk: int, stage: str, action: str) -> HttpResponse:
    """A step of a stage with a panel: the engine (projects.workflow.transition) checks role, unit,
    state, reason and readiness; the page only says what happened."""
    project = project_for_user(request.user, pk)
    spec = STAGES.get(stage)
    step = next((t for t in spec.transitions if t.action == action), None) if spec else None
    if step is None:
        raise Http404("没有这个步骤")
    form = StageStepForm(request.POST, step=step, prefix=f"{stage}-{action}")
    if form.is_valid():
        try:
            with transaction.atomic():
                transition(projects=[project], stage=stage, action=action, user=request.user,
                           reason=form.cleaned_data["reason"])  # fmt: skip
        except ValidationError as error:
            messages.error(request, "；".join(error.messages), extra_tags="danger")
        else:
            messages.success(request, STEP_TAKEN.format(stage=spec.label, action=step.label))
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors), extra_tags="danger")
    return redirect(reverse("projects:detail", args=[project.pk]) + f"#stage-{stage}")


SAVED = "已保存"
CREATED = "项目已创建，请设置绩效指标"
SUBMITTED = "已提交审核"


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_for_user(request.user, pk, write=True)
    form = ProjectEditForm(request.POST or None, project=project, funds=list(project.funds.all()))
    if request.method == "POST" and form.is_valid():
        try:
            project_update(project=project, user=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, SAVED)
            return redirect("projects:detail", pk=project.pk)
    status = 409 if is_stale(form) else 400 if form.errors else 200
    return render(request, "projects/edit.html", {"project": project, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    """An officer starts a project of their unit, then fills in the tree in the editor."""
    unit = unit_for_officer(request.user)
    form = ProjectCreateForm(request.POST or None, unit=unit, initial={"year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid():
        try:
            project = project_create_with_funds(project=form.save(commit=False), funds=form.funds(), user=request.user)
        except ValidationError as error:  # taken meanwhile: said as the form says it
            add_service_error(form, error)
        else:
            messages.success(request, CREATED)
            return redirect("indicators:editor", pk=project.pk)
    return render(request, "projects/create.html", {"form": form}, status=400 if form.errors else 200)


def _refused(request: HttpRequest) -> bool:
    """A refusal is on the page already (it lists the same gaps): the panel would repeat it."""
    return any(m.level == messages.ERROR for m in messages.get_messages(request))


def _refusal(error: ValidationError) -> str:
    """The refusal with each gap as a link to where it is fixed."""
    if isinstance(error, SubmissionBlocked):
        gaps = [g for found in error.gaps.values() for g in found]
        items = format_html_join("", '<li><a href="{}">{}</a></li>', ((gap_url(g), g.message) for g in gaps))
        return format_html('{}<ul class="mb-0 submit-gaps">{}</ul>', error.messages[0], items)
    head, *reasons = error.messages
    return format_html('{}<ul class="mb-0">{}</ul>', head, format_html_join("", "<li>{}</li>", ((r,) for r in reasons)))


@login_required
@require_POST
def project_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """提交审核 once confirmed (the project page's inline confirmation sends confirm=1); without it
    nothing is submitted and the confirmation is shown on a page of its own."""
    project = project_for_user(request.user, pk, write=True)
    if request.POST.get("confirm") != "1":
        return render(request, "projects/submit_confirm.html", {"project": project})
    try:
        evaluation_submit(project=project, user=request.user)
    except ValidationError as error:
        messages.error(request, _refusal(error), extra_tags="danger")
    else:
        messages.success(request, SUBMITTED)
    return redirect("projects:detail", pk=project.pk)


WITHDRAWN = "已撤回，项目回到草稿，可以继续修改"


@login_required
@require_POST
def project_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """撤回 a submission (the submitting unit's officer, before review starts: the service checks)."""
    require_role(request.user, Role.OFFICER)
    project = project_for_user(request.user, pk)
    form = WithdrawForm(request.POST, prefix="withdraw")
    if form.is_valid():
        try:
            evaluation_withdraw(project=project, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, WITHDRAWN)
            return redirect("projects:detail", pk=project.pk)
    messages.error(request, "；".join(e for errors in form.errors.values() for e in errors), extra_tags="danger")
    return redirect("projects:detail", pk=project.pk)


DELETED = "已删除草稿项目“{name}”"


@login_required
@require_http_methods(["GET", "POST"])
def project_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """删除草稿: a confirmation page, then the draft is gone (only one never submitted: the service checks)."""
    project = project_for_user(request.user, pk, write=True)
    form = DeleteDraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project_delete_draft(project=project, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, DELETED.format(name=project.name))
            return redirect(f"{reverse('projects:list')}?year={project.year}")
    context = {"project": project, "form": form, "deletable": project_deletable(project)}
    return render(request, "projects/delete.html", context, status=400 if form.errors else 200)


HISTORY_PER_PAGE = 50


@login_required
@require_GET
def project_history(request: HttpRequest, pk: int) -> HttpResponse:
    """修改与审核记录: the project's whole timeline, newest first, 50 entries a page; only the page's
    records (and their predecessors) are loaded and diffed."""
    project = project_for_user(request.user, pk)
    page = Paginator(project_history_rows(project), HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = timeline_entries(page.object_list)
    pages = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    context = {"project": project, "page": page, "pages": pages, "timeline": page.object_list, "paged": True}
    return render(request, "projects/history.html", context)
