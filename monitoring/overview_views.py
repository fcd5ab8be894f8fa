"""The 运行监控 overview (issue 17) and its project list as xlsx: reviewers and admins, each over the
units they review (review.access.require_reviewer; projects.access underneath). An officer gets a 403
and no navigation entry: the overview compares units and 主管部门, which is the reviewers' work, and
an officer sees their own projects' lights on each project's 运行监控 page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from monitoring.overview import export_rows, overview_years
from monitoring.overview import overview as overview_data
from monitoring.overview_forms import OverviewForm
from monitoring.relight import year_relight_status
from projects.access import visible_units
from projects.listing import UNIT_OPTIONS
from reports.monitoring_overview import render_overview_xlsx
from reports.views import attachment
from review.access import require_reviewer

RELIGHT_PENDING = "注意：年度安排已修改，灯色尚未按新设置重新计算完成，下列灯色可能仍按修改前的设置"


def _form(request: HttpRequest) -> OverviewForm:
    require_reviewer(request.user)
    return OverviewForm(request.GET or None, years=overview_years(request.user), units=visible_units(request.user))


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    data = overview_data(request.user, **form.chosen(), page=request.GET.get("page") or 1)
    units, more_units = form.unit_options()
    context = {"form": form, "data": data, "unit_options": units, "more_units": more_units, "unit_limit": UNIT_OPTIONS,
               "chosen": form.chosen(), "query": request.GET.urlencode()}  # fmt: skip
    return render(request, "monitoring/overview.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def overview_xlsx(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    chosen = form.chosen()
    title = _("%(year)s年度运行监控项目清单") % {"year": chosen["year"] or ""}
    rows = export_rows(request.user, **chosen)
    scope = form.scope_text()
    if year_relight_status(chosen["year"]) is not None:  # the stored lights may still be the old settings'
        scope = f"{scope or '全部'}　{RELIGHT_PENDING}"
    return attachment(render_overview_xlsx(rows, title=title, scope=scope), f"{title}.xlsx", "xlsx")
