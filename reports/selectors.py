"""Reads for report pages."""

from __future__ import annotations

from typing import Any

from projects.access import visible_projects


def batch_scope(user: Any, *, year: int | None, department: Any, unit: Any) -> tuple[str, list[int]]:
    """(description, project ids) of a batch export, within what `user` may see."""
    projects = visible_projects(user)
    words = []
    if year:
        projects, words = projects.filter(year=year), [*words, f"{year}年度"]
    if department:
        projects, words = projects.filter(unit__department=department), [*words, department.name]
    if unit:
        projects, words = projects.filter(unit=unit), [*words, str(unit)]
    ids = list(projects.order_by("unit__code", "code", "pk").values_list("pk", flat=True))
    return " · ".join(words), ids
