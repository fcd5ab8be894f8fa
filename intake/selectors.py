"""Reads for the copy page: which of last year's projects can still be copied into a year."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Abs
from django.utils import timezone

from projects.access import visible_projects
from projects.models import Project
from projects.selectors import years_of
from scoring.schemes import DEFAULT_KEY


def copy_candidates(user: Any, year: int) -> QuerySet[Project]:
    """`user`'s projects of year−1 that have no counterpart in `year`.

    A counterpart is what projects.services.project_copy_to_year treats as a clash: the same code
    in `year`, or, for an uncoded project, the same name within the same unit.
    """
    same_code = Project.objects.filter(year=year, code=OuterRef("code"))
    same_name = Project.objects.filter(year=year, unit=OuterRef("unit"), name=OuterRef("name"))
    free = (~Q(code="") & ~Exists(same_code)) | (Q(code="") & ~Exists(same_name))
    return (
        visible_projects(user).filter(year=year - 1).filter(free).select_related("unit").order_by("unit__code", "code")
    )


def default_copy_year(user: Any) -> int:
    """The year after the latest one `user` has projects in; the current year when there are none."""
    years = years_of(visible_projects(user))
    return years[0] + 1 if years else timezone.localdate().year


def default_scheme_key(unit: Any, year: int) -> str:
    """The scheme of `unit`'s projects of `year` (else of its latest year); national without any.

    There is no per-unit scheme setting: the unit's own projects say which scheme it works under.
    """
    if unit is None:
        return DEFAULT_KEY
    projects = Project.objects.filter(unit=unit).order_by(Abs(F("year") - year), "-year", "-pk")
    return projects.values_list("scheme", flat=True).first() or DEFAULT_KEY
