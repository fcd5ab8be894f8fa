"""Reads that several callers need."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from projects.models import Project

NOT_FOUND = "未找到 {year} 年度的项目“{key}”"
AMBIGUOUS = "{year} 年度有多个名为“{key}”的项目（{units}），请改用项目编码"


class ProjectLookupError(LookupError):
    """A CODE argument matched no project, or several."""


def projects_with_scoring_data(queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """Projects with unit, funds and indicators loaded in a fixed number of queries."""
    from indicators.models import Indicator  # indicators builds on projects, not the other way

    queryset = Project.objects.all() if queryset is None else queryset
    return queryset.select_related("unit", "unit__department").prefetch_related(
        "funds", Prefetch("indicators", queryset=Indicator.objects.order_by("position", "id"))
    )


def project_by_key(*, key: str, year: int) -> Project:
    """The project whose code is `key`, or else whose exact name is `key`, in `year`."""
    base = projects_with_scoring_data(Project.objects.filter(year=year))
    found = list(base.filter(code=key)) or list(base.filter(name=key))
    if not found:
        raise ProjectLookupError(NOT_FOUND.format(year=year, key=key))
    if len(found) > 1:
        units = "、".join(str(p.unit) for p in found)
        raise ProjectLookupError(AMBIGUOUS.format(year=year, key=key, units=units))
    return found[0]


def years_of(queryset: QuerySet[Project]) -> list[int]:
    return sorted(set(queryset.values_list("year", flat=True)), reverse=True)
