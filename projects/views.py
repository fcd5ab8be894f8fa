"""Project pages: the list a user may see, and one project's scores and reports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from projects.access import can_write, project_for_user, require_role, visible_projects
from projects.selectors import project_timeline, projects_with_scoring_data, years_of
from reports.forms import NarrativeForm
from scoring.services import project_evaluate


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    visible = visible_projects(request.user)
    years = years_of(visible)
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else (years[0] if years else None)
    projects = projects_with_scoring_data(visible.filter(year=year).order_by("unit__code", "code"))
    rows = [(p, project_evaluate(p)) for p in projects]
    return render(request, "projects/list.html", {"rows": rows, "years": years, "year": year})


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_for_user(request.user, pk)
    project = projects_with_scoring_data().select_related("narrative").get(pk=project.pk)
    context = {
        "project": project,
        "evaluation": project_evaluate(project),
        "funds": list(project.funds.all()),
        "can_write": can_write(request.user, project),
        "narrative_form": NarrativeForm(instance=getattr(project, "narrative", None)),
        "timeline": project_timeline(project),
    }
    return render(request, "projects/detail.html", context)
