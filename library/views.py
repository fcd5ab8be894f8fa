"""The 指标库 pages officers use: suggestions as a 三级 name is typed, and proposing an entry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from library.forms import ProposalForm
from library.selectors import search
from library.services import PROPOSERS_ONLY, propose
from projects.access import require_role
from projects.models import Role
from scoring.schemes import SCHEMES

SUGGESTIONS = 8


@login_required
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """Entries for the typed 三级 name (`q`), within the project's scheme's 一级 names (`scheme`)
    or naming none; any signed-in user with a role may ask (the library is not per unit)."""
    role = require_role(request.user)
    q = request.GET.get("q", "")
    scheme = SCHEMES.get(request.GET.get("scheme", ""))
    level1 = scheme.level1_names if scheme else None
    rows = search(q, level1=level1, limit=SUGGESTIONS, blank_levels=True)
    context = {"rows": rows, "q": q, "can_propose": role == Role.OFFICER}
    return render(request, "library/_suggestions.html", context)


@login_required
def proposal(request: HttpRequest) -> HttpResponse:
    """An officer proposes a new entry (待审核 until an admin accepts it)."""
    if require_role(request.user) != Role.OFFICER:
        raise PermissionDenied(PROPOSERS_ONLY)
    initial = {name: request.GET.get(name, "")[:300] for name in ("level1", "level2", "level3", "unit")}
    form = ProposalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        propose(request.user, form.instance)
        messages.success(request, f"已提交指标“{form.instance.level3}”，管理员收录后即可在编辑指标时选用")
        return redirect("library:propose")
    status = 400 if request.method == "POST" else 200
    return render(request, "library/propose.html", {"form": form}, status=status)
