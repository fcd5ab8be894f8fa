"""The 复核 page (upload a table, see what departs) and its downloads. Reading only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from recheck.access import recheck_scope
from recheck.forms import RecheckForm
from recheck.uploads import NO_PENDING, recheck_download, recheck_pending, recheck_upload


@login_required
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest) -> HttpResponse:
    unit = recheck_scope(request.user)
    form = RecheckForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = recheck_upload(session=request.session, user=request.user, **form.service_kwargs())
    failed = outcome is not None and (outcome.refused or (outcome.report and outcome.report.errors))
    context = {"form": form, "outcome": outcome, "unit": unit}
    return render(request, "recheck/page.html", context, status=400 if form.errors or failed else 200)


@login_required
@require_GET
def download(request: HttpRequest, fmt: str) -> HttpResponse:
    recheck_scope(request.user)
    outcome = recheck_pending(session=request.session, user=request.user)
    if outcome is None:
        raise Http404(NO_PENDING)
    try:
        body, content_type, filename = recheck_download(outcome=outcome, fmt=fmt)
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
